"""A large JSON manifest linted in two parts at once, one per process, to use both cores.

Parsing and the rules are pure CPU work that one Python process does on one core. A manifest of
hundreds of MB is cut in two between two entries, where about half the work lies on either side;
two forked children each decode, parse and check one part. The command only maps the file,
finds the cut and waits: it never builds a tree, so it never tears one down either, and the
children leave with ``os._exit``. Each child decodes its own bytes of the mapped file and lets
the text go once parsed, so the two parts together hold what one process would: one text while
parsing, then one tree (measured at 1M entries: 1.14x the parse floor's peak memory, over all
three processes).

Each part runs the schema and the entry-scope rule families on its own entries and places its
own findings in its own text (``part_findings``): the first part's places are the file's; the
second part's move down by the lines before it, and its pointers into the list that was cut up
by the first part's entries. The first child combines the two. The comparisons between entries
of different parts are made from summaries: repeated URLs (U307; the second child sends its URL
hashes as soon as it has them, and the first compares them with its own while its rules still
run), repeated titles (T402) and clientMetadata types (M205). The document-scope families
(counts, size, top-level keys) run once, here, on the combined top level.

The whole file is linted the ordinary way, in one process, only for what needs its whole tree
or a text no part holds: a value shared by the two parts (a URL or title in both, a
clientMetadata key of more than one type), a nesting too deep, the SDK's typed form, a document
finding with a place, an encoding to report, a repeated key, or a cut that turns out not to be
where it was guessed. The test suite holds the two ways to the same report on every fixture,
on generated manifests and on findings on both sides of the cut.

Where the cut goes: at the first ``}``, comma, ``{`` after the estimated place, in the list
whose key most nearly precedes it. That is a guess (those characters can sit in a string or in
nested metadata); it is proved by the first child, which parses its part from the start and
must arrive exactly there, between two entries of that list.
"""

from __future__ import annotations

import contextlib
import gc
import json
import mmap
import os
import pickle
import re
import select
import signal
import threading
from array import array
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any, BinaryIO

from encord_manifest._internal.engine.part_findings import (
    PartFindings,
    Shift,
    crc_of,
    locate_in_part,
    location_requests,
    nested_repeats,
    spans_in_bytes,
    start_of_second,
)
from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Pointer
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_checks
from encord_manifest._internal.rules.dialect import SDK_TYPED_FORM, SIGN_CODES, ignorable
from encord_manifest._internal.rules.metadata import client_metadata_kinds
from encord_manifest._internal.rules.urls import URL_HASHES
from encord_manifest._internal.rules.view import ManifestView
from encord_manifest._internal.sources.json_duplicates import PlacedRepeat
from encord_manifest._internal.sources.json_locator import BETWEEN_OBJECTS, Member, kept_places
from encord_manifest._internal.sources.json_source import (
    RepeatedKeys,
    has_lone_surrogate,
    reject_constant,
)

#: Entries are parsed a piece of about this many characters at a time: large enough that the
#: C parser does the work, small enough that the copy of a piece costs little memory, and
#: that the start of each piece, kept, lets a part's findings be located from the nearest
#: one rather than from the part's start (``Parsed.checkpoints``).
PIECE_CHARACTERS = 1_000_000

#: How the work is estimated (``_place_of_share``): so many samples of so many characters.
_SAMPLES = 256
_SAMPLE_BYTES = 32_768
_QUOTE_WEIGHT = 2.5

_WHITESPACE = re.compile(r"[ \t\n\r]*")
#: Between two entries: the first one's closing brace, a comma, the next one's opening brace.
#: Looked for in the text (pieces) and in the file's bytes (the cut).
_BETWEEN_ENTRIES = re.compile(BETWEEN_OBJECTS)
_BETWEEN_ENTRIES_IN_BYTES = re.compile(BETWEEN_OBJECTS.encode())
_SEPARATOR = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")


class NotSplit(Exception):
    """The manifest cannot be linted in parts here; lint it whole."""


@dataclass(frozen=True)
class Cut:
    """Where the second part starts: an entry of ``list_key``."""

    list_key: str
    #: Just past the closing brace of the last entry of the first part.
    first_end: int
    #: The opening brace of the first entry of the second part.
    second_start: int


