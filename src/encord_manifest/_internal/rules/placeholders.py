"""U312: object URLs that still hold a placeholder (spec section 5: Encord fetches what is written).

Documentation, templates and half-finished scripts leave URLs such as `https://bucket/a.jpg`,
`https://example.com/a.jpg` or `https://YOUR_BUCKET.s3.REGION.amazonaws.com/a.jpg`: well-formed,
so no other rule speaks, and no object is there. What counts as a placeholder, exactly:

* a host of one label (`bucket`, `storage`, `minio`, `localhost`), unless it is an IP literal:
  Encord's servers resolve names on the internet, where a single label names nothing (and
  `localhost` is their own machine);
* a domain reserved for examples and tests (RFC 2606, RFC 6761): the top-level domains
  `example`, `test`, `invalid` and `localhost`, and `example.com`, `example.net`, `example.org`
  with their subdomains;
* a host label or path segment that is a placeholder name (``placeholder_name``): in capitals,
  from the storage vocabulary below (`BUCKET`, `BUCKET_NAME`, `REGION`, `OBJECT_KEY`,
  `PATH_TO_FILE`; not `IMG_0001` or `IMAGES`); as a host's first label, `your` and such words in
  any case (`your-bucket`, `yourbucket`; not `your-photos`), and on a cloud storage host a name
  documentation uses (`bucket`, `my-bucket`, `doc-example-bucket`, `amzn-s3-demo-bucket`,
  `myaccount`; not `my-bucket-2024`, nor `bucket.example-corp.com`);
* a shell or pipeline variable in the path: `$BUCKET`, `$(bucket)` (not `$folder$`).

Placeholders with characters a URL cannot hold (`{bucket}`, `${BUCKET}`, `{{ bucket }}`,
`<bucket>`, `%BUCKET%`) are U302's, a host U311 finds ambiguous is U311's, a URL without the
http(s) scheme is U303's: one problem, one finding. With `--provider`, a host of another
provider is U310's (an error, as before), and U312 then speaks only of the path. One finding
per URL, its host before its path.

Performance: the URL family's scan (``urls.check``) hands each chunk of a column over with what
it already made (``ChunkScan``), so only the URLs flagged here get the exact analysis: the hosts
of a chunk, from its shared origin or one pass per distinct origin, and placeholder words and
variables, from the capitals and `$` of each URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal, NamedTuple

from encord_manifest._internal.model.diagnostics import Finding, Severity
from encord_manifest._internal.rules import register
from encord_manifest._internal.rules.view import Column
from encord_manifest._internal.text.authority import authority_problem
from encord_manifest._internal.text.lazy_pattern import LazyPattern

URL_PLACEHOLDER = register(
    "U312",
    "url-placeholder",
    Severity.WARNING,
    "Object URL names a placeholder host or holds a placeholder",
    explanation="""
        A URL copied from documentation or a template and never filled in is well-formed,
        but no object is behind it: a host of one label (`https://bucket/a.jpg`,
        `https://storage/a.jpg`, `localhost`; an IP address is not one), a domain reserved for
        examples and tests (`example.com`, `.example`, `.test`, `.invalid`, `.localhost`; RFC
        2606 and 6761), a placeholder name (`YOUR_BUCKET`, `BUCKET_NAME`, `REGION` or
        `OBJECT_KEY` in capitals in the host; in the path only compounds such as
        `BUCKET_NAME`, `OBJECT_KEY` or `YOUR_FOLDER`, since a bucket's own folders may be
        called `REGION` or `VIDEO_DATA`; `your-bucket` as a host's first label;
        `bucket`, `my-bucket`, `doc-example-bucket` or `myaccount` as the bucket or account of
        a cloud storage host) or a variable in the path (`$BUCKET`, `$(bucket)`). Braces,
        angle brackets and `%NAME%` are U302; with --provider, a host of another provider is
        U310 only. `lint --remote` requests no URL whose placeholder is a name or a variable
        (a bucket of that name may be someone else's, who would see the request) or under
        example.com/.net/.org; the other hosts do not resolve on the internet.
    """,
    failing='{"images": [{"objectUrl": "https://bucket/object1.jpeg"}]}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/object1.jpeg"}]}',
)

# --- what a placeholder is -------------------------------------------------------------------

#: RFC 2606 section 2 and RFC 6761 section 6: never delegated on the internet.
RESERVED_TOP_LEVEL = frozenset({"example", "test", "invalid", "localhost"})
#: RFC 2606 section 3: reserved for documentation, with every subdomain.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that name a storage place on their own (`BUCKET`, `REGION`, `OBJECT_KEY`).
_STRONG = _words(
    "bucket bucketname container containername account accountname storageaccount "
    "region key objectkey objectname prefix endpoint tenant filename hostname"
)
#: Words that are a placeholder only beside another word of the vocabulary (`FILE_NAME`,
#: `PATH_TO_FILE`, `MY_PROJECT`; `FILE` or `IMAGES` alone may be a real folder).
_WEAK = _words(
    "project dataset folder path file object host domain org organization company "
    "team data image images video name id"
)
#: Words that never stand alone (`YOUR_BUCKET`, `S3_BUCKET`, `DOC-EXAMPLE-BUCKET`).
_MODIFIERS = _words("your my the to of s3 gcs gcp aws azure obs storage blob doc example demo")
_VOCABULARY = _STRONG | _WEAK | _MODIFIERS
#: First labels that documentation writes for a bucket or account (compared in lower case),
#: placeholders on a cloud storage host (``_STORAGE_DOMAINS``): `bucket.example-corp.com` may be
#: a real name of a company's own, `bucket.s3.amazonaws.com` is not one of a user's.
_DOCUMENTED_LABELS = _words(
    "bucket container account bucket-name bucketname my-bucket mybucket "
    "doc-example-bucket amzn-s3-demo-bucket examplebucket myaccount mystorageaccount "
    "mycontainer"
)
#: The domains of the providers' storage hosts (spec section 5; ``urls.PROVIDER_HOSTS``).
_STORAGE_DOMAINS = (
    ".amazonaws.com",
    ".amazonaws.com.cn",
    ".googleapis.com",
    ".windows.net",
    ".otc.t-systems.com",
)
_WORD_SEPARATOR = re.compile(r"[-_]")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_-]+")
#: A shell or pipeline variable: `$BUCKET` (capitals, so `$folder$` markers are not one) or
#: `$(bucket)`; `${BUCKET}` is U302's.
_VARIABLE = LazyPattern(r"\$(?:[A-Z][A-Z0-9_]*(?![a-z])|\([A-Za-z_][A-Za-z0-9_.-]*\))")
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def placeholder_name(name: str, *, first_label: bool = False, storage: bool = False) -> bool:
    """Whether a host label or path segment (without its extension) is a placeholder name.

    Anywhere: capitals, every word from the vocabulary, and a word that names a storage place
    (``_STRONG``) or two words, one not a mere modifier. As a host's first label (where the
    bucket or account is), in any case: `your` and such words, and on a cloud storage host
    (``storage``) the names documentation uses. (Paths are not held to the lower-case forms:
    a column is searched for those only in its hosts, which are few.)
    """
    if not _PLAIN_NAME.fullmatch(name):
        return False
    lower = name.lower()
    words = [word for word in _WORD_SEPARATOR.split(lower) if word]
    known = bool(words) and all(word in _VOCABULARY for word in words)
    if first_label:
        if (storage and lower in _DOCUMENTED_LABELS) or (
            known and words[0] == "your" and len(words) > 1
        ):
            return True
        if lower.startswith("your") and lower[4:] in _STRONG | _WEAK:  # yourbucket
            return True
    if not known or name != name.upper():
        return False  # lower-case words of the vocabulary are ordinary words in a path
    return any(word in _STRONG for word in words) or (
        len(words) > 1 and any(word not in _MODIFIERS for word in words)
    )


class Reason(NamedTuple):
    """Why a URL is a placeholder: what kind of placeholder (``never_requested``), and the
    finding's message."""

    kind: Literal[
        "single-label", "reserved", "documentation-domain", "name", "path-name", "variable"
    ]
    message: str


