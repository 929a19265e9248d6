"""Output formats: each turns the same list of results into text for one audience."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from encord_manifest.diagnostics import Severity
from encord_manifest.linter import FileResult


class OutputFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"


@dataclass(frozen=True)
class Summary:
    files: int
    errors: int
    warnings: int
    infos: int

    @classmethod
    def of(cls, results: Sequence[FileResult]) -> Summary:
        counts = {severity: 0 for severity in Severity}
        for result in results:
            for diagnostic in result.diagnostics:
                counts[diagnostic.severity] += 1
        return cls(
            len(results), counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
        )


Reporter = Callable[[Sequence[FileResult]], str]


def reporter(output_format: OutputFormat) -> Reporter:
    if output_format is OutputFormat.JSON:
        from encord_manifest.report.json import render
    else:
        from encord_manifest.report.text import render
    return render