@dataclass
class Summary:
    """What one part tells the other: small, whatever the part's size."""

    #: The top-level keys of the part, in order, with their values; entry lists left empty.
    top_level: dict[str, Any] = field(default_factory=dict)
    entries: int = 0
    urls: int = 0
    #: Hashes of the titles of the list that is cut, the only list both parts hold entries
    #: of: a set in the first child, to look the second's up in; the array the second sends.
    #: (URL hashes are compared apart, as soon as they arrive: ``_first_child``.)
    title_hashes: Collection[int] = ()
    metadata_kinds: dict[str, set[str]] = field(default_factory=dict)
    #: The part's findings, placed in its own text.
    found: PartFindings = field(default_factory=PartFindings)
    #: Where the part's top-level keys are, its repeated keys below the top level, placed,
    #: and whether its text is ASCII (then its character offsets are byte offsets).
    members: list[Member] = field(default_factory=list)
    repeats: list[PlacedRepeat] = field(default_factory=list)
    ascii: bool = True


@dataclass
class Combined:
    """What the first child makes of the two parts: the combined top level, the counts, and
    both parts' findings placed in the whole file."""

    top_level: dict[str, Any]
    counts: tuple[int, int]
    found: PartFindings
    #: (start, end, CRC-32) of each part's bytes, when there are findings: the proof, when the
    #: text is read again to show its lines, that it holds the bytes that were checked.
    checksums: list[tuple[int, int, int]] = field(default_factory=list)


#: A manifest file's bytes, read or mapped.
Source = bytes | mmap.mmap


def find_cut(source: Source, share: float = 0.5) -> Cut:
    """A guessed place to cut (see the module's documentation), about ``share`` of the work
    into the file. Its offsets count bytes: the file is decoded by the parts, each its own."""
    between = _BETWEEN_ENTRIES_IN_BYTES.search(source, _place_of_share(source, share))
    if between is None:
        raise NotSplit("no place between two entries after the middle")
    first_end, second_start = between.start() + 1, between.end()
    return Cut(_list_key_before(source, first_end), first_end, second_start)


def _place_of_share(source: Source, share: float) -> int:
    """The offset before which about ``share`` of the parsing and checking work lies.

    That work follows the characters, and the strings somewhat more: the lists of one manifest
    differ (an image entry is a few short strings, a DICOM series mostly long URLs). Quotes
    are counted in samples spread evenly over the file, each weighing as much as 2.5
    characters (fitted to the two parts' times at 1M entries).
    """
    stride = len(source) / _SAMPLES
    weights = []
    for i in range(_SAMPLES):
        sample = source[int(i * stride) : int(i * stride) + _SAMPLE_BYTES]
        weights.append(_SAMPLE_BYTES + _QUOTE_WEIGHT * sample.count(b'"'))
    remaining = share * sum(weights)
    for i, weight in enumerate(weights):
        if remaining <= weight:
            return int((i + remaining / weight) * stride)
        remaining -= weight
    return len(source)


#: The key of an entry list, just before its opening bracket.
_LIST_KEY = re.compile(b'"(' + "|".join(spec.ENTRY_KEYS).encode() + rb')"[ \t\n\r]*:[ \t\n\r]*\Z')


def _list_key_before(source: Source, place: int) -> str:
    """The key of the nearest entry list that opens before ``place``.

    Brackets are rare in a manifest (entry lists, and lists inside metadata), and looking for
    one character runs at memchr speed, where a search for each key would read the whole
    first half of the file for every key that is not there.
    """
    while True:
        place = source.rfind(b"[", 0, place)
        if place < 0:
            raise NotSplit("no entry list before the middle")
        key = _LIST_KEY.search(source[max(0, place - 64) : place])
        if key is not None:
            return key.group(1).decode()


def first_text(source: Source, cut: Cut) -> tuple[str, Cut]:
    """The first part's text (up to the second part's start) and the cut in its characters.

    Each part decodes its own bytes, at the same time as the other. A cut between two
    entries is never inside a character: UTF-8 sequences hold no ASCII bytes.
    """
    with memoryview(source) as whole, whole[: cut.second_start] as part:
        text = str(part, "utf-8")
    separator = cut.second_start - cut.first_end  # ASCII: as many characters as bytes
    return text, Cut(cut.list_key, len(text) - separator, len(text))


