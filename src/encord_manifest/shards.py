"""A large JSON manifest linted in two parts at once, one per process, to use both cores.

Parsing and the rules are pure CPU work that one Python process does on one core. A manifest of
hundreds of MB is cut in two between two entries near the middle of its text; a forked child
parses and checks the second part while this process does the first. The text is shared (the
child only reads it) and each process builds half the tree; what costs memory beyond one
process is the two parts' rules running at once (measured: 1.25x the parse floor's peak at 1M
entries, against 1.01x in one process).

This path proves a manifest free of entry-level findings; it never writes one. Each part runs
the schema and the entry-scope rule families on its own entries. The comparisons between entries
of different parts are made from each part's summary: repeated URLs (U307) and titles (T402),
and clientMetadata types (M205). The document-scope families (counts, size, top-level keys) run
once, here, on the combined top level. Whenever anything at all is found in a part, or the two
parts disagree, or the cut turns out not to be where it was guessed, the caller lints the whole
file the ordinary way: what is reported, and where, is always the ordinary lint's. The test
suite holds the two ways to the same verdict on every fixture and on generated manifests.

Where the cut goes: at the first ``}``, comma, ``{`` after the middle of the text, in the list
whose key most nearly precedes it. That is a guess (those characters can sit in a string or in
nested metadata); it is proved by this process, which parses the first part from the start and
must arrive exactly there, between two entries of that list.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import signal
import threading
from array import array
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any

from encord_manifest import spec
from encord_manifest.diagnostics import Finding
from encord_manifest.linter import collector_paused
from encord_manifest.rules import family_checks
from encord_manifest.rules.metadata import client_metadata_kinds
from encord_manifest.rules.view import ManifestView
from encord_manifest.settings import LintSettings
from encord_manifest.sources.json_source import RepeatedKeys, reject_constant

#: Below this many characters one process is as fast: forking and combining cost ~0.1 s.
MIN_CHARACTERS = 32_000_000
#: Entries are parsed a piece of about this many characters at a time: large enough that the
#: C parser does the work, small enough that the copy of a piece costs little memory.
PIECE_CHARACTERS = 16_000_000

_WHITESPACE = re.compile(r"[ \t\n\r]*")
#: Between two entries: the first one's closing brace, a comma, the next one's opening brace.
_BETWEEN_ENTRIES = re.compile(r"\}[ \t\n\r]*,[ \t\n\r]*(?=\{)")
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
    #: Hashes of the URLs; of the titles of the list that is cut, the only list both parts
    #: hold entries of. This process keeps sets, to look the other part's up in; the child
    #: sends arrays (8 bytes a hash).
    url_hashes: Collection[int] = ()
    title_hashes: Collection[int] = ()
    metadata_kinds: dict[str, set[str]] = field(default_factory=dict)


def find_cut(text: str) -> Cut:
    """A guessed place to cut (see the module's documentation)."""
    between = _BETWEEN_ENTRIES.search(text, len(text) // 2)
    if between is None:
        raise NotSplit("no place between two entries after the middle")
    first_end, second_start = between.start() + 1, between.end()
    return Cut(_list_key_before(text, first_end), first_end, second_start)


#: The key of an entry list, just before its opening bracket.
_LIST_KEY = re.compile('"(' + "|".join(spec.ENTRY_KEYS) + r')"[ \t\n\r]*:[ \t\n\r]*\Z')


def _list_key_before(text: str, place: int) -> str:
    """The key of the nearest entry list that opens before ``place``.

    Brackets are rare in a manifest (entry lists, and lists inside metadata), and looking for
    one character runs at memchr speed, where a search for each key would read the whole
    first half of the text for every key that is not there.
    """
    while True:
        place = text.rfind("[", 0, place)
        if place < 0:
            raise NotSplit("no entry list before the middle")
        key = _LIST_KEY.search(text[max(0, place - 64) : place])
        if key is not None:
            return key.group(1)


class _Parser:
    """The standard library's C parser, driven piece by piece over one text."""

    def __init__(self, text: str, piece: int) -> None:
        self.text = text
        self.piece = piece
        self.repeated = RepeatedKeys()
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
        if self.text[pos : pos + 1] != '"':
            raise NotSplit(f"expected a key at offset {pos}")
        key, pos = self.value(pos)
        return key, self.expect(pos, ":")

    def entries(self, pos: int, cut: Cut | None) -> tuple[list[Any], int]:
        """The entries from ``pos`` (an entry's first character) to the cut, or to the end of
        the list: the entries and the position after them (the cut's second start, or past
        the list's closing bracket).

        A piece of text from a true start of an entry to a guessed end of one is parsed as a
        JSON array of its own. It parses only if the guessed end is a true one (the parse
        from a true start is the same token for token as the whole text's), so each piece
        proves the next start, from the list's first entry on.
        """
        text = self.text
        items: list[Any] = []
        while True:
            bound = len(text) if cut is None else cut.first_end
            between = None
            if bound - pos > self.piece:
                between = _BETWEEN_ENTRIES.search(text, pos + self.piece, bound)
            if between is not None:
                end, next_start = between.start() + 1, between.end()
            elif cut is not None:
                end, next_start = cut.first_end, cut.second_start
            else:
                return self._last_piece(pos, items)
            try:
                items.extend(self._decoder.decode("[" + text[pos:end] + "]"))
            except ValueError:
                if cut is not None:
                    raise NotSplit("the cut is not between two entries") from None
                # The list ends inside this piece (the guessed end is in the next list).
                return self._last_piece(pos, items)
            if not _SEPARATOR.fullmatch(text, end, next_start):
                raise NotSplit("the cut is not between two entries")
            pos = next_start
            if cut is not None and pos == cut.second_start:
                return items, pos

    def _last_piece(self, pos: int, items: list[Any]) -> tuple[list[Any], int]:
        """The remaining entries, up to the list's closing bracket."""
        between = _BETWEEN_ENTRIES.search(self.text, pos + 2 * self.piece)
        stop = len(self.text) if between is None else between.start()
        try:
            rest, end = self._decoder.raw_decode("[" + self.text[pos:stop])
        except ValueError:
            raise NotSplit("no end of the list") from None
        items.extend(rest)
        return items, pos + end - 1


def parse_first(text: str, cut: Cut, piece: int = PIECE_CHARACTERS) -> tuple[dict[str, Any], bool]:
    """The top level from the start to the cut, and whether some object repeated a key.

    Arriving at the cut between two entries of its list is what proves the cut.
    """
    parser = _Parser(text, piece)
    data: dict[str, Any] = {}
    pos = parser.expect(0, "{")
    while True:
        key, pos = parser.key(pos)
        if key in data:
            parser.repeated.seen = True
        if key == cut.list_key and text[pos] == "[" and pos < cut.first_end:
            data[key], pos = parser.entries(parser.skip(pos + 1), cut)
            return data, parser.repeated.seen
        data[key], pos = parser.value(pos)
        if pos > cut.first_end:
            raise NotSplit("the cut is not in an entry list")
        pos = parser.skip(pos)
        if text[pos : pos + 1] != ",":
            raise NotSplit("the cut is not in an entry list")
        pos = parser.skip(pos + 1)


def parse_second(text: str, cut: Cut, piece: int = PIECE_CHARACTERS) -> tuple[dict[str, Any], bool]:
    """The top level from the cut to the end (the cut list holding only its later entries)."""
    parser = _Parser(text, piece)
    items, pos = parser.entries(cut.second_start, None)
    data: dict[str, Any] = {cut.list_key: items}
    while True:
        pos = parser.skip(pos)
        if text[pos : pos + 1] == "}":
            if parser.skip(pos + 1) != len(text):
                raise NotSplit("text after the manifest")
            return data, parser.repeated.seen
        pos = parser.expect(pos, ",")
        key, pos = parser.key(pos)
        if key in data:
            parser.repeated.seen = True
        data[key], pos = parser.value(pos)


def check_part(
    data: dict[str, Any], cut: Cut, size: int, settings: LintSettings, to_send: bool = False
) -> Summary:
    """The schema and the entry-scope rules on one part; NotSplit when anything is found."""
    from encord_manifest.schema import validate

    view = ManifestView(data, size)
    findings: Iterator[Finding] = chain(
        validate(data), *(check(view, settings) for check in family_checks("entries"))
    )
    for finding in findings:
        if finding.code not in settings.disabled:
            raise NotSplit("a part has findings")
    urls = [view.urls(key).values for key in spec.ENTRY_KEYS]
    collect: Callable[[Iterator[int]], Collection[int]] = partial(array, "q") if to_send else set
    return Summary(
        top_level={key: [] if key in spec.ENTRY_KEYS else value for key, value in data.items()},
        entries=view.entry_count,
        urls=view.url_count,
        url_hashes=collect(map(hash, chain.from_iterable(urls))),
        title_hashes=collect(map(hash, view.titles(cut.list_key).values)),
        metadata_kinds=client_metadata_kinds(view),
    )


def combine(first: Summary, second: Summary, cut: Cut) -> tuple[dict[str, Any], tuple[int, int]]:
    """The combined top level and counts; NotSplit when the parts conflict."""
    shared = set(first.top_level) & set(second.top_level)
    if shared != {cut.list_key}:
        raise NotSplit("a top-level key in both parts")
    if _meet(first.url_hashes, second.url_hashes):
        raise NotSplit("a URL may be in both parts")
    if _meet(first.title_hashes, second.title_hashes):
        raise NotSplit("a title may be in both parts")
    for key in first.metadata_kinds.keys() & second.metadata_kinds.keys():
        if first.metadata_kinds[key] != second.metadata_kinds[key]:
            raise NotSplit("a clientMetadata key of two types")
    top_level = {**first.top_level, **second.top_level}
    return top_level, (first.entries + second.entries, first.urls + second.urls)


def _meet(first: Collection[int], second: Collection[int]) -> bool:
    """Whether two parts may share a value: equal hashes (a collision is merely a false alarm)."""
    return not (first if isinstance(first, set) else set(first)).isdisjoint(second)


def lint_in_parts(
    text: str, size: int, settings: LintSettings, piece: int | None = None
) -> list[Finding]:
    """The document-scope findings of a manifest whose parts are clean; NotSplit otherwise."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        raise NotSplit("no fork here (or other threads are running)")
    piece = piece or PIECE_CHARACTERS
    cut = find_cut(text)
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's lines are measured in the child
        _second_part(text, cut, size, settings, piece, writer)
    os.close(writer)
    try:
        first = _first_part(text, cut, size, settings, piece)
        second = _receive(reader)
    except BaseException:
        os.kill(child, signal.SIGKILL)  # its work is of no use now
        raise
    finally:
        os.close(reader)
        os.waitpid(child, 0)
    top_level, counts = combine(first, second, cut)
    view = ManifestView(top_level, size, counts=counts)
    found = [
        finding
        for check in family_checks("document")
        for finding in check(view, settings)
        if finding.code not in settings.disabled
    ]
    if any(finding.pointer for finding in found):
        raise NotSplit("a document finding with a place to locate")
    return found


def _first_part(text: str, cut: Cut, size: int, settings: LintSettings, piece: int) -> Summary:
    with collector_paused():
        data, repeated = parse_first(text, cut, piece)
        if repeated:
            raise NotSplit("a repeated key")
        return check_part(data, cut, size, settings)


def _second_part(  # pragma: no cover - runs in the child
    text: str, cut: Cut, size: int, settings: LintSettings, piece: int, writer: int
) -> None:
    """The child: check the second part, send the summary (or None), and leave at once."""
    outcome: Summary | None = None
    try:
        with collector_paused():
            data, repeated = parse_second(text, cut, piece)
            if not repeated:
                outcome = check_part(data, cut, size, settings, to_send=True)
    except BaseException:  # whatever it is, the parent lints the whole file
        outcome = None
    try:
        with os.fdopen(writer, "wb") as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        # No clean-up of a tree that dies with the process, and none of the parent's exit
        # handlers (test runners, atexit) either.
        os._exit(0)


def _receive(reader: int) -> Summary:
    with os.fdopen(reader, "rb", closefd=False) as pipe:
        try:
            outcome = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError):
            outcome = None
    if not isinstance(outcome, Summary):
        raise NotSplit("the second part was not checked")
    return outcome
