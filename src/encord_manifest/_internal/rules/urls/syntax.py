"""U: the syntax of one object URL (U301-U306, U311), its exact analysis and its fixes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote, unquote

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Fix, Pointer, Severity
from encord_manifest._internal.rules import register, replace_value_fix
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