def second_text(source: Source, cut: Cut) -> tuple[str, Cut]:
    """The second part's text (from its first entry) and the cut in its characters."""
    with memoryview(source) as whole, whole[cut.second_start :] as part:
        text = str(part, "utf-8")
    return text, Cut(cut.list_key, 0, 0)


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


class Part:
    """One part's checks: the schema and the entry-scope rule families, and its summary.

    The URL hashes are made first: the repeated-URL rule counts with their set, and the other
    part can be compared with it while the rules still run (``_first_child``). Set and array
    are both made from a list: faster than either from the hashes as they come (measured:
    0.55 s against 0.75 s for 2.2M URLs).
    """

    def __init__(self, data: dict[str, Any], cut: Cut, size: int, settings: LintSettings) -> None:
        self.data, self.cut, self.settings = data, cut, settings
        self.view = ManifestView(data, size)
        urls = chain.from_iterable(self.view.urls(key).values for key in spec.ENTRY_KEYS)
        self.url_hash_list = list(map(hash, urls))
        self.url_hashes = set(self.url_hash_list)
        self.view.memo[URL_HASHES] = self.url_hashes

    def check(self, between: Callable[[], None] = lambda: None) -> list[Finding]:
        """The part's findings; ``between`` runs after each family of checks.

        NotSplit for what only the whole file can report: nesting too deep (F005, placed in
        the text by the parser), and the SDK's typed form (S110 converts the whole document).
        """

        _refuse_deep_nesting(self.data)
        checks: list[Callable[[], Iterable[Finding]]] = [partial(_entry_schema, self.data)]
        checks += [partial(check, self.view, self.settings) for check in family_checks("entries")]
        ignored = ignorable(self.settings.disabled)
        found: list[Finding] = []
        for run in checks:
            found.extend(finding for finding in run() if finding.code not in ignored)
            between()
        if SDK_TYPED_FORM not in self.settings.disabled:
            self._refuse_typed_form([f.pointer for f in found if f.code in SIGN_CODES])
        return [finding for finding in found if finding.code not in self.settings.disabled]

    def _refuse_typed_form(self, places: list[Pointer]) -> None:
        """NotSplit if the findings show a sign of the SDK's typed form (``dialect``). A sign
        is read in the entry a finding points into, which is in this part, so the whole file
        shows one exactly when a part does; but a place that is the cut list as a whole would
        have the entries of both parts read."""
        from encord_manifest._internal.sources.typed_items import first_sign

        if any(place[:1] == (self.cut.list_key,) and len(place) < 2 for place in places):
            raise NotSplit("a sign of the SDK's typed form may be in the cut list")
        if places and first_sign(self.data, places) is not None:
            raise NotSplit("the SDK's typed form: S110 converts the whole document")

    def summary(self, to_send: bool = False, order: Iterable[str] = ()) -> Summary:
        """With the title hashes as a set, to look the other part's up in; or, to send, as an
        array (8 bytes a hash). ``order``: the part's top-level keys as parsed, those whose
        value the other part's replaces included (the combined top level keeps a repeated
        key where it first was, as a parser's dict does)."""
        view = self.view
        titles = map(hash, view.titles(self.cut.list_key).values)
        data = self.data
        return Summary(
            top_level={k: [] if k in spec.ENTRY_KEYS else data.get(k) for k in (order or data)},
            entries=view.entry_count,
            urls=view.url_count,
            title_hashes=array("q", titles) if to_send else set(titles),
            metadata_kinds=client_metadata_kinds(view),
        )


def combine(
    first: Summary, second: Summary, cut: Cut, dropped: Collection[str] = ()
) -> tuple[dict[str, Any], tuple[int, int]]:
    """The combined top level and counts; NotSplit when the parts conflict. ``dropped``: the
    first part's keys that the second part repeats (its values were left out of the first
    part's checks: the second's are the ones kept).

    A clientMetadata key in both parts must hold one type in both: where it holds several,
    the first use, the place every mismatch is reported with, may be in the other part.
    """
    shared = set(first.top_level) & set(second.top_level)
    if shared - set(dropped) != {cut.list_key}:
        raise NotSplit("a top-level key in both parts")
    if _meet(first.title_hashes, second.title_hashes):
        raise NotSplit("a title may be in both parts")
    for key in first.metadata_kinds.keys() & second.metadata_kinds.keys():
        kinds = first.metadata_kinds[key]
        if kinds != second.metadata_kinds[key] or len(kinds) > 1:
            raise NotSplit("a clientMetadata key of two types")
    top_level = {**first.top_level, **second.top_level}
    return top_level, (first.entries + second.entries, first.urls + second.urls)


