"""`full`: each finding with the source line it is about and a caret under the place.

The source lines are those of the text that was checked, kept with the findings. A line too
long to show (a minified manifest is one line of megabytes) is cut to a window around the
place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from encord_manifest.diagnostics import Diagnostic
from encord_manifest.linter import FileResult, InputError
from encord_manifest.report import ReportOptions, Summary
from encord_manifest.report.text import line_of, paint, summary_line

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
    source = mask_query_strings(lines[span.line - 1].rstrip("\r\n"))
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


#: The query string of a URL in source text, up to where the URL's JSON string or CSV cell ends.
_QUERY = re.compile(r"(?i)(\bhttps?://[^\s\"'?#,]*\?)([^\s\"'#,]+)")


def mask_query_strings(text: str) -> str:
    """Source text with every URL's query string masked (a pre-signed URL's is a secret),
    character for character so that columns and carets stay where they were."""
    return _QUERY.sub(lambda m: m.group(1) + "*" * len(m.group(2)), text)


def _window(source: str, start: int, end: int) -> tuple[str, int]:
    """At most WINDOW characters of the line around [start, end), and where they begin."""
    if len(source) <= WINDOW:
        return source, 0
    begin = max(0, min(start - WINDOW // 4, len(source) - WINDOW))
    return source[begin : begin + WINDOW], begin


def _printable(text: str) -> str:
    """Tabs and control characters as one visible character each, so the caret stays aligned."""
    return "".join(c if c.isprintable() else " " if c == "\t" else "\ufffd" for c in text)


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
