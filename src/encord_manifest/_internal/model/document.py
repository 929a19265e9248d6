"""A loaded manifest: the parsed data in the JSON model, and a way back to the source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from encord_manifest._internal.model.diagnostics import Finding, Pointer, Span, Target

if TYPE_CHECKING:
    from encord_manifest._internal.sources.reading import SourceText

Request = tuple[Pointer, Target]


class Locator(Protocol):
    def locate(self, requests: Iterable[Request]) -> dict[Request, Span]:
        """Spans of the requested places; a place it cannot find is left out."""
        ...


@dataclass
class Document:
    """One manifest, whatever its source format, as rules see it.

    ``data`` is the manifest in the JSON model (a CSV source builds the same dicts and lists),
    or None when the source could not be read as a manifest at all; ``findings`` are what the
    source itself found (syntax, encoding, duplicate keys).
    """

    path: str
    format: str
    size: int
    data: Any
    locator: Locator | None
    findings: list[Finding] = field(default_factory=list)
    #: Rows of a CSV source that became no entry, for a reason the source reported.
    rows_dropped: bool = False
    #: The text that was checked (what locates findings and what `full` shows); None when
    #: the document was not made from text.
    source: SourceText | None = None
