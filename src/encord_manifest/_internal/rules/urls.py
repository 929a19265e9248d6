"""U: object URLs (spec sections 3 and 5).

Performance: a manifest holds millions of URLs and nearly all of them are fine. Each column of
URLs is joined into one string (a newline between URLs, so a URL that holds a newline is
noticed by a count) and scanned with single regular expressions and substring counts, all in
C. Only URLs that a scan flags get the exact, Python-level analysis that writes messages; that
analysis (``url_problems``) is the one definition of every check, the scans only preselect.
"""

from __future__ import annotations

import json
import operator
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import compress, count
from operator import methodcaller
from typing import Any
from urllib.parse import quote, unquote

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Change, Finding, Fix, Pointer, Severity
from encord_manifest._internal.model.settings import LintSettings, Provider
from encord_manifest._internal.rules import family_check, register, replace_value_fix
from encord_manifest._internal.rules.placeholders import (
    KEPT,
    ChunkScan,
    placeholder_findings,
    placeholder_suspects,
)
from encord_manifest._internal.rules.scenes import POINT_CLOUD_EXTENSION, point_cloud_message
from encord_manifest._internal.rules.view import Column, ManifestView
from encord_manifest._internal.text.authority import authority_problem
from encord_manifest._internal.text.lazy_pattern import LazyPattern

_B = "https://b.s3.amazonaws.com"

URL_WHITESPACE = register(
    "U301",
    "url-whitespace",
    Severity.ERROR,
    "Object URL contains whitespace",
    explanation="""
        A space, tab, line break or any Unicode space in an object URL is not a valid URL
        character and the object cannot be fetched. Percent-encode it: a space is %20.
        (A '+' written by a bucket console for a space is fine as it is.)
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/holiday photos/a.jpg"}}]}}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/holiday%20photos/a.jpg"}}]}}',
    fix="Whitespace around the URL is removed; whitespace inside it is percent-encoded.",
)

URL_INVALID_CHARACTER = register(
    "U302",
    "url-invalid-character",
    Severity.ERROR,
    "Object URL contains a character that cannot appear in a URL",
    explanation="""
        <, >, ", {, }, |, \\, ^, backtick and control characters cannot appear in a URL, and
        % must start a two-hex-digit escape. They are usually template placeholders left in
        ("{bucket}", "%BUCKET%") or copy-paste debris ("<https://...>"). Percent-encode a real
        character, and write a literal percent sign as %25. (Placeholders of URL characters
        only, such as `https://bucket/...` or `YOUR_BUCKET`, are U312.)
    """,
    failing=f'{{"images": [{{"objectUrl": "<{_B}/a.jpg>"}}]}}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg"}}]}}',
    fix="A '<' before and a '>' after the URL are removed; other characters are left to you.",
)

URL_NOT_HTTPS = register(
    "U303",
    "url-not-https",
    Severity.ERROR,
    "Object URL is not an absolute https:// URL",
    explanation="""
        Encord fetches objects over HTTPS from the URL as written: a relative path, a bare
        key, or a tool's own scheme (s3://, gs://, obs://, file://) does not work. Write the
        provider's https form, e.g. https://BUCKET.s3.REGION.amazonaws.com/KEY,
        https://storage.googleapis.com/BUCKET/KEY or
        https://BUCKET.obs.REGION.otc.t-systems.com/KEY.
    """,
    failing='{"images": [{"objectUrl": "s3://b/a.jpg"}]}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg"}}]}}',
)

URL_HTTP = register(
    "U304",
    "url-http",
    Severity.WARNING,
    "Object URL uses plain http://",
    explanation="""
        Plain HTTP sends the object unencrypted and many buckets refuse it or redirect; use
        https://.
    """,
    failing='{"images": [{"objectUrl": "http://b.s3.amazonaws.com/a.jpg"}]}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg"}}]}}',
)

URL_TOO_LONG = register(
    "U305",
    "url-too-long",
    Severity.ERROR,
    "Object URL longer than 16 KB",
    explanation=f"""
        Encord documents a limit of 16 KB ({spec.MAX_URL_BYTES:,} bytes of UTF-8) per URL.
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/aaaa....(16,385 bytes)....jpg"}}]}}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg"}}]}}',
    example_is_literal=False,
)

