"""`github`: workflow commands that GitHub Actions shows as annotations on the pull request.

GitHub shows at most 10 annotations of each level per step, so the plain list (the `concise`
lines, which also read well in the raw log) and the summary follow the annotations. The plain
list (not the summary) is written between ``::stop-commands::<token>`` and ``::<token>::`` (a fresh, unguessable
token each run): GitHub's documented way to print text that must not run workflow commands.

Annotations follow the rules of GitHub's toolkit (``@actions/core``): ``col`` and ``endColumn``
are sent only when the finding starts and ends on one line (the toolkit says not to send them
when ``line`` and ``endLine`` differ), and an input that could not be read is an error
annotation of its own, so that a run that read nothing never looks clean.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace

from encord_manifest._internal.model.diagnostics import Diagnostic, Severity
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import ReportOptions, Summary, Unread
from encord_manifest._internal.report.text import render as render_concise
from encord_manifest._internal.report.text import summary_line
from encord_manifest._internal.text import redaction

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message of a workflow command: %, CR and LF would end or corrupt it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ':' and ',', which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    properties: dict[str, object] = {
        "file": diagnostic.path,
        "line": span.line,
        "endLine": span.end_line,
    }
    if span.line == span.end_line:  # columns of a multi-line span are not to be sent
        properties.update(col=span.column, endColumn=span.end_column)
    properties["title"] = f"encord-manifest {diagnostic.code} ({diagnostic.rule})"
    message = f"{diagnostic.code} {diagnostic.message}"
    if diagnostic.hint:
        message += f" ({diagnostic.hint})"
    return _command(_LEVEL[diagnostic.severity], properties, message)


def unread_annotation(unread: Unread) -> str:
    """An input that could not be read: an error on the file, with the reason."""
    properties = {"file": unread.path, "title": "encord-manifest: cannot read"}
    return _command("error", properties, f"cannot read {unread.path}: {unread.reason}")


def _command(level: str, properties: Mapping[str, object], message: str) -> str:
    # Redacted before they are encoded: the stream's redaction cannot read an encoded URL's
    # user information (``file=https%3A//user%3Apass@host``).
    joined = ",".join(
        f"{key}={escape_property(redaction.redact_text(str(value)))}"
        for key, value in properties.items()
    )
    return f"::{level} {joined}::{escape_data(redaction.redact_text(message))}"


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    annotations = "".join(annotation(d) + "\n" for result in results for d in result.diagnostics)
    unread = options.unread_inputs if options else ()
    annotations += "".join(unread_annotation(u) + "\n" for u in unread)
    quiet = options.quiet if options else False
    plain = render_concise(
        results,
        replace(options, color=False, quiet=True)
        if options
        else ReportOptions(color=False, quiet=True),
    )
    summary = "" if quiet else summary_line(Summary.of(results, options)) + "\n"  # numbers only
    if not annotations:
        return summary
    token = stop_token()
    return f"{annotations}::stop-commands::{token}\n{plain}::{token}::\n{summary}"


def stop_token() -> str:
    """A token no file can guess: a file that could would end the pause itself."""
    return secrets.token_hex(16)
