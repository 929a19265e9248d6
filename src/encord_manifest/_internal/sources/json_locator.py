"""Line and column of JSON pointers in the source text, found only for what was reported.

A clean file never comes here. A file with findings is walked once, along the paths of the
findings only: a list element or an object member that no finding points into is skipped
bracket by bracket with one regular expression whose inner loop (strings included) runs in C,
so locating a handful of findings in a 500 MB file costs one pass over its brackets, not a
token-by-token source map. The walk stops as soon as the last requested place is found.

The text is already known to be valid JSON (the parser accepted it), which is what makes the
bracket skipping exact: outside strings, brackets nest properly, and strings are consumed whole.
"""

from __future__ import annotations

import contextlib
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import repeat
from operator import methodcaller
from typing import Any, TypeVar

from encord_manifest._internal.model.diagnostics import Pointer, Span, Target

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_SCALAR = re.compile(r"[^ \t\n\r,\]}]+")
#: Everything up to and including the next bracket that is not inside a string; or, where
#: more than 256 strings come first, up to just past the 256th (group 1 unmatched). A match
#: holds its repetition's state for backtracking, about 170 bytes a string: unbounded,
#: skipping the rest of an object of 100,000 members took 33 MB.
_NEXT_BRACKET = re.compile(
    r'[^"\[\]{}]*(?:"[^"\\]*(?:\\.[^"\\]*)*"[^"\[\]{}]*){0,256}([\[\]{}])?', re.S
)
#: What stands between two objects of a list: one's closing brace, a comma, the other's
#: opening brace. ``engine.parts`` splits entry lists at it; here it finds where entries start.
BETWEEN_OBJECTS = r"\}[ \t\n\r]*,[ \t\n\r]*(?=\{)"
_BETWEEN_OBJECTS = re.compile(BETWEEN_OBJECTS)
#: The next member of an object, from just past its opening brace or a member's value (the
#: text is valid JSON, so no match means the closing brace is next); group 1 is the key. The
#: comma is grouped with the blanks before it: with ``\s*,?\s*`` a run of blanks before a
#: closing brace could be split between the two runs every way, quadratic in its length.
_MEMBER = re.compile(
    r'(?:[ \t\n\r]*,)?[ \t\n\r]*("[^"\\]*(?:\\.[^"\\]*)*")[ \t\n\r]*:[ \t\n\r]*', re.S
)
_OPENERS = frozenset("[{")
_END = methodcaller("end")
_CONTAINERS = (dict, list)

Request = tuple[Pointer, Target]
#: Where entries of top-level lists start, as the parser saw them: list key -> (index of an
#: entry, its offset in the text), ascending. The walk jumps to the nearest one before a place
#: instead of skipping every entry up to it.
Checkpoints = Mapping[str, Sequence[tuple[int, int]]]
_Key = TypeVar("_Key")


class _Node:
    """One step of the requested pointers, as a trie. A plain class with slots: a trie of
    150,000 requests is 275,000 nodes, which a dataclass with factories built slower."""

    __slots__ = ("children", "size", "targets")

    def __init__(self) -> None:
        self.children: dict[str | int, _Node] = {}
        self.targets: set[Target] = set()
        #: The requests at or below this node, counted as the trie is built.
        self.size = 0


class _EntryStarts:
    """Where each entry of a parsed piece of an entry list starts, from one search (in C) for
    the separators between objects, instead of a walk over every entry's brackets: 10,000
    findings in a 1M-entry file are about 80 entries apart, and a checkpoint (a piece's start)
    is about 1,500 entries before each.

    Every separator between two objects matches, and matches never overlap; a match may also
    lie inside an entry (a "}, {" in a string, or in a list of objects it holds). So a piece
    of n entries, all objects, whose search finds exactly n matches, the last of them ending at
    the next piece's start, has no false one: its matches are its separators. Any other piece
    (and a list's last piece, whose end is not known here) is walked as before.
    """

    def __init__(self, text: str, marks: Sequence[tuple[int, int]], items: list[Any]) -> None:
        self.text, self.marks, self.items = text, marks, items
        self.pieces: dict[int, list[int] | None] = {}

    def piece(self, index: int) -> int:
        """The piece that holds entry ``index`` (-1: before the first checkpoint)."""
        return bisect_right(self.marks, (index, len(self.text))) - 1

    def start(self, piece: int, index: int) -> int | None:
        """The offset of entry ``index``'s opening brace, if its piece is one that can say."""
        if piece < 0 or piece + 1 >= len(self.marks):
            return None
        if piece not in self.pieces:
            self.pieces[piece] = self._starts(piece)
        starts = self.pieces[piece]
        return None if starts is None else starts[index - self.marks[piece][0]]

    def _starts(self, piece: int) -> list[int] | None:
        (first, start), (after, end) = self.marks[piece], self.marks[piece + 1]
        if not all(map(isinstance, self.items[first:after], repeat(dict))):
            return None  # a separator next to a non-object would not match
        ends = list(map(_END, _BETWEEN_OBJECTS.finditer(self.text, start, end + 1)))
        if len(ends) != after - first or ends[-1] != end:
            return None
        return [start, *ends[:-1]]


