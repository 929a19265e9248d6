"""The two forked children and the pipes between them and this process.

``lint_in_parts`` cuts the file, forks the two children and waits for the first one's
verdict; it then runs the document-scope families on the combined top level. The second
child checks its part and sends its summary to the first, which checks its own part and
combines the two. Each child leaves with ``os._exit``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import threading
from array import array
from collections.abc import Callable
from typing import Any, BinaryIO

from encord_manifest._internal.engine.parts.checking import Part, Summary, _placed
from encord_manifest._internal.engine.parts.combining import (
    Combined,
    _meet,
    _place_both,
    _repeated_keys,
    combine,
)
from encord_manifest._internal.engine.parts.cutting import (
    FIRST_SHARE,
    Cut,
    NotSplit,
    Source,
    _release,
    find_cut,
    first_text,
    second_text,
)
from encord_manifest._internal.engine.parts.findings import PartFindings, crc_of, nested_repeats
from encord_manifest._internal.engine.parts.parsing import (
    PIECE_CHARACTERS,
    Parsed,
    parse_first,
    parse_second,
)
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_checks
from encord_manifest._internal.rules.view import ManifestView
from encord_manifest._internal.sources.json_source import has_lone_surrogate


def lint_in_parts(
    source: Source, size: int, settings: LintSettings, piece: int | None = None
) -> Combined:
    """The findings of a manifest, placed, and the proof of the bytes they were found in;
    NotSplit where the whole file must be linted instead.

    ``source`` is the file's bytes, best mapped (``mmap``): then no process copies them whole,
    and each part decodes its half at the same time as the other (measured at 1M entries:
    reading and decoding the whole file here took 0.45 s).
    """
    if not hasattr(os, "fork") or threading.active_count() > 1:
        raise NotSplit("no fork here (or other threads are running)")
    cut = find_cut(source, FIRST_SHARE)
    combined = _combined_by_two_children(source, cut, size, settings, piece)
    view = ManifestView(combined.top_level, size, counts=combined.counts)
    found = [
        finding
        for check in family_checks("document")
        for finding in check(view, settings)
        if finding.code not in settings.disabled
    ]
    if any(finding.pointer for finding in found):
        # Its place is in a part's text, which only that part had.
        raise NotSplit("a document finding with a place to locate")
    combined.found.findings[:0] = found
    if found and not combined.checksums:  # no part had findings, so none summed its bytes
        combined.checksums = [(0, len(source), crc_of(source, 0, len(source)))]
    return combined


def _combined_by_two_children(
    source: Source, cut: Cut, size: int, settings: LintSettings, piece: int | None
) -> Combined:
    """Each part checked by a child of its own; the first child also combines the two.

    Neither tree is ever built here, so none is torn down here either (measured: a third of
    a second for half of a 1M-entry tree): the children leave with ``os._exit``. The second
    child says at once whether its part is clean, so a finding there stops the first child
    without waiting for it; then it hands its summary, findings included, to the first child.
    """
    piece = piece or PIECE_CHARACTERS
    verdict_read, verdict_write = os.pipe()  # first child -> here: the combined parts
    status_read, status_write = os.pipe()  # second child -> here: one byte, b"1" when clean
    summary_read, summary_write = os.pipe()  # second child -> first child: its summary
    children: list[int] = []
    try:
        first = os.fork()
        if first == 0:  # pragma: no cover - runs in the child
            _close(verdict_read, status_read, status_write, summary_write)
            _first_child(source, cut, size, settings, piece, summary_read, verdict_write)
        children.append(first)
        second = os.fork()
        if second == 0:  # pragma: no cover - runs in the child
            _close(verdict_read, verdict_write, status_read, summary_read)
            _second_child(source, cut, size, settings, piece, status_write, summary_write)
        children.append(second)
        _close(verdict_write, status_write, summary_read, summary_write)
        verdict_write = status_write = summary_read = summary_write = -1
        return _await_verdict(verdict_read, status_read)
    finally:
        _close(verdict_read, verdict_write, status_read, status_write, summary_read, summary_write)
        for child in children:
            _end(child)


def _close(*descriptors: int) -> None:
    for descriptor in descriptors:
        if descriptor >= 0:
            os.close(descriptor)


def _end(child: int) -> None:
    """Stop a child if it still runs (its work is of no use now) and wait for it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)


