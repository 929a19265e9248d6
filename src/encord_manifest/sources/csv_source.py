"""CSV bytes -> Document, in the JSON model (spec section 4). Problems are findings, never errors.

The rows become exactly the entries the converter writes (spec 4.1): videos and images one
entry per row, image groups and DICOM series one entry per title, in the order of their first
row. Every other rule then runs on that document as on a JSON manifest. The codes reported here
(C701-C711) are documented in ``encord_manifest.rules.csv_sections``.
"""

from __future__ import annotations

import csv
import io
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from encord_manifest import spec
from encord_manifest.diagnostics import Finding, Pointer
from encord_manifest.document import Document
from encord_manifest.sources.csv_cells import LineIndex, scan_record
from encord_manifest.sources.csv_locator import CsvLocator, RecordMap, Section
from encord_manifest.sources.encoding import decode
from encord_manifest.suggest import suggest_key

#: The first header-like line and the character after its ObjectUrl cell.
_FIRST_HEADER = re.compile(
    r'^[ \t]*"?[ \t]*objecturl[ \t]*"?[ \t]*([,;\t]|(?=[\r\n])|\Z)', re.IGNORECASE | re.MULTILINE
)
_BLANK_RECORD = -1
_POSITIONAL_KEYS: list[str] = []


def load_csv(path: str, raw: bytes, delimiter: str | None = None) -> Document:
    """Parse a CSV manifest held in memory; ``delimiter`` None means comma, checked."""
    text, findings = decode(raw, bom_is_finding=False)
    return load_csv_text(path, text, len(raw), findings, delimiter)


def load_csv_text(
    path: str,
    text: str | None,
    size: int,
    findings: list[Finding],
    delimiter: str | None = None,
    reread: Callable[[], str | None] | None = None,
) -> Document:
    """A Document from decoded text; with ``reread``, the text is not kept after parsing."""
    if text is None:
        return Document(path, "csv", size, None, None, findings)
    anchored: list[_Anchored] = []
    if delimiter is None:
        delimiter = ","
        foreign = _foreign_delimiter(text)
        if foreign is not None:
            delimiter = foreign[1]
            anchored.append(_delimiter_finding(*foreign))
    builder = _Builder(delimiter)
    complete = builder.read(text)
    anchored.extend(builder.anchored)
    records = builder.record_map()
    locator = CsvLocator(reread or text, delimiter, records)
    resolver = CsvLocator(text, delimiter, records)  # the text is at hand now: no re-read
    findings = findings + _resolve(resolver, anchored)
    if not complete:
        return Document(path, "csv", size, None, None, findings)
    return Document(
        path, "csv", size, builder.document_data(), locator, findings, builder.rows_dropped
    )


@dataclass(frozen=True)
class _Anchored:
    """A finding and the cell (record, field) or text offsets it is about."""

    finding: Finding
    cell: tuple[int, int | None] | None = None
    offsets: tuple[int, int] | None = None


def _resolve(locator: CsvLocator, anchored: list[_Anchored]) -> list[Finding]:
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


def _delimiter_finding(offset: int, delimiter: str) -> _Anchored:
    name = "semicolons" if delimiter == ";" else "tabs"
    return _Anchored(
        Finding(
            "C702",
            (),
            f"the header is separated by {name}; Encord reads comma-separated files",
            hint="save the file as comma-separated CSV, or convert it with "
            f"`encord-manifest convert --delimiter {delimiter!r}`",
        ),
        offsets=(offset, offset + 1),
    )


def _positional_key(position: int) -> str:
    while len(_POSITIONAL_KEYS) <= position:
        _POSITIONAL_KEYS.append(f"{spec.POSITIONAL_PREFIX}{len(_POSITIONAL_KEYS)}")
    return _POSITIONAL_KEYS[position]


def _is_blank(cell: str) -> bool:
    return not cell or cell.isspace()