class _Done(Exception):
    """Every requested place has been found: stop walking."""


class JsonLocator:
    """Maps (pointer, target) requests to spans in one JSON text.

    ``text`` may be a function that reads the text again: a file's text is not kept while the
    rules run (on a 500 MB manifest that is 500 MB of peak memory) and is read back only if
    there is something to locate.
    """

    def __init__(
        self,
        text: str | Callable[[], str | None],
        data: Any,
        repeated_keys: bool = False,
    ) -> None:
        self._source = text
        self._data = data
        #: Whether some object repeats a key (then the last occurrence is the parsed one).
        self._repeated_keys = repeated_keys

    @property
    def _text(self) -> str | None:
        if callable(self._source):
            self._source = self._source() or ""
        return self._source

    @property
    def text(self) -> str:
        """The source text the offsets refer to."""
        return self._text or ""

    def locate(self, requests: Iterable[Request]) -> dict[Request, Span]:
        text = self._text
        return to_spans(text, self.offsets(requests)) if text else {}

    def offsets(self, requests: Iterable[Request]) -> dict[Request, tuple[int, int]]:
        """Character offsets (start, end exclusive) of the requested places in the text."""
        requests = set(requests)
        root = _trie(requests)
        pending = len(requests)
        text = self._text
        if not text:
            return {}
        walk = _Walk(text, pending, self._repeated_keys, {})
        with contextlib.suppress(_Done):
            walk.value(_WHITESPACE.match(text, 0).end(), self._data, root, ())  # type: ignore[union-attr]
        return walk.found


def offsets_in_part(
    text: str,
    data: Mapping[str, Any],
    requests: Iterable[Request],
    places: Mapping[str, tuple[int, int, int]],
    checkpoints: Checkpoints | None = None,
    repeated_keys: bool = False,
) -> dict[Request, tuple[int, int]]:
    """Offsets in a part of a document (``engine.parts``): each top-level key's places are walked
    from where its value starts, never from the root. ``places[key]`` is where the kept
    occurrence of the key (the last, when it repeats) starts and ends, and where its value
    starts. The text may begin inside a top-level list, at an entry: that list's places are
    then (-1, -1, -1), as if its bracket stood just before the text. No request may point at
    the root, nor at a key or list whose place lies before the text.
    """
    root = _trie(requests)
    if root.targets:
        raise ValueError("the root's place was asked for")
    found: dict[Request, tuple[int, int]] = {}
    for key, node in root.children.items():
        key_start, key_end, start = places[str(key)]
        if start < 0 and node.targets:
            raise ValueError("a place before the text was asked for")
        if "key" in node.targets:
            found[((key,), "key")] = (key_start, key_end)
        pending = node.size - ("key" in node.targets)
        if not pending:
            continue
        walk = _Walk(text, pending, repeated_keys, checkpoints or {})
        with contextlib.suppress(_Done):
            if start < 0:
                walk.array(start, data[str(key)], node, (key,))
            else:
                walk.value(start, data[str(key)], node, (key,))
        found.update(walk.found)
    return found


#: A top-level member: its key, the offsets of the key's quoted text and of its value.
Member = tuple[str, int, int, int, int]


