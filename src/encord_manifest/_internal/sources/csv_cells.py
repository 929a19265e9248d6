"""Where CSV cells are in the text: offsets for positions, and the reason a row is malformed.

Python's csv module reads rows fast but says nothing about where a cell starts, so this module
re-reads only the records that something is reported about, one regular expression per cell.
It follows the csv module's dialect exactly (the tests hold it to that): a cell that starts with
a quote is quoted and ends at a quote not doubled; any other cell runs to the delimiter or the
end of the line, quotes included. Lines end at CRLF, CR or LF, as in the csv module.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import overload

from encord_manifest._internal.model.diagnostics import Span

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')


@cache
def _plain_cell(delimiter: str) -> re.Pattern[str]:
    return re.compile(f"[^{re.escape(delimiter)}\\r\\n]*")


class CellOffsets(Sequence[tuple[int, int]]):
    """(start, end) of each cell, kept flat: 16 bytes a cell instead of a tuple's 120, which
    matters for a header of 100,000 columns."""

    def __init__(self) -> None:
        self._flat = array("q")

    def append(self, cell: tuple[int, int]) -> None:
        self._flat.extend(cell)

    def __len__(self) -> int:
        return len(self._flat) // 2

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._flat[2 * index], self._flat[2 * index + 1]


@dataclass(frozen=True)
class RecordScan:
    """The cells of one record as (start, end) offsets (quotes included), and its end."""

    cells: CellOffsets
    end: int
    #: (offset, message) of what makes the record malformed, if anything does.
    error: tuple[int, str] | None = None


def scan_record(text: str, start: int, delimiter: str) -> RecordScan:
    """The record that starts at ``start``; a quoted cell may span lines."""
    plain = _plain_cell(delimiter)
    cells = CellOffsets()
    position, length = start, len(text)
    while True:
        if position < length and text[position] == '"':
            quoted = _QUOTED.match(text, position)
            if quoted is None:
                return RecordScan(cells, length, (position, "a quoted cell is never closed"))
            cells.append((position, quoted.end()))
            position = quoted.end()
            if position < length and text[position] not in (delimiter, "\r", "\n"):
                return RecordScan(
                    cells,
                    position,
                    (position, f"text after the closing quote of a cell (expected {delimiter!r})"),
                )
        else:
            end = plain.match(text, position).end()  # type: ignore[union-attr]  # `*` always matches
            cells.append((position, end))
            position = end
        if position < length and text[position] == delimiter:
            position += 1
            continue
        return RecordScan(cells, position)


class LineIndex:
    """Offsets of the line starts of one text, to turn offsets into lines and columns."""

    def __init__(self, text: str) -> None:
        self.starts = array("q", [0])
        self.starts.extend(match.end() for match in _LINE_BREAK.finditer(text))

    def offset_of_line(self, line: int) -> int:
        return self.starts[line - 1]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and character column of an offset."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def span(self, start: int, end: int, field: int | None = None) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column, field)


@cache
def _quoted_cell(delimiter: str) -> re.Pattern[str]:
    """A quoted cell: a quote at the start of a field (after a delimiter or a line break, or
    at the start of the text), to its closing quote. A quote elsewhere is a literal."""
    boundary = re.escape(delimiter) + "\\r\\n"
    return re.compile(f'(?<![^{boundary}])"[^"]*(?:""[^"]*)*"')


def record_line_shifts(text: str, delimiter: str, lines: LineIndex) -> tuple[list[int], list[int]]:
    """Where records stop starting one line after the other, for a well-formed CSV text.

    Record ``r`` starts on line ``r + 1`` until a quoted cell spans lines; returns the first
    records after each such record and how many lines further down they (and all records
    after them) start. Worked out from the text only when a position is wanted, so that
    reading a million rows does not track lines.
    """
    shift_records: list[int] = []
    shift_lines: list[int] = []
    if '"' not in text:
        return shift_records, shift_lines
    shift = 0
    record = -1
    last_end_line = 0
    for match in _quoted_cell(delimiter).finditer(text):
        cell = match.group()
        if "\n" not in cell and "\r" not in cell:
            continue
        start_line, _ = lines.position(match.start())
        end_line, _ = lines.position(match.end())
        if start_line != last_end_line:  # else: a second such cell of the same record
            record = start_line - 1 - shift
        shift += end_line - start_line
        last_end_line = end_line
        if shift_records and shift_records[-1] == record + 1:
            shift_lines[-1] = shift
        else:
            shift_records.append(record + 1)
            shift_lines.append(shift)
    return shift_records, shift_lines
