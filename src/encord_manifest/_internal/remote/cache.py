"""What earlier runs learnt of objects, kept in the user's cache directory.

An entry is kept for an object that answered 2xx with an ETag or a Last-Modified date; a later
run asks the server with a conditional request whether it changed (304: reuse everything, no
body is read again). Entries are keyed by the URL without its query string (a pre-signed URL's
query is a secret, and never stored), one small JSON file per object, written atomically
(pre-commit runs hooks in parallel, and two runs may write the same entry).

Nothing in an entry names the object or a patient: the file's name and its "key" are digests
of the URL, and DICOM header values are kept as digests (the UIDs, which are only compared)
or as "present" (PatientID and the rest, which are only checked for). Files are readable by
their owner only (0600, in directories 0700); the entries of version 1, which held values and
URLs in plain text, are deleted, and so are those of version 2 (judged without the bytes).

The directory: ``ENCORD_MANIFEST_CACHE_DIR``, else the platform's cache directory
(``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS,
``%LOCALAPPDATA%`` on Windows) plus ``encord-manifest/remote-v3``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

#: Bumped whenever what an entry means changes: old entries are then simply not found.
VERSION = "remote-v3"
#: Versions whose entries are deleted: v1 kept DICOM values and URLs in plain text (they must
#: not stay on disk); v2 judged most objects by a HEAD, without their bytes (reusing its
#: verdicts would hide an HTML page saved as an image, and they only take space now).
_PURGED = ("remote-v1", "remote-v2")
_DIRECTORY_MODE = 0o700
_FILE_MODE = 0o600


def default_directory() -> Path:
    override = os.environ.get("ENCORD_MANIFEST_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "encord-manifest"


def cache_key(url: str) -> str:
    """The URL without query string and fragment: what names the object, and nothing secret."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", ""))


def digest(value: str) -> str:
    """What the cache keeps of a value it only compares: equal values, equal digests."""
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory / VERSION
        self._prepared = False

    def _key(self, url: str) -> str:
        return digest(cache_key(url))

    def _path(self, url: str) -> Path:
        name = self._key(url).removeprefix("sha256:")
        return self.directory / name[:2] / f"{name}.json"

    def load(self, url: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._path(url).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing, or damaged (then it is rewritten after the next check)
        if not isinstance(entry, dict) or entry.get("key") != self._key(url):
            return None
        return entry

    def store(self, url: str, entry: dict[str, Any]) -> None:
        path = self._path(url)
        try:
            self._prepare()
            _private_directory(path.parent)
            content = json.dumps({**entry, "key": self._key(url)}, sort_keys=True)
            _write_private(path, content.encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written only costs the next run some requests

    def _prepare(self) -> None:
        """Once a run: this version's directory private (also if an older run made it open),
        and the entries of purged versions gone."""
        if self._prepared:
            return
        self._prepared = True
        _private_directory(self.directory)
        for old in _PURGED:
            stale = self.directory.parent / old
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)


def _private_directory(directory: Path) -> None:
    directory.mkdir(mode=_DIRECTORY_MODE, parents=True, exist_ok=True)
    if os.name != "nt" and (directory.stat().st_mode & 0o777) != _DIRECTORY_MODE:
        os.chmod(directory, _DIRECTORY_MODE)


def _write_private(path: Path, content: bytes) -> None:
    """Replace ``path`` in one step with a file only its owner can read (mkstemp makes 0600;
    the file is never readable by others, not even for a moment)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        if os.name != "nt":
            os.chmod(temporary, _FILE_MODE)  # already so; said, in case mkstemp ever differs
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
