"""Duplicate keys: JSON parsers keep the last value and drop the rest without a word.

Finding them needs every key of every object, which no fast parser reports. So the check is
done in two steps:

1. ``may_have_duplicate_keys``: a count that is exact in C. Every ``:`` in a JSON text is
   either the separator of one key/value pair or a character inside a string. Re-serialising
   the parsed data gives the pairs that survived plus the same string colons; if a pair was
   dropped, the source has more colons than the re-serialised data. The one thing that breaks
   the equality the other way is a colon written as an escape (``\\u003a``), so its presence
   sends the file to the exact scan too. False alarms only cost time; a miss is impossible.
2. ``find_duplicate_keys``: a tokenizer over the whole text that tracks the keys of every
   open object, run only when step 1 says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from encord_manifest.diagnostics import Pointer, Span
from encord_manifest.sources.json_locator import to_spans

_TOKEN = re.compile(
    rb'[ \t\n\r]*(?:("[^"\\]*(?:\\.[^"\\]*)*")|([\[\]{}:,])|([^ \t\n\r\[\]{}:,"]+))', re.S
)


def may_have_duplicate_keys(text: bytes, data: Any) -> bool:
    if b"\\u003a" in text or b"\\u003A" in text:
        return True
    try:
        # One top-level value at a time keeps the re-serialised copy small.
        if isinstance(data, dict):
            parsed = len(data) + sum(key.count(":") for key in data)
            parsed += sum(orjson.dumps(value).count(b":") for value in data.values())
        else:
            parsed = orjson.dumps(data).count(b":")
    except (TypeError, orjson.JSONEncodeError):
        return True  # e.g. an integer beyond 64 bits: cannot tell cheaply
    return bool(parsed != text.count(b":"))


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


def find_duplicate_keys(text: bytes) -> list[DuplicateKey]:
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


def _objects(text: bytes) -> Iterator[tuple[Pointer, dict[str, list[tuple[int, int]]]]]:
    """Yield each object's pointer and the places of its keys, as each object closes."""
    import json

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
            key = token[1:-1].decode("utf-8") if b"\\" not in token else json.loads(token)
            assert frame.keys is not None
            frame.keys.setdefault(key, []).append((match.start(1), match.end(1)))
            frame.key = key
            expecting_key = False
        elif punct == b"{" or punct == b"[":
            child_pointer = _child_pointer(frame)
            stack.append(_Frame(child_pointer, punct == b"{", keys={} if punct == b"{" else None))
            expecting_key = punct == b"{"
        elif punct == b"}" or punct == b"]":
            closed = stack.pop()
            if closed.is_object and closed.keys:
                yield closed.pointer, closed.keys
        elif punct == b"," and frame is not None:
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
