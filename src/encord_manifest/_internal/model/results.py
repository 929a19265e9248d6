"""What linting one file gives: its diagnostics, and the text they were found in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from encord_manifest._internal.model.diagnostics import Diagnostic

if TYPE_CHECKING:
    from encord_manifest._internal.sources.reading import SourceText


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The text that was checked, for formats that show source lines (`full`); set when
    #: there are diagnostics.
    source: SourceText | None = None