@cache
def host_reason(host: str) -> Reason | None:
    """Why a URL's host (as written, without user information or port) is a placeholder."""
    if not host or host.startswith("[") or _IPV4.fullmatch(host):
        return None
    name = host.rstrip(".").lower()
    if "." not in name:
        if name == "localhost":
            return Reason("single-label", "host 'localhost' is this computer, not storage")
        return Reason(
            "single-label",
            f"host {host!r} is a single name, not a domain: a placeholder, or an intranet "
            "name Encord's servers cannot reach",
        )
    if name.endswith(_DOCUMENTATION_SUFFIXES) or name in RESERVED_DOMAINS:
        return Reason("documentation-domain", f"host {host!r} is {_RESERVED}")
    if name.rsplit(".", 1)[1] in RESERVED_TOP_LEVEL:
        return Reason("reserved", f"host {host!r} is {_RESERVED}")
    storage = name.endswith(_STORAGE_DOMAINS)
    for position, label in enumerate(host.rstrip(".").split(".")):
        if placeholder_name(label, first_label=position == 0, storage=storage):
            return Reason(
                "name", f"host label {label!r} is a placeholder; write the real bucket or account"
            )
    return None


_RESERVED = "in a domain reserved for examples and tests (RFC 2606, RFC 6761): no storage is there"
_DOCUMENTATION_SUFFIXES = tuple("." + domain for domain in RESERVED_DOMAINS)


