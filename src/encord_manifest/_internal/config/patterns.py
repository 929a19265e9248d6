"""The glob patterns of ``exclude`` and ``per-file-ignores``, and how a file matches one.

Patterns are gitignore-like and relative to the configuration file's directory; they are
checked when the configuration is read (``options``) and matched when a manifest's settings
are resolved (``resolve``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-like glob: ``*`` and ``?`` stay within a path part, ``**`` crosses parts."""
    parts, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        if char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                parts.append(re.escape(char))
            else:
                body = pattern[index + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                parts.append(f"[{body}]")
                index = end
        else:
            parts.append(re.escape(char))
        index += 1
    return re.compile("".join(parts))


def normalized(pattern: str) -> str:
    pattern = pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern.rstrip("/")


def path_matches(pattern: str, relative: PurePosixPath) -> bool:
    """Whether a file (relative to the configuration's directory) matches a pattern.

    A pattern without '/' matches any part of the path (a file name, or a directory the file
    is in); with one, it matches the path from the configuration's directory, or a
    directory that holds the file. A trailing '/' is allowed and means the same.
    """
    pattern = normalized(pattern)
    regex = glob_regex(pattern)
    if "/" not in pattern:
        return any(regex.fullmatch(part) for part in relative.parts)
    text = relative.as_posix()
    candidates = [text, *(p.as_posix() for p in relative.parents if p.as_posix() != ".")]
    return any(regex.fullmatch(candidate) for candidate in candidates)