def _meet(first: Collection[int], second: Collection[int]) -> bool:
    """Whether two parts may share a value: equal hashes (a collision is merely a false alarm).
    ``first`` is the first child's set, ``second`` what the second child sent."""
    assert isinstance(first, set)
    return not first.isdisjoint(second)


#: The share of the work given to the first part: its process also compares the two parts
#: (tuned at 1M entries: the two children then finish within about 0.2 s of each other).
FIRST_SHARE = 0.44


def lint_in_parts(
    source: Source, size: int, settings: LintSettings, piece: int | None = None
) -> Combined:
    """The findings of a manifest, placed, and the proof of the bytes they were found in;
    NotSplit where the whole file must be linted instead.

    ``source`` is the file's bytes, best mapped (``mmap``): then no process copies them whole,
    and each part decodes its half at the same time as the other (measured at 1M entries:
    reading and decoding the whole file here took 0.45 s).
    """
    if not hasattr(os, "fork") or threading.active_count() > 1:
        raise NotSplit("no fork here (or other threads are running)")
    cut = find_cut(source, FIRST_SHARE)
    combined = _combined_by_two_children(source, cut, size, settings, piece)
    view = ManifestView(combined.top_level, size, counts=combined.counts)
    found = [
        finding
        for check in family_checks("document")
        for finding in check(view, settings)
        if finding.code not in settings.disabled
    ]
    if any(finding.pointer for finding in found):
        # Its place is in a part's text, which only that part had.
        raise NotSplit("a document finding with a place to locate")
    combined.found.findings[:0] = found
    if found and not combined.checksums:  # no part had findings, so none summed its bytes
        combined.checksums = [(0, len(source), crc_of(source, 0, len(source)))]
    return combined


def _combined_by_two_children(
    source: Source, cut: Cut, size: int, settings: LintSettings, piece: int | None
) -> Combined:
    """Each part checked by a child of its own; the first child also combines the two.

    Neither tree is ever built here, so none is torn down here either (measured: a third of
    a second for half of a 1M-entry tree): the children leave with ``os._exit``. The second
    child says at once whether its part is clean, so a finding there stops the first child
    without waiting for it; then it hands its summary, findings included, to the first child.
    """
    piece = piece or PIECE_CHARACTERS
    verdict_read, verdict_write = os.pipe()  # first child -> here: the combined parts
    status_read, status_write = os.pipe()  # second child -> here: one byte, b"1" when clean
    summary_read, summary_write = os.pipe()  # second child -> first child: its summary
    children: list[int] = []
    try:
        first = os.fork()
        if first == 0:  # pragma: no cover - runs in the child
            _close(verdict_read, status_read, status_write, summary_write)
            _first_child(source, cut, size, settings, piece, summary_read, verdict_write)
        children.append(first)
        second = os.fork()
        if second == 0:  # pragma: no cover - runs in the child
            _close(verdict_read, verdict_write, status_read, summary_read)
            _second_child(source, cut, size, settings, piece, status_write, summary_write)
        children.append(second)
        _close(verdict_write, status_write, summary_read, summary_write)
        verdict_write = status_write = summary_read = summary_write = -1
        return _await_verdict(verdict_read, status_read)
    finally:
        _close(verdict_read, verdict_write, status_read, status_write, summary_read, summary_write)
        for child in children:
            _end(child)


def _close(*descriptors: int) -> None:
    for descriptor in descriptors:
        if descriptor >= 0:
            os.close(descriptor)