def path_reason(path: str) -> Reason | None:
    """Why a URL's path (without query or fragment) holds a placeholder."""
    variable = _VARIABLE.search(path)
    if variable:
        return Reason(
            "variable", f"the path holds {variable.group()!r}, a variable never filled in"
        )
    for segment in path.split("/"):
        name = segment.split(".", 1)[0]  # "OBJECT_NAME.jpg": the name, not its extension
        if name and placeholder_name(name) and _template_in_path(name):
            # "path-name": on the user's own host, so --remote still reads the object.
            return Reason(
                "path-name", f"path segment {segment!r} is a placeholder; write the real name"
            )
    return None


_AUTHORITY = re.compile(r"(?i)https?://([^/?#]*)(.*)", re.S)


def _template_in_path(name: str) -> bool:
    """A path is a bucket's own folder names, where `KEY`, `REGION` or `VIDEO_DATA` may be
    real: there only a compound with a word that names a storage place (`BUCKET_NAME`,
    `OBJECT_KEY`) or a `YOUR_`/`MY_` template is a placeholder."""
    words = [word for word in _WORD_SEPARATOR.split(name.lower()) if word]
    if len(words) < 2:
        return False
    return words[0] in ("your", "my") or any(word in _STRONG for word in words)


def split_url(url: str) -> tuple[str, str] | None:
    """(host as written, path) of an http(s) URL; None for any other."""
    match = _AUTHORITY.match(url)
    if match is None:
        return None
    authority, rest = match.groups()
    host = authority.rsplit("@", 1)[-1]
    host = host[: host.find("]") + 1] if host.startswith("[") else host.split(":", 1)[0]
    return host, re.split(r"[?#]", rest, maxsplit=1)[0]


def placeholder_problem(url: str, provider_host: re.Pattern[str] | None = None) -> Reason | None:
    """The U312 finding of one URL, or None; the one definition the scans preselect for.
    ``provider_host``: the hosts of the provider chosen with --provider (U310)."""
    parts = split_url(url)
    if parts is None:
        return None  # not http(s): U303 says so
    host, path = parts
    reason = None
    if authority_problem(url) is None:  # else U311 speaks of the host
        reason = host_reason(host)
        if reason and provider_host and not provider_host.fullmatch(host.lower()):
            reason = None  # U310 says the host is not the provider's
    return reason or path_reason(path)


def never_requested(url: str) -> bool:
    """Whether ``lint --remote`` must not request the URL: its placeholder is a name or a
    variable (a bucket of that name may exist and be someone else's, who would see the
    request and its signature) or an example domain (the internet has a host there). A
    single-label or reserved-TLD host is left to name resolution, which fails without a
    request unless an intranet or ``--allow-host`` gives it a meaning."""
    reason = placeholder_problem(url)
    if reason is not None and reason.kind == "path-name":
        # On a storage host the path may start with a bucket (path style), anyone's; on any
        # other host the folders are the user's own, so the object is read (R805 and all).
        parts = split_url(url)
        return parts is not None and parts[0].lower().endswith(_STORAGE_DOMAINS)
    return reason is not None and reason.kind in ("name", "variable", "documentation-domain")


# --- the scans that preselect URLs for the exact analysis ----------------------------------
#
# The URL family's scan of each chunk of a column (``urls.check``) hands over what it has
# already made: the joined text, its bytes with most of them deleted (``KEPT`` among those
# left), and the origin every URL shares, if one does. That costs this rule next to nothing
# on a clean manifest, where a scan of its own cost a third of the URL family's time.


