"""U: the scan that preselects URLs for the exact syntax analysis (``syntax.url_problems``)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from operator import methodcaller

from encord_manifest._internal.model import spec
from encord_manifest._internal.rules.placeholders import KEPT, ChunkScan
from encord_manifest._internal.rules.urls.syntax import (
    _BAD_PERCENT,
    _HTTPS,
    FORBIDDEN_CLASS,
    WHITESPACE_CLASS,
    _path_of,
    host_of,
)
from encord_manifest._internal.text.authority import authority_problem
from encord_manifest._internal.text.lazy_pattern import LazyPattern


def _indexes(joined: str | bytes, offsets: Iterable[int]) -> Iterator[int]:
    """Index of the URL at each offset into the joined URLs (offsets ascending)."""
    newline = "\n" if isinstance(joined, str) else b"\n"
    index, previous = 0, 0
    for offset in offsets:
        index += joined.count(newline, previous, offset)  # type: ignore[arg-type]
        previous = offset
        yield index


_NOT_NEWLINE = LazyPattern(rb"[^\n]")


#: Whitespace and forbidden characters, except the newline that joins a column.
_WHITESPACE_BUT_NEWLINE_CLASS = WHITESPACE_CLASS.replace("\t-\r", "\t\x0b-\r")
_SUSPECT_CHARACTER = re.compile(f"[{_WHITESPACE_BUT_NEWLINE_CLASS}{FORBIDDEN_CLASS}]")


#: ASCII bytes the suspect-character pattern does not match, the joining newline aside:
#: deleting them from a clean ASCII chunk leaves exactly its joining newlines.
_UNSUSPECT_ASCII = bytes(c for c in range(128) if c != 10 and not _SUSPECT_CHARACTER.match(chr(c)))
#: Those but the bytes U312 looks for (``placeholders.KEPT``), deleted in the same pass.
_UNKEPT_ASCII = bytes(c for c in _UNSUSPECT_ASCII if c not in KEPT)

#: A URL (after the first) that does not start with https:// and a host. One pattern with a
#: literal prefix, one attempt per URL: it replaces a count of "https://" and five substring
#: searches for host-less URLs (those cost 1.4 s on 3.5M URLs, this 0.2 s).
_NOT_HTTPS_WITH_HOST = LazyPattern(r"\n(?!https://[^/?#:\n@])")


#: A start that proves a URL has the https scheme, a host (no user info) and a path.
_HOSTED_PREFIX = re.compile(r"https://[^/?#:@\s][^/?#@\s]*/")


#: A URL (after the first) whose host is not plainly a DNS name with at most a 4-digit port:
#: those get the exact host analysis (``authority_problem``). A superset by construction: its
#: labels are the exact grammar's, and a last label starting with a letter is never numeric.
_UNPLAIN_HOST = LazyPattern(
    r"\n(?!https://(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\.)*"
    r"[A-Za-z_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\.?(?::[1-9][0-9]{0,3})?(?:[/?#\n]|\Z))"
)


def _without_path(urls: list[str], joined: str) -> Iterator[int]:
    """URLs with nothing after the host: they name a bucket, not an object."""
    if "?" in joined or "#" in joined:  # a "/" in a query string is not a path
        yield from (i for i, url in enumerate(urls) if "://" in url and not _path_of(url))
        return
    after_host = list(map(methodcaller("find", "/", len(_HTTPS)), urls))
    if -1 in after_host:
        yield from (i for i, position in enumerate(after_host) if position == -1)


def _syntax_suspects(urls: list[str], joined: str, scan: ChunkScan) -> set[int] | None:
    """URLs a syntax rule may flag; None when a URL holds a line break (see ``check``).
    What it learns on the way that U312 needs goes into ``scan``."""
    last = len(urls) - 1
    if joined.isascii():
        scan.kept = joined.encode("ascii").translate(None, _UNKEPT_ASCII)
        remains = scan.kept
        if len(remains) != last:  # capitals or "$" in the chunk, or suspects
            remains = remains.translate(None, KEPT)
        if len(remains) == last:
            # Nothing but the joining newlines, so no URL holds one either: the common case,
            # decided 2.6x faster than by the character pattern.
            suspects: set[int] = set()
        elif remains.count(b"\n") != last:
            return None
        else:
            # What remains is the joining newlines and the suspect characters, a few bytes
            # a URL: each suspect's URL is the count of newlines before it, found there.
            suspects = set(_indexes(remains, (m.start() for m in _NOT_NEWLINE.finditer(remains))))
    elif joined.count("\n") != last:
        return None
    else:
        suspects = set(_indexes(joined, (m.start() for m in _SUSPECT_CHARACTER.finditer(joined))))
    if "%" in joined:
        suspects.update(_indexes(joined, (m.start() for m in _BAD_PERCENT.finditer(joined))))
    # Character by character is the point: the shared start of every URL in the chunk.
    hosted = _HOSTED_PREFIX.match(os.path.commonprefix([min(urls), max(urls)]))  # noqa: RUF071
    scan.origin = hosted.group() if hosted else None
    if not hosted:
        # Not all from one host (a shared "https://HOST/" would prove scheme, host and path).
        # Each match is the newline before a suspect URL: the index of the URL after it.
        matches = (m.start() for m in _NOT_HTTPS_WITH_HOST.finditer(joined))
        suspects.update(i + 1 for i in _indexes(joined, matches))
        unplain = (m.start() for m in _UNPLAIN_HOST.finditer(joined))
        suspects.update(i + 1 for i in _indexes(joined, unplain))
        if (
            not urls[0].startswith(_HTTPS)
            or not host_of(urls[0])
            or authority_problem(urls[0]) is not None
        ):
            suspects.add(0)
        suspects.update(_without_path(urls, joined))
    elif authority_problem(urls[0]) is not None:
        suspects.update(range(len(urls)))  # one host for all, and it is ambiguous
    if "@" in joined:  # "@" ends user info, after which the host may be missing too
        suspects.update(i for i, url in enumerate(urls) if not host_of(url))
    if max(map(len, urls)) > spec.MAX_FILE_NAME_CHARS:
        suspects.update(i for i, url in enumerate(urls) if len(url) > spec.MAX_FILE_NAME_CHARS)
    return suspects
