"""The two parts made one: their summaries compared and combined, both parts' findings
placed in the whole file, and the keys repeated in either or across them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from encord_manifest._internal.engine.parts.checking import Summary
from encord_manifest._internal.engine.parts.cutting import Cut, NotSplit, Source, _release
from encord_manifest._internal.engine.parts.findings import (
    PartFindings,
    Shift,
    crc_of,
    spans_in_bytes,
    start_of_second,
)
from encord_manifest._internal.engine.parts.parsing import Parsed
from encord_manifest._internal.model.diagnostics import Finding
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.sources.json_duplicates import PlacedRepeat


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