def _end(child: int) -> None:
    """Stop a child if it still runs (its work is of no use now) and wait for it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)


def _await_verdict(verdict: int, status: int) -> Combined:
    watched = [verdict, status]
    while True:
        ready, _, _ = select.select(watched, [], [])
        if status in ready:
            if os.read(status, 1) != b"1":
                raise NotSplit("the second part's check failed, or it needs the whole file")
            watched.remove(status)
        if verdict in ready:
            combined = _receive(verdict)
            if not isinstance(combined, Combined):
                raise NotSplit("the first part's check failed, or the parts disagree")
            return combined


def _first_child(  # pragma: no cover - runs in the child
    source: Source,
    cut: Cut,
    size: int,
    settings: LintSettings,
    piece: int,
    summary: int,
    verdict: int,
) -> None:
    """Check the first part and combine it with the second; send the combined top level.

    The second child sends its URL hashes as soon as it has them, then its summary. They are
    compared with this part's as soon as they are there, between two families of checks: the
    second child's core is busy meanwhile, where comparing them at the end would leave it idle
    (measured at 1M entries: 0.4 s).
    """
    combined = None
    gc.disable()  # for good: see _send_and_leave
    try:
        with os.fdopen(summary, "rb") as pipe:
            parsed = _own_part(first_text, parse_first, source, cut, piece)
            order = list(parsed.data)
            # Built before the second part's keys are read: they arrive meanwhile (waiting
            # for them first cost the clean 1M-entry lint 0.2-0.5 s), and are rarely news.
            part = Part(parsed.data, cut, size, settings)
            dropped = _drop_repeated_later(parsed, pipe, cut)
            if dropped:
                part = Part(parsed.data, cut, size, settings)
            compare = _UrlMeeting(pipe, part.url_hashes)
            compare()
            findings = part.check(between=compare)
            compare(wait=True)
            ours = part.summary(order=order)
            del part  # its columns and hashes: not to be held while the text is read again
            own = _placed(findings, first_text, source, cut, parsed)
            theirs = _receive(pipe)
            if isinstance(theirs, Summary):
                top_level, counts = combine(ours, theirs, cut, dropped)
                combined = Combined(top_level, counts, PartFindings())
                repeated = _repeated_keys(parsed, theirs, source, cut, settings)
                if own.findings or theirs.found.findings or repeated:
                    _place_both(combined, own, theirs.found, source, cut, parsed.data)
                    combined.found.findings += repeated
    except BaseException:  # whatever it is, the whole file is linted instead
        combined = None
    _send_and_leave(verdict, combined)


class _UrlMeeting:  # pragma: no cover - in the child
    """Compares the second part's URL hashes with this part's as soon as they are there."""

    def __init__(self, pipe: BinaryIO, hashes: set[int]) -> None:
        self.pipe, self.hashes, self.done = pipe, hashes, False

    def __call__(self, wait: bool = False) -> None:
        if not self.done and (wait or select.select([self.pipe], [], [], 0)[0]):
            self.done = True
            if _meet(self.hashes, _receive_hashes(self.pipe)):
                raise NotSplit("a URL may be in both parts")
            self.hashes = set()  # compared: no longer needed


def _drop_repeated_later(  # pragma: no cover - in the child
    parsed: Parsed, pipe: BinaryIO, cut: Cut
) -> set[str]:
    """Leave out of the first part's data the top-level keys that the second part repeats:
    a parser keeps the last value of a key, so theirs are checked, not these. The second
    part's keys come first through the pipe, as soon as it is parsed."""
    theirs = pickle.load(pipe)
    dropped = (set(theirs) & set(parsed.data)) - {cut.list_key}
    for key in dropped:
        del parsed.data[key]
    return dropped


