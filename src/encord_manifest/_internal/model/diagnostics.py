"""The one diagnostic record that every output format is made from."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

#: A path into the parsed manifest: keys and list indexes, like a JSON pointer.
Pointer = tuple[str | int, ...]

#: What a finding is about: the key of the pointer's last step, or the value there.
Target = Literal["key", "value"]

#: What a change edits: a finding's targets, or the whole document.
ChangeTarget = Literal["key", "value", "document"]


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Change:
    """One change to a document, by pointer; the source format turns it into a text edit.

    ``target`` "key": rename the key at ``pointer`` to ``text``. ``target`` "value": replace
    the value at ``pointer`` with the string ``text``, or remove that list element when
    ``text`` is None. ``target`` "document" (``pointer`` is ``()``): replace the whole text
    with ``text``, a manifest as ``convert`` writes it; for a conversion that no edit of a
    few characters can make (``typed_items``).
    """

    pointer: Pointer
    target: ChangeTarget
    text: str | None


@dataclass(frozen=True, slots=True)
class Fix:
    """A safe, mechanical repair a rule offers for its finding (applied by ``--fix``)."""

    #: What the fix does, in the imperative: "percent-encode the whitespace".
    description: str
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule reports: a code at a place in the document, not yet given a line."""

    code: str
    pointer: Pointer
    message: str
    target: Target = "value"
    hint: str | None = None
    #: Set by a source that knows the place already (syntax errors, duplicate keys).
    span: Span | None = None
    #: Another place the finding refers to ("first listed at ...").
    related: Pointer | None = None
    fix: Fix | None = None
    #: Other places the same finding stands for (one finding for every URL of a host that
    #: is down): the first ``ALSO_SHOWN`` are named in the message, the rest counted.
    also: tuple[Pointer, ...] = ()


#: How many of a finding's ``also`` places its message names.
ALSO_SHOWN = 3


@dataclass(frozen=True, slots=True)
class Span:
    """1-based line and column of the first character; the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    #: In a CSV file, the 1-based field (cell) number of the row, as spreadsheets count columns.
    field: int | None = None


FILE_START = Span(1, 1, 1, 1)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    code: str
    rule: str
    severity: Severity
    message: str
    span: Span
    pointer: str
    hint: str | None = None
    related_pointer: str | None = None
    related_span: Span | None = None
    #: Set only where the file's format can apply it.
    fix: Fix | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.pointer)


def format_pointer(pointer: Pointer) -> str:
    """RFC 6901 JSON pointer text of a pointer tuple."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in pointer)
