"""``submit``, ``status`` and ``verify``: lint, hand the manifest to Encord, follow the job.

Kept apart from the CLI (a request in, an exit code out, messages to the two streams given)
and from the SDK (``submit.py`` is imported only once a connection is needed, so a missing
``encord`` package is a one-line error, not an ImportError at start-up).

Exit codes: 0 every unit done (``verify``: every entry present once); 1 lint errors (nothing
submitted), units failed or cancelled, the job ended in ERROR or was still running at
``--timeout``; 2 usage, unreadable input, authentication or connection errors.
"""

from __future__ import annotations

import functools
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO, TypeVar

from encord_manifest._internal.encord.jobs import (
    ChoiceError,
    JobState,
    Progress,
    Target,
    choose_integration,
    exit_code,
    render_json,
    render_text,
)
from encord_manifest._internal.engine.linter import (
    ExtraCheck,
    InputError,
    SourceFormat,
    lint_document,
    load_file,
)
from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.model.document import Document
from encord_manifest._internal.model.exit_codes import EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.text.redaction import escape_control, shown_line

if TYPE_CHECKING:
    from encord_manifest._internal.encord.submit import KeySource, Session

ReportFormat = Literal["text", "json"]
T = TypeVar("T")


@dataclass(frozen=True)
class Connection:
    key: KeySource
    domain: str


@dataclass(frozen=True)
class Waiting:
    """How to follow a job: until it ends or ``timeout`` seconds pass (None: no limit)."""

    timeout: float | None = None
    interval: float = 5.0
    terminal: bool = False


@dataclass(frozen=True)
class Destination:
    """An existing target (its id in ``existing``), or one to create with ``create`` as its
    title/name."""

    kind: Literal["dataset", "folder"]
    existing: str | None = None
    create: str | None = None


@dataclass(frozen=True)
class SubmitRequest:
    manifest: str
    destination: Destination
    integration: str
    connection: Connection
    wait: bool = True
    waiting: Waiting = field(default_factory=Waiting)
    ignore_errors: bool = True
    force: bool = False
    output_format: ReportFormat = "text"
    input_format: SourceFormat | None = None
    settings: LintSettings = field(default_factory=LintSettings)
    extra: Sequence[ExtraCheck] = ()


class Failure(Exception):
    """Ends the command: a one-line message and an exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


Request = TypeVar("Request")


def _failures_said(
    run: Callable[[Request, TextIO, TextIO], int],
) -> Callable[[Request, TextIO, TextIO], int]:
    """A command whose ``Failure`` ends it with one line on ``err`` and the failure's code."""

    @functools.wraps(run)
    def command(request: Request, out: TextIO, err: TextIO) -> int:
        try:
            return run(request, out, err)
        except Failure as failure:
            print(f"encord-manifest: error: {escape_control(str(failure))}", file=err)
            return failure.code

    return command


@_failures_said
def run_submit(request: SubmitRequest, out: TextIO, err: TextIO) -> int:
    from encord_manifest._internal.report.text import line_of
    from encord_manifest._internal.sources.convert import to_json_bytes

    document = _load(request.manifest, request.input_format)
    diagnostics = lint_document(document, request.settings, request.extra).diagnostics
    for diagnostic in diagnostics:
        print(shown_line(line_of(diagnostic)), file=err)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    if document.data is None:
        raise Failure(f"{document.path}: not submitted: not a manifest", EXIT_FINDINGS)
    if errors and not request.force:
        raise Failure(
            f"{document.path}: not submitted: {errors} error{'s' if errors > 1 else ''} "
            "(fix them, or submit anyway with --force)",
            EXIT_FINDINGS,
        )
    session = _connect(request.connection)
    integration = _or_failure(
        lambda: choose_integration(session.integrations(), request.integration)
    )
    target, title = _destination(session, request.destination, err)
    name = Path(request.manifest).stem if request.manifest != "-" else "manifest"
    # The SDK sends a file's name with the job (Encord shows it); a CSV goes as its conversion.
    with tempfile.TemporaryDirectory(prefix="encord-manifest-") as directory:
        sent = Path(directory) / f"{name or 'manifest'}.json"
        sent.write_bytes(to_json_bytes(document.data))
        job = _or_failure(lambda: session.start(target, integration, sent, request.ignore_errors))
    print(
        f"Started job {job} on {target.kind} {target.id} with integration {integration.title!r}; "
        f"follow it later with: {target.status_command(job)}",
        file=err,
        flush=True,
    )
    if not request.wait:
        if request.output_format == "json":
            started = {"job": job, "target": {"kind": target.kind, "id": target.id}}
            out.write(json.dumps(started) + "\n")
        else:
            out.write(f"{job}\n")
        return 0
    return _follow(session, target, title, job, request.waiting, request.output_format, out, err)


