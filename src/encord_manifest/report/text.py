"""`path:line:col: CODE message`, one finding a line, then a summary line."""

from __future__ import annotations

from collections.abc import Sequence

from encord_manifest.diagnostics import Diagnostic
from encord_manifest.linter import FileResult
from encord_manifest.report import Summary


def line_of(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    text = f"{diagnostic.path}:{span.line}:{span.column}: {diagnostic.code} {diagnostic.message}"
    if diagnostic.related_span is not None:
        text += f" (first at {diagnostic.related_span.line}:{diagnostic.related_span.column})"
    if diagnostic.hint:
        text += f" ({diagnostic.hint})"
    return text


def render(results: Sequence[FileResult]) -> str:
    lines = [line_of(d) for result in results for d in result.diagnostics]
    lines.append(summary_line(Summary.of(results)))
    return "\n".join(lines) + "\n"


def summary_line(summary: Summary) -> str:
    files = _plural(summary.files, "file")
    if not (summary.errors or summary.warnings or summary.infos):
        return f"All checks passed ({files})."
    counts = [_plural(summary.errors, "error"), _plural(summary.warnings, "warning")]
    if summary.infos:
        counts.append(f"{summary.infos} info")
    return f"Found {', '.join(counts)} in {files}."


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
