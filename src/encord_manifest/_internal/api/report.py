"""``Report``: one manifest's diagnostics, for a program to act on or a person to read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from encord_manifest._internal.model.diagnostics import Diagnostic, Severity
from encord_manifest._internal.model.results import FileResult


@dataclass(frozen=True)
class Report:
    """What ``lint`` found in one manifest, in file order.

    ``diagnostics`` hold what the manifest holds (URLs included, as written): for a program.
    ``render()`` and ``ManifestError`` are text for people and logs, and redact every secret
    (query strings, user information, credentials), as the command line's output does.
    """

    #: The manifest as findings name it: its path, or the name given to ``lint``.
    path: str
    diagnostics: tuple[Diagnostic, ...]
    #: True when the manifest's configuration excludes it (``exclude``): it was not linted.
    excluded: bool = False
    #: Why the file was not linted as plainly not a manifest (``skip_non_manifests``).
    not_a_manifest: str | None = None
    #: The engine's result, checked text included: what the command line's reporters take.
    _result: FileResult | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return self._of(Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return self._of(Severity.WARNING)

    @property
    def ok(self) -> bool:
        """No errors (warnings and infos allowed), as the command line's exit code 0."""
        return not self.errors

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.diagnostics)

    def __len__(self) -> int:
        return len(self.diagnostics)

    def raise_for_errors(self) -> None:
        """Raise ``ManifestError`` if there is any error; return quietly otherwise."""
        if self.errors:
            raise ManifestError(self)

    def render(self, format: str = "concise", *, color: bool = False) -> str:
        """The report as ``lint --output-format FORMAT`` prints it (concise, full, json,
        json-lines, github, sarif, junit, gitlab, github-summary), secrets redacted."""
        from encord_manifest._internal.report import OutputFormat, ReportOptions, reporter
        from encord_manifest._internal.text.redaction import redact_text

        try:
            chosen = OutputFormat(format)
        except ValueError:
            names = ", ".join(f.value for f in OutputFormat)
            raise ValueError(f"unknown format {format!r}; one of {names}") from None
        result = self._result or FileResult(self.path, list(self.diagnostics))
        text = reporter(chosen)([result], ReportOptions(color=color))
        return redact_text(text)

    def _of(self, severity: Severity) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is severity)


#: How many errors the message of a ``ManifestError`` names; the rest are counted.
ERRORS_NAMED = 10


class ManifestError(Exception):
    """A manifest has errors (``Report.raise_for_errors``); ``report`` holds them all."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(self._message())

    def __reduce__(self) -> tuple[type[ManifestError], tuple[Report]]:
        # Rebuilt from its report (pickling for another process, copying).
        return (ManifestError, (self.report,))

    def _message(self) -> str:
        from encord_manifest._internal.report import shown_diagnostic
        from encord_manifest._internal.report.text import line_of
        from encord_manifest._internal.text.redaction import redact_text, shown_path

        errors = self.report.errors
        count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        lines = [f"{shown_path(self.report.path)}: {count}"]
        # Shown as the text format shows them: one line each, whatever a key or value holds.
        lines += [f"  {line_of(shown_diagnostic(d))}" for d in errors[:ERRORS_NAMED]]
        if len(errors) > ERRORS_NAMED:
            lines.append(f"  ... and {len(errors) - ERRORS_NAMED} more")
        # An exception's text ends up in logs and tracebacks: redacted as output is.
        return redact_text("\n".join(lines))
