"""Cells a spreadsheet would run as formulas (CSV injection): C712, and convert's refusal.

Excel, LibreOffice and Google Sheets treat a cell whose first character is ``=``, ``+``,
``-`` or ``@`` as a formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``, ``@SUM(...)``), and
some strip a leading tab or carriage return first. Encord reads such a cell as text; the
danger is to whoever opens the manifest in a spreadsheet. The one exception is a plain number
(``-1``, ``+2.5``, ``-1e-3``): it is read as that number, data, not a formula. A URL never
starts with any of these characters, so URL cells are checked the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Pointer

#: What a formula starts with.
FORMULA_STARTS = "=+-@\t\r"
#: Every formula start sorts before "A": ``cell < MAY_BE_FORMULA`` is the row loop's first
#: test (``csv_rows``), a comparison without slicing, false for a URL or a title in letters.
MAY_BE_FORMULA = "A"
assert max(FORMULA_STARTS) < MAY_BE_FORMULA
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def runs_as_formula(cell: str) -> bool:
    """Whether a spreadsheet would run ``cell`` as a formula (a signed number is data)."""
    if not cell or cell[0] not in FORMULA_STARTS:
        return False
    return not (cell[0] in "+-" and _NUMBER.fullmatch(cell))


def formula_cells(data: Any) -> Iterator[tuple[Pointer, str]]:
    """Every URL and title of the CSV entry lists that would be such a cell, in order."""
    for key, index, entry in spec.entries_of(data, spec.CSV_ENTRY_KEYS):
        for field, value in entry.items():
            if isinstance(value, str) and runs_as_formula(value) and _is_cell(field):
                yield (key, index, field), value


def describe(value: str) -> str:
    """The message of a finding or refusal about ``value``."""
    shown = value if len(value) <= 60 else value[:57] + "..."
    return f"{shown!r} starts with {value[0]!r}: a spreadsheet opening the CSV would run it as a formula"


def _is_cell(field: str) -> bool:
    return field in ("objectUrl", "title") or field.startswith(spec.POSITIONAL_PREFIX)
