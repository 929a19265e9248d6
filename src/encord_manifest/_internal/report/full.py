"""`full`: each finding with the source line it is about and a caret under the place.

The source lines are those of the text that was checked, kept with the findings. A line too
long to show (a minified manifest is one line of megabytes) is cut to a window around the
place; the line is redacted before it is cut, as a URL cut in two would no longer be
recognised at the output boundary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from encord_manifest._internal.model.diagnostics import Diagnostic
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import ReportOptions, Summary
from encord_manifest._internal.report.text import line_of, paint, summary_line
from encord_manifest._internal.sources.reading import InputError
from encord_manifest._internal.text.redaction import redact_text

_CSV_LINES = re.compile(r"\r\n|\r|\n")
#: Characters shown of a source line at most, around the place.
WINDOW = 100
_CARET_STYLE = "\033[1;31m"


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    options = options or ReportOptions()
    blocks = []
    for result in results:
        lines = _source_lines(result) if result.diagnostics else None
        for diagnostic in result.diagnostics:
            blocks.append(_block(diagnostic, lines, options))
    if not options.quiet:
        blocks.append(summary_line(Summary.of(results, options)) + "\n")
    return "\n".join(blocks)


def _block(diagnostic: Diagnostic, lines: list[str] | None, options: ReportOptions) -> str:
    text = line_of(diagnostic, options) + "\n"
    span = diagnostic.span
    if lines is None or not 1 <= span.line <= len(lines):
        return text
    source = redact_text(lines[span.line - 1].rstrip("\r\n"))
    start = span.column - 1
    end = span.end_column - 1 if span.end_line == span.line else len(source)
    end = max(end, start + 1)
    shown, offset = _window(source, start, end)
    number = str(span.line)
    gutter = " " * len(number)
    caret = " " * (start - offset) + "^" * max(1, min(end, offset + len(shown)) - start)
    return (
        text
        + f"{gutter} |\n"
        + f"{number} | {_printable(shown)}\n"
        + f"{gutter} | {paint(caret, _CARET_STYLE, options)}\n"
    )


#: The name submit, status and verify know the one redaction by (they mask before encoding).
mask_query_strings = redact_text


def _window(source: str, start: int, end: int) -> tuple[str, int]:
    """At most WINDOW characters of the line around [start, end), and where they begin."""
    if len(source) <= WINDOW:
        return source, 0
    begin = max(0, min(start - WINDOW // 4, len(source) - WINDOW))
    return source[begin : begin + WINDOW], begin


def _printable(text: str) -> str:
    """Tabs and control characters as one visible character each, so the caret stays aligned;
    and ``##[``, which GitHub's runner would take for a workflow command anywhere in a line."""
    shown = "".join(c if c.isprintable() else " " if c == "\t" else "\ufffd" for c in text)
    return shown.replace("##[", "#\ufffd[")


def _source_lines(result: FileResult) -> list[str] | None:
    """The lines of the text that was checked (never the file read again: it may have
    changed, or be a pipe that was read once)."""
    if result.source is None:
        return None
    try:
        text = result.source.get()
    except InputError:
        return None  # a large file changed since: the findings alone
    if text is None:
        return None
    # Lines as the sources count them: CSV ends lines at CR, LF or CRLF, JSON at LF.
    return _CSV_LINES.split(text) if result.source.format == "csv" else text.split("\n")
