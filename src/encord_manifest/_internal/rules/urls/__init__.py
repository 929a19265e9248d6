"""U: object URLs (spec sections 3 and 5).

Performance: a manifest holds millions of URLs and nearly all of them are fine. Each column of
URLs is joined into one string (a newline between URLs, so a URL that holds a newline is
noticed by a count) and scanned with single regular expressions and substring counts, all in
C. Only URLs that a scan flags get the exact, Python-level analysis that writes messages; that
analysis (``url_problems``) is the one definition of every check, the scans only preselect.

Layout: each concern's rules, with their exact analysis, live in a module of this package:
``syntax`` (U301-U306, U311, and their fixes), ``syntax_scan`` (its preselecting scan),
``extensions`` (U308, U309, and their scan) and ``providers`` (U310's hosts). This module
holds the family's ``check``: the chunked scan of every column, the provider check of its
hosts, and the repeated URLs of the whole manifest (U307). ``_CHUNK`` and ``REPEAT_CHUNK``
stay here, with the code that reads them: the tests set them on this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from itertools import compress, count
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Change, Finding, Fix, Pointer, Severity
from encord_manifest._internal.model.settings import LintSettings, Provider
from encord_manifest._internal.rules import family_check, register
from encord_manifest._internal.rules.placeholders import (
    ChunkScan,
    placeholder_findings,
    placeholder_suspects,
)
from encord_manifest._internal.rules.urls.extensions import (
    EXTENSION_MISMATCH,
    UNKNOWN_EXTENSION,
    _extension_suspects,
    extension_of,
    extension_problem,
)
from encord_manifest._internal.rules.urls.providers import (
    PROVIDER_HOST_MISMATCH,
    PROVIDER_HOSTS,
    PROVIDER_NAMES,
)
from encord_manifest._internal.rules.urls.syntax import (
    _B,
    FILE_NAME_TOO_LONG,
    FORBIDDEN_CLASS,
    URL_AMBIGUOUS_HOST,
    URL_HTTP,
    URL_INVALID_CHARACTER,
    URL_NOT_HTTPS,
    URL_TOO_LONG,
    URL_WHITESPACE,
    WHITESPACE_AROUND,
    WHITESPACE_CLASS,
    file_name,
    host_of,
    url_fix,
    url_problems,
)
from encord_manifest._internal.rules.urls.syntax_scan import _syntax_suspects
from encord_manifest._internal.rules.view import Column, ManifestView
from encord_manifest._internal.text.lazy_pattern import LazyPattern

__all__ = [
    "DUPLICATE_URL",
    "EXTENSION_MISMATCH",
    "FILE_NAME_TOO_LONG",
    "FORBIDDEN_CLASS",
    "PROVIDER_HOSTS",
    "PROVIDER_HOST_MISMATCH",
    "PROVIDER_NAMES",
    "REPEAT_CHUNK",
    "UNKNOWN_EXTENSION",
    "URL_AMBIGUOUS_HOST",
    "URL_HASHES",
    "URL_HTTP",
    "URL_INVALID_CHARACTER",
    "URL_NOT_HTTPS",
    "URL_TOO_LONG",
    "URL_WHITESPACE",
    "WHITESPACE_AROUND",
    "WHITESPACE_CLASS",
    "check",
    "copy_removal",
    "extension_of",
    "extension_problem",
    "file_name",
    "host_of",
    "repeated_urls",
    "url_fix",
    "url_problems",
]

DUPLICATE_URL = register(
    "U307",
    "duplicate-url",
    Severity.WARNING,
    "The same URL twice in one manifest",
    explanation="""
        Each listing creates its own data unit, so a repeated URL imports the same file
        twice (or is skipped, with skip_duplicate_urls). Reported at every repetition, with
        the place of the first.
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg"}}, {{"objectUrl": "{_B}/a.jpg"}}]}}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg"}}, {{"objectUrl": "{_B}/b.jpg"}}]}}',
    fix="An entry that is an exact copy of an earlier entry of the same list is removed "
    "(entries that differ in anything else are left to you).",
)

# --- the scans that preselect URLs for the exact analysis ----------------------------------


#: URLs scanned at a time: bounds the memory of the joined strings (about 25 MB).
_CHUNK = 250_000


@family_check("entries")
def check(view: ManifestView, settings: LintSettings) -> Iterator[Finding]:
    for list_key in spec.ENTRY_KEYS:
        column = view.urls(list_key)
        if not column.values:
            continue
        # A list of one kind of file (every list but scenes) is scanned once for both.
        one_kind = list_key if column.kinds is None else None
        syntax, extension, placeholder = _scan(column.values, one_kind)
        for i in sorted(syntax):
            url = column.values[i]
            for code, message in url_problems(url):
                pointer = column.pointer(i)
                yield Finding(code, pointer, message, fix=url_fix(code, url, pointer))
        for kind in sorted(column.value_kinds()):
            if one_kind is None:
                indexes = column.indexes_of(kind)
                files = list(map(column.values.__getitem__, indexes))
                extension = {indexes[i] for i in _scan(files, kind, syntax=False)[1]}
            for i in sorted(extension):
                problem = extension_problem(kind, column.values[i], list_key)
                if problem is not None:
                    yield Finding(problem[0], column.pointer(i), problem[1])
        if settings.provider is not Provider.ANY:
            yield from _provider_findings(column, settings.provider)
        yield from placeholder_findings(
            column, sorted(placeholder), PROVIDER_HOSTS.get(settings.provider)
        )
    yield from _duplicates(view)


