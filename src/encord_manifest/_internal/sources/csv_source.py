"""CSV bytes -> Document, in the JSON model (spec section 4). Problems are findings, never errors.

The rows become exactly the entries the converter writes (spec 4.1): videos and images one
entry per row, image groups and DICOM series one entry per title, in the order of their first
row. Every other rule then runs on that document as on a JSON manifest. The codes reported here
(C701-C713) are documented in ``encord_manifest._internal.rules.csv_sections``.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import sys
from array import array
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding
from encord_manifest._internal.model.document import Document
from encord_manifest._internal.sources.csv_cells import scan_record
from encord_manifest._internal.sources.csv_locator import CsvLocator
from encord_manifest._internal.sources.csv_rows import (
    Anchored,
    RowBuilder,
    positional_key,
    positional_keys_up_to,
)
from encord_manifest._internal.sources.encoding import decode
from encord_manifest._internal.sources.reading import SourceText, kept_text
from encord_manifest._internal.text.formulas import FORMULA_STARTS

#: The first header-like line and the character after its ObjectUrl cell.
_FIRST_HEADER = re.compile(
    r'^[ \t]*"?[ \t]*objecturl[ \t]*"?[ \t]*([,;\t]|(?=[\r\n])|\Z)', re.IGNORECASE | re.MULTILINE
)
#: First characters of a cell that is not simply a URL: maybe a header, blank or padded,
#: or a formula (C712, checked in ``csv_rows``).
_NOT_PLAIN_URL_START = 'oO"' + FORMULA_STARTS  # a string: "" (an empty cell's [:1]) is in it


def load_csv(path: str, raw: bytes, delimiter: str | None = None) -> Document:
    """Parse a CSV manifest held in memory; ``delimiter`` None means comma, checked."""
    text, findings = decode(raw, bom_is_finding=False)
    return load_csv_text(path, text, len(raw), findings, delimiter, kept_text("csv", raw, text))


def load_csv_text(
    path: str,
    text: str | None,
    size: int,
    findings: list[Finding],
    delimiter: str | None = None,
    source: SourceText | None = None,
) -> Document:
    """A Document from decoded text; ``source`` says how the text is kept for locating
    findings (default: the text itself, in memory)."""
    source = source or SourceText("csv", text)
    if text is None:
        return Document(path, "csv", size, None, None, findings, source=source)
    anchored: list[Anchored] = []
    if delimiter is None:
        delimiter = ","
        foreign = _foreign_delimiter(text)
        if foreign is not None:
            delimiter = foreign[1]
            anchored.append(_delimiter_finding(*foreign))
    builder = RowBuilder()
    # As for JSON (see json_source._parse): the collector has nothing to free while the
    # entries are built, and re-walking millions of new containers costs more than the build.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        complete = _read(builder, text, delimiter)
    finally:
        gc.freeze()
        if gc_was_enabled:
            gc.enable()
    anchored.extend(builder.anchored)
    records = builder.record_map()
    locator = CsvLocator(source.get, delimiter, records)
    resolver = CsvLocator(text, delimiter, records)  # the text is at hand now: no re-read
    findings = findings + _resolve(resolver, anchored)
    if not complete:
        return Document(path, "csv", size, None, None, findings, source=source)
    data = builder.document_data()
    return Document(path, "csv", size, data, locator, findings, builder.rows_dropped, source=source)


def _resolve(locator: CsvLocator, anchored: list[Anchored]) -> list[Finding]:
    if not anchored:
        return []
    spans = locator.spans_of_cells(a.cell for a in anchored if a.cell is not None)
    resolved = []
    for item in anchored:
        if item.cell is not None:
            span = spans.get(item.cell)
        else:
            assert item.offsets is not None
            span = locator.span_of_offsets(*item.offsets)
        resolved.append(replace(item.finding, span=span))
    return resolved


def _foreign_delimiter(text: str) -> tuple[int, str] | None:
    """(offset, delimiter) when the first header is separated by ';' or a tab, not a comma."""
    header = _FIRST_HEADER.search(text)
    if header is None or header.group(1) not in spec.CSV_FOREIGN_DELIMITERS:
        return None
    return header.start(1), header.group(1)


def _delimiter_finding(offset: int, delimiter: str) -> Anchored:
    name = "semicolons" if delimiter == ";" else "tabs"
    return Anchored(
        Finding(
            "C702",
            (),
            f"the header is separated by {name}; Encord reads comma-separated files",
            hint="save the file as comma-separated CSV, or convert it with "
            f"`encord-manifest convert --delimiter {delimiter!r}`",
        ),
        offsets=(offset, offset + 1),
    )


def _read(builder: RowBuilder, text: str, delimiter: str) -> bool:
    """Hand every record to the builder; False when the text is not well-formed CSV (C701).

    The loop itself takes the rows that only continue the group of the row before: in a
    spreadsheet of image sequences that is nine rows in ten, and a method call per row
    would double the load time of a million-row file.
    """
    reader: Iterator[list[str]] = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, strict=True
    )
    if _NUL_REJECTED and "\x00" in text:
        stand_in = next((chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text), None)
        if stand_in is not None:  # else: a text holding every private-use character
            reader = _with_nul(text, delimiter, stand_in)
    keys = positional_keys_up_to(1024)
    record = -1
    width = -1
    title_field = create_field = 0
    title = create_cell = ""
    entry: dict[str, Any] = {}
    files: array[int] = array("q")
    tail_start = -1
    tail: list[str] | None = None
    try:
        for row in reader:
            record += 1
            if (
                len(row) == width
                and row[title_field] == title
                and row[create_field] == create_cell
                and row[0][:1] not in _NOT_PLAIN_URL_START
                and not row[0][0].isspace()
                and (tail is None or row[tail_start:] == tail)
            ):
                position = len(files)
                entry[keys[position] if position < 1024 else positional_key(position)] = row[0]
                files.append(record)
                continue
            continuation = builder.row(row, record)
            if continuation is None:
                width = -1
            else:
                width, title_field, create_field, title, create_cell = continuation[:5]
                entry, files, tail_start, tail = continuation[5:]
    except csv.Error as error:
        _malformed(builder, text, delimiter, record + 1, str(error))
        return False
    builder.finish()
    return True


#: Python 3.10's csv module rejects a NUL anywhere ("line contains NUL"); 3.11 reads it as
#: any other character. A NUL in a cell is the cell's finding (a control character), the
#: same on every version, so on 3.10 the reader is given a stand-in and the cells get it back.
_NUL_REJECTED = sys.version_info < (3, 11)


def _with_nul(text: str, delimiter: str, stand_in: str) -> Iterator[list[str]]:
    """Rows of a text holding NULs, read through one character the text does not hold."""
    rows = csv.reader(
        io.StringIO(text.replace("\x00", stand_in), newline=""), delimiter=delimiter, strict=True
    )
    for row in rows:
        yield [cell.replace(stand_in, "\x00") if stand_in in cell else cell for cell in row]


def _malformed(builder: RowBuilder, text: str, delimiter: str, record: int, message: str) -> None:
    """The C701 finding, at the place that makes the record malformed.

    The records before it are well-formed, so the line it starts on is known the usual way.
    """
    locator = CsvLocator(text, delimiter, builder.record_map())
    start = locator.line_index().offset_of_line(locator.line_of(record))
    scan = scan_record(text, start, delimiter)
    if scan.error is not None:
        offset, why = scan.error
        hint: str | None = _malformed_hint(why)
    else:  # the csv module's own limit on a cell's length
        offset, why, hint = start, message, None
        limit = re.search(r"\((\d+)\)", message)
        if "field limit" in message and limit:
            why = f"a cell is longer than {int(limit.group(1)):,} characters"
            hint = "an opening quote that is closed much later makes one huge cell"
    builder.anchored.append(
        Anchored(
            Finding("C701", (), f"invalid CSV: {why}", hint=hint),
            offsets=(offset, offset + 1),
        )
    )


def _malformed_hint(why: str) -> str:
    if "never closed" in why:
        return 'close the quote; a quote inside a quoted cell is written twice: ""'
    return 'put the whole cell in quotes and write each quote inside it twice: ""'
