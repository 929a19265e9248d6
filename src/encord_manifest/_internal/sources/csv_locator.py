"""JSON pointers of a CSV manifest's document -> the CSV cells they came from.

A CSV manifest is read into the JSON model, so rules report pointers such as
``/image_groups/3/objectUrl_2``. The loader remembers, compactly, which record (CSV row) each
entry and file came from and which section (header) each record is under; positions are
worked out from that only for what was reported, by re-reading just those records.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from encord_manifest._internal.model.diagnostics import Pointer, Span
from encord_manifest._internal.model.document import Request
from encord_manifest._internal.model.spec import GROUP_KEYS, POSITIONAL_PREFIX
from encord_manifest._internal.sources.csv_cells import (
    CellOffsets,
    LineIndex,
    record_line_shifts,
    scan_record,
)

#: A cell: (record index, field index); field None means the whole record.
Cell = tuple[int, int | None]


@dataclass
class Section:
    """One header row and what it says about the rows below it."""

    header_record: int
    #: The entry list its rows go to; None when the header is unusable (C705).
    entry_key: str | None
    width: int
    title_field: int | None = None
    create_field: int | None = None


@dataclass
class RecordMap:
    """Which section each record is under, and which records each entry is.

    Kept small for a million rows: a record's section is the last header before it, and its
    line is worked out from the text when needed (``csv_cells.record_line_shifts``).
    """

    sections: list[Section]
    #: Entry list -> per entry, its record (videos, images) or its records in file order
    #: (image groups, DICOM series).
    entries: dict[str, array[int] | list[array[int]]]

    def section_of(self, record: int) -> Section:
        return self.sections[bisect_right(self._header_records, record) - 1]

    @cached_property
    def _header_records(self) -> list[int]:
        """Made once the map is complete (the builder hands it over after the last row)."""
        return [section.header_record for section in self.sections]


class CsvLocator:
    def __init__(
        self, text: str | Callable[[], str | None], delimiter: str, records: RecordMap
    ) -> None:
        self._source = text
        self._text: str | None = None
        self._lines: LineIndex | None = None
        self._shifts: tuple[list[int], list[int]] = ([], [])
        self.delimiter = delimiter
        self.records = records

    def locate(self, requests: Iterable[Request]) -> dict[Request, Span]:
        cells = {request: self.cell_of(request[0]) for request in requests}
        spans = self.spans_of_cells(cell for cell in cells.values() if cell is not None)
        return {
            request: spans[cell]
            for request, cell in cells.items()
            if cell is not None and cell in spans
        }

    def cell_of(self, pointer: Pointer) -> Cell | None:
        """The cell a pointer into the document came from; None for what no cell holds."""
        if not pointer or not isinstance(pointer[0], str):
            return None
        key = pointer[0]
        entries = self.records.entries.get(key)
        if entries is None:
            return None
        if len(pointer) == 1:
            first = next((s for s in self.records.sections if s.entry_key == key), None)
            return (first.header_record, 0) if first else None
        index = pointer[1]
        if not isinstance(index, int) or not 0 <= index < len(entries):
            return None
        rows = entries[index]
        records = rows if isinstance(rows, array) else array("q", [rows])
        if len(pointer) == 2:
            return (records[0], None)
        member = pointer[2]
        if member == "objectUrl":
            return (records[0], 0)
        if isinstance(member, str) and member.startswith(POSITIONAL_PREFIX) and key in GROUP_KEYS:
            position = member[len(POSITIONAL_PREFIX) :]
            if position.isdigit() and int(position) < len(records):
                return (records[int(position)], 0)
            return (records[0], None)
        section = self.records.section_of(records[0])
        if member == "title" and section.title_field is not None:
            return (records[0], section.title_field)
        if member == "createVideo":
            field = (
                section.create_field if section.create_field is not None else section.title_field
            )
            return (records[0], field)
        return (records[0], None)

    def spans_of_cells(self, cells: Iterable[Cell]) -> dict[Cell, Span]:
        text, lines = self._load()
        if text is None or lines is None:
            return {}
        spans: dict[Cell, Span] = {}
        scans: dict[int, tuple[CellOffsets, int]] = {}
        for cell in cells:
            record, field = cell
            if record not in scans:
                start = lines.offset_of_line(self.line_of(record))
                scan = scan_record(text, start, self.delimiter)
                scans[record] = (scan.cells, scan.end)
            cell_offsets, end = scans[record]
            if field is None:
                spans[cell] = lines.span(cell_offsets[0][0], end)
            elif field < len(cell_offsets):
                spans[cell] = lines.span(*cell_offsets[field], field=field + 1)
            else:  # a cell the row does not have: where it would start
                spans[cell] = lines.span(end, end, field=field + 1)
        return spans

    def offsets_of_cells(self, cells: Iterable[Cell]) -> dict[Cell, tuple[int, int]]:
        """Character offsets (start, end exclusive, quotes included) of cells the text has."""
        text, lines = self._load()
        if text is None or lines is None:
            return {}
        found: dict[Cell, tuple[int, int]] = {}
        scans: dict[int, CellOffsets] = {}
        for record, field in cells:
            if field is None:
                continue
            if record not in scans:
                start = lines.offset_of_line(self.line_of(record))
                scans[record] = scan_record(text, start, self.delimiter).cells
            if field < len(scans[record]):
                found[(record, field)] = scans[record][field]
        return found

    @property
    def text(self) -> str:
        """The source text the offsets refer to."""
        return self._load()[0] or ""

    def line_of(self, record: int) -> int:
        """The physical line a record starts on (records are counted from 0)."""
        self._load()
        shift_records, shift_lines = self._shifts
        shift = bisect_right(shift_records, record)
        return record + 1 + (shift_lines[shift - 1] if shift else 0)

    def line_index(self) -> LineIndex:
        _, lines = self._load()
        assert lines is not None, "a locator made from the text in hand"
        return lines

    def span_of_offsets(self, start: int, end: int) -> Span | None:
        _, lines = self._load()
        return lines.span(start, end) if lines is not None else None

    def _load(self) -> tuple[str | None, LineIndex | None]:
        if self._text is None:
            self._text = self._source() if callable(self._source) else self._source
            if self._text is not None:
                self._lines = LineIndex(self._text)
                self._shifts = record_line_shifts(self._text, self.delimiter, self._lines)
        return self._text, self._lines
