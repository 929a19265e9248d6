"""The files a command is given: names as given, directories searched for manifests.

Nothing is skipped silently: a directory that cannot be listed is reported through
``on_error`` (the command names it and exits 2), never taken for an empty one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

MANIFEST_SUFFIXES = (".json", ".csv")


def expand_paths(paths: list[str], on_error: Callable[[str], None] | None = None) -> list[str]:
    """Files as given; directories become the manifests (*.json, *.csv) below them, sorted,
    hidden files and directories left out. ``on_error`` gets "DIR: reason" for each directory
    that cannot be listed (by default, that raises OSError)."""
    files: list[str] = []
    for path in paths:
        # isdir is False for what cannot be examined (a file in a directory that may not be
        # searched): taken as a file, whose read then names the problem.
        if path != "-" and os.path.isdir(path):
            files.extend(str(p) for p in sorted(_manifests_below(path, on_error)))
        else:
            files.append(path)
    return files


def _manifests_below(top: str, on_error: Callable[[str], None] | None) -> list[Path]:
    def report(error: OSError) -> None:
        if on_error is None:
            raise error
        on_error(f"{error.filename or top}: {error.strerror or error}")

    found = []
    for directory, subdirectories, names in os.walk(top, onerror=report):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        for name in names:
            if name.startswith(".") or not name.lower().endswith(MANIFEST_SUFFIXES):
                continue
            candidate = Path(directory, name)
            try:
                if not candidate.is_file():  # a FIFO or a broken link in a tree is not read
                    continue
            except OSError:
                pass  # listed but not examinable (no search permission): the read says why
            found.append(candidate)
    return found
