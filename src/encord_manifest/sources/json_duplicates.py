"""Where repeated keys are: every occurrence of every key that an object holds twice.

The parser notices that some object repeated a key (its pairs hook sees the pairs before they
become a dict) but not where. This tokenizer, which tracks the keys of every open object,
runs only then: it is exact, and slow next to the C parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from encord_manifest.diagnostics import Pointer, Span
from encord_manifest.sources.json_locator import to_spans

_TOKEN = re.compile(
    r'[ \t\n\r]*(?:("[^"\\]*(?:\\.[^"\\]*)*")|([\[\]{}:,])|([^ \t\n\r\[\]{}:,"]+))', re.S
)


@dataclass(frozen=True)
class DuplicateKey:
    key: str
    pointer: Pointer  # of the object that holds the key
    span: Span  # of this occurrence of the key
    occurrences: tuple[Span, ...]  # of every occurrence, in order


@dataclass
class _Frame:
    pointer: Pointer
    is_object: bool
    index: int = 0
    key: str | None = None
    keys: dict[str, list[tuple[int, int]]] | None = None


def find_duplicate_keys(text: str) -> list[DuplicateKey]:
    """Every occurrence of every duplicated key, in the order of the text."""
    duplicates: list[tuple[str, Pointer, list[tuple[int, int]]]] = []
    for pointer, keys in _objects(text):
        for key, places in keys.items():
            if len(places) > 1:
                duplicates.append((key, pointer, places))
    offsets = {
        (n, k): place
        for n, (_, _, places) in enumerate(duplicates)
        for k, place in enumerate(places)
    }
    spans = to_spans(text, offsets)
    found: list[DuplicateKey] = []
    for n, (key, pointer, places) in enumerate(duplicates):
        all_spans = tuple(spans[(n, k)] for k in range(len(places)))
        found.extend(DuplicateKey(key, pointer, span, all_spans) for span in all_spans)
    found.sort(key=lambda d: (d.span.line, d.span.column))
    return found


def _objects(text: str) -> Iterator[tuple[Pointer, dict[str, list[tuple[int, int]]]]]:
    """Yield each object's pointer and the places of its keys, as each object closes."""
    stack: list[_Frame] = []
    pos, end = 0, len(text)
    expecting_key = False
    while pos < end:
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            break
        pos = match.end()
        string, punct, _scalar = match.groups()
        frame = stack[-1] if stack else None
        if string is not None and frame is not None and frame.is_object and expecting_key:
            token = string
            key = token[1:-1] if "\\" not in token else json.loads(token)
            assert frame.keys is not None
            frame.keys.setdefault(key, []).append((match.start(1), match.end(1)))
            frame.key = key
            expecting_key = False
        elif punct in ("{", "["):
            child_pointer = _child_pointer(frame)
            stack.append(_Frame(child_pointer, punct == "{", keys={} if punct == "{" else None))
            expecting_key = punct == "{"
        elif punct in ("}", "]"):
            closed = stack.pop()
            if closed.is_object and closed.keys:
                yield closed.pointer, closed.keys
        elif punct == "," and frame is not None:
            if frame.is_object:
                expecting_key = True
            else:
                frame.index += 1


def _child_pointer(frame: _Frame | None) -> Pointer:
    if frame is None:
        return ()
    if frame.is_object:
        return frame.pointer + (frame.key if frame.key is not None else "",)
    return frame.pointer + (frame.index,)
