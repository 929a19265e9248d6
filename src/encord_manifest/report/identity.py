"""What makes a finding the same finding from one run to the next, for the formats whose
consumers track findings over time (GitLab Code Quality, SARIF code scanning, JUnit views).

Not its line or column: adding lines above a finding must not make it a new one. Not the
places of other findings that its message names either ("(also at 21:3)", "(first at 4:20)"):
those move with edits elsewhere. What is left: the file, the code, the place in the document
(the JSON pointer) and the message without positions; a second finding with all of these the
same gets an occurrence number, so that fingerprints stay unique within a run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath, PureWindowsPath

from encord_manifest.diagnostics import Diagnostic

#: The positions a message can hold: "(also at 21:3, 40:7 and 3 more)", "(first at 4:20)",
#: and any bare line:column or line/row number.
_OTHER_PLACES = re.compile(r"\s*\((?:also|first) at [^)]*\)")
_LINE_COLUMN = re.compile(r"\b\d+:\d+\b")
_LINE_NUMBER = re.compile(r"\b(lines?|rows?) \d+(?:\s*-\s*\d+)?", re.IGNORECASE)


def report_path(path: str) -> str:
    """A path as the consumers of reports want it: forward slashes, no leading './', no
    '.' segments (``./manifests/../m.json`` stays as written past the dots)."""
    if "\\" in path and not path.startswith("/"):
        path = PureWindowsPath(path).as_posix()
    posix = PurePosixPath(path).as_posix()
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


def stable_message(message: str) -> str:
    """The message without the positions in it."""
    message = _OTHER_PLACES.sub("", message)
    message = _LINE_COLUMN.sub("N:N", message)
    return _LINE_NUMBER.sub(lambda m: f"{m.group(1)} N", message)


def identities(diagnostics: Iterable[Diagnostic]) -> Iterator[tuple[Diagnostic, str]]:
    """Each diagnostic with its identity (a hex digest), unique within the run."""
    seen: dict[str, int] = {}
    for diagnostic in diagnostics:
        key = "\0".join(
            (
                report_path(diagnostic.path),
                diagnostic.code,
                diagnostic.pointer,
                stable_message(diagnostic.message),
            )
        )
        count = seen.get(key, 0)
        seen[key] = count + 1
        if count:
            key += f"\0{count}"
        yield diagnostic, hashlib.sha256(key.encode("utf-8")).hexdigest()