class _Builder:
    """Reads records in order and builds the document's entries and the record map."""

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter
        self.entries: dict[str, list[dict[str, Any]]] = {k: [] for k in spec.CSV_ENTRY_KEYS}
        self.entry_records: dict[str, Any] = {
            key: [] if key in spec.GROUP_KEYS else array("q") for key in spec.CSV_ENTRY_KEYS
        }
        self.group_of_title: dict[str, dict[str, int]] = {k: {} for k in spec.GROUP_KEYS}
        self.lines: array[int] = array("q")
        self.sections_of_records: array[int] = array("q")
        self.sections: list[Section] = []
        self.anchored: list[_Anchored] = []
        self._previous_group: tuple[str, str] | None = None
        self._orphans: list[int] = []
        self.rows_dropped = False
        self._orphan_named_url = False

    def read(self, text: str) -> bool:
        """Read every record; False when the text is not well-formed CSV (C701)."""
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True)
        lines, sections_of_records = self.lines, self.sections_of_records
        line = 0
        record = -1
        try:
            for row in reader:
                record += 1
                lines.append(line + 1)
                line = reader.line_num
                section = self.sections[-1] if self.sections else None
                first = row[0] if row else ""
                if first[:1] in 'oO \t"' and first.strip().lower() == spec.CSV_URL_COLUMN:
                    sections_of_records.append(len(self.sections))
                    self._header(row, record)
                    continue
                if _is_blank(first) and all(_is_blank(cell) for cell in row):
                    sections_of_records.append(_BLANK_RECORD)
                    continue
                if section is None:
                    sections_of_records.append(_BLANK_RECORD)
                    self._orphan(row, record)
                    continue
                sections_of_records.append(len(self.sections) - 1)
                self._row(row, record, section)
        except csv.Error as error:
            self._malformed(text, line + 1, record + 1, str(error))
            return False
        self._report_orphans()
        return True

    def _malformed(self, text: str, line: int, record: int, message: str) -> None:
        self.lines.append(line)
        self.sections_of_records.append(_BLANK_RECORD)
        starts = LineIndex(text).starts
        start = starts[min(line, len(starts)) - 1]
        scan = scan_record(text, start, self.delimiter)
        if scan.error is not None:
            offset, why = scan.error
            hint: str | None = _malformed_hint(why)
        else:  # the csv module's own limit on a cell's length
            offset, why, hint = start, message, None
            limit = re.search(r"\((\d+)\)", message)
            if "field limit" in message and limit:
                why = f"a cell is longer than {int(limit.group(1)):,} characters"
                hint = "an opening quote that is closed much later makes one huge cell"
        self.anchored.append(
            _Anchored(
                Finding("C701", (), f"invalid CSV: {why}", hint=hint),
                offsets=(offset, offset + 1),
            )
        )

    def _header(self, row: list[str], record: int) -> None:
        names = [cell.strip().lower() for cell in row]
        seen: dict[str, int] = {}
        usable = True
        unknown = False
        for field, name in enumerate(names):
            if name not in spec.CSV_HEADER_NAMES:
                unknown = True
                self._unknown_column(row[field], record, field)
            elif name in seen:
                usable = False
                self._add("C705", (), f"column {row[field].strip()!r} twice", record, field)
            seen.setdefault(name, field)
        titles = [name for name in seen if name in spec.CSV_TITLE_COLUMNS]
        if len(titles) > 1:
            usable = False
            shown = " and ".join(spec.CSV_HEADER_NAMES[t] for t in titles)
            self._add(
                "C705",
                (),
                f"a header with {shown}: one title column decides a section's data type",
                record,
                seen[titles[1]],
                hint="start a new section, with its own header row, for each data type",
            )
        if unknown and not titles:
            # The unknown column may be a misspelt title column: the rows' type is unknown,
            # and guessing "videos" would bury the one real mistake under wrong ones.
            usable = False
        key = spec.CSV_TITLE_COLUMNS[titles[0]] if titles else spec.CSV_URL_ONLY_SECTION
        self.sections.append(
            Section(
                record,
                key if usable else None,
                len(row),
                seen[titles[0]] if titles else None,
                seen.get(spec.CSV_CREATE_VIDEO_COLUMN),
            )
        )
        self._previous_group = None

    def _unknown_column(self, cell: str, record: int, field: int) -> None:
        if _is_blank(cell):
            self._add("C704", (), "blank header cell: every column needs a name", record, field)
            return
        known = list(spec.CSV_HEADER_NAMES.values())
        guess = suggest_key(cell.strip(), known)
        self._add(
            "C704",
            (),
            f"unknown column {cell.strip()!r}",
            record,
            field,
            hint=f"did you mean {guess!r}?" if guess else "known columns: " + ", ".join(known),
        )

    def _orphan(self, row: list[str], record: int) -> None:
        self._orphans.append(record)
        self.rows_dropped = True
        if any(cell.strip().lower() == spec.CSV_URL_COLUMN for cell in row):
            self._orphan_named_url = True

    def _report_orphans(self) -> None:
        if not self._orphans:
            return
        count = len(self._orphans)
        rows = "1 row" if count == 1 else f"{count} rows"
        hint = (
            "ObjectUrl must be the first column of a header row"
            if self._orphan_named_url
            else "start the file with a header row such as 'ObjectUrl,Image title'"
        )
        self._add(
            "C703",
            (),
            f"{rows} before the first header row; their type is unknown",
            self._orphans[0],
            None,
            hint=hint,
        )

    def _row(self, row: list[str], record: int, section: Section) -> None:
        key = section.entry_key
        if len(row) > section.width:
            extra = len(row) - section.width
            self._add(
                "C706",
                (),
                f"{extra} more cell{'s' if extra > 1 else ''} than the header's "
                f"{section.width} column{'s' if section.width > 1 else ''}",
                record,
                section.width,
                hint="quote a cell that contains the delimiter",
            )
        if key is None:
            self.rows_dropped = True
            return
        url = row[0]
        if _is_blank(url):
            self.rows_dropped = True
            self._add("C707", (), "the row has no ObjectUrl", record, 0)
            return
        title_field = section.title_field
        title = row[title_field] if title_field is not None and title_field < len(row) else ""
        if key in spec.GROUP_KEYS:
            self._group_row(key, url, title, row, record, section)
            return
        self._check_no_video(key, row, record, section)
        entry: dict[str, Any] = {"objectUrl": url}
        if not _is_blank(title):
            entry["title"] = title
        self.entries[key].append(entry)
        self.entry_records[key].append(record)

    def _create_video(self, row: list[str], record: int, section: Section) -> bool | None:
        """The row's Create video: blank or absent is true; None when the cell is invalid."""
        field = section.create_field
        if field is None or field >= len(row):
            return True
        value = row[field].strip().lower()
        if value in ("", "true"):
            return True
        if value == "false":
            return False
        self._add(
            "C709",
            (),
            f"Create video is {row[field]!r}; use true, false or leave it blank (true)",
            record,
            field,
        )
        return None

    def _check_no_video(self, key: str, row: list[str], record: int, section: Section) -> None:
        field = section.create_field
        if field is None or field >= len(row):
            return
        if row[field].strip().lower() not in ("", "false"):
            noun = {"videos": "a videos", "images": "an images", "dicom_series": "a DICOM"}[key]
            self._add(
                "C709",
                (),
                f"Create video is {row[field]!r} in {noun} section; only false or blank "
                "is allowed outside image group sections",
                record,
                field,
            )

    def _group_row(
        self, key: str, url: str, title: str, row: list[str], record: int, section: Section
    ) -> None:
        is_series = key == "dicom_series"
        entries = self.entries[key]
        records: list[array[int]] = self.entry_records[key]
        if is_series:
            self._check_no_video(key, row, record, section)
            create: bool | None = None
        else:
            create = self._create_video(row, record, section)
        if _is_blank(title):
            if not is_series:
                self.rows_dropped = True
                self._add("C708", (), "blank Image group title", record, section.title_field)
                return
            # A blank Series title: the file is its own series, titled by the server (S107
            # reports that the JSON import needs a title).
            entries.append({"objectUrl_0": url})
            records.append(array("q", [record]))
            self._previous_group = None
            return
        index = self.group_of_title[key].get(title)
        if index is None:
            self.group_of_title[key][title] = len(entries)
            entry: dict[str, Any] = {"title": title}
            if not is_series:
                entry["createVideo"] = True if create is None else create
            entry["objectUrl_0"] = url
            entries.append(entry)
            records.append(array("q", [record]))
        else:
            self._add_file(key, index, url, record, create, title, section)
        self._previous_group = (key, title)

    def _add_file(
        self,
        key: str,
        index: int,
        url: str,
        record: int,
        create: bool | None,
        title: str,
        section: Section,
    ) -> None:
        entry = self.entries[key][index]
        files: array[int] = self.entry_records[key][index]
        entry[_positional_key(len(files))] = url
        files.append(record)
        if create is not None and create != entry["createVideo"]:
            said = "true" if entry["createVideo"] else "false"
            self._add(
                "C710",
                (key, index, "createVideo"),
                f"Create video disagrees with the group's first row ({said})",
                record,
                section.create_field if section.create_field is not None else section.title_field,
                related=(key, index, "createVideo"),
            )
        if self._previous_group != (key, title):
            noun, plural = ("series", "series") if key == "dicom_series" else ("group", "groups")
            self._add(
                "C711",
                (key, index, "title"),
                f"{noun} {title!r} continues here after rows of other {plural}; merged "
                "into its first rows",
                record,
                section.title_field,
                related=(key, index, "title"),
            )

    def _add(
        self,
        code: str,
        pointer: Pointer,
        message: str,
        record: int,
        field: int | None,
        hint: str | None = None,
        related: Pointer | None = None,
    ) -> None:
        finding = Finding(code, pointer, message, hint=hint, related=related)
        self.anchored.append(_Anchored(finding, cell=(record, field)))

    def record_map(self) -> RecordMap:
        return RecordMap(self.lines, self.sections_of_records, self.sections, self.entry_records)

    def document_data(self) -> dict[str, Any]:
        return {key: entries for key, entries in self.entries.items() if entries}


def _malformed_hint(why: str) -> str:
    if "never closed" in why:
        return 'close the quote; a quote inside a quoted cell is written twice: ""'
    return 'put the whole cell in quotes and write each quote inside it twice: ""'
