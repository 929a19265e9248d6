"""A part's text parsed: its top level, its entry lists piece by piece (each piece proving
where the next one starts), and where each top-level key and piece is in the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from encord_manifest._internal.engine.parts.cutting import Cut, NotSplit
from encord_manifest._internal.model import spec
from encord_manifest._internal.sources.json_duplicates import PlacedRepeat
from encord_manifest._internal.sources.json_locator import BETWEEN_OBJECTS, Member, kept_places
from encord_manifest._internal.sources.json_source import RepeatedKeys, reject_constant

#: Entries are parsed a piece of about this many characters at a time: large enough that the
#: C parser does the work, small enough that the copy of a piece costs little memory, and
#: that the start of each piece, kept, lets a part's findings be located from the nearest
#: one rather than from the part's start (``Parsed.checkpoints``).
PIECE_CHARACTERS = 1_000_000

_WHITESPACE = re.compile(r"[ \t\n\r]*")
#: Between two entries: the first one's closing brace, a comma, the next one's opening brace.
#: Looked for in the text (pieces) and in the file's bytes (the cut: ``cutting``).
_BETWEEN_ENTRIES = re.compile(BETWEEN_OBJECTS)
_SEPARATOR = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")


@dataclass
class Parsed:
    """A part's top level and where things are in the part's text: the pieces of its entry
    lists (list key -> (index of a piece's first entry, its offset)) and every top-level
    member, repeated keys included (``json_locator.Member``; the second part's cut list
    starts before its text: offsets -1). ``repeated``: some object below the top level
    repeated a key; ``objects``: those objects."""

    data: dict[str, Any]
    repeated: bool
    checkpoints: dict[str, list[tuple[int, int]]]
    members: list[Member] = field(default_factory=list)
    objects: list[dict[str, Any]] = field(default_factory=list)
    #: The repeated keys below the top level, placed in the part's text (``_own_part``).
    repeats: list[PlacedRepeat] = field(default_factory=list)
    ascii: bool = True

    def places(self) -> dict[str, tuple[int, int, int]]:
        """Where each kept top-level key (its last occurrence) and its value start."""
        return kept_places(self.members)


class _Parser:
    """The standard library's C parser, driven piece by piece over one text."""

    def __init__(self, text: str, piece: int) -> None:
        self.text = text
        self.piece = piece
        self.repeated = RepeatedKeys()
        self.checkpoints: dict[str, list[tuple[int, int]]] = {}
        self.key_end = 0
        self._decoder = json.JSONDecoder(
            object_pairs_hook=self.repeated.build, parse_constant=reject_constant
        )

    def skip(self, pos: int) -> int:
        return _WHITESPACE.match(self.text, pos).end()  # type: ignore[union-attr]

    def expect(self, pos: int, character: str) -> int:
        """The position past ``character`` (and the whitespace after it) at ``pos``."""
        pos = self.skip(pos)
        if self.text[pos : pos + 1] != character:
            raise NotSplit(f"expected {character!r} at offset {pos}")
        return self.skip(pos + 1)

    def value(self, pos: int) -> tuple[Any, int]:
        try:
            # The C scanner the decoder is built around: one value at an offset, no copy.
            found: tuple[Any, int] = self._decoder.scan_once(self.text, pos)  # type: ignore[attr-defined]
            return found
        except (StopIteration, ValueError, RecursionError) as error:
            raise NotSplit(f"invalid JSON near offset {pos}") from error

    def key(self, pos: int) -> tuple[str, int]:
        """The key at ``pos`` and the position of its value; ``key_end`` is where it ends."""
        if self.text[pos : pos + 1] != '"':
            raise NotSplit(f"expected a key at offset {pos}")
        key, self.key_end = self.value(pos)
        return key, self.expect(self.key_end, ":")

    def parsed(self, data: dict[str, Any], members: list[Member]) -> Parsed:
        return Parsed(data, self.repeated.seen, self.checkpoints, members, self.repeated.objects)

    def top_level_value(self, key: str, pos: int) -> tuple[Any, int]:
        """The value of a top-level key at ``pos``: an entry list in pieces, else whole."""
        if key in spec.ENTRY_KEYS and self.text[pos : pos + 1] == "[":
            first = self.skip(pos + 1)
            if self.text[first : first + 1] == "{":
                return self.entries(first, None, key)
        return self.value(pos)

    def entries(self, pos: int, cut: Cut | None, key: str | None = None) -> tuple[list[Any], int]:
        """The entries from ``pos`` (an entry's first character) to the cut, or to the end of
        the list: the entries and the position after them (the cut's second start, or past
        the list's closing bracket).

        A piece of text from a true start of an entry to a guessed end of one is parsed as a
        JSON array of its own. It parses only if the guessed end is a true one (the parse
        from a true start is the same token for token as the whole text's), so each piece
        proves the next start, from the list's first entry on. A guess that fails (a "}, {"
        inside a string or in a list of objects inside an entry) is followed by one twice
        as far, up to the cut.
        """
        text = self.text
        items: list[Any] = []
        # A key that repeats: its last value is the one kept, and its pieces the ones kept.
        marks = self.checkpoints[cut.list_key if cut is not None else str(key)] = []
        while True:
            bound = len(text) if cut is None else cut.first_end
            length = self.piece
            while True:
                between = None
                if bound - pos > length:
                    between = _BETWEEN_ENTRIES.search(text, pos + length, bound)
                if between is not None:
                    end, next_start = between.start() + 1, between.end()
                elif cut is not None:
                    end, next_start = cut.first_end, cut.second_start
                else:
                    return self._last_piece(pos, items, marks)
                try:
                    piece = self._decoder.decode("[" + text[pos:end] + "]")
                    break
                except ValueError:
                    if between is None:  # the cut itself
                        raise NotSplit("the cut is not between two entries") from None
                    if cut is None:
                        # The list may end inside this piece (the guess is in the next list).
                        ended = self._ending_in(pos, end, items, marks)
                        if ended is not None:
                            return ended
                    length = 2 * (end - pos)
            marks.append((len(items), pos))
            items.extend(piece)
            if not _SEPARATOR.fullmatch(text, end, next_start):
                raise NotSplit("the cut is not between two entries")
            pos = next_start
            if cut is not None and pos == cut.second_start:
                return items, pos

    def _ending_in(
        self, pos: int, stop: int, items: list[Any], marks: list[tuple[int, int]]
    ) -> tuple[list[Any], int] | None:
        """The remaining entries and the position past the list, if it ends before ``stop``."""
        try:
            rest, end = self._decoder.raw_decode("[" + self.text[pos:stop])
        except ValueError:
            return None
        marks.append((len(items), pos))
        items.extend(rest)
        return items, pos + end - 1

    def _last_piece(
        self, pos: int, items: list[Any], marks: list[tuple[int, int]]
    ) -> tuple[list[Any], int]:
        """The remaining entries, up to the list's closing bracket."""
        ended = self._ending_in(pos, len(self.text), items, marks)
        if ended is None:
            raise NotSplit("no end of the list")
        return ended


def parse_first(text: str, cut: Cut, piece: int = PIECE_CHARACTERS) -> Parsed:
    """The top level from the start to the cut, and where each of its keys is.

    Arriving at the cut between two entries of its list is what proves the cut.
    """
    parser = _Parser(text, piece)
    data: dict[str, Any] = {}
    members: list[Member] = []
    pos = parser.expect(0, "{")
    while True:
        key_start = pos
        key, pos = parser.key(pos)
        if key == cut.list_key and text[pos] == "[" and pos < cut.first_end:
            value_start = pos
            data[key], pos = parser.entries(parser.skip(pos + 1), cut)
            members.append((key, key_start, parser.key_end, value_start, -1))
            return parser.parsed(data, members)
        value_start = pos
        data[key], pos = parser.top_level_value(key, pos)
        members.append((key, key_start, parser.key_end, value_start, pos))
        if pos > cut.first_end:
            raise NotSplit("the cut is not in an entry list")
        pos = parser.skip(pos)
        if text[pos : pos + 1] != ",":
            raise NotSplit("the cut is not in an entry list")
        pos = parser.skip(pos + 1)


def parse_second(text: str, cut: Cut, piece: int = PIECE_CHARACTERS) -> Parsed:
    """The top level from the cut to the end (the cut list holding only its later entries),
    and where each key after the cut list is."""
    parser = _Parser(text, piece)
    items, pos = parser.entries(cut.second_start, None, cut.list_key)
    data: dict[str, Any] = {cut.list_key: items}
    members: list[Member] = [(cut.list_key, -1, -1, -1, pos)]
    while True:
        pos = parser.skip(pos)
        if text[pos : pos + 1] == "}":
            if parser.skip(pos + 1) != len(text):
                raise NotSplit("text after the manifest")
            return parser.parsed(data, members)
        pos = parser.expect(pos, ",")
        key_start = pos
        key, pos = parser.key(pos)
        if key == cut.list_key:
            raise NotSplit("the cut list's key again: its entries in both parts are dropped")
        value_start = pos
        data[key], pos = parser.top_level_value(key, pos)
        members.append((key, key_start, parser.key_end, value_start, pos))