def _await_verdict(verdict: int, status: int) -> Combined:
    watched = [verdict, status]
    while True:
        ready, _, _ = select.select(watched, [], [])
        if status in ready:
            if os.read(status, 1) != b"1":
                raise NotSplit("the second part's check failed, or it needs the whole file")
            watched.remove(status)
        if verdict in ready:
            combined = _receive(verdict)
            if not isinstance(combined, Combined):
                raise NotSplit("the first part's check failed, or the parts disagree")
            return combined


def _first_child(  # pragma: no cover - runs in the child
    source: Source,
    cut: Cut,
    size: int,
    settings: LintSettings,
    piece: int,
    summary: int,
    verdict: int,
) -> None:
    """Check the first part and combine it with the second; send the combined top level.

    The second child sends its URL hashes as soon as it has them, then its summary. They are
    compared with this part's as soon as they are there, between two families of checks: the
    second child's core is busy meanwhile, where comparing them at the end would leave it idle
    (measured at 1M entries: 0.4 s).
    """
    combined = None
    gc.disable()  # for good: see _send_and_leave
    try:
        with os.fdopen(summary, "rb") as pipe:
            parsed = _own_part(first_text, parse_first, source, cut, piece)
            order = list(parsed.data)
            # Built before the second part's keys are read: they arrive meanwhile (waiting
            # for them first cost the clean 1M-entry lint 0.2-0.5 s), and are rarely news.
            part = Part(parsed.data, cut, size, settings)
            dropped = _drop_repeated_later(parsed, pipe, cut)
            if dropped:
                part = Part(parsed.data, cut, size, settings)
            compare = _UrlMeeting(pipe, part.url_hashes)
            compare()
            findings = part.check(between=compare)
            compare(wait=True)
            ours = part.summary(order=order)
            del part  # its columns and hashes: not to be held while the text is read again
            own = _placed(findings, first_text, source, cut, parsed)
            theirs = _receive(pipe)
            if isinstance(theirs, Summary):
                top_level, counts = combine(ours, theirs, cut, dropped)
                combined = Combined(top_level, counts, PartFindings())
                repeated = _repeated_keys(parsed, theirs, source, cut, settings)
                if own.findings or theirs.found.findings or repeated:
                    _place_both(combined, own, theirs.found, source, cut, parsed.data)
                    combined.found.findings += repeated
    except BaseException:  # whatever it is, the whole file is linted instead
        combined = None
    _send_and_leave(verdict, combined)


class _UrlMeeting:  # pragma: no cover - in the child
    """Compares the second part's URL hashes with this part's as soon as they are there."""

    def __init__(self, pipe: BinaryIO, hashes: set[int]) -> None:
        self.pipe, self.hashes, self.done = pipe, hashes, False

    def __call__(self, wait: bool = False) -> None:
        if not self.done and (wait or select.select([self.pipe], [], [], 0)[0]):
            self.done = True
            if _meet(self.hashes, _receive_hashes(self.pipe)):
                raise NotSplit("a URL may be in both parts")
            self.hashes = set()  # compared: no longer needed


def _drop_repeated_later(  # pragma: no cover - in the child
    parsed: Parsed, pipe: BinaryIO, cut: Cut
) -> set[str]:
    """Leave out of the first part's data the top-level keys that the second part repeats:
    a parser keeps the last value of a key, so theirs are checked, not these. The second
    part's keys come first through the pipe, as soon as it is parsed."""
    theirs = pickle.load(pipe)
    dropped = (set(theirs) & set(parsed.data)) - {cut.list_key}
    for key in dropped:
        del parsed.data[key]
    return dropped


