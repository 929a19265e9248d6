"""`lint --fix` and `--diff`: apply the fixes rules offer as minimal edits of the source text.

Rules describe a fix by pointer (rename this key, replace this string, remove this element);
here those become edits of exactly the characters concerned, so everything else in the file
(key order, indentation, line ends, escapes, a byte order mark) stays as it was.

Fixes are applied in passes, as ruff does: in each pass the file is linted, every fix whose
edits do not touch another fix's region is applied at once, and the result is linted again,
until nothing is left to fix. A fix's region is what it may affect: the string it replaces,
the element it removes, for a key rename the whole object holding the key (two renames in one
object could otherwise pick the same new name), and for the one fix that rewrites the whole
document (S110, converting the SDK's typed form) the whole text. A pass that would make the
file unreadable, or add a duplicate key, is thrown away and fixing stops: a fix may leave
problems unfixed, never create them.

In a CSV manifest the fixes that change a string (a URL) are made in its cell, quoted as
the cell was or as the new text needs; fixes of keys and entries have no cell to edit and are
not offered there.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from encord_manifest._internal.engine.linter import (
    SourceFormat,
    lint_bytes,
    lint_document,
    source_format,
)
from encord_manifest._internal.model.diagnostics import Change, Fix, Pointer
from encord_manifest._internal.model.document import Document, Request
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.sources.csv_locator import CsvLocator
from encord_manifest._internal.sources.encoding import UTF8_BOM, decode
from encord_manifest._internal.sources.json_locator import JsonLocator
from encord_manifest._internal.text.redaction import escape_control
from encord_manifest._internal.text.textdiff import split_lines, unified_diff

#: Enough for fixes that enable other fixes (a copy that becomes exact once its URL is
#: repaired); a fixed point is normally reached in two or three.
MAX_PASSES = 10


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PlannedFix:
    code: str
    edits: tuple[Edit, ...]
    #: Character ranges no other fix of the same pass may touch.
    regions: tuple[tuple[int, int], ...]


@dataclass
class FixOutcome:
    """A file's text before and after fixing, and the lint of the result."""

    path: str
    original: str
    fixed: str
    result: FileResult
    applied: Counter[str] = field(default_factory=Counter)
    #: Why fixing stopped early, if it did.
    stopped: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        """A unified diff, as `git apply` takes it."""
        # The header is one line whatever the file is called (a name can hold a newline).
        name = escape_control(self.path.lstrip("/"))
        lines = unified_diff(
            split_lines(self.original),
            split_lines(self.fixed),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
        return "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in lines
        )


def fix_text(
    path: str,
    text: str,
    settings: LintSettings,
    format: SourceFormat | None = None,
    delimiter: str | None = None,
) -> FixOutcome:
    """Fix a manifest's text as far as it safely goes (``result`` lints the text alone)."""
    chosen_format = source_format(path, format)
    current = text
    applied: Counter[str] = Counter()
    stopped = None
    for _ in range(MAX_PASSES + 1):
        document = _load(path, current, chosen_format, delimiter)
        result = lint_document(document, settings)
        planned = _plan(document, result)
        chosen = _non_overlapping(planned)
        if not chosen:
            break
        candidate = _apply(current, [edit for fix in chosen for edit in fix.edits])
        problem = _made_worse(document, _load(path, candidate, chosen_format, delimiter))
        if problem is not None:
            stopped = problem
            break
        current = candidate
        applied.update(fix.code for fix in chosen)
    else:  # pragma: no cover - a fix that keeps offering itself would be a rule bug
        stopped = f"still fixable after {MAX_PASSES} passes"
    # Findings of the source itself (a byte order mark) belong to the original bytes.
    return FixOutcome(path, text, current, result, applied, stopped)


def fix_bytes(
    path: str, raw: bytes, settings: LintSettings, format: SourceFormat | None = None
) -> tuple[FixOutcome, bytes] | None:
    """Fix a file's bytes; None when they are not UTF-8 text (nothing can be fixed)."""
    text, _ = decode(raw, bom_is_finding=False)
    if text is None:
        return None
    outcome = fix_text(path, text, settings, format)
    bom = UTF8_BOM if raw.startswith(UTF8_BOM) else b""
    fixed = bom + outcome.fixed.encode("utf-8") if outcome.changed else raw
    if bom:
        # The last lint saw the text alone; the byte order mark is a finding of the bytes.
        outcome.result = lint_bytes(path, fixed, settings, format)
    return outcome, fixed


def _plan(document: Document, result: FileResult) -> list[PlannedFix]:
    """Text edits for every distinct fix offered in the document."""
    offered: dict[tuple[Change, ...], tuple[str, Fix]] = {}
    for diagnostic in result.diagnostics:
        if diagnostic.fix is not None:
            offered.setdefault(diagnostic.fix.changes, (diagnostic.code, diagnostic.fix))
    locator = document.locator
    if offered and isinstance(locator, CsvLocator):
        return _plan_csv(locator, offered.values())
    if not offered or not isinstance(locator, JsonLocator):
        return []
    requests: set[Request] = set()
    for changes in offered:
        for change in changes:
            requests.update(_requests(change))
    places = locator.offsets(requests)
    text = locator.text
    planned = []
    for code, fix in offered.values():
        parts = [_edit(change, places, text) for change in fix.changes]
        if all(part is not None for part in parts):
            edits = tuple(part[0] for part in parts if part is not None)
            regions = tuple(part[1] for part in parts if part is not None)
            planned.append(PlannedFix(code, edits, regions))
    return planned


