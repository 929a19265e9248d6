"""The one place that writes the user's files: whole or not at all, and only what may be replaced.

``write_file`` replaces a file the tool has read (``lint --fix``) or writes an output
(``convert -o``, ``--sync``). It refuses, naming the file and the reason (``write_guards``),
what a plain rename would silently damage: a file changed on disk since it was read (an
editor saved it meanwhile), a read-only file, a device, FIFO or socket (as root, ``-o
/dev/null`` would otherwise replace the system's /dev/null), a file with several hard links
(the rename would split them) and a symbolic link to a place outside the tree being worked
on. ``force`` lets the last four through: a read-only file is replaced, keeping its mode;
the others are written in place, so the inode, its links and its owner stay.

A replacement goes through a temporary file in the target's directory, renamed over the
target. SIGINT, SIGTERM and SIGHUP during the write remove the temporary file before the
process stops (``signals``); the last check that the file is unchanged and the rename are
made with those signals held back, so they are one step.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Literal

from encord_manifest._internal.files.signals import interruptible, signals_held
from encord_manifest._internal.files.write_guards import (
    OutputError,
    Snapshot,
    WriteRefused,
    changed_since,
    refusals,
    snapshot,
)

__all__ = [
    "ABSENT",
    "OutputError",
    "Snapshot",
    "WriteRefused",
    "same_file",
    "snapshot",
    "write_atomically",
    "write_file",
]

#: ``expected`` for an output that did not exist when it was looked at: it must not now.
ABSENT: Literal["absent"] = "absent"
Expected = Snapshot | Literal["absent"] | None

#: Test seam: once the temporary file is written, wait (up to a minute) until the file this
#: names exists, so that a test can send a signal, or edit the file, at a known moment of a
#: real write (tests/test_writing.py). Unset, as outside the tests: no wait.
_PAUSE_VARIABLE = "ENCORD_MANIFEST_TEST_WRITE_PAUSE"


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through links, case-insensitive file systems...)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def write_file(path: Path, content: bytes, expected: Expected, *, force: bool = False) -> None:
    """Write ``content`` to ``path``, if the guards allow it; else raise and write nothing.

    ``expected``: what ``path`` was when read (a ``Snapshot``), ``ABSENT`` when it did not
    exist, or None when nothing was read of it (a device). Raises ``WriteRefused`` (a
    subclass of ``OutputError``) for a refusal, ``OutputError`` when the system says no.
    """
    guard = refusals(path, force=force)
    target = guard.target
    if guard.in_place:
        _write_in_place(path, target, content, expected)
        return
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputError(f"{path}: {error.strerror or error}") from None
    _replace(path, target, content, mode, expected)


def write_atomically(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` in one step, without the guards: for the tool's own
    files (the remote-check cache), never for a file the user named."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.is_dir():
        raise OutputError(f"{path}: is a directory")
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    _replace(path, target, content, mode, None)


def _replace(
    path: Path, target: Path, content: bytes, mode: int | None, expected: Expected
) -> None:
    """Temporary file beside ``target``, flushed to disk, renamed over it if it is unchanged."""
    directory = target.parent if str(target.parent) else Path(".")
    temporary: str | None = None
    with interruptible():
        try:
            with signals_held():  # so that the name is known whenever the file exists
                handle, temporary = tempfile.mkstemp(
                    prefix=f".{target.name}.", suffix=".tmp", dir=directory
                )
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, mode if mode is not None else _default_mode())
            _test_pause()
            _check_unchanged(path, target, expected, full=True)
            with signals_held():
                # The rest of the window: the stat just below and the rename (see README).
                _check_unchanged(path, target, expected, full=False)
                os.replace(temporary, target)
                temporary = None
        except OSError as error:
            raise OutputError(f"{path}: {error.strerror or error}") from None
        finally:
            if temporary is not None:
                with signals_held(), contextlib.suppress(OSError):
                    os.unlink(temporary)


def _write_in_place(path: Path, target: Path, content: bytes, expected: Expected) -> None:
    """Write into the existing file (``force`` on a link, device or FIFO): same inode.

    Not atomic, so signals are held back while a regular file is rewritten: an interruption
    waits for the end of it. A FIFO is opened without blocking (no reader: an error, not a
    hang) and written with signals allowed, as its reader may never read.
    """
    try:
        kind = os.stat(target).st_mode
        if not stat.S_ISREG(kind):
            descriptor = os.open(target, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
            try:
                os.set_blocking(descriptor, True)
                _write_all(descriptor, content)
            finally:
                os.close(descriptor)
            return
        with signals_held():
            descriptor = os.open(target, os.O_RDWR | os.O_NOCTTY)
            try:
                if expected is not None:
                    with os.fdopen(os.dup(descriptor), "rb") as reader:
                        current = reader.read()
                    _compare(path, snapshot(target, current, os.fstat(descriptor)), expected)
                os.lseek(descriptor, 0, os.SEEK_SET)
                _write_all(descriptor, content)
                os.ftruncate(descriptor, len(content))
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a FIFO without a reader
            raise OutputError(f"{path}: no program is reading from it") from None
        raise OutputError(f"{path}: {error.strerror or error}") from None


def _write_all(descriptor: int, content: bytes) -> None:
    view = memoryview(content)
    while view:
        view = view[os.write(descriptor, view) :]


def _check_unchanged(path: Path, target: Path, expected: Expected, *, full: bool) -> None:
    """Raise ``WriteRefused`` if ``target`` is no longer what was read.

    ``full``: read it again and compare the digest (catches an edit between the read and the
    snapshot's stat); else only stat it (size, mtime_ns, inode: catches an edit since).
    """
    if expected is None:
        return
    try:
        if full and expected != ABSENT:
            with open(target, "rb") as stream:
                current = snapshot(target, stream.read(), os.fstat(stream.fileno()))
        else:
            current = snapshot(target, None, os.stat(target))
    except FileNotFoundError:
        if expected == ABSENT:
            return
        raise WriteRefused(f"{path}: removed since it was read; nothing written") from None
    _compare(path, current, expected)


def _compare(path: Path, current: Snapshot, expected: Expected) -> None:
    if expected == ABSENT:
        raise WriteRefused(f"{path}: created by another program meanwhile; nothing written")
    if expected is not None and changed_since(current, expected):
        raise WriteRefused(
            f"{path}: changed on disk since it was read (saved by another program?); "
            "nothing written, run again"
        )


def _default_mode() -> int:
    """The mode a plain open() would give a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _test_pause() -> None:
    release = os.environ.get(_PAUSE_VARIABLE)
    deadline = time.monotonic() + 60
    while release and not os.path.exists(release) and time.monotonic() < deadline:
        time.sleep(0.01)