@dataclass
class ChunkScan:
    """What the URL family's scan of a chunk learnt on its way, for this rule."""

    #: The chunk's joined bytes with at least ``KEPT`` and the newlines left; None when the
    #: scan made none (a chunk that is not ASCII).
    kept: bytes | None = None
    #: The `https://HOST/` every URL of the chunk starts with, when the scan proved one.
    origin: str | None = None


#: What a ``ChunkScan`` must keep: capitals and the `$` of variables.
KEPT = bytes(range(ord("A"), ord("Z") + 1)) + b"$"
_NOT_KEPT = bytes(c for c in range(256) if c not in KEPT + b"\n")
#: Distinct origins followed one pass each before all hosts are read from the text at once.
_MAX_HOST_PASSES = 16
_HOST_OF_LINE = LazyPattern(r"(?im)^https?://(?:[^/?#\n@]*@)?(\[[^\]\n]*\]|[^/?#\n:]*)")
_CAPITALS = LazyPattern(
    rb"(?:" + b"|".join(w.upper().encode() for w in sorted(_STRONG | _WEAK)) + rb")|\$"
)


def placeholder_suspects(urls: list[str], joined: str, scan: ChunkScan) -> set[int]:
    """The URLs of a chunk that the exact analysis must see; no URL holds a line break."""
    kept = scan.kept if scan.kept is not None else joined.encode("utf-8", "surrogatepass")
    suspects = _line_suspects(kept.translate(None, _NOT_KEPT))
    origin = split_url(scan.origin) if scan.origin else None
    suspects.update(_host_suspects(urls, joined, {origin[0]} if origin else None))
    return suspects


def placeholder_findings(
    column: Column, indexes: Iterable[int], provider_host: re.Pattern[str] | None
) -> Iterator[Finding]:
    for i in indexes:
        reason = placeholder_problem(column.values[i], provider_host)
        if reason is not None:
            yield Finding(URL_PLACEHOLDER, column.pointer(i), reason.message)


def _line_suspects(lines: bytes) -> set[int]:
    """The URLs whose capitals and `$` (``lines``: those of each URL, a line each) hold a word
    of the vocabulary or a `$`. Judged once per distinct line: most URLs have none, or the
    same few ("IM" of DICOM files, "IMGJPG" of a camera's)."""
    count = lines.count(b"\n") + 1
    if count - 1 == len(lines):
        return set()  # no capital at all: the common case
    first = lines[: lines.find(b"\n") + 1]
    if len(lines) + 1 == len(first) * count and (lines + b"\n").count(first) == count:
        # Every line the same: judged once, without a list of lines.
        return set(range(count)) if _CAPITALS.search(first) else set()
    split = lines.split(b"\n")
    flagged = {line for line in set(split) if _CAPITALS.search(line)}
    if not flagged:
        return set()
    return {i for i, line in enumerate(split) if line in flagged}


def _host_suspects(urls: list[str], joined: str, hosts: set[str] | None) -> set[int]:
    """The URLs whose host is a placeholder (``host_reason``), found host by host."""
    if hosts is None:
        hosts = _hosts(urls, joined)
    flagged = {host for host in hosts if host_reason(host)}
    if not flagged:
        return set()
    return {i for i, url in enumerate(urls) if (split_url(url) or ("", ""))[0] in flagged}


#: The start of a line up to the end of its authority ("https://host:port"), or of its first
#: path segment where it has none.
_ORIGIN = LazyPattern(r"[^/?#\n]*(?://[^/?#\n]*)?")


def _hosts(urls: list[str], joined: str) -> set[str]:
    """Every host of a chunk's http(s) URLs as written (no URL holds a line break): one pass
    over the text per new origin, each from where the last new one was (hosts come in runs),
    and past a few, all read from the text at once."""
    origin = _ORIGIN.match(urls[0]).group()  # type: ignore[union-attr]  # `*` always matches
    origins = {origin}
    position = 0
    for _ in range(_MAX_HOST_PASSES):
        known = "|".join(re.escape(o) for o in sorted(origins, key=len, reverse=True))
        match = re.compile(rf"\n(?!(?:{known})(?:[/?#\n]|\Z))").search(joined, position)
        if match is None:
            return {host for o in origins if (host := (split_url(o) or ("",))[0])}
        position = match.start() + 1
        origins.add(_ORIGIN.match(joined, position).group())  # type: ignore[union-attr]
    return {match.group(1) for match in _HOST_OF_LINE.finditer(joined)}
