"""`lint --fix` and `lint --diff` for one file: read, fix, write atomically or show the diff.

Kept apart from the CLI like ``convert_run``: a file in, the findings that remain out,
messages to the streams given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from encord_manifest._internal.engine.fixes import fix_bytes
from encord_manifest._internal.engine.linter import (
    SourceFormat,
    lint_bytes,
    load,
    read_input,
    skip_unless_manifest,
    source_format,
)
from encord_manifest._internal.files.writing import OutputError, Snapshot, snapshot, write_file
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.text.redaction import escape_lines, shown_line


@dataclass
class FixTally:
    """What a run fixed (or, with --diff, would fix)."""

    fixes: int = 0
    files: int = 0
    #: Files whose fixes could not be written (each said on ``err``): the run exits 2.
    failed: int = 0


def fix_file(
    path: str,
    settings: LintSettings,
    format: SourceFormat | None,
    *,
    write: bool,
    out: TextIO,
    err: TextIO,
    tally: FixTally,
    force: bool = False,
    name: str | None = None,
    skip_non_manifests: bool = False,
) -> FileResult:
    """Fix one file; with ``write``, replace it atomically, else print the diff to ``out``.

    Returns the findings that remain (with ``write``) or the file's findings as they are,
    also when the fixes cannot be written (said on ``err``, counted in ``tally.failed``).
    ``force``: write where ``writing`` would refuse (``--force-write``). ``name``: what to
    call the file in findings, if not its path (``--stdin-filename``).
    Raises the linter's InputError, and with ``skip_non_manifests`` ``selection.NotAManifest``.
    """
    raw = read_input(path, settings.max_input_bytes)
    # Right after the read: the write compares the file with this (writing.write_file).
    expected: Snapshot | None = None
    failure: OutputError | None = None
    try:
        expected = snapshot(Path(path), raw) if write else None
    except OutputError as error:  # gone the moment it was read: reported when writing
        failure = error
    name = name or ("<stdin>" if path == "-" else path)
    if skip_non_manifests:
        skip_unless_manifest(load(name, raw, source_format(path, format)))
    fixed = fix_bytes(name, raw, settings, source_format(path, format))
    if fixed is None:  # not text at all: nothing to fix, the lint says why
        return lint_bytes(name, raw, settings, format)
    outcome, content = fixed
    if outcome.stopped:
        _say(err, f"{name}: {outcome.stopped}")
    if not outcome.changed:
        return outcome.result
    count = sum(outcome.applied.values())
    codes = ", ".join(
        f"{code}" + (f" x{n}" if n > 1 else "") for code, n in sorted(outcome.applied.items())
    )
    if write:
        try:
            if failure is not None:
                raise failure
            write_file(Path(path), content, expected, force=force)
        except OutputError as error:
            # Nothing was written: the findings are those of the file as it is.
            _say(err, f"encord-manifest: error: cannot write {error}")
            tally.failed += 1
            return lint_bytes(name, raw, settings, format)
        tally.fixes += count
        tally.files += 1
        _say(err, f"{name}: fixed {count} ({codes})")
        return outcome.result
    tally.fixes += count
    tally.files += 1
    # The file's own lines: escaped so that none acts in a terminal or a CI log (a diff of
    # such a line no longer applies, and needs no applying: --fix writes the fixes).
    out.write(escape_lines(outcome.diff()))
    _say(err, f"{name}: would fix {count} ({codes})")
    return lint_bytes(name, raw, settings, format)


def _say(err: TextIO, line: str) -> None:
    """A message line: its paths come from the command line or a directory of someone else's
    files, so it is escaped to stay one line that starts no workflow command."""
    print(shown_line(line), file=err)
