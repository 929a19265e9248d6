"""Where repeated keys are: every occurrence of every key that an object holds twice.

The parser notices that some object repeated a key (its pairs hook sees the pairs before they
become a dict) but not where. This tokenizer, which tracks the keys of every open object,
runs only then: it is exact, and slow next to the C parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from encord_manifest._internal.model.diagnostics import Pointer, Span
from encord_manifest._internal.sources.json_locator import Member, to_spans

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
    return duplicates_of(text, _repeats(text, [((), 0, len(text))]))


#: A key some object holds more than once: the key, the object's pointer, and the (start,
#: end) offsets of each occurrence in the text.
Repeat = tuple[str, Pointer, list[tuple[int, int]]]


def repeats_in(
    text: str, regions: Iterable[tuple[Pointer, int, int]], top_level: Iterable[KeyPlace] = ()
) -> list[Repeat]:
    """The repeated keys inside ``regions`` (the pointer, start and end of a value whose text
    is tokenized: an object the parser saw repeat a key) and among the top-level keys, given
    by their places (``top_level``: every occurrence, in order). Only these are tokenized,
    not the whole text: at 1M entries, the whole text took tens of seconds."""
    found = _repeats(text, regions)
    places: dict[str, list[tuple[int, int]]] = {}
    for key, start, end in top_level:
        places.setdefault(key, []).append((start, end))
    found.extend((key, (), spots) for key, spots in places.items() if len(spots) > 1)
    return found


#: A top-level key's occurrence: the key and the offsets of its quoted text.
KeyPlace = tuple[str, int, int]


def _repeats(text: str, regions: Iterable[tuple[Pointer, int, int]]) -> list[Repeat]:
    found: list[Repeat] = []
    for prefix, start, end in regions:
        for pointer, keys in _objects(text[start:end] if start or end < len(text) else text):
            for key, places in keys.items():
                if len(places) > 1:
                    moved = [(a + start, b + start) for a, b in places]
                    found.append((key, prefix + pointer, moved))
    return found


#: A repeat whose occurrences have their places: the key, the object's pointer, the spans.
PlacedRepeat = tuple[str, Pointer, list[Span]]


def duplicates_of(text: str, repeats: list[Repeat]) -> list[DuplicateKey]:
    """The repeats as one DuplicateKey per occurrence, placed in ``text``, in its order."""
    return duplicate_keys(place_repeats(text, repeats))


def place_repeats(text: str, repeats: list[Repeat]) -> list[PlacedRepeat]:
    """The repeats with the line and column of each occurrence, in one sweep over ``text``."""
    offsets = {
        (n, k): place for n, (_, _, places) in enumerate(repeats) for k, place in enumerate(places)
    }
    spans = to_spans(text, offsets)
    return [
        (key, pointer, [spans[(n, k)] for k in range(len(places))])
        for n, (key, pointer, places) in enumerate(repeats)
    ]


def duplicate_keys(placed: Iterable[PlacedRepeat]) -> list[DuplicateKey]:
    """One DuplicateKey per occurrence of each placed repeat, in the order of the text."""
    found = [
        DuplicateKey(key, pointer, span, tuple(spans))
        for key, pointer, spans in placed
        for span in spans
    ]
    found.sort(key=lambda d: (d.span.line, d.span.column))
    return found


def dropped_values(members: list[Member]) -> list[tuple[Pointer, int, int]]:
    """The regions of the top-level values a repeated key dropped (every occurrence but the
    last): a repeating object in one of them is not in the tree, so its text is tokenized."""
    last = {member[0]: n for n, member in enumerate(members)}
    return [
        ((key,), start, end) for n, (key, _, _, start, end) in enumerate(members) if last[key] != n
    ]


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


def outermost_places(data: Any, objects: Iterable[object]) -> tuple[list[Pointer], bool]:
    """The pointers of ``objects`` (containers, by identity) in the tree ``data``, leaving out
    the root and any object inside another of them (its text is tokenized with that one's);
    and whether every object was found (an object under a key that repeats is not in the
    tree: only the last value of a key is).

    One walk over the containers that stops when all are found; a pointer is built only for
    what is found (each container remembers its parent and its step from it).
    """
    wanted = {id(o) for o in objects} - {id(data)}
    if not wanted or type(data) not in (dict, list):
        return [], True
    steps: list[tuple[int, str | int]] = [(-1, "")]
    stack: list[tuple[Any, int]] = [(data, 0)]
    found: list[int] = []
    while stack and len(found) < len(wanted):
        value, node = stack.pop()
        pairs = value.items() if type(value) is dict else enumerate(value)
        for step, child in pairs:
            if type(child) is dict or type(child) is list:
                steps.append((node, step))
                if id(child) in wanted:
                    found.append(len(steps) - 1)
                if child:
                    stack.append((child, len(steps) - 1))
    pointers = [_pointer(steps, node) for node in found]
    chosen = set(pointers)
    outer = [p for p in pointers if not any(p[:n] in chosen for n in range(1, len(p)))]
    return sorted(outer, key=lambda p: [str(s) for s in p]), len(found) == len(wanted)


def _pointer(steps: list[tuple[int, str | int]], node: int) -> Pointer:
    path: list[str | int] = []
    while node > 0:
        node, step = steps[node]
        path.append(step)
    return tuple(reversed(path))