def _second_child(  # pragma: no cover - runs in the child
    source: Source,
    cut: Cut,
    size: int,
    settings: LintSettings,
    piece: int,
    status: int,
    summary: int,
) -> None:
    """Check the second part, say whether its check went through, and hand its summary to the
    first child. Its top-level keys go first, as soon as it is parsed (the first child leaves
    out those it repeats), then its URL hashes, by a thread of their own while the checks run.
    """
    outcome = None
    sender = None
    gc.disable()  # for good: see _send_and_leave
    try:
        parsed = _own_part(second_text, parse_second, source, cut, piece)
        _send_bytes(summary, pickle.dumps([member[0] for member in parsed.members[1:]]))
        part = Part(parsed.data, cut, size, settings)
        hashes = array("q", part.url_hash_list)
        sender = threading.Thread(target=_send_hashes, args=(summary, hashes))
        sender.start()
        findings = part.check()
        outcome = part.summary(to_send=True)
        del part  # its columns and hashes: not to be held while the text is read again
        outcome.found = _placed(findings, second_text, source, cut, parsed)
        outcome.members, outcome.repeats = parsed.members, parsed.repeats
        outcome.ascii = parsed.ascii
    except BaseException:
        outcome = None
    with contextlib.suppress(OSError):  # this process has gone; the summary write notices too
        os.write(status, b"1" if outcome is not None else b"0")
    if sender is not None:
        sender.join()
    _send_and_leave(summary, outcome)


def _own_part(
    decode: Callable[[Source, Cut], tuple[str, Cut]],
    parse: Callable[[str, Cut, int], Parsed],
    source: Source,
    cut: Cut,
    piece: int,
) -> Parsed:  # pragma: no cover - in the child
    """This part's data, decoded and parsed from the file's bytes.

    The file's pages are let go of once decoded, and the text once parsed (it dies with
    this frame): the part's tree and its rules' working memory then take its place (measured
    at 1M entries: the two parts' peaks sum to 1.1x the parse floor's peak, against 1.47x
    with the texts kept). The mapping stays, to read the text again if there are findings.
    """
    text, local_cut = decode(source, cut)
    _release(source)
    if has_lone_surrogate(text):  # the whole-file lint reports it
        raise NotSplit("a lone surrogate")
    parsed = parse(text, local_cut, piece)
    parsed.ascii = text.isascii()  # a flag of the string: no scan
    if parsed.repeated:
        parsed.repeats = nested_repeats(
            text, parsed.data, parsed.objects, parsed.members, parsed.checkpoints
        )
    return parsed


def _send_hashes(writer: int, hashes: array[int]) -> None:  # pragma: no cover - in the child
    with contextlib.suppress(OSError):  # the first child has gone: nothing to send it
        os.write(writer, len(hashes).to_bytes(8, "little"))
        _send_bytes(writer, memoryview(hashes).cast("B"))


def _send_bytes(writer: int, data: bytes | memoryview) -> None:  # pragma: no cover - in a child
    view = memoryview(data)
    while view:
        view = view[os.write(writer, view) :]


def _receive_hashes(pipe: BinaryIO) -> array[int]:  # pragma: no cover - in the child
    header = pipe.read(8)
    if len(header) != 8:  # the second child ended before it had them
        raise NotSplit("the second part's URL hashes did not arrive")
    count = int.from_bytes(header, "little")
    hashes = array("q")
    hashes.frombytes(pipe.read(8 * count))
    if len(hashes) != count:
        raise NotSplit("the second part's URL hashes did not all arrive")
    return hashes


def _send_and_leave(writer: int, outcome: Any) -> None:  # pragma: no cover - runs in the child
    try:
        with os.fdopen(writer, "wb") as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            pipe.flush()
    except BaseException:  # the reader is gone: its process no longer needs this
        pass
    finally:
        # No clean-up of a tree that dies with the process, and none of the parent's exit
        # handlers (test runners, atexit) either. The collector stays off to the end: once
        # on, its first collection would walk every object of the part's tree, all of them
        # still young (measured: 0.2 s at 1M entries), for nothing to free.
        os._exit(0)


def _receive(reader: int | BinaryIO) -> Any:
    """What the other end sent; None when it sent nothing whole (it failed or was killed)."""
    if isinstance(reader, int):
        with os.fdopen(reader, "rb", closefd=False) as pipe:
            return _receive(pipe)
    try:
        return pickle.load(reader)
    except (EOFError, pickle.UnpicklingError):
        return None