def kept_places(members: Iterable[Member]) -> dict[str, tuple[int, int, int]]:
    """Where each top-level key's kept occurrence (its last) and its value start, as
    ``offsets_in_part`` takes them."""
    return {key: (start, end, value) for key, start, end, value, _ in members}


def top_level_members(text: str) -> list[Member]:
    """Every member of the root object, repeated keys included, in the order of the text
    (the text is valid JSON, and its root an object). Values are skipped by their brackets."""
    walk = _Walk(text, 1, False, {})
    members: list[Member] = []
    pos = _WHITESPACE.match(text, 0).end() + 1  # type: ignore[union-attr]  # past "{"
    while True:
        pos = walk.next_item(pos)
        if text[pos] == "}":
            return members
        match = _STRING.match(text, pos)
        assert match is not None, "the parser accepted this text"
        key_start, key_end = pos, match.end()
        pos = _WHITESPACE.match(text, key_end).end()  # type: ignore[union-attr]
        value_start = _WHITESPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        pos = walk.skip_value(value_start)
        members.append((_decode_key(text[key_start:key_end]), key_start, key_end, value_start, pos))


def _trie(requests: Iterable[Request]) -> _Node:
    root = _Node()
    for pointer, target in set(requests):
        node = root
        node.size += 1
        for part in pointer:
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = _Node()
            node = child
            node.size += 1
        node.targets.add(target)
    return root