def _requests(change: Change) -> list[Request]:
    pointer = change.pointer
    if change.target == "document":
        return []
    if change.target == "key":
        return [(pointer, "key"), (pointer[:-1], "value")]
    if change.text is None:
        previous = _previous(pointer)
        return [(pointer, "value"), (previous, "value")] if previous is not None else []
    return [(pointer, "value")]


def _previous(pointer: Pointer) -> Pointer | None:
    last = pointer[-1] if pointer else None
    if isinstance(last, int) and last > 0:
        return pointer[:-1] + (last - 1,)
    return None


def _edit(
    change: Change, places: dict[Request, tuple[int, int]], text: str
) -> tuple[Edit, tuple[int, int]] | None:
    """The edit for one change and the region it claims; None when a place is not found."""
    pointer = change.pointer
    if change.target == "document":
        # The whole text: no other fix of the pass may touch it (they wait for the next).
        return (Edit(0, len(text), change.text), (0, len(text))) if change.text else None
    if change.target == "key":
        key, parent = places.get((pointer, "key")), places.get((pointer[:-1], "value"))
        if key is None or parent is None or change.text is None:
            return None
        return Edit(*key, _string_token(change.text, text[key[0] : key[1]])), parent
    if change.text is None:
        previous = _previous(pointer)
        element = places.get((pointer, "value"))
        before = places.get((previous, "value")) if previous else None
        if element is None or before is None:
            return None
        # From the end of the element before: its comma, the whitespace, the element.
        return Edit(before[1], element[1], ""), (before[1], element[1])
    value = places.get((pointer, "value"))
    if value is None or text[value[0]] != '"':
        return None
    return Edit(*value, _string_token(change.text, text[value[0] : value[1]])), value


def _string_token(value: str, original: str) -> str:
    """A JSON string in the style of the one it replaces: \\u escapes if it used them."""
    escaped = original.isascii() and "\\u" in original
    return json.dumps(value, ensure_ascii=escaped)


def _non_overlapping(planned: list[PlannedFix]) -> list[PlannedFix]:
    """A set of fixes whose regions are disjoint, earliest first (the rest wait a pass).

    The regions taken so far are kept merged and sorted, so each fix is checked with a
    binary search: O(n log n) for n fixes, where comparing with every region taken was
    quadratic (60,000 fixes took minutes).
    """
    chosen: list[PlannedFix] = []
    taken = _Intervals()
    for fix in sorted(planned, key=lambda f: min(r[0] for r in f.regions)):
        if any(taken.overlaps(start, end) for start, end in fix.regions):
            continue
        chosen.append(fix)
        for start, end in fix.regions:
            taken.add(start, end)
    return chosen


class _Intervals:
    """Disjoint half-open intervals, sorted; touching ones do not overlap."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        # The last interval starting before ``end`` is the only candidate: the ones before
        # it end before it starts.
        index = bisect_left(self.starts, end) - 1
        return index >= 0 and self.ends[index] > start

    def add(self, start: int, end: int) -> None:
        """Add [start, end), merged with the intervals it overlaps (a fix's own regions may)."""
        low = bisect_left(self.ends, start + 1)  # the first interval ending after ``start``
        high = bisect_left(self.starts, end)  # past the last one starting before ``end``
        if low < high:
            start = min(start, self.starts[low])
            end = max(end, self.ends[high - 1])
        self.starts[low:high] = [start]
        self.ends[low:high] = [end]


def _apply(text: str, edits: list[Edit]) -> str:
    pieces, position = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        pieces.append(text[position : edit.start])
        pieces.append(edit.text)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def _plan_csv(locator: CsvLocator, offered: Iterable[tuple[str, Fix]]) -> list[PlannedFix]:
    """Edits of CSV cells: a CSV source offers only string replacements (see linter)."""
    cells = {
        change: locator.cell_of(change.pointer) for _, fix in offered for change in fix.changes
    }
    places = locator.offsets_of_cells(cell for cell in cells.values() if cell is not None)
    text = locator.text
    planned = []
    for code, fix in offered:
        edits = []
        for change in fix.changes:
            cell = cells[change]
            place = places.get(cell) if cell is not None else None
            if place is None or change.text is None or change.target != "value":
                break
            quoted = text[place[0] : place[0] + 1] == '"'
            edits.append(Edit(*place, _csv_cell(change.text, locator.delimiter, quoted)))
        else:
            planned.append(PlannedFix(code, tuple(edits), tuple((e.start, e.end) for e in edits)))
    return planned


def _csv_cell(value: str, delimiter: str, quoted: bool) -> str:
    """A cell holding ``value``, quoted when it was or must be."""
    if quoted or any(c in value for c in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _load(path: str, text: str, format: SourceFormat, delimiter: str | None) -> Document:
    size = len(text.encode("utf-8", "surrogatepass"))
    if format == "csv":
        from encord_manifest._internal.sources.csv_source import load_csv_text

        return load_csv_text(path, text, size, [], delimiter)
    from encord_manifest._internal.sources.json_source import load_json_text

    return load_json_text(path, text, size, [])


def _made_worse(old: Document, new: Document) -> str | None:
    """Why ``new`` must not replace ``old``, if it must not."""
    if new.data is None:
        return "a fix would have made the file unreadable; it was not applied"
    if len(new.findings) > len(old.findings):
        # What the source itself finds: a repeated JSON key, a malformed CSV row.
        return "a fix would have broken the file's structure; it was not applied"
    return None
