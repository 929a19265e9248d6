"""Signals around a write: a stop request cleans up first, and two steps are never cut apart.

Python turns SIGINT into KeyboardInterrupt, so ``finally`` blocks run; SIGTERM and SIGHUP,
by default, end the process on the spot and would leave a temporary file behind.
``interruptible`` makes them raise too (only while a write is under way, and only where
nobody else chose a handler), then, once the cleanup is done, ends the process by the same
signal, so that the parent sees what it sent. ``signals_held`` defers all three for a few
system calls (creating the temporary file and noting its name; the last check and the
rename).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

_RAISED = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
_HELD = (signal.SIGINT, *_RAISED)


class Interrupted(BaseException):
    """A SIGTERM or SIGHUP during a write (a BaseException, like KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """SIGTERM and SIGHUP raise ``Interrupted`` inside; after it, the process ends by them."""
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers belong to the main thread; a worker's write is the tool's own cache
        return
    previous = {}
    for signum in _RAISED:
        if signal.getsignal(signum) is signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _raise)
    try:
        yield
    except Interrupted as stop:
        _restore(previous)
        signal.raise_signal(stop.signum)  # the default action: the process ends here
        raise SystemExit(128 + stop.signum) from None  # only if something caught it after all
    finally:
        _restore(previous)


def _restore(previous: dict[int, signal._HANDLER]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    previous.clear()


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Defer SIGINT, SIGTERM and SIGHUP until the block ends (then they act as usual)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: nothing to hold them with
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