class _Walk:
    def __init__(
        self, text: str, pending: int, repeated_keys: bool, checkpoints: Checkpoints
    ) -> None:
        self.text = text
        self.pending = pending
        self.repeated_keys = repeated_keys
        self.checkpoints = checkpoints
        self.found: dict[Request, tuple[int, int]] = {}

    def record(self, request: Request, start: int, end: int) -> None:
        self.found[request] = (start, end)
        self.pending -= 1
        if self.pending <= 0:
            raise _Done

    def value(self, pos: int, value: Any, node: _Node, pointer: Pointer) -> int:
        """Walk the value starting at ``pos``; return the offset just past it."""
        first = self.text[pos]
        if node.children and first == "{":
            end = self.object(pos, value if isinstance(value, dict) else {}, node, pointer)
        elif node.children and first == "[":
            end = self.array(pos, value if isinstance(value, list) else [], node, pointer)
        else:
            end = self.skip_value(pos)
        if "value" in node.targets:
            self.record((pointer, "value"), pos, end)
        return end

    def skip_value(self, pos: int) -> int:
        first = self.text[pos]
        if first in _OPENERS:
            return self.skip_containers(pos, 1)
        pattern = _STRING if first == '"' else _SCALAR
        match = pattern.match(self.text, pos)
        assert match is not None, "the parser accepted this text"
        return match.end()

    def skip_containers(self, pos: int, count: int, depth: int = 0) -> int:
        """Skip ``count`` consecutive top-level containers (and any scalars between them);
        from inside a container (``depth`` 1), past its end."""
        text, passed = self.text, 0
        next_bracket = _NEXT_BRACKET.match
        while passed < count:
            match = next_bracket(text, pos)
            if match is None or match.end() == pos:  # not valid JSON: never loop on it
                raise AssertionError("the parser accepted this text")
            pos = match.end()
            if match.lastindex is None:  # strings only, so far: go on past them
                continue
            if text[pos - 1] in _OPENERS:
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    passed += 1
        return pos

    def next_item(self, pos: int) -> int:
        """From just past an item (or an opening bracket), the start of the next item."""
        text = self.text
        pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos] == ",":
            pos = _WHITESPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        return pos

    def object(self, pos: int, obj: Mapping[str, Any], node: _Node, pointer: Pointer) -> int:
        return self.members(pos + 1, obj, node, pointer)

    def members(self, pos: int, obj: Mapping[str, Any], node: _Node, pointer: Pointer) -> int:
        """Walk an object's members from ``pos`` (past its opening brace, or past a member's
        value); return the offset just past its closing brace."""
        text = self.text
        wanted = sum(1 for key in node.children if key in obj)
        # Where a key repeats, the parser kept the last value: the places to walk into are
        # known only at the end of the object, so they are noted on the way and walked then.
        last_places: dict[str, tuple[int, int, int]] = {}
        next_member = _MEMBER.match
        while wanted or self.repeated_keys:
            match = next_member(text, pos)
            if match is None:  # the closing brace is next
                pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
                break
            key_start, key_end = match.span(1)
            key = _decode_key(match.group(1))
            pos = match.end()
            child = node.children.get(key) if wanted else None
            if child is None:
                pos = self.skip_value(pos)
            elif self.repeated_keys:
                last_places[key] = (key_start, key_end, pos)
                pos = self.skip_value(pos)
            else:
                wanted -= 1
                pos = self.enter(key, key_start, key_end, pos, obj, node, pointer)
        else:
            # Nothing more to walk into: the rest of the object is skipped by its brackets,
            # one search in C, not member by member.
            return self.skip_containers(pos, 1, depth=1)
        for key, (key_start, key_end, value_start) in last_places.items():
            self.enter(key, key_start, key_end, value_start, obj, node, pointer)
        return pos + 1

    def enter(
        self,
        key: str,
        key_start: int,
        key_end: int,
        value_start: int,
        obj: Mapping[str, Any],
        node: _Node,
        pointer: Pointer,
    ) -> int:
        """Record the key if asked for, and walk its value; the offset just past the value."""
        child = node.children[key]
        if "key" in child.targets:
            self.record((pointer + (key,), "key"), key_start, key_end)
        return self.value(value_start, obj.get(key), child, pointer + (key,))

    def array(self, pos: int, items: list[Any], node: _Node, pointer: Pointer) -> int:
        text = self.text
        indexes = sorted(i for i in node.children if isinstance(i, int) and 0 <= i < len(items))
        pos += 1
        next_index = 0
        marks = self.checkpoints.get(str(pointer[0]), ()) if len(pointer) == 1 else ()
        starts = _EntryStarts(text, marks, items) if marks else None
        for index in indexes:
            start = None
            if starts is not None:
                piece = starts.piece(index)
                start = starts.start(piece, index)
                # Else the start of its piece, if it lies past where the walk is: from
                # there, no entry before it needs skipping.
                if start is None and piece >= 0 and marks[piece][0] > next_index:
                    next_index, pos = marks[piece]
            if start is None:
                start = self.next_item(self.skip_items(pos, items, next_index, index))
            pos = self.value(start, items[index], node.children[index], pointer + (index,))
            next_index = index + 1
        # Past the remaining items to the closing bracket.
        pos = self.skip_items(pos, items, next_index, len(items))
        pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
        return pos + 1

    def skip_items(self, pos: int, items: list[Any], start: int, stop: int) -> int:
        """From just past item ``start - 1``, return the offset just past item ``stop - 1``."""
        if start >= stop:
            return pos
        # A slice, not islice: islice walks from item 0 each time, which made locating n
        # places in one list (n fixes) quadratic.
        containers = sum(1 for item in items[start:stop] if isinstance(item, _CONTAINERS))
        last_container = stop - 1
        if containers:
            while not isinstance(items[last_container], _CONTAINERS):
                last_container -= 1
            # Containers are skipped by their brackets; scalars between them ride along.
            pos = self.skip_containers(pos, containers)
            start = last_container + 1
        for _ in range(start, stop):
            pos = self.skip_value(self.next_item(pos))
        return pos


def _decode_key(token: str) -> str:
    if "\\" not in token:
        return token[1:-1]
    decoded: str = json.loads(token)
    return decoded


def to_spans(text: str, found: Mapping[_Key, tuple[int, int]]) -> dict[_Key, Span]:
    """Turn offsets into 1-based line and column numbers in one sweep over the sorted offsets."""
    offsets = sorted({offset for pair in found.values() for offset in pair})
    position: dict[int, tuple[int, int]] = {}
    line, line_start, previous = 1, 0, 0
    for offset in offsets:
        newlines = text.count("\n", previous, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", previous, offset) + 1
        position[offset] = (line, offset - line_start + 1)
        previous = offset
    spans = {}
    for request, (start, end) in found.items():
        (line_a, column_a), (line_b, column_b) = position[start], position[end]
        spans[request] = Span(line_a, column_a, line_b, column_b)
    return spans


def position_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and (character) column of a byte offset, for errors found before decoding."""
    line = raw.count(b"\n", 0, offset) + 1
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return line, 1 + len(raw[line_start:offset].decode("utf-8", "replace"))
