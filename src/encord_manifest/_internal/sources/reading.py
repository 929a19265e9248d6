"""Reading an input exactly once, within a size limit: a file, standard input, a FIFO, /dev/fd/N.

Standard input, FIFOs and process substitution (``<(cat m.json)``, a pipe named /dev/fd/N)
can be read once only, and a file can change between two reads. So the text that was checked
is what locates findings and what the `full` format shows: it is kept (``SourceText``). The
one exception is a large regular file, whose text is let go while the rules run (it would
add its whole size to the peak memory) and read again only if there are findings to locate;
that second read must give the very bytes that were checked (same size, same CRC-32), or the
lint stops with an ``InputError`` saying the file changed, rather than report positions in
a text that was never checked.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from encord_manifest._internal.model.settings import DEFAULT_MAX_INPUT_BYTES
from encord_manifest._internal.text.lazy_pattern import LazyPattern

#: Above this size a regular file's text is not kept while the rules run (see above).
KEEP_TEXT_BYTES = 64 * 1024**2
#: What one read asks for from a pipe or a device whose size is unknown.
CHUNK_BYTES = 1024**2


class InputError(Exception):
    """The input could not be read at all (missing file, permission, a directory, too large,
    changed while it was being linted...). Its text names the file and the reason."""


@dataclass(frozen=True)
class Opened:
    """An input opened once: its stream and what ``fstat`` says of it."""

    path: str
    name: str
    stream: BinaryIO
    #: The size when the input is a regular file (known before reading), else None.
    size: int | None

    @property
    def regular(self) -> bool:
        return self.size is not None


def display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


class _Input:
    """A context manager: the input opened once, closed at the end (standard input stays open)."""

    def __init__(self, path: str, name: str | None = None) -> None:
        self.path = path
        self.name = name
        self.opened: Opened | None = None

    def __enter__(self) -> Opened:
        name = self.name or display_name(self.path)
        try:
            if self.path == "-":
                stream: BinaryIO = sys.stdin.buffer
            else:
                # Opening a FIFO waits for its writer, as `cat` does; it is opened only here.
                stream = open(self.path, "rb")  # closed in __exit__
            try:
                status = os.fstat(stream.fileno())
                size = status.st_size if stat.S_ISREG(status.st_mode) else None
            except (OSError, ValueError):  # a stream without a descriptor (tests, io wrappers)
                size = None
        except IsADirectoryError:
            raise InputError(f"{name}: is a directory") from None
        except OSError as error:
            raise InputError(f"{name}: {error.strerror or error}") from None
        except ValueError:  # a NUL in the path (a library caller's; no argv holds one)
            raise InputError(f"{name}: a path cannot hold a NUL character") from None
        self.opened = Opened(self.path, name, stream, size)
        return self.opened

    def __exit__(self, *exc: object) -> None:
        if self.opened is not None and self.path != "-":
            self.opened.stream.close()


def open_input(path: str, name: str | None = None) -> _Input:
    """``with open_input(path) as opened:`` ('-' for standard input); InputError if it cannot.

    ``name``: what to call it in findings and messages (``--stdin-filename``), if not its path.
    """
    return _Input(path, name)


def read_opened(opened: Opened, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> bytes:
    """Every byte of an opened input, read once, at most ``max_bytes`` (else InputError).

    A regular file is refused on its size before any read; a pipe or a device in bounded
    chunks, stopping at the first byte past the limit (``/dev/zero`` never ends).
    """
    if opened.size is not None and opened.size > max_bytes:
        raise too_large(opened.name, max_bytes)
    try:
        if opened.size is not None:
            # One read of the known size (plus one byte: a file that grew says so).
            first = opened.stream.read(opened.size + 1)
            if len(first) <= opened.size:
                return first
            pieces, total = [first], len(first)
        else:
            pieces, total = [], 0
        while total <= max_bytes:
            piece = opened.stream.read(min(CHUNK_BYTES, max_bytes + 1 - total))
            if not piece:
                return b"".join(pieces)
            pieces.append(piece)
            total += len(piece)
    except OSError as error:
        raise InputError(f"{opened.name}: {error.strerror or error}") from None
    raise too_large(opened.name, max_bytes)


def too_large(name: str, max_bytes: int) -> InputError:
    return InputError(
        f"{name}: larger than {format_size(max_bytes)}, the input size limit "
        "(raise it with --max-input-size or max-input-size in the configuration)"
    )


def read_input(path: str, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> bytes:
    """The bytes of a file, or of standard input for '-', read once; InputError if it cannot."""
    with open_input(path) as opened:
        return read_opened(opened, max_bytes)


class SourceText:
    """The text that was checked: kept in memory, or (a large regular file) read again on
    demand and proved to be the same bytes. ``format`` says how its lines end (CSV: CR, LF or
    CRLF; JSON: LF)."""

    def __init__(
        self, format: str, text: str | None = None, reread: Callable[[], str] | None = None
    ) -> None:
        self.format = format
        self._text = text
        self._reread = reread

    def get(self) -> str | None:
        """The text; InputError if a large file's bytes are no longer those that were checked."""
        if self._text is None and self._reread is not None:
            self._text = self._reread()
        return self._text


