"""``lint --also-output FORMAT=PATH``: more reports of the same run, each written to a file.

One lint, several consumers: the GitHub Action prints annotations (``github``) and writes SARIF
for code scanning and Markdown for the job summary from the same results, so the three can
never disagree and nothing is read twice. Each file is written whole or not at all (as
``--output-file``), without colour, and redacted as every stream is: a file does not pass
through the redacted standard output.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from encord_manifest._internal.files.writing import OutputError, write_file
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import OutputFormat, ReportOptions, reporter
from encord_manifest._internal.text.redaction import redact_text


class AlsoOutputError(ValueError):
    """A ``--also-output`` value that names no format or no file (a usage error)."""


def parse(values: Sequence[str]) -> list[tuple[OutputFormat, Path]]:
    """``FORMAT=PATH`` values, in order; raises ``AlsoOutputError`` naming the bad one."""
    names = ", ".join(f.value for f in OutputFormat)
    parsed = []
    for value in values:
        name, equals, path = value.partition("=")
        try:
            chosen = OutputFormat(name.strip())
        except ValueError:
            chosen = None
        if not equals or not path or chosen is None:
            raise AlsoOutputError(
                f"--also-output {value!r}: expected FORMAT=PATH, FORMAT one of {names}"
            )
        parsed.append((chosen, Path(path)))
    return parsed


def write(
    outputs: Sequence[tuple[OutputFormat, Path]],
    results: Sequence[FileResult],
    options: ReportOptions,
    *,
    force: bool,
) -> list[str]:
    """Write each report; the problems ("PATH: reason"), one per file that was not written."""
    plain = dataclasses.replace(options, color=False)
    problems = []
    for output_format, path in outputs:
        text = redact_text(reporter(output_format)(results, plain))
        try:
            write_file(path, text.encode("utf-8"), None, force=force)
        except OutputError as error:
            problems.append(str(error))
    return problems
