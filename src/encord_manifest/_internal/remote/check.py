"""`lint --remote`: probe every distinct URL of a manifest concurrently; findings in manifest order.

The URLs are listed by ``targets`` and each object is probed by ``probe`` (its first request,
conditional where the cache knows it). What the answers say (``verdicts``) becomes R8xx
findings at every place the URL is listed, then the per-series and per-sequence rules
(``series``) compare the files of each entry.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TextIO

from encord_manifest._internal.model.diagnostics import Finding, Pointer
from encord_manifest._internal.remote.cache import ResultCache
from encord_manifest._internal.remote.http import Fetcher, FetchSettings
from encord_manifest._internal.remote.probe import Probe, probe
from encord_manifest._internal.remote.safety import AddressPolicy
from encord_manifest._internal.remote.series import sequence_findings, series_findings
from encord_manifest._internal.remote.targets import Target, targets
from encord_manifest._internal.remote.verdicts import fetch_error_shared_by, fetch_error_verdict
from encord_manifest._internal.rules import remote as rules


@dataclass(frozen=True)
class RemoteSettings:
    jobs: int = 32
    fetch: FetchSettings = field(default_factory=FetchSettings)
    #: R807 above this many bytes per object; None: no limit configured.
    max_object_bytes: int | None = None
    #: Where to draw a progress bar; None: no progress shown.
    progress: TextIO | None = None
    #: Results of earlier runs (revalidated with conditional requests); None: no cache.
    cache: ResultCache | None = None
    #: Which addresses may be contacted for this manifest (the fetcher's own when None:
    #: a configuration file's ``allow-hosts`` make each manifest's policy its own).
    policy: AddressPolicy | None = None


def check(data: Any, settings: RemoteSettings, fetcher: Fetcher) -> list[Finding]:
    """Findings about the objects of a manifest: each object's, then each DICOM series'."""
    wanted = targets(data)
    if not wanted:
        return []
    progress = _Progress(len(wanted), settings.progress)
    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:

        def probe_one(target: Target) -> Probe:
            try:
                if fetcher.run_deadline_passed:
                    late = fetcher.late_error()
                    return Probe(
                        target, [fetch_error_verdict(late)], shared_by=fetch_error_shared_by(late)
                    )
                with fetcher.object_deadline(settings.policy):
                    return probe(target, settings, fetcher)
            except Exception as error:
                # A hostile answer no rule foresaw costs its own object, never the run.
                verdict = (
                    rules.OBJECT_UNREACHABLE,
                    f"the object could not be read: its answer could not be handled "
                    f"({type(error).__name__})",
                )
                return Probe(target, [verdict])
            finally:
                progress.advance()

        probes = list(pool.map(probe_one, wanted))
    progress.finish()
    findings = list(_object_findings(probes))
    headers = {result.target.url: result.header for result in probes if result.header}
    findings.extend(series_findings(data, headers))
    sizes = {result.target.url: result.dimensions for result in probes if result.dimensions}
    findings.extend(sequence_findings(data, sizes))
    return findings


def _object_findings(probes: list[Probe]) -> Iterator[Finding]:
    """Each object's verdicts at every place it is listed; a verdict that is the host's
    (down, refused) or the run's (deadline) is given once, at its first place, with the count
    and the next few places (``Finding.also``)."""
    shared: dict[tuple[str, str, str], list[Pointer]] = {}
    for result in probes:
        for code, message in result.verdicts:
            if result.shared_by is not None and code in _SHARED_CODES:
                shared.setdefault((result.shared_by, code, message), []).extend(
                    result.target.pointers
                )
                continue
            for pointer in result.target.pointers:
                yield Finding(code, pointer, message)
    for (who, code, message), pointers in shared.items():
        pointers.sort(key=_pointer_order)
        count = len(pointers)
        if count > 1:
            message = f"{message}; one finding for the {count:,} URLs {who}"
        yield Finding(code, pointers[0], message, also=tuple(pointers[1:]))


_SHARED_CODES = frozenset({rules.OBJECT_UNREACHABLE, rules.OBJECT_NOT_CHECKED})


def _pointer_order(pointer: Pointer) -> tuple[str, ...]:
    return tuple(f"{part:>12}" if isinstance(part, int) else str(part) for part in pointer)


class _Progress:
    """`checked 1,234/5,000 objects` on one line of stderr, redrawn at most 10 times a second."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.stream, self.done = total, stream, 0
        self._lock = threading.Lock()
        self._last = 0.0

    def advance(self) -> None:
        if self.stream is None:
            return
        with self._lock:
            self.done += 1
            now = time.monotonic()
            if now - self._last >= 0.1 or self.done == self.total:
                self._last = now
                self.stream.write(f"\rchecked {self.done:,}/{self.total:,} objects")
                self.stream.flush()

    def finish(self) -> None:
        if self.stream is not None and self.done:
            self.stream.write("\r\033[K")
            self.stream.flush()


def progress_stream() -> TextIO | None:
    """stderr when it is a terminal (a progress bar in a log is noise)."""
    return sys.stderr if sys.stderr.isatty() else None