FILE_NAME_TOO_LONG = register(
    "U306",
    "file-name-too-long",
    Severity.ERROR,
    f"File name longer than {spec.MAX_FILE_NAME_CHARS} characters",
    explanation=f"""
        Encord rejects files whose name is longer than {spec.MAX_FILE_NAME_CHARS} characters.
        The name is the last segment of the URL's path, percent-decoded.
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/{"a" * 297}.jpg"}}]}}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/{"a" * 296}.jpg"}}]}}',
)

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

EXTENSION_MISMATCH = register(
    "U308",
    "extension-mismatch",
    Severity.ERROR,
    "File extension of another data type",
    explanation="""
        A .mp4 in "images", a .jpg in "videos" or a .dcm in "images" fails on the server with
        "Expected a video, got a file of type ...". Move the entry to the list of its type.
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/clip.mp4"}}]}}',
    passing=f'{{"videos": [{{"objectUrl": "{_B}/clip.mp4"}}]}}',
)

UNKNOWN_EXTENSION = register(
    "U309",
    "unknown-extension",
    Severity.INFO,
    "Unknown or missing file extension",
    explanation="""
        URLs need not have extensions (DICOM files often have none, and that is not reported
        for dicom_series), but without a known one the file's type cannot be checked here.
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/scan-0001"}}]}}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/scan-0001.png"}}]}}',
)

PROVIDER_HOST_MISMATCH = register(
    "U310",
    "provider-host-mismatch",
    Severity.ERROR,
    "URL host does not belong to the chosen provider",
    explanation="""
        With --provider otc|aws|gcp|azure, every URL must point at that provider's storage
        (spec section 5): an integration can only read its own buckets. OTC:
        BUCKET.obs.REGION.otc.t-systems.com (or path style obs.REGION...); AWS:
        BUCKET.s3.REGION.amazonaws.com, s3.REGION.amazonaws.com/BUCKET; GCP:
        storage.googleapis.com/BUCKET, storage.cloud.google.com/BUCKET; Azure:
        ACCOUNT.blob.core.windows.net/CONTAINER. Not checked with the default --provider any.
    """,
    failing='{"images": [{"objectUrl": "https://b.s3.eu-central-1.amazonaws.com/a.jpg"}]}  (--provider otc)',
    passing='{"images": [{"objectUrl": "https://b.obs.eu-de.otc.t-systems.com/a.jpg"}]}  (--provider otc)',
    example_is_literal=False,
)

URL_AMBIGUOUS_HOST = register(
    "U311",
    "url-ambiguous-host",
    Severity.ERROR,
    "URL's host is ambiguous or carries credentials (user info, backslash, odd IP spelling)",
    explanation="""
        The part between `//` and the path must name one host that every parser reads alike.
        User information (`user:password@host`, or `host:x@other-host`, whose "password" hides a
        second host), a backslash or a percent-escape in the host, an empty or invalid port, an
        empty label, a non-ASCII name (write it as `xn--...`), or an IPv4 address written other
        than as four decimal numbers (`2130706433`, `0177.0.0.1`, `127.1`) is read one way by one
        HTTP client and another way by the next: Encord's importer may fetch a different host
        than the one you checked, and credentials do not belong in a manifest. `lint --remote`
        never requests such a URL.
    """,
    failing='{"images": [{"objectUrl": "https://b.s3.eu-west-1.amazonaws.com:x@other.example/a.jpg"}]}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg"}}]}}',
)

# --- the exact analysis of one URL -----------------------------------------------------------

#: Every character for which str.isspace() is true (a test keeps this list honest).
WHITESPACE_CLASS = "\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: Characters that cannot appear in a URL, whitespace aside.
FORBIDDEN_CLASS = '<>"{}|\\\\^`\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f'
_WHITESPACE = LazyPattern(f"[{WHITESPACE_CLASS}]")
_FORBIDDEN = LazyPattern(f"[{FORBIDDEN_CLASS}]")
_BAD_PERCENT = LazyPattern("%(?![0-9A-Fa-f]{2})")
_SCHEME = LazyPattern(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_HTTPS = "https://"
#: What copy-paste leaves around a URL; reported by U301/U302, ignored by the other checks.
_DEBRIS = "<> \t\r\n\"'"

_SCHEME_HINTS = {
    "s3": "write https://BUCKET.s3.REGION.amazonaws.com/KEY",
    "gs": "write https://storage.googleapis.com/BUCKET/KEY",
    "obs": "write https://BUCKET.obs.REGION.otc.t-systems.com/KEY",
    "file": "upload the file to a bucket and use its https:// URL",
}


def url_problems(url: str) -> Iterator[tuple[str, str]]:
    """Every syntax problem of one URL, as (code, message); the single definition of U301-U306."""
    space = _WHITESPACE.search(url)
    if space:
        yield (
            URL_WHITESPACE,
            (
                f"URL contains {_describe(space.group())} at character {space.start() + 1}; "
                "percent-encode it (a space is %20)"
            ),
        )
    forbidden = _FORBIDDEN.search(url)
    if forbidden:
        yield URL_INVALID_CHARACTER, _forbidden_message(url, forbidden)
    percent = _BAD_PERCENT.search(url)
    if percent:
        yield URL_INVALID_CHARACTER, _percent_message(url, percent.start())
    yield from _scheme_problems(url.strip(_DEBRIS))
    ambiguity = authority_problem(url)
    if ambiguity is not None:
        yield URL_AMBIGUOUS_HOST, ambiguity
    size = len(url.encode("utf-8", "surrogatepass"))
    if size > spec.MAX_URL_BYTES:
        yield URL_TOO_LONG, f"URL is {size:,} bytes long; the limit is {spec.MAX_URL_BYTES:,}"
    name = file_name(url)
    if len(name) > spec.MAX_FILE_NAME_CHARS:
        yield (
            FILE_NAME_TOO_LONG,
            (f"file name is {len(name)} characters long; the limit is {spec.MAX_FILE_NAME_CHARS}"),
        )


def _describe(character: str) -> str:
    names = {" ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a carriage return"}
    if character in names:
        return names[character]
    return f"U+{ord(character):04X} ({unicodedata.name(character, 'a control character')})"


def _forbidden_message(url: str, match: re.Match[str]) -> str:
    character = match.group()
    if url.startswith("<") or url.endswith(">"):
        return "URL is wrapped in '<' or '>' (copy-paste debris); remove them"
    if character in "{}":
        return f"URL contains '{character}' at character {match.start() + 1}; an unfilled template placeholder?"
    shown = repr(character) if character.isprintable() else f"U+{ord(character):04X}"
    return f"URL contains {shown} at character {match.start() + 1}, which cannot appear in a URL"


#: A `%NAME%` placeholder (Windows and many templates), which leaves a '%' that is no escape.
_PERCENT_TOKEN = LazyPattern(r"%[A-Za-z_][A-Za-z0-9_]*%")


def _percent_message(url: str, position: int) -> str:
    for token in _PERCENT_TOKEN.finditer(url):
        if token.start() <= position < token.end():
            return (
                f"URL contains {token.group()!r} at character {token.start() + 1}; an unfilled "
                "template placeholder?"
            )
    return (
        f"'%' at character {position + 1} does not start a %XX escape; "
        "write a literal percent sign as %25"
    )


def _scheme_problems(url: str) -> Iterator[tuple[str, str]]:
    if url.startswith(_HTTPS) or url[:8].lower() == _HTTPS:
        if not host_of(url):
            yield URL_NOT_HTTPS, "URL has no host after https://"
        elif not _path_of(url):
            yield URL_NOT_HTTPS, "URL has no path after the host: it names a bucket, not an object"
        return
    scheme = _SCHEME.match(url)
    name = scheme.group(1).lower() if scheme else ""
    if name == "http":
        yield URL_HTTP, "URL uses plain http://; use https://"
    elif name:
        hint = _SCHEME_HINTS.get(name, "use the object's https:// URL")
        yield URL_NOT_HTTPS, f"{name}:// URLs cannot be fetched by Encord; {hint}"
    else:
        yield URL_NOT_HTTPS, "not an absolute URL; write the object's full https:// URL"


_PATH_START = LazyPattern(r"[/?#]")
_QUERY_START = LazyPattern(r"[?#]")


def host_of(url: str) -> str:
    """Lower-case host of a URL with a scheme, without port or user info."""
    rest = url.split("://", 1)[1] if "://" in url else ""
    authority = _PATH_START.split(rest, 1)[0]
    return authority.rsplit("@", 1)[-1].split(":", 1)[0].lower()


def _path_of(url: str) -> str:
    path = _QUERY_START.split(url, 1)[0]
    if "://" in path:
        after = path.split("://", 1)[1]
        return after[after.find("/") :] if "/" in after else ""
    return path


def file_name(url: str) -> str:
    """The last segment of the URL's path, percent-decoded."""
    name = _path_of(url).rsplit("/", 1)[-1]
    return unquote(name) if "%" in name else name


def extension_of(url: str) -> str:
    """Lower-case extension of the file name ('.jpg', '.nii.gz'), or '' when it has none."""
    name = file_name(url).lower()
    if name.endswith(".nii.gz"):
        return ".nii.gz"
    dot = name.rfind(".")
    # A name that is only an extension (".jpg") counts as having it, as the URL's ending says.
    return name[dot:] if dot >= 0 else ""


def extension_problem(kind: str, url: str, list_key: str | None = None) -> tuple[str, str] | None:
    """(code, message) when the URL's extension does not fit the kind of file it names (its
    entry list's, or a scene stream's: ``spec.EXTENSIONS_BY_KEY``); the one definition."""
    url = url.strip(_DEBRIS)  # debris is U302's business
    if "://" in url and not _path_of(url):
        return None  # no object path at all: U303 says so
    extension = extension_of(url)
    if extension in spec.EXTENSIONS_BY_KEY[kind]:
        return None
    if kind == spec.POINT_CLOUD:
        # An empty URL has no file at all: U303 and the schema say so.
        return (POINT_CLOUD_EXTENSION, point_cloud_message(extension)) if url else None
    if not extension:
        if kind == "dicom_series":
            return None
        return UNKNOWN_EXTENSION, "file name has no extension; its type cannot be checked"
    other = spec.TYPE_OF_EXTENSION.get(extension)
    if other is None:
        return UNKNOWN_EXTENSION, f"unknown file extension '{extension}'"
    listed = spec.ENTRY_NOUN[kind]
    return EXTENSION_MISMATCH, (
        f"'{extension}' is {_article(other)} {other} file extension, but this is listed as {_article(listed)} {listed} "
        f"(in '{list_key or kind}')"
    )


def _article(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"


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


@cache
def _endings(list_key: str) -> tuple[str, ...]:
    """The list's extensions as a URL may end: lower, upper and capitalised spellings.

    Other mixed spellings (.jPg) are merely preselected for the exact check, which ignores case.
    """
    extensions = sorted(spec.EXTENSIONS_BY_KEY[list_key])
    # endswith() tries them in order and stops at the first match: lower case first.
    spellings = [e.lower() for e in extensions] + [e.upper() for e in extensions]
    spellings += ["." + e[1:].capitalize() for e in extensions]
    return tuple(dict.fromkeys(spellings))


def _all_end_well(list_key: str, urls: list[str], joined: str) -> bool:
    """Whether every URL ends in one of the list's extensions, in lower case: by counting.

    A manifest mostly uses one or two extensions, so this is a couple of substring counts per
    chunk instead of a test per URL. Exact because no extension of a list is the end of
    another one followed by the newline ('.tif\\n' is not inside '.tiff\\n'). False, for
    the caller to test every URL, also where counting on would cost more than that test:
    a count is half the time of testing every URL's ending, so at most two are made, and a
    second only when more than one URL in a hundred is left (fewer: likely mistakes, not
    another extension). A chunk of 250,000 URLs with 261 of the wrong kind: 218 ms counting
    every extension, 91 ms so (28 ms when clean).
    """
    remaining = len(urls) - 1  # URLs followed by a newline; the last one is tested alone
    if not urls[-1].endswith(tuple(sorted(spec.EXTENSIONS_BY_KEY[list_key]))):
        return False
    tally = _tallies.setdefault(list_key, {})
    ordered = sorted(spec.EXTENSIONS_BY_KEY[list_key], key=lambda e: -tally.get(e, 0))
    for counted, extension in enumerate(ordered):
        if remaining == 0:
            break
        if counted == _COUNTS or (counted and remaining * 100 <= len(urls)):
            return False
        found = joined.count(extension + "\n")
        tally[extension] = tally.get(extension, 0) + found
        remaining -= found
    return remaining == 0


#: Extensions counted at most per chunk before every URL is tested instead.
_COUNTS = 2
#: How often each extension was seen per list, so the likeliest is counted first.
_tallies: dict[str, dict[str, int]] = {}


#: Every byte but the slash, the dot and the newline that joins a column.
_NOT_SLASH_DOT_NEWLINE = bytes(c for c in range(256) if c not in b"/.\n")


def _some_name_dotted(joined: str) -> bool:
    """Whether a URL of a joined column has a dot after its last slash (or holds no slash).

    With only slashes, dots and newlines left (a translate, in C at memory speed), such a URL's
    line ends in a dot. Two method calls per URL decided this before: 0.45 s on 1.8M URLs,
    this 0.05 s. (UTF-8 sequences hold no ASCII bytes, so other characters leave no trace.)
    """
    kept = joined.encode("utf-8", "surrogatepass").translate(None, _NOT_SLASH_DOT_NEWLINE)
    return b".\n" in kept or kept.endswith(b".")


def _extension_suspects(list_key: str, urls: list[str], joined: str) -> set[int]:
    if "?" in joined or "#" in joined:
        # A query string or fragment hides the end of the path: the exact check for all.
        return set(range(len(urls)))
    if _all_end_well(list_key, urls, joined):
        return set()
    # One C-level pass per test over the URLs; no Python-level work per URL.
    if list_key == "dicom_series":
        # No extension is fine for DICOM: suspect only a dot in the last path segment.
        if not _some_name_dotted(joined):
            return set()
        dotted = list(
            map(
                operator.gt,
                map(methodcaller("rfind", "."), urls),
                map(methodcaller("rfind", "/"), urls),
            )
        )
        if True not in dotted:
            return set()
        flags = map(operator.gt, dotted, map(methodcaller("endswith", _endings(list_key)), urls))
    else:
        flags = map(operator.not_, map(methodcaller("endswith", _endings(list_key)), urls))
    return set(compress(range(len(urls)), flags))


# --- providers ---------------------------------------------------------------------------

PROVIDER_HOSTS = {
    Provider.OTC: re.compile(
        r"(?:[a-z0-9][a-z0-9.\-]*\.)?obs\.[a-z0-9\-]+(?:\.sc)?\.otc\.t-systems\.com"
    ),
    Provider.AWS: re.compile(
        r"(?:[a-z0-9][a-z0-9.\-]*\.)?s3(?:[.\-][a-z0-9\-]+)*\.amazonaws\.com(?:\.cn)?"
    ),
    Provider.GCP: re.compile(
        r"(?:[a-z0-9][a-z0-9._\-]*\.)?storage\.googleapis\.com|storage\.cloud\.google\.com"
    ),
    Provider.AZURE: re.compile(r"[a-z0-9]+\.blob\.core\.windows\.net"),
}
PROVIDER_NAMES = {
    Provider.OTC: "an Open Telekom Cloud OBS host (BUCKET.obs.REGION.otc.t-systems.com)",
    Provider.AWS: "an AWS S3 host (BUCKET.s3.REGION.amazonaws.com)",
    Provider.GCP: "a Google Cloud Storage host (storage.googleapis.com)",
    Provider.AZURE: "an Azure Blob Storage host (ACCOUNT.blob.core.windows.net)",
}
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


# --- fixes ------------------------------------------------------------------------------------


def url_fix(code: str, url: str, pointer: Pointer) -> Fix | None:
    """The safe repair of a URL syntax finding, if there is one."""
    if code == URL_WHITESPACE:
        stripped = re.sub(f"^[{WHITESPACE_CLASS}]+|[{WHITESPACE_CLASS}]+$", "", url)
        encoded = _WHITESPACE.sub(lambda m: quote(m.group(), safe=""), stripped)
        if encoded == stripped:
            return replace_value_fix(pointer, encoded, "remove the whitespace around the URL")
        return replace_value_fix(pointer, encoded, "percent-encode the whitespace")
    if code == URL_INVALID_CHARACTER:
        inner = url.strip(WHITESPACE_AROUND).removeprefix("<").removesuffix(">")
        inner = inner.strip(WHITESPACE_AROUND)
        if inner != url and "<" not in inner and ">" not in inner:
            return replace_value_fix(pointer, inner, "remove the '<' and '>' around the URL")
    return None


#: ASCII whitespace, which copy-paste leaves around a "<...>" together with the brackets.
WHITESPACE_AROUND = " \t\r\n"


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
