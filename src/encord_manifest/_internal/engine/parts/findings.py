"""The findings of one part of a manifest linted in parts, placed in the whole file.

Each part locates its own findings in its own text, in the one batched walk the whole-file
lint makes (``json_locator``): the first part's text is the file's beginning, so its places
are the file's; the second part's text starts at an entry, so its places move down by the
lines before it (and, on its first line, right by the columns before it), and its pointers
into the list that was cut move up by the entries of the first part. Nothing here reads the
other part: what a part sends is small, its findings and their places.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from encord_manifest._internal.model.diagnostics import Change, Finding, Fix, Pointer, Span
from encord_manifest._internal.sources.json_duplicates import (
    PlacedRepeat,
    dropped_values,
    outermost_places,
    place_repeats,
    repeats_in,
)
from encord_manifest._internal.sources.json_locator import (
    Checkpoints,
    Member,
    Request,
    kept_places,
    offsets_in_part,
    to_spans,
)


@dataclass
class PartFindings:
    """A part's findings with the places of everything they refer to, in the part's text
    (the second part: counted from its first character), and the CRC-32 of the part's bytes
    (for showing its lines later, proved to be the same bytes).

    It goes through a pipe as plain tuples: pickling the dataclasses themselves (by
    ``copyreg``, object by object) took 3 s for 100,000 findings there and back, tuples 1 s.
    """

    findings: list[Finding] = field(default_factory=list)
    spans: dict[Request, Span] = field(default_factory=dict)
    crc: int | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        findings = [_finding_tuple(finding) for finding in self.findings]
        spans = [(request, _span_tuple(span)) for request, span in self.spans.items()]
        return (_part_findings, (findings, spans, self.crc))


def _part_findings(
    findings: list[tuple[Any, ...]], spans: list[Any], crc: int | None
) -> PartFindings:
    return PartFindings(
        [_finding(*fields) for fields in findings],
        {request: Span(*fields) for request, fields in spans},
        crc,
    )


def _span_tuple(span: Span) -> tuple[Any, ...]:
    return (span.line, span.column, span.end_line, span.end_column, span.field)


def _finding_tuple(finding: Finding) -> tuple[Any, ...]:
    fix = finding.fix
    return (
        finding.code,
        finding.pointer,
        finding.message,
        finding.target,
        finding.hint,
        None if finding.span is None else _span_tuple(finding.span),
        finding.related,
        None
        if fix is None
        else (fix.description, [(c.pointer, c.target, c.text) for c in fix.changes]),
        finding.also,
    )


def _finding(
    code: str,
    pointer: Pointer,
    message: str,
    target: Any,
    hint: str | None,
    span: tuple[Any, ...] | None,
    related: Pointer | None,
    fix: tuple[str, list[tuple[Any, ...]]] | None,
    also: tuple[Pointer, ...],
) -> Finding:
    return Finding(
        code,
        pointer,
        message,
        target,
        hint,
        None if span is None else Span(*span),
        related,
        None if fix is None else Fix(fix[0], tuple(Change(*change) for change in fix[1])),
        also,
    )


def present(data: Any, requests: Iterable[Request]) -> set[Request]:
    """The requests whose place exists in ``data``. The others are never found, in the whole
    text either; leaving them out lets a walk stop at the last place it needs, inside its part
    (a part's text ends, or begins, in the middle of the document)."""
    return {request for request in requests if _exists(data, *request)}


def _exists(data: Any, pointer: Pointer, target: str) -> bool:
    node = data
    for depth, step in enumerate(pointer):
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            if target == "key" and depth == len(pointer) - 1:
                return True
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return False
    return target == "value"


def locate_in_part(
    text: str,
    data: Mapping[str, Any],
    requests: Iterable[Request],
    places: Mapping[str, tuple[int, int, int]],
    checkpoints: Checkpoints,
    repeated_keys: bool,
) -> dict[Request, Span]:
    """Places in a part's text, each walked from its top-level key's value (``places``):
    the first part's places are the file's; the second's count from its first character."""
    wanted = present(data, requests)
    if not wanted:
        return {}
    found = offsets_in_part(text, data, wanted, places, checkpoints, repeated_keys)
    return to_spans(text, found)


def nested_repeats(
    text: str,
    data: Any,
    objects: list[dict[str, Any]],
    members: list[Member],
    checkpoints: Checkpoints,
) -> list[PlacedRepeat]:
    """The keys repeated below the top level of a part, placed in its text: the objects the
    parser saw repeat a key are found in the tree, located, and only their text tokenized.
    An object that is not in the tree (under a top-level key of this part that repeats, in
    the value that was dropped) is in the text of that value, tokenized too."""
    pointers, complete = outermost_places(data, objects)
    requests: set[Request] = {(pointer, "value") for pointer in pointers}
    places = kept_places(members)
    offsets = offsets_in_part(text, data, requests, places, checkpoints, repeated_keys=True)
    regions = [(pointer, *offsets[(pointer, "value")]) for pointer in pointers]
    if not complete:
        regions += dropped_values(members)
    return place_repeats(text, repeats_in(text, regions))


def spans_in_bytes(source: Any, offsets: Mapping[Any, tuple[int, int]]) -> dict[Any, Span]:
    """Spans of byte offsets into the file's bytes (``source``, mapped or read), counted from
    the file's start a few MB at a time, in one sweep over the sorted offsets."""
    position: dict[int, tuple[int, int]] = {}
    line, previous = 1, 0
    step = 1 << 24
    for offset in sorted({o for pair in offsets.values() for o in pair}):
        for start in range(previous, offset, step):
            line += source[start : min(offset, start + step)].count(b"\n")
        line_start = source.rfind(b"\n", 0, offset) + 1
        position[offset] = (line, 1 + len(source[line_start:offset].decode("utf-8")))
        previous = offset
    return {key: Span(*position[start], *position[end]) for key, (start, end) in offsets.items()}


def crc_of(source: Any, start: int, end: int) -> int:
    """The CRC-32 of ``source[start:end]``, a few MB at a time (no copy of the whole)."""
    crc = 0
    step = 1 << 24
    with memoryview(source) as whole:
        for offset in range(start, end, step):
            with whole[offset : min(end, offset + step)] as piece:
                crc = zlib.crc32(piece, crc)
    return crc


def start_of_second(source: Any, offset: int) -> tuple[int, int]:
    """The lines before ``offset`` and the 1-based column of the character at it."""
    span = spans_in_bytes(source, {0: (offset, offset)})[0]
    return span.line - 1, span.column


@dataclass(frozen=True)
class Shift:
    """How the second part's places and pointers become the whole file's."""

    list_key: str
    #: The entries of ``list_key`` in the first part.
    entries_before: int
    lines_before: int
    #: The column of the second part's first character in the file.
    column: int

    def span(self, span: Span) -> Span:
        return Span(
            span.line + self.lines_before,
            span.column + (self.column - 1 if span.line == 1 else 0),
            span.end_line + self.lines_before,
            span.end_column + (self.column - 1 if span.end_line == 1 else 0),
        )

    def pointer(self, pointer: Pointer) -> Pointer:
        if len(pointer) > 1 and pointer[0] == self.list_key and isinstance(pointer[1], int):
            return (pointer[0], pointer[1] + self.entries_before, *pointer[2:])
        return pointer

    def finding(self, finding: Finding) -> Finding:
        return replace(
            finding,
            pointer=self.pointer(finding.pointer),
            span=None if finding.span is None else self.span(finding.span),
            related=None if finding.related is None else self.pointer(finding.related),
            also=tuple(map(self.pointer, finding.also)),
            fix=None if finding.fix is None else self.fix(finding),
        )

    def fix(self, finding: Finding) -> Fix:
        assert finding.fix is not None
        from encord_manifest._internal.rules.urls import DUPLICATE_URL, copy_removal

        if finding.code == DUPLICATE_URL and finding.related is not None:
            # Its description names the first entry's index, which moves too.
            return copy_removal(self.pointer(finding.pointer), self.pointer(finding.related))
        changes = tuple(
            Change(self.pointer(change.pointer), change.target, change.text)
            for change in finding.fix.changes
        )
        return Fix(finding.fix.description, changes)

    def part(self, found: PartFindings) -> PartFindings:
        """The second part's findings and places, as the whole file's."""
        return PartFindings(
            [self.finding(finding) for finding in found.findings],
            {(self.pointer(p), t): self.span(span) for (p, t), span in found.spans.items()},
            found.crc,
        )