@dataclass(frozen=True)
class StatusRequest:
    job: str
    target: Target
    connection: Connection
    #: None: one look; else follow the job to its end
    waiting: Waiting | None = None
    output_format: ReportFormat = "text"


@_failures_said
def run_status(request: StatusRequest, out: TextIO, err: TextIO) -> int:
    """Report a job started earlier: one look, or follow it to its end."""
    session = _connect(request.connection)
    target, job = request.target, request.job
    title = _or_failure(lambda: session.describe(target))
    if request.waiting is None:
        state = _or_failure(lambda: session.poll(target, job))
        _report(job, target, title, state, request.output_format, out)
        return exit_code(state)
    return _follow(session, target, title, job, request.waiting, request.output_format, out, err)


@dataclass(frozen=True)
class VerifyRequest:
    manifest: str
    dataset: str
    connection: Connection
    #: rows the manifest does not name fail too
    strict: bool = False
    output_format: ReportFormat = "text"
    input_format: SourceFormat | None = None


@_failures_said
def run_verify(request: VerifyRequest, out: TextIO, err: TextIO) -> int:
    from encord_manifest._internal.encord.verify import compare, expected_items
    from encord_manifest._internal.encord.verify import exit_code as verify_exit_code
    from encord_manifest._internal.encord.verify import render_json as verify_json
    from encord_manifest._internal.encord.verify import render_text as verify_text
    from encord_manifest._internal.engine.linter import locate_pointers

    document = _load(request.manifest, request.input_format)
    if document.data is None:
        raise Failure(f"{document.path}: not a manifest (run lint to see why)")
    items = list(expected_items(document.data))
    session = _connect(request.connection)
    target = Target("dataset", request.dataset)
    title = _or_failure(lambda: session.describe(target))
    rows = _or_failure(lambda: session.dataset_rows(request.dataset))
    comparison = compare(items, rows)
    reported = [item.pointer for item in comparison.missing] + [
        item.pointer for item, _ in comparison.repeated
    ]
    spans = locate_pointers(document, reported)
    render = verify_json if request.output_format == "json" else verify_text
    out.write(render(document.path, request.dataset, title, comparison, spans))
    return verify_exit_code(comparison, request.strict)


def wait_for(
    poll: Callable[[], JobState],
    waiting: Waiting,
    on_state: Callable[[JobState], None],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> JobState:
    """Poll until the job ends or the time is up; the last state seen."""
    deadline = None if waiting.timeout is None else clock() + waiting.timeout
    while True:
        state = poll()
        on_state(state)
        if state.finished:
            return state
        if deadline is not None:
            left = deadline - clock()
            if left <= 0:
                return state
            sleep(min(waiting.interval, left))
        else:
            sleep(waiting.interval)


def _follow(
    session: Session,
    target: Target,
    title: str | None,
    job: str,
    waiting: Waiting,
    output_format: ReportFormat,
    out: TextIO,
    err: TextIO,
) -> int:
    progress = Progress(err, waiting.terminal)
    try:
        state = wait_for(
            lambda: _or_failure(lambda: session.poll(target, job)),
            waiting,
            lambda state: progress.update(job, state),
        )
    except Failure as failure:
        progress.close()
        raise Failure(
            f"{failure}; job {job} continues at Encord; check it with: {target.status_command(job)}"
        ) from None
    except KeyboardInterrupt:
        progress.close()
        print(
            f"Stopped waiting; job {job} continues at Encord; check it with: {target.status_command(job)}",
            file=err,
        )
        return EXIT_INTERRUPTED
    progress.close()
    _report(job, target, title, state, output_format, out)
    return exit_code(state)


def _load(manifest: str, input_format: SourceFormat | None) -> Document:
    try:
        return load_file(manifest, input_format)
    except InputError as error:
        raise Failure(f"cannot read {error}") from None


def _report(
    job: str,
    target: Target,
    title: str | None,
    state: JobState,
    output_format: ReportFormat,
    out: TextIO,
) -> None:
    render = render_json if output_format == "json" else render_text
    out.write(render(job, target, title, state))


def _destination(session: Session, destination: Destination, err: TextIO) -> tuple[Target, str]:
    if destination.existing is not None:
        target = Target(destination.kind, destination.existing)
        return target, _or_failure(lambda: session.describe(target))
    title = destination.create or ""
    create = session.create_dataset if destination.kind == "dataset" else session.create_folder
    created = _or_failure(lambda: create(title))
    print(f"Created {destination.kind} {title!r}: {created}", file=err)
    return Target(destination.kind, created), title


def _connect(connection: Connection) -> Session:
    from encord_manifest._internal.encord.submit import EncordError, connect

    try:
        return connect(connection.key, connection.domain)
    except EncordError as error:
        raise Failure(str(error)) from None


def _or_failure(action: Callable[[], T]) -> T:
    from encord_manifest._internal.encord.submit import EncordError

    try:
        return action()
    except (EncordError, ChoiceError) as error:
        raise Failure(str(error)) from None