def _scan(
    values: list[str], kind: str | None, syntax: bool = True
) -> tuple[set[int], set[int], set[int]]:
    """The URLs a syntax rule may flag, those the extension check of ``kind`` may flag
    (none without a kind), and those U312 may flag (only with ``syntax``: its scan shares
    the syntax scan's work, see ``placeholders``)."""
    suspects: set[int] = set()
    extension: set[int] = set()
    placeholder: set[int] = set()
    for start in range(0, len(values), _CHUNK):
        part = values[start : start + _CHUNK]
        joined = "\n".join(part)
        scan = ChunkScan()
        found = _syntax_suspects(part, joined, scan) if syntax else set()
        if found is None or (not syntax and joined.count("\n") != len(part) - 1):
            # A URL holds a line break, so the joined text cannot be split back into
            # URLs: no shortcut over it is exact, for any check. Every URL, one by one.
            every = range(start, start + len(part))
            suspects.update(every)
            if kind is not None:
                extension.update(every)
            if syntax:
                placeholder.update(every)
            continue
        suspects.update(start + i for i in found)
        if kind is not None:
            extension.update(start + i for i in _extension_suspects(kind, part, joined))
        if syntax:
            placeholder.update(start + i for i in placeholder_suspects(part, joined, scan))
    return suspects, extension, placeholder


# --- providers ---------------------------------------------------------------------------

_HOST = LazyPattern(r"^https?://(?:[^/?#\n@]*@)?([^/?#\n:]*)", re.IGNORECASE | re.MULTILINE)


def _provider_findings(column: Column, provider: Provider) -> Iterator[Finding]:
    pattern = PROVIDER_HOSTS[provider]
    hosts: set[str] = set()
    for start in range(0, len(column.values), _CHUNK):
        joined = "\n".join(column.values[start : start + _CHUNK])
        hosts.update(host.lower() for host in _HOST.findall(joined))
    foreign = {host for host in hosts if host and not pattern.fullmatch(host)}
    if not foreign:
        return
    for i, url in enumerate(column.values):
        host = host_of(url)
        if host in foreign:
            yield Finding(
                PROVIDER_HOST_MISMATCH,
                column.pointer(i),
                f"host {host!r} is not {PROVIDER_NAMES[provider]} (--provider {provider.value})",
            )


# --- duplicates across the whole manifest -----------------------------------------------


#: ``ManifestView.memo`` key of the set of URL hashes, when the caller has built one: a
#: manifest checked in parts (``shards``) needs it to compare its parts, and it serves here too.
URL_HASHES = "url_hashes"


def _all_distinct(view: ManifestView, columns: list[Column]) -> bool:
    total = sum(len(column.values) for column in columns)
    hashes: set[int] | None = view.memo.get(URL_HASHES)
    if hashes is not None:
        return len(hashes) == total  # equal URLs have equal hashes
    distinct: set[str] = set()
    for column in columns:
        distinct.update(column.values)
    return len(distinct) == total


#: URLs a set is built of at once by ``repeated_urls``: many times the usual few repeats
#: apart, and few enough that a chunk holding one costs little to look through.
REPEAT_CHUNK = 4096


def repeated_urls(columns: Iterable[Column]) -> set[str]:
    """The URLs listed more than once, across every column.

    A chunk of URLs becomes a set in C; if it repeats nothing, in itself or before it, all of
    it joins the URLs seen. Only a chunk that repeats something is looked through a URL at a
    time. (A Counter of every URL cost the first part of a 1M-entry file 1.3 s for its 40
    findings; this, 0.6 s.)
    """
    seen: set[str] = set()
    repeated: set[str] = set()
    for column in columns:
        values = column.values
        for start in range(0, len(values), REPEAT_CHUNK):
            chunk = values[start : start + REPEAT_CHUNK]
            fresh = set(chunk)
            if len(fresh) == len(chunk) and seen.isdisjoint(fresh):
                seen |= fresh
                continue
            for url in chunk:
                if url in seen:
                    repeated.add(url)
                else:
                    seen.add(url)
    return repeated


def _duplicates(view: ManifestView) -> Iterator[Finding]:
    columns = [view.urls(key) for key in spec.ENTRY_KEYS]
    if _all_distinct(view, columns):
        return
    repeated = repeated_urls(columns)
    first: dict[str, Pointer] = {}
    for column in columns:
        # The places of the repeated URLs, picked out in C (a map over every URL).
        for i in compress(count(), map(repeated.__contains__, column.values)):
            url = column.values[i]
            if url in first:
                yield Finding(
                    DUPLICATE_URL,
                    column.pointer(i),
                    "URL listed more than once",
                    related=first[url],
                    fix=_copy_removal(view, column.pointer(i), first[url]),
                )
            else:
                first[url] = column.pointer(i)


def _copy_removal(view: ManifestView, pointer: Pointer, first: Pointer) -> Fix | None:
    """Remove the entry holding a repeated URL when it is an exact copy of the first's entry."""
    list_key, index = pointer[0], pointer[1]
    if first[0] != list_key or first[1] == index or not isinstance(index, int):
        return None
    entries = view.entries(str(list_key))
    earlier = entries[int(first[1])]
    # Equal JSON is equal in Python; only entries Python finds equal are compared as JSON.
    if entries[index] != earlier or _canonical(entries[index]) != _canonical(earlier):
        return None
    return copy_removal(pointer, first)


def copy_removal(pointer: Pointer, first: Pointer) -> Fix:
    """The removal of the entry of ``pointer``, a copy of the entry of ``first`` (a manifest
    linted in parts builds it again when the entries' indexes move: ``part_findings``)."""
    return Fix(
        f"remove this entry, an exact copy of entry {first[1]}",
        (Change(pointer[:2], "value", None),),
    )


def _canonical(entry: Any) -> str:
    # Python's == says 1 == 1.0 == True; the manifest's meaning does not.
    return json.dumps(entry, sort_keys=True, ensure_ascii=True)
