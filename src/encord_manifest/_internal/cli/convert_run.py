"""`encord-manifest convert`: lint, convert, then write atomically, check, or print.

Kept apart from the CLI so that the library can be driven without it: a request in, an exit
code out, messages to the two streams given.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from encord_manifest._internal.engine.linter import (
    SourceFormat,
    lint_document,
    load_file,
    source_format,
)
from encord_manifest._internal.files.writing import (
    ABSENT,
    Expected,
    OutputError,
    same_file,
    snapshot,
    write_file,
)
from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.model.document import Document
from encord_manifest._internal.model.exit_codes import EXIT_CLEAN, EXIT_FINDINGS
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.sources.convert import (
    Refusal,
    csv_refusals,
    not_generated_reason,
    to_csv_text,
    to_json_bytes,
)
from encord_manifest._internal.text.redaction import shown_line


class UsageError(Exception):
    """Options that do not fit together; exit 2."""


@dataclass(frozen=True)
class ConvertRequest:
    input: str
    output: str | None = None
    #: The format to write; None: the other one.
    to: SourceFormat | None = None
    #: The input's format; None: by extension.
    input_format: SourceFormat | None = None
    delimiter: str | None = None
    skip_duplicate_urls: bool = False
    force: bool = False
    check: bool = False
    #: Write the output beside the input (``m.csv`` -> ``m.json``), and count a write as a
    #: change to report (exit 1), as fixer hooks do: pre-commit then shows the new file.
    sync: bool = False
    #: Write where the guards of ``writing.write_file`` refuse (``--force-write``).
    force_write: bool = False
    #: Write cells that a spreadsheet would run as formulas (``--allow-formulas``).
    allow_formulas: bool = False
    settings: LintSettings = field(default_factory=LintSettings)


def run_convert(request: ConvertRequest, out: TextIO, err: TextIO) -> int:
    """Convert one manifest; the exit code (0 written or in sync, 1 findings, 2 usage)."""
    from encord_manifest._internal.report.text import line_of

    source, target = _formats(request)
    output = Path(request.output) if request.output else None
    if request.sync:
        output = beside(request.input, target)
    if output is not None and request.input != "-" and same_file(Path(request.input), output):
        raise UsageError(f"{request.output} is the input file; conversion never replaces it")
    document = load_file(request.input, source, request.delimiter, request.settings.max_input_bytes)
    if request.skip_duplicate_urls and isinstance(document.data, dict):
        document.data["skip_duplicate_urls"] = True
    diagnostics = lint_document(document, request.settings).diagnostics
    for diagnostic in diagnostics:
        _say(err, line_of(diagnostic))
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    if document.data is None:
        _say(err, f"{document.path}: not converted: the file cannot be read as a manifest")
        return EXIT_FINDINGS
    if errors and not request.force:
        _say(
            err,
            f"{document.path}: not converted: {errors} error{'s' if errors > 1 else ''} "
            "(fix them, or convert anyway with --force)",
        )
        return EXIT_FINDINGS
    content = _converted(document, target, err, request.allow_formulas)
    if content is None:
        return EXIT_FINDINGS
    status = EXIT_FINDINGS if errors else EXIT_CLEAN
    if output is None:
        out.write(content.decode("utf-8"))
        return status
    if request.check:
        return _check(output, content, err) or status
    expected, unchanged = _current(output, content)
    if not unchanged and request.sync and expected is not ABSENT and _foreign(output, err):
        return EXIT_FINDINGS
    if not unchanged:
        write_file(output, content, expected, force=request.force_write)
        _say(err, f"{document.path}: wrote {output}")
        if request.sync:
            return EXIT_FINDINGS
    return status


def _current(output: Path, content: bytes) -> tuple[Expected, bool]:
    """What the output is now (for the write to compare with), and whether it is ``content``."""
    try:
        if not stat.S_ISREG(output.stat().st_mode):
            return None, False  # a device or FIFO: nothing to compare; the write refuses it
        current = output.read_bytes()
    except FileNotFoundError:
        return ABSENT, False
    except OSError:
        return None, False  # the write says why
    return snapshot(output, current), current == content


def _foreign(output: Path, err: TextIO) -> bool:
    """Whether ``--sync`` must leave ``output`` alone: a JSON that conversion did not write
    (said on ``err``, one line). Read again after ``_current``'s snapshot: should it change
    in between, the write's comparison with that snapshot refuses it anyway."""
    try:
        current = output.read_bytes()
    except OSError:
        return False  # not a readable file: the write says why
    reason = not_generated_reason(current)
    if reason is None:
        return False
    _say(
        err,
        f"{output}: not replaced: {reason}; --sync replaces only a JSON that conversion "
        "wrote (move it away or delete it to have it written)",
    )
    return True


def beside(input: str, target: SourceFormat) -> Path:
    """Where ``--sync`` keeps the conversion of a file: same name, the target's extension."""
    return Path(input).with_suffix(f".{target}")


def _formats(request: ConvertRequest) -> tuple[SourceFormat, SourceFormat]:
    source = source_format(request.input, request.input_format)
    target: SourceFormat = request.to or ("json" if source == "csv" else "csv")
    if source == target:
        raise UsageError(f"{request.input} is already {source.upper()}; nothing to convert it to")
    if request.delimiter is not None and source != "csv":
        raise UsageError("--delimiter applies to CSV input only")
    if request.skip_duplicate_urls and target != "json":
        raise UsageError("--skip-duplicate-urls applies to JSON output only; CSV has no flags")
    if request.sync and (request.input == "-" or request.output is not None):
        raise UsageError("--sync writes beside each input file; it takes no -o and no stdin")
    if request.check and request.output is None and not request.sync:
        raise UsageError("--check needs the output file to compare with: -o OUTPUT (or --sync)")
    return source, target


def _converted(
    document: Document, target: SourceFormat, err: TextIO, allow_formulas: bool
) -> bytes | None:
    """The output file's bytes, or None when CSV cannot carry the manifest (said on ``err``)."""
    data: Any = document.data
    if target == "json":
        return to_json_bytes(data)
    refusals = csv_refusals(data, allow_formulas)
    if refusals:
        _report_refusals(document, refusals, err)
        return None
    return to_csv_text(data).encode("utf-8")


def _report_refusals(document: Document, refusals: list[Refusal], err: TextIO) -> None:
    from encord_manifest._internal.engine.linter import locate_pointers
    from encord_manifest._internal.model.diagnostics import format_pointer

    spans = locate_pointers(document, (refusal.pointer for refusal in refusals))
    for refusal in refusals:
        span = spans[refusal.pointer]
        _say(
            err,
            f"{document.path}:{span.line}:{span.column}: cannot be written as CSV: "
            f"{format_pointer(refusal.pointer)}: {refusal.message}",
        )
    count = len(refusals)
    _say(
        err,
        f"{document.path}: not converted: CSV cannot carry {count} "
        f"thing{'s' if count > 1 else ''} in this manifest",
    )


def _check(output: Path, content: bytes, err: TextIO) -> int:
    try:
        current = output.read_bytes()
    except FileNotFoundError:
        _say(err, f"{output}: missing; conversion would create it")
        return EXIT_FINDINGS
    except OSError as error:
        raise OutputError(f"{output}: {error.strerror or error}") from None
    if current != content:
        _say(err, f"{output}: out of date; conversion would change it")
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _say(err: TextIO, line: str) -> None:
    """A message line: its paths come from the command line or a directory of someone else's
    files, so it is escaped to stay one line that starts no workflow command."""
    print(shown_line(line), file=err)
