"""What the CI formats (SARIF, GitLab Code Quality, JUnit) share: the path a report names a
file by, and a finding's identity across runs.

CI services match a finding of this run with the same finding of the last run by a
fingerprint: if it changed whenever a line was added above, every such edit would close the
old findings and open new ones (dismissed alerts come back, review comments detach). So the
identity is what the finding is about, never where it happens to be: the file, the code, the
JSON pointer and the message without the other places it lists ("(also at 21:3)"), which move
with every edit and with other findings.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence

from encord_manifest._internal.model.diagnostics import Diagnostic
from encord_manifest._internal.text import redaction

#: Bumped when the identity changes, so that a consumer sees new fingerprints as new.
FINGERPRINT_VERSION = "1"

#: The other places a finding lists in its message: those of a summary finding
#: (``linter._with_other_places``) and the other occurrences of a duplicate key (F003).
_OTHER_PLACES = re.compile(r" \(also at [^()]*\)")


def report_path(path: str, root: str | None = None) -> str:
    """``path`` as a CI report names it: relative to ``root`` (the working directory), with
    forward slashes and without './' or 'a/..'; absolute (normalised) when it is outside
    ``root``. '<stdin>', which names no file, is kept as it is.

    Redacted first: normalising (``https://`` -> ``https:/``) and the formats' encoding
    (SARIF's ``%3A``) would hide a URL's secrets from the stream's redaction."""
    path = redaction.redact_text(path)
    root = root if root is not None else working_directory()
    if path == "<stdin>" or root is None:
        return path
    root = os.path.abspath(root)
    absolute = os.path.normpath(os.path.join(root, path))
    if absolute.startswith(root.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, root).replace(os.sep, "/")
    return absolute.replace(os.sep, "/")


def working_directory() -> str | None:
    """The directory relative paths start from; None if it no longer exists."""
    try:
        return os.getcwd()
    except OSError:
        return None


def stable_message(message: str) -> str:
    """The message without the places of other occurrences, which move with every edit."""
    return _OTHER_PLACES.sub("", message) if "(also at " in message else message


def identity(diagnostic: Diagnostic, root: str | None = None) -> str:
    """What the finding is about, without any line, column or other finding's place."""
    return "\0".join(
        (
            FINGERPRINT_VERSION,
            report_path(diagnostic.path, root),
            diagnostic.code,
            diagnostic.pointer,
            stable_message(diagnostic.message),
        )
    )


def unread_fingerprint(path: str, root: str | None = None) -> str:
    """The fingerprint of an input that could not be read: the file, whatever the reason."""
    text = "\0".join((FINGERPRINT_VERSION, report_path(path, root), "input-unreadable"))
    return _hash(text)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprints(diagnostics: Sequence[Diagnostic], root: str | None = None) -> list[str]:
    """A fingerprint for each finding, in order: the hash of its identity and, for the second
    and later findings of one identity (a key repeated three times), how many came before it,
    so that each is unique and none depends on a position."""
    seen: dict[str, int] = {}
    prints = []
    for diagnostic in diagnostics:
        key = identity(diagnostic, root)
        count = seen.get(key, 0)
        seen[key] = count + 1
        text = key if count == 0 else f"{key}\0{count}"
        prints.append(_hash(text))
    return prints