def kept_text(format: str, raw: bytes, text: str | None) -> SourceText:
    """The text kept in memory; for bytes that are not UTF-8 (nothing to locate in), what
    `full` can still show of their lines."""
    if text is None and len(raw) <= KEEP_TEXT_BYTES:
        text = raw.decode("utf-8-sig", errors="replace")
    return SourceText(format, text)


def source_text(
    opened: Opened, raw: bytes, text: str | None, format: str, decode: Callable[[bytes], str | None]
) -> SourceText:
    """How a document keeps its text: itself, or for a large regular file a checked re-read."""
    if text is None or opened.size is None or len(raw) <= KEEP_TEXT_BYTES:
        return kept_text(format, raw, text)
    return _reread(opened, len(raw), [(0, len(raw), zlib.crc32(raw))], format, decode)


def checked_source(opened: Opened, size: int, checksums: list[tuple[int, int, int]]) -> SourceText:
    """The text of a JSON file that was read in parts (``engine.parts``), read again on demand and
    proved by each part's CRC-32 (``checksums``: start, end, CRC) to be the bytes checked."""
    from encord_manifest._internal.sources.encoding import decode

    return _reread(
        opened, size, checksums, "json", lambda data: decode(data, bom_is_finding=True)[0]
    )


def _reread(
    opened: Opened,
    size: int,
    checksums: list[tuple[int, int, int]],
    format: str,
    decode: Callable[[bytes], str | None],
) -> SourceText:
    path, name = opened.path, opened.name

    def reread() -> str:
        changed = InputError(f"{name}: changed while it was being linted; lint it again")
        with open_input(path) as again:
            if again.size != size:
                raise changed
            try:
                data = read_opened(again, size)
            except InputError:  # it grew while being read
                raise changed from None
        if len(data) != size or not checksums:
            raise changed
        with memoryview(data) as whole:
            for start, end, crc in checksums:
                with whole[start:end] as part:
                    if zlib.crc32(part) != crc:
                        raise changed
        decoded = decode(data)
        assert decoded is not None, "the same bytes decoded before"
        return decoded

    return SourceText(format, None, reread)


# -- sizes ----------------------------------------------------------------------------------

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1000,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1000**3,
    "gib": 1024**3,
}
_SIZE = LazyPattern(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_size(value: object) -> int | None:
    """Bytes from a whole number, or a string such as "2GiB", "500MB", "64 KiB"; None if not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    match = _SIZE.fullmatch(value)
    if match is None or match.group(2).lower() not in _UNITS:
        return None
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    return size if size > 0 else None


def format_size(size: int) -> str:
    """ "2GiB" for a whole number of a binary unit (as ``parse_size`` reads it back), else bytes."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size} bytes"
