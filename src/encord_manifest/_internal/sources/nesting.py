"""The nesting limit (F005), checked by the tool itself, the same on every Python.

Python's parser has a recursion limit of its own, which depends on the version (about 1,000
levels less the caller's stack up to 3.11; much higher from 3.12 on) and on the stack in
use: leaning on it gave F005 on one version and a deep tree, then an internal error from a
schema validator, on another. So the parser is given room beyond the limit and the parsed
tree is measured here, against one number.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from encord_manifest._internal.text.lazy_pattern import LazyPattern

#: Levels of nesting a manifest may have (the root object is level 1); orjson's limit too.
MAX_DEPTH = 1024

#: Stack the parser may use beyond the limit, so that a parser counting its own frames
#: fails only deeper than MAX_DEPTH, never at it.
_PARSER_ROOM = MAX_DEPTH + 200


@contextmanager
def parser_room() -> Iterator[None]:
    """Let a recursive parser (Python's up to 3.11) go beyond MAX_DEPTH, and no further.

    The stack in use is below the old limit, so the old limit plus the room leaves at least
    the room. (Counting the frames instead, with ``sys._getframe``, made frame objects of the
    callers that kept 100 MB alive on a 200,000-entry manifest: measured.)
    """
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(old + _PARSER_ROOM)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether a container is nested deeper than ``limit`` levels (the root is level 1).

    Iterative, so that measuring a deep tree needs no deep stack; it looks at containers
    only (measured: 0.3 s for 200,000 entries, against 1.1 s to parse them).
    """
    if type(data) is not dict and type(data) is not list:
        return False
    stack: list[tuple[Any, int]] = [(data, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        value, depth = pop()
        for child in value.values() if type(value) is dict else value:
            kind = type(child)
            if kind is dict or kind is list:
                if depth >= limit:
                    return True
                if child:
                    push((child, depth + 1))
    return False


#: A string token (skipped whole: brackets in it are text) or a bracket.
_TOKEN = LazyPattern(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def offset_too_deep(text: str, limit: int = MAX_DEPTH) -> int:
    """The offset of the first bracket that opens level ``limit + 1`` (0 if there is none)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif token in "]}":
            depth -= 1
    return 0