def _repeated_keys(  # pragma: no cover - in the child
    first: Parsed, second: Summary, source: Source, cut: Cut, settings: LintSettings
) -> list[Finding]:
    """F003 for every occurrence of every repeated key of both parts, placed in the file: the
    top-level keys from where the parsers saw them (their places counted in the file's
    bytes: an ASCII part's characters are its bytes), those below from each part's own."""
    from encord_manifest._internal.sources.json_duplicates import duplicate_keys
    from encord_manifest._internal.sources.json_source import duplicate_findings

    if "F003" in settings.disabled:
        return []
    occurrences: dict[str, list[tuple[int, int, bool]]] = {}
    for members, start, ascii in (
        (first.members, 0, first.ascii),
        (second.members, cut.second_start, second.ascii),
    ):
        for key, key_start, key_end, _, _ in members:
            if key_start >= 0:
                occurrences.setdefault(key, []).append((start + key_start, start + key_end, ascii))
    repeated = {key: places for key, places in occurrences.items() if len(places) > 1}
    if not repeated and not first.repeats and not second.repeats:
        return []
    if not all(ascii for places in repeated.values() for _, _, ascii in places):
        raise NotSplit("a repeated top-level key in a part that is not ASCII")
    offsets = {
        (key, n): place[:2] for key, places in repeated.items() for n, place in enumerate(places)
    }
    spans = spans_in_bytes(source, offsets)
    placed: list[PlacedRepeat] = [
        (key, (), [spans[(key, n)] for n in range(len(places))]) for key, places in repeated.items()
    ]
    placed += first.repeats
    if second.repeats:
        lines, column = start_of_second(source, cut.second_start)
        shift = Shift(cut.list_key, len(first.data.get(cut.list_key, ())), lines, column)
        placed += [
            (key, shift.pointer(pointer), [shift.span(span) for span in spans_])
            for key, pointer, spans_ in second.repeats
        ]
    return duplicate_findings(duplicate_keys(placed))


def _placed(  # pragma: no cover - in the child
    findings: list[Finding],
    decode: Callable[[Source, Cut], tuple[str, Cut]],
    source: Source,
    cut: Cut,
    parsed: Parsed,
) -> PartFindings:
    """A part's findings with their places in its text, decoded again for them (the text
    was let go of after the parse) and let go of again. The walk that finds them starts
    in the cut list at the piece before each place, not at the list's first entry."""
    if not findings:
        return PartFindings()
    requests = location_requests(findings)
    if any(pointer == (cut.list_key,) for pointer, _ in requests):
        # The cut list as a whole begins in one part and ends in the other.
        raise NotSplit("a place that is the cut list as a whole")
    text, _ = decode(source, cut)
    data, places, marks = parsed.data, parsed.places(), parsed.checkpoints
    spans = locate_in_part(text, data, requests, places, marks, parsed.repeated)
    start, end = (0, cut.second_start) if decode is first_text else (cut.second_start, len(source))
    del text
    found = PartFindings(findings, spans, crc_of(source, start, end))
    _release(source)
    return found


def _place_both(  # pragma: no cover - in the child
    combined: Combined,
    first: PartFindings,
    second: PartFindings,
    source: Source,
    cut: Cut,
    data: dict[str, Any],
) -> None:
    """Both parts' findings in the whole file's places and pointers, and the checksums of
    both parts' bytes (a part without findings of its own is summed here)."""
    lines, column = start_of_second(source, cut.second_start)
    shift = Shift(cut.list_key, len(data[cut.list_key]), lines, column)
    moved = shift.part(second)
    combined.found = PartFindings(first.findings + moved.findings, {**first.spans, **moved.spans})
    ends = [(0, cut.second_start, first.crc), (cut.second_start, len(source), second.crc)]
    combined.checksums = [
        (start, end, crc_of(source, start, end) if crc is None else crc) for start, end, crc in ends
    ]
    _release(source)


def _second_child(  # pragma: no cover - runs in the child
    source: Source,
    cut: Cut,
    size: int,
    settings: LintSettings,
    piece: int,
    status: int,
    summary: int,
) -> None:
    """Check the second part, say whether its check went through, and hand its summary to the
    first child. Its top-level keys go first, as soon as it is parsed (the first child leaves
    out those it repeats), then its URL hashes, by a thread of their own while the checks run.
    """
    outcome = None
    sender = None
    gc.disable()  # for good: see _send_and_leave
    try:
        parsed = _own_part(second_text, parse_second, source, cut, piece)
        _send_bytes(summary, pickle.dumps([member[0] for member in parsed.members[1:]]))
        part = Part(parsed.data, cut, size, settings)
        hashes = array("q", part.url_hash_list)
        sender = threading.Thread(target=_send_hashes, args=(summary, hashes))
        sender.start()
        findings = part.check()
        outcome = part.summary(to_send=True)
        del part  # its columns and hashes: not to be held while the text is read again
        outcome.found = _placed(findings, second_text, source, cut, parsed)
        outcome.members, outcome.repeats = parsed.members, parsed.repeats
        outcome.ascii = parsed.ascii
    except BaseException:
        outcome = None
    with contextlib.suppress(OSError):  # this process has gone; the summary write notices too
        os.write(status, b"1" if outcome is not None else b"0")
    if sender is not None:
        sender.join()
    _send_and_leave(summary, outcome)


