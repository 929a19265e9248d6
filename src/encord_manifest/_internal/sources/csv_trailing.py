"""Trailing blank columns of a CSV section: what a spreadsheet export leaves (C713), or not.

Excel's "CSV UTF-8" writes every row as wide as the sheet's used range, so a sheet once
touched beyond its last column exports `ObjectUrl,Image title,,` and rows `URL,Title,,`.
Such columns (a blank header cell and nothing but blank cells below it, to the next header)
carry nothing: they are ignored, with one info finding per file. Whether a column is one of
them is known only at the end of its section, so the header's trailing blank cells are held
here, watched row by row, and a column found to hold data under its blank header becomes an
ordinary blank header cell (C704) from the first one up to it.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from encord_manifest._internal.model.caps import KindCap, more
from encord_manifest._internal.sources.csv_locator import Section

if TYPE_CHECKING:
    from encord_manifest._internal.sources.csv_rows import Anchored


BLANK_HEADER = "blank header cell: every column needs a name"
OVER_DATA = "cells below it hold data, which would be ignored"


def is_blank(cell: str) -> bool:
    return not cell or cell.isspace()


def blank_tail(header: list[str]) -> int:
    """The field of the first of the header's trailing blank cells; its width when none."""
    start = len(header)
    while start > 1 and is_blank(header[start - 1]):  # the first cell is ObjectUrl
        start -= 1
    return start


def last_data_field(row: list[str], start: int, width: int) -> int | None:
    """The last field from ``start`` to the header's ``width`` holding a non-blank cell.

    Cells beyond the header's width are not columns (C706 reports them).
    """
    cells = row[start:width]
    if not any(cells):  # the common case, empty strings only: decided in C
        return None
    for offset in range(len(cells) - 1, -1, -1):
        if not is_blank(cells[offset]):
            return start + offset
    return None


@dataclass
class PendingTail:
    """A section's trailing blank header cells, from ``start`` to the header's width, while
    no row has shown data under them; and where the section began, should it be dropped."""

    section: Section
    start: int
    #: Lengths of the section's entry list and of the builder's findings at its header.
    entries_mark: int
    anchored_mark: int
    #: The header's cap on C704 findings, which the cells found over data count against.
    cap: KindCap
    #: Blank header cells found over data that the header's cap did not admit (C704).
    unreported: int = 0

    def data_under(self, row: list[str]) -> list[int] | None:
        """The fields now known to be over data, from the first pending one to the row's
        last cell with data, as far as the header's cap admits them; None when the row has
        no data there. The columns after them are still pending."""
        last = last_data_field(row, self.start, self.section.width)
        if last is None:
            return None
        fields = range(self.start, last + 1)
        self.start = last + 1
        admitted = [field for field in fields if self.cap.admit("C704")]
        self.unreported += len(fields) - len(admitted)
        return admitted

    def overflow_message(self) -> str:
        return f"{more(self.unreported, 'blank columns over data')} in this header"


def drop_section_rows(
    tail: PendingTail,
    entries: dict[str, list[dict[str, Any]]],
    records: dict[str, Any],
    anchored: list[Anchored],
) -> None:
    """Give back the entries a section made, and its rows' findings, as if its header had
    been unusable from the start: only C704 and C706 are reported for such a section's rows.

    Only a section without a title column is dropped, and its rows are one entry each
    (videos), all after the entries made before its header.
    """
    key = tail.section.entry_key
    assert key is not None
    del entries[key][tail.entries_mark :]
    kept: array[int] = records[key]
    del kept[tail.entries_mark :]
    anchored[tail.anchored_mark :] = [
        item for item in anchored[tail.anchored_mark :] if item.finding.code in ("C704", "C706")
    ]
    tail.section.entry_key = None


@dataclass
class IgnoredColumns:
    """The sections whose trailing blank columns were ignored: (header record, first such
    field, how many), in file order. One finding tells of them all."""

    sections: list[tuple[int, int, int]] = field(default_factory=list)

    def add(self, tail: PendingTail) -> None:
        count = tail.section.width - tail.start
        if count > 0:
            self.sections.append((tail.section.header_record, tail.start, count))

    def finding(self) -> tuple[int, int, str] | None:
        """(record, field, message) of the one finding (C713), at the first such column."""
        if not self.sections:
            return None
        record, start, count = self.sections[0]
        columns = "1 trailing blank column" if count == 1 else f"{count:,} trailing blank columns"
        text = f"{columns} ignored (a spreadsheet export)"
        later = len(self.sections) - 1
        if later:
            text += f"; also in {later:,} later section{'s' if later > 1 else ''}"
        return record, start, text
