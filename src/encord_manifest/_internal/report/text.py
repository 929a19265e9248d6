"""`concise`: `path:line:col: CODE message`, one finding a line, then a summary line."""

from __future__ import annotations

from collections.abc import Sequence

from encord_manifest._internal.model.diagnostics import Diagnostic, Severity
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import ReportOptions, Summary

_RESET = "\033[0m"
_BOLD = "\033[1m"
_SEVERITY_COLOR = {
    Severity.ERROR: "\033[1;31m",
    Severity.WARNING: "\033[1;33m",
    Severity.INFO: "\033[1;34m",
}


def paint(text: str, style: str, options: ReportOptions) -> str:
    return f"{style}{text}{_RESET}" if options.color else text


def line_of(diagnostic: Diagnostic, options: ReportOptions | None = None) -> str:
    options = options or ReportOptions()
    span = diagnostic.span
    where = paint(f"{diagnostic.path}:{span.line}:{span.column}:", _BOLD, options)
    code = paint(diagnostic.code, _SEVERITY_COLOR[diagnostic.severity], options)
    fixable = " [*]" if diagnostic.fix is not None else ""  # as ruff marks what --fix repairs
    text = f"{where} {code}{fixable} {diagnostic.message}"
    if diagnostic.related_span is not None:
        text += f" (first at {diagnostic.related_span.line}:{diagnostic.related_span.column})"
    if diagnostic.hint:
        text += f" ({diagnostic.hint})"
    return text


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    options = options or ReportOptions()
    lines = [line_of(d, options) for result in results for d in result.diagnostics]
    if not options.quiet:
        lines.append(summary_line(Summary.of(results, options)))
    return "".join(line + "\n" for line in lines)


def summary_line(summary: Summary) -> str:
    """One line; "All checks passed" only when files were linted and every input was read."""
    files = _plural(summary.files, "file")
    unread = f"; {_plural(summary.unread, 'file')} could not be read" if summary.unread else ""
    if not (summary.errors or summary.warnings or summary.infos):
        if not summary.files:
            return f"No files linted{unread}."
        return f"No findings in {files}{unread}." if unread else f"All checks passed ({files})."
    counts = [_plural(summary.errors, "error"), _plural(summary.warnings, "warning")]
    if summary.infos:
        counts.append(f"{summary.infos} info")
    found = f"Found {', '.join(counts)} in {files}{unread}."
    if summary.fixable:
        found += f" [*] {summary.fixable:,} fixable with --fix."
    return found


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
