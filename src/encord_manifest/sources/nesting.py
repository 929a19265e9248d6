"""The nesting limit (F005), checked by the tool itself, the same on every Python.

Python's parser has a recursion limit of its own, which depends on the version (about 1,000
levels less the caller's stack up to 3.11; much higher from 3.12 on) and on the stack in
use: leaning on it gave F005 on one version and a deep tree, then an internal error from a
schema validator, on another. So the parser is given room beyond the limit and the parsed
tree is measured here, against one number.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain, compress, repeat
from typing import Any

from encord_manifest.lazy_pattern import LazyPattern

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

    A level at a time, each in a few passes in C: the values of a chunk of the level's
    objects and arrays are chained, and those that are containers picked out by type. No
    Python step per value, no deep stack (a manifest is a few levels deep; a hostile file
    1,025 levels of one container each), and no list of a whole level's values (a chunk's
    at a time: a 1M-entry manifest has 5M at its second level). Measured on a 1M-entry
    manifest: 2.9 s for a Python walk of its containers' values, 1.3 s so.
    """
    objects, arrays = _containers([data])
    depth = 1
    while objects or arrays:
        if depth > limit:
            return True
        next_objects: list[dict[str, Any]] = []
        next_arrays: list[list[Any]] = []
        for start in range(0, max(len(objects), len(arrays)), _CHUNK):
            values = list(
                chain(
                    chain.from_iterable(map(dict.values, objects[start : start + _CHUNK])),
                    chain.from_iterable(arrays[start : start + _CHUNK]),
                )
            )
            found_objects, found_arrays = _containers(values)
            next_objects += found_objects
            next_arrays += found_arrays
        objects, arrays = next_objects, next_arrays
        depth += 1
    return False


#: Containers whose values are looked at together by ``too_deep``.
_CHUNK = 16_384


def _containers(values: list[Any]) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """The objects and the arrays among ``values``."""
    types = list(map(type, values))
    objects = list(compress(values, map(operator.is_, types, repeat(dict))))
    arrays = list(compress(values, map(operator.is_, types, repeat(list))))
    return objects, arrays


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
