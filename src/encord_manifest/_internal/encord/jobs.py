"""Import jobs as this package sees them, independent of the SDK: records, reports, exit codes.

``submit.py`` fills these records from the SDK; ``cli/jobs_run.py`` polls and reports. A job's
fate is reported per unit (a video, an image, an image group or sequence, a DICOM series): the
server's ``data_unit_errors`` name the object URLs, its error text and the subtask id that
Encord's support asks for.
"""

from __future__ import annotations

import difflib
import enum
import json
from dataclasses import dataclass
from typing import Any, Literal, TextIO

from encord_manifest._internal.model.exit_codes import EXIT_CLEAN, EXIT_FINDINGS
from encord_manifest._internal.report.full import mask_query_strings

#: URLs of one failed unit in the text report: a 2,000-frame sequence would bury the rest.
URLS_SHOWN = 5


class JobStatus(str, enum.Enum):
    PENDING = "PENDING"
    DONE = "DONE"
    ERROR = "ERROR"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Integration:
    id: str
    title: str


@dataclass(frozen=True)
class Target:
    """Where the files go: a dataset (by hash) or a storage folder (by UUID)."""

    kind: Literal["dataset", "folder"]
    id: str

    def status_command(self, job: str) -> str:
        return f"encord-manifest status {job} --{self.kind} {self.id}"


@dataclass(frozen=True)
class AddedItem:
    id: str
    title: str


@dataclass(frozen=True)
class UnitError:
    urls: tuple[str, ...]
    error: str
    action: str
    subtask: str


@dataclass(frozen=True)
class JobState:
    status: JobStatus
    pending: int
    done: int
    failed: int
    cancelled: int
    added: tuple[AddedItem, ...] = ()
    unit_errors: tuple[UnitError, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.pending + self.done + self.failed + self.cancelled

    @property
    def finished(self) -> bool:
        return self.status is not JobStatus.PENDING

    def counts(self) -> str:
        return (
            f"{self.done} done, {self.failed} failed, {self.cancelled} cancelled, "
            f"{self.pending} pending ({self.total} in all)"
        )


@dataclass(frozen=True)
class DatasetRow:
    id: str
    title: str
    data_type: str
    file_link: str | None


class ChoiceError(Exception):
    """The integration asked for is not there, or not uniquely (exit code 2)."""


def choose_integration(available: list[Integration], wanted: str) -> Integration:
    """By id, else by exact title, else by title ignoring case; a clear error otherwise."""
    if not available:
        raise ChoiceError(
            "this account has no cloud integrations; add one in Encord first "
            "(Integrations, then the bucket's provider)"
        )
    for matches in (
        [i for i in available if i.id.lower() == wanted.strip().lower()],
        [i for i in available if i.title == wanted],
        [i for i in available if i.title.casefold() == wanted.strip().casefold()],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            ids = ", ".join(f"{i.id} ({i.title!r})" for i in matches)
            raise ChoiceError(
                f"{len(matches)} integrations are titled {wanted!r}; pass one's id: {ids}"
            )
    titles = sorted({i.title for i in available})
    close = difflib.get_close_matches(wanted, titles, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listed = ", ".join(repr(t) for t in titles)
    raise ChoiceError(f"no cloud integration {wanted!r}{hint} Available: {listed}")


def exit_code(state: JobState) -> int:
    """0 when every unit is done; 1 when any failed, was cancelled, or the job is not over."""
    clean = state.status is JobStatus.DONE and not (
        state.failed or state.cancelled or state.unit_errors or state.errors
    )
    return EXIT_CLEAN if clean else EXIT_FINDINGS


def render_text(job: str, target: Target, title: str | None, state: JobState) -> str:
    named = f" ({title!r})" if title else ""
    lines = [
        f"Job {job} on {target.kind} {target.id}{named}: {state.status.value}",
        f"Units: {state.counts()}",
    ]
    if state.unit_errors:
        lines += ["", f"Failed ({len(state.unit_errors)}):"]
        for unit in state.unit_errors:
            shown = unit.urls[:URLS_SHOWN]
            lines += [f"  {mask_query_strings(url)}" for url in shown]
            if len(unit.urls) > len(shown):
                lines.append(
                    f"  ... and {len(unit.urls) - len(shown)} more (all in the JSON report)"
                )
            lines.append(f"    error: {mask_query_strings(unit.error)}")
            lines.append(f"    action: {unit.action}; subtask: {unit.subtask}")
    if state.errors:
        lines += ["", f"Errors ({len(state.errors)}):"]
        lines += [f"  {mask_query_strings(error)}" for error in state.errors]
    if not state.finished:
        lines += ["", f"Still running; check again with: {target.status_command(job)}"]
    return "\n".join(lines) + "\n"


def as_json(job: str, target: Target, title: str | None, state: JobState) -> dict[str, Any]:
    return {
        "job": job,
        "target": {"kind": target.kind, "id": target.id, "title": title},
        "status": state.status.value,
        "units": {
            "total": state.total,
            "done": state.done,
            "failed": state.failed,
            "cancelled": state.cancelled,
            "pending": state.pending,
        },
        "added": [{"id": a.id, "title": a.title} for a in state.added],
        "failed": [
            {
                "urls": [mask_query_strings(u) for u in unit.urls],
                "error": mask_query_strings(unit.error),
                "action": unit.action,
                "subtask": unit.subtask,
            }
            for unit in state.unit_errors
        ],
        "errors": [mask_query_strings(error) for error in state.errors],
    }


def render_json(job: str, target: Target, title: str | None, state: JobState) -> str:
    return json.dumps(as_json(job, target, title, state), indent=2, ensure_ascii=False) + "\n"


class Progress:
    """Progress of a running job on stderr: one rewritten line on a terminal, else a plain
    line whenever the counts change (CI logs stay short)."""

    def __init__(self, stream: TextIO, terminal: bool) -> None:
        self._stream = stream
        self._terminal = terminal
        self._last: str | None = None

    def update(self, job: str, state: JobState) -> None:
        line = f"job {job}: {state.status.value}: {state.counts()}"
        if self._terminal:
            self._stream.write(f"\r\x1b[2K{line}")
        elif line != self._last:
            self._stream.write(line + "\n")
        self._stream.flush()
        self._last = line

    def close(self) -> None:
        if self._terminal and self._last is not None:
            self._stream.write("\n")
            self._stream.flush()
