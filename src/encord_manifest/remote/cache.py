"""What earlier runs learnt of objects, kept in the user's cache directory.

An entry is kept for an object that answered 2xx with an ETag or a Last-Modified date; a later
run asks the server with a conditional request whether it changed (304: reuse everything, no
body is read again). Entries are keyed by the URL without its query string (a pre-signed URL's
query is a secret, and never stored), one small JSON file per object, written atomically
(pre-commit runs hooks in parallel, and two runs may write the same entry).

The directory: ``ENCORD_MANIFEST_CACHE_DIR``, else the platform's cache directory
(``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS,
``%LOCALAPPDATA%`` on Windows) plus ``encord-manifest/remote-v1``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from encord_manifest.writing import OutputError, write_atomically

#: Bumped whenever what an entry means changes: old entries are then simply not found.
VERSION = "remote-v1"


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


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory / VERSION

    def _path(self, url: str) -> Path:
        digest = hashlib.sha256(cache_key(url).encode("utf-8")).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def load(self, url: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._path(url).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing, or damaged (then it is rewritten after the next check)
        if not isinstance(entry, dict) or entry.get("key") != cache_key(url):
            return None
        return entry

    def store(self, url: str, entry: dict[str, Any]) -> None:
        path = self._path(url)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            content = json.dumps({**entry, "key": cache_key(url)}, sort_keys=True)
            write_atomically(path, content.encode("utf-8"))
        except (OSError, OutputError):
            pass  # a cache that cannot be written only costs the next run some requests
