"""The rows of a CSV manifest -> entries, with every check of spec section 4 on the way.

The row loop in ``csv_source`` hands each row here unless it merely continues the group of
the row before (same title, same Create video cell), which it handles itself; every decision
and every finding about a row is made here.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any, NamedTuple

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.caps import KindCap, more
from encord_manifest._internal.model.diagnostics import Finding, Pointer
from encord_manifest._internal.sources import csv_trailing as trailing
from encord_manifest._internal.sources.csv_locator import RecordMap, Section
from encord_manifest._internal.sources.csv_trailing import is_blank
from encord_manifest._internal.text.formulas import MAY_BE_FORMULA, describe, runs_as_formula
from encord_manifest._internal.text.suggest import suggest_key

_POSITIONAL_KEYS: list[str] = []
_FORMULA_HINT = "a CSV file cannot mark a cell as text; if this is data, begin it differently"
_IGNORED_HINT = "nothing is lost; delete the empty columns in the sheet to leave them out"


def positional_key(position: int) -> str:
    while len(_POSITIONAL_KEYS) <= position:
        _POSITIONAL_KEYS.append(f"{spec.POSITIONAL_PREFIX}{len(_POSITIONAL_KEYS)}")
    return _POSITIONAL_KEYS[position]


def positional_keys_up_to(count: int) -> list[str]:
    positional_key(count - 1)
    return _POSITIONAL_KEYS[:count]


@dataclass(frozen=True)
class Anchored:
    """A finding and the cell (record, field) or text offsets it is about."""

    finding: Finding
    cell: tuple[int, int | None] | None = None
    offsets: tuple[int, int] | None = None


class Continuation(NamedTuple):
    """Rows that repeat this row's title and Create video cells (at these fields, with this
    many cells) add a file to this group: already checked, so they need no call at all."""

    width: int
    title_field: int
    create_field: int
    title: str
    create_cell: str
    entry: dict[str, Any]
    files: array[int]
    #: The cells of the section's trailing blank columns (``csv_trailing``) while no row has
    #: shown data under them, from this field: a row must repeat them exactly. None: no such.
    tail_start: int
    tail: list[str] | None


class RowBuilder:
    """Builds the document's entries and the record map from rows handed over in order."""

    def __init__(self) -> None:
        self.entries: dict[str, list[dict[str, Any]]] = {k: [] for k in spec.CSV_ENTRY_KEYS}
        self.entry_records: dict[str, Any] = {
            key: [] if key in spec.GROUP_KEYS else array("q") for key in spec.CSV_ENTRY_KEYS
        }
        self.group_of_title: dict[str, dict[str, int]] = {k: {} for k in spec.GROUP_KEYS}
        self.sections: list[Section] = []
        self.anchored: list[Anchored] = []
        self.rows_dropped = False
        self._previous_group: tuple[str, str] | None = None
        self._orphans: list[int] = []
        self._orphan_named_url = False
        self._tail: trailing.PendingTail | None = None
        self._ignored = trailing.IgnoredColumns()

    def row(self, row: list[str], record: int) -> Continuation | None:
        """Take one record (header, blank, or data); how the next rows may continue it."""
        first = row[0] if row else ""
        if first[:1] in 'oO \t"' and first.strip().lower() == spec.CSV_URL_COLUMN:
            self._header(row, record)
            return None
        if is_blank(first) and all(is_blank(cell) for cell in row):
            return None
        if not self.sections:
            self._orphan(row, record)
            return None
        if self._tail is not None and len(row) > self._tail.start:
            self._watch_tail(row, self._tail)
        reported = len(self.anchored)
        continuation = self._row(row, record, self.sections[-1])
        # Only a row found clean may be repeated without a look: a repeated mistake (an
        # invalid or conflicting Create video) is reported at every row.
        return continuation if len(self.anchored) == reported else None

    def finish(self) -> None:
        self._report_orphans()
        self._close_tail()
        ignored = self._ignored.finding()
        if ignored is not None:
            self._add("C713", (), ignored[2], ignored[0], ignored[1], hint=_IGNORED_HINT)

    def record_map(self) -> RecordMap:
        return RecordMap(self.sections, self.entry_records)

    def document_data(self) -> dict[str, Any]:
        return {key: entries for key, entries in self.entries.items() if entries}

    def _header(self, row: list[str], record: int) -> None:
        self._close_tail()
        # Trailing blank cells are decided at the section's end (``csv_trailing``).
        tail = trailing.blank_tail(row)
        seen: dict[str, int] = {}
        usable = True
        unknown = False
        # A header of 100,000 unknown columns reports the first few and counts the rest
        # (caps.py): no suggestion is looked for beyond the cap.
        cap = KindCap()
        for field, cell in enumerate(row[:tail] if tail < len(row) else row):
            name = cell.strip().lower()
            if name not in spec.CSV_HEADER_NAMES:
                unknown = True
                if cap.admit("C704"):
                    self._unknown_column(row[field], record, field)
            elif name in seen:
                usable = False
                if cap.admit("C705"):
                    self._add("C705", (), f"column {row[field].strip()!r} twice", record, field)
            seen.setdefault(name, field)
        for code, count in cap.overflow().items():
            what = "unknown or blank columns" if code == "C704" else "repeated columns"
            self._add(code, (), f"{more(count, what)} in this header", record, None)
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
        if tail < len(row):
            marks = len(self.entries[key]), len(self.anchored)
            self._tail = trailing.PendingTail(self.sections[-1], tail, *marks, cap)

    def _watch_tail(self, row: list[str], tail: trailing.PendingTail) -> None:
        """A row with data under trailing blank header cells: those up to it are C704."""
        fields = tail.data_under(row)
        if fields is None:
            return
        section = tail.section
        if section.title_field is None and section.entry_key is not None:
            # As for any blank header cell (``_header``): it may head the titles, so the rows'
            # type is unknown, and the rows taken so far are given back.
            trailing.drop_section_rows(tail, self.entries, self.entry_records, self.anchored)
            self.rows_dropped = True
        for field in fields:  # those before the one over data are blank columns in the middle
            hint = trailing.OVER_DATA if field == tail.start - 1 else None
            self._add("C704", (), trailing.BLANK_HEADER, section.header_record, field, hint=hint)

    def _close_tail(self) -> None:
        tail, self._tail = self._tail, None
        if tail is None:
            return
        if tail.unreported:
            self._add("C704", (), tail.overflow_message(), tail.section.header_record, None)
        self._ignored.add(tail)

    def _unknown_column(self, cell: str, record: int, field: int) -> None:
        if is_blank(cell):
            self._add("C704", (), trailing.BLANK_HEADER, record, field)
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

    def _row(self, row: list[str], record: int, section: Section) -> Continuation | None:
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
            return None
        url = row[0]
        if is_blank(url):
            self.rows_dropped = True
            self._add("C707", (), "the row has no ObjectUrl", record, 0)
            return None
        title_field = section.title_field
        title = row[title_field] if title_field is not None and title_field < len(row) else ""
        if url < MAY_BE_FORMULA:
            self._formula(url, record, 0)
        if key in spec.GROUP_KEYS:
            return self._group_row(key, url, title, row, record, section)
        self._check_no_video(key, row, record, section)
        entry: dict[str, Any] = {"objectUrl": url}
        if not is_blank(title):
            entry["title"] = title
            if title < MAY_BE_FORMULA:
                self._formula(title, record, title_field)
        self.entries[key].append(entry)
        self.entry_records[key].append(record)
        return None

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
    ) -> Continuation | None:
        is_series = key == "dicom_series"
        entries = self.entries[key]
        records: list[array[int]] = self.entry_records[key]
        if is_series:
            self._check_no_video(key, row, record, section)
            create: bool | None = None
        else:
            create = self._create_video(row, record, section)
        if is_blank(title):
            if not is_series:
                self.rows_dropped = True
                self._add("C708", (), "blank Image group title", record, section.title_field)
                return None
            # A blank Series title: the file is its own series, titled by the server (S107
            # reports that the JSON import needs a title).
            entries.append({"objectUrl_0": url})
            records.append(array("q", [record]))
            self._previous_group = None
            return None
        groups = self.group_of_title[key]
        index = groups.get(title)
        if index is None:
            if title < MAY_BE_FORMULA:  # once per group, at its first row
                self._formula(title, record, section.title_field)
            index = groups[title] = len(entries)
            entry: dict[str, Any] = {"title": title}
            if not is_series:
                entry["createVideo"] = True if create is None else create
            entry["objectUrl_0"] = url
            entries.append(entry)
            records.append(array("q", [record]))
        else:
            self._add_file(key, index, url, record, create, title, section)
        self._previous_group = (key, title)
        title_field = section.title_field
        if len(row) != section.width or title_field is None:
            return None  # short or long rows: every one is looked at
        create_field = section.create_field if section.create_field is not None else title_field
        tail = self._tail
        tail_start = tail.start if tail is not None and tail.start < section.width else -1
        return Continuation(
            section.width,
            title_field,
            create_field,
            title,
            row[create_field],
            entries[index],
            records[index],
            tail_start,
            row[tail_start:] if tail_start >= 0 else None,
        )

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
        entry[positional_key(len(files))] = url
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

    def _formula(self, cell: str, record: int, field: int | None) -> None:
        if runs_as_formula(cell):
            self._add("C712", (), f"cell {describe(cell)}", record, field, hint=_FORMULA_HINT)

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
        self.anchored.append(Anchored(finding, cell=(record, field)))