def _own_part(
    decode: Callable[[Source, Cut], tuple[str, Cut]],
    parse: Callable[[str, Cut, int], Parsed],
    source: Source,
    cut: Cut,
    piece: int,
) -> Parsed:  # pragma: no cover - in the child
    """This part's data, decoded and parsed from the file's bytes.

    The file's pages are let go of once decoded, and the text once parsed (it dies with
    this frame): the part's tree and its rules' working memory then take its place (measured
    at 1M entries: the two parts' peaks sum to 1.1x the parse floor's peak, against 1.47x
    with the texts kept). The mapping stays, to read the text again if there are findings.
    """
    text, local_cut = decode(source, cut)
    _release(source)
    if has_lone_surrogate(text):  # the whole-file lint reports it
        raise NotSplit("a lone surrogate")
    parsed = parse(text, local_cut, piece)
    parsed.ascii = text.isascii()  # a flag of the string: no scan
    if parsed.repeated:
        parsed.repeats = nested_repeats(
            text, parsed.data, parsed.objects, parsed.members, parsed.checkpoints
        )
    return parsed


def _release(source: Source) -> None:  # pragma: no cover - in the child
    """Drop the pages of the mapping this process has read: they count as its memory, and
    reading them again, if needed, comes from the page cache."""
    if isinstance(source, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        source.madvise(mmap.MADV_DONTNEED)


def _send_hashes(writer: int, hashes: array[int]) -> None:  # pragma: no cover - in the child
    with contextlib.suppress(OSError):  # the first child has gone: nothing to send it
        os.write(writer, len(hashes).to_bytes(8, "little"))
        _send_bytes(writer, memoryview(hashes).cast("B"))


def _send_bytes(writer: int, data: bytes | memoryview) -> None:  # pragma: no cover - in a child
    view = memoryview(data)
    while view:
        view = view[os.write(writer, view) :]


def _receive_hashes(pipe: BinaryIO) -> array[int]:  # pragma: no cover - in the child
    header = pipe.read(8)
    if len(header) != 8:  # the second child ended before it had them
        raise NotSplit("the second part's URL hashes did not arrive")
    count = int.from_bytes(header, "little")
    hashes = array("q")
    hashes.frombytes(pipe.read(8 * count))
    if len(hashes) != count:
        raise NotSplit("the second part's URL hashes did not all arrive")
    return hashes


def _send_and_leave(writer: int, outcome: Any) -> None:  # pragma: no cover - runs in the child
    try:
        with os.fdopen(writer, "wb") as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            pipe.flush()
    except BaseException:  # the reader is gone: its process no longer needs this
        pass
    finally:
        # No clean-up of a tree that dies with the process, and none of the parent's exit
        # handlers (test runners, atexit) either. The collector stays off to the end: once
        # on, its first collection would walk every object of the part's tree, all of them
        # still young (measured: 0.2 s at 1M entries), for nothing to free.
        os._exit(0)


def _receive(reader: int | BinaryIO) -> Any:
    """What the other end sent; None when it sent nothing whole (it failed or was killed)."""
    if isinstance(reader, int):
        with os.fdopen(reader, "rb", closefd=False) as pipe:
            return _receive(pipe)
    try:
        return pickle.load(reader)
    except (EOFError, pickle.UnpicklingError):
        return None


def _entry_schema(data: dict[str, Any]) -> list[Finding]:
    """The schema's findings in the part's entries. One about the top level (a key, the
    root) is the whole file's: a part holds only some of its keys (a rename to a key in the
    other part, the count of unknown keys), so the whole file is linted instead."""
    from encord_manifest._internal.rules.schema import validate

    found = validate(data)
    if any(len(finding.pointer) < 2 for finding in found):
        raise NotSplit("a schema finding about the top level")
    return found


def _refuse_deep_nesting(data: Any) -> None:
    """F005 is the whole file's finding (its place is found in the text): a part only
    notices it, and the whole file is linted instead."""
    from encord_manifest._internal.sources.nesting import too_deep

    if too_deep(data):
        raise NotSplit("nesting too deep")
