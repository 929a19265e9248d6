"""The one parse of a URL that decides where a request goes.

A remote check must connect to, sign for and send ``Host`` to the same host. Python's
``urlsplit``, urllib3's ``parse_url`` and a browser's WHATWG parser disagree on URLs such as
``http://127.0.0.1:8080\\@public.example/x`` (``public.example`` for urlsplit, ``127.0.0.1`` for
urllib3) or ``https://bucket.s3.amazonaws.com:x@other.example/a.jpg`` (user information whose
"password" hides a second host). Such URLs are refused here, by a grammar stricter than any of
those parsers, and then cross-checked against both Python parsers: a URL is requested only when
all three read the same scheme, host and port.

The grammar: ``http`` or ``https``, ``://``, a host (a DNS name of letters, digits, ``-``,
``_`` and dots; a canonical dotted-quad IPv4 address; or a bracketed IPv6 address without a
zone), an optional port 1-65535, then the path, query and fragment. Refused in the authority:
user information (``@``), backslashes, percent-escapes, non-ASCII characters (write an
internationalised name in its ``xn--`` form), empty labels, an empty port, and IPv4 addresses in
other spellings (``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1``), which some resolvers
read as loopback. The fragment is never sent; characters a request line cannot carry are
percent-encoded in the path and query.

``authority_problem`` is the same check as a message, for the offline rule U311.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlsplit

from encord_manifest._internal.text.lazy_pattern import LazyPattern

DEFAULT_PORTS = {"http": 80, "https": 443}

_SCHEME = re.compile(r"(?i)(https?)://")
#: Where the authority ends (RFC 3986); a backslash ends it for WHATWG parsers, so it is
#: looked for in the authority separately.
_AUTHORITY_END = re.compile(r"[/?#]")
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?")
_NUMERIC_LABEL = re.compile(r"(?i)0x[0-9a-f]*|[0-9]+")
_CANONICAL_OCTET = LazyPattern(r"0|[1-9][0-9]{0,2}")
_PORT = LazyPattern(r"[0-9]{1,5}")
#: Characters left as they are in a request's path and query; the rest are percent-encoded.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class UnsafeURL(ValueError):
    """The URL cannot be requested safely as written; the message says why (no secret)."""


@dataclass(frozen=True)
class ParsedURL:
    scheme: str
    #: Lower case, without brackets (IPv6) and without a trailing dot.
    host: str
    port: int
    #: The path and query as sent in the request line (at least "/").
    target: str
    #: The host as the ``Host`` header and the signature carry it: brackets, and the port when
    #: it is not the scheme's default.
    host_header: str

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)

    @property
    def url(self) -> str:
        """The URL as it is requested (no user information, no fragment)."""
        return f"{self.scheme}://{self.host_header}{self.target}"

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""


def parse_url(url: str) -> ParsedURL:
    """The one reading of ``url`` that is connected to, signed and sent; UnsafeURL if there
    is any doubt about it."""
    if not url.isascii() and _has_non_ascii_authority(url):
        raise UnsafeURL("the host is not ASCII; write an internationalised name in its xn-- form")
    scheme_match = _SCHEME.match(url)
    if scheme_match is None:
        raise UnsafeURL("only http:// and https:// URLs are requested")
    scheme = scheme_match.group(1).lower()
    rest = url[scheme_match.end() :]
    authority, tail = _split_authority(rest)
    problem = _authority_problem(authority)
    if problem is not None:
        raise UnsafeURL(problem)
    host_text, port_text = _host_and_port(authority)
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in tail):
        raise UnsafeURL("the URL contains whitespace or a control character")
    if "\\" in tail:
        raise UnsafeURL("the URL contains a backslash, which parsers read as '/' or as data")
    host = host_text.strip("[]").lower().rstrip(".")
    port = int(port_text) if port_text else DEFAULT_PORTS[scheme]
    bracketed = f"[{host}]" if host_text.startswith("[") else host
    host_header = bracketed if port == DEFAULT_PORTS[scheme] else f"{bracketed}:{port}"
    parsed = ParsedURL(scheme, host, port, _request_target(tail), host_header)
    _agree_with_other_parsers(url, parsed)
    return parsed


def authority_problem(url: str) -> str | None:
    """Why the host of an http(s) URL is ambiguous or carries secrets; None when it is clean
    (or the URL has no http(s) scheme: other rules speak of that)."""
    match = _SCHEME.match(url)
    if match is None:
        return None
    authority, _ = _split_authority(url[match.end() :])
    if not authority:
        return None  # U303 says the host is missing
    if not authority.isascii():
        return "the URL's host is not ASCII; write an internationalised name in its xn-- form"
    problem = _authority_problem(authority)
    return None if problem is None else f"the URL's {problem}"


def _split_authority(rest: str) -> tuple[str, str]:
    end = _AUTHORITY_END.search(rest)
    return (rest, "") if end is None else (rest[: end.start()], rest[end.start() :])


def _has_non_ascii_authority(url: str) -> bool:
    match = _SCHEME.match(url)
    rest = url[match.end() :] if match else url
    return not _split_authority(rest)[0].isascii()


def _authority_problem(authority: str) -> str | None:
    """The problem of an authority (what is between ``//`` and the path), or None."""
    if "@" in authority:
        # Never quote it: what stands before the '@' is a user name and maybe a password.
        return "host is preceded by user information ('...@'); credentials do not belong in a manifest URL, and parsers disagree on which host such a URL names"
    if len(authority) <= _REMEMBERED_LENGTH:
        return _remembered_host_problem(authority)
    return _host_problem(authority)


#: Authorities as long as a host name may be are remembered: a manifest names a few hosts
#: many times (25,000 URLs with a space took 0.3 s of host checks). Never one with user
#: information, which returns above.
_REMEMBERED_LENGTH = 255


def _host_problem(authority: str) -> str | None:
    if "\\" in authority:
        return "host contains a backslash; parsers disagree on where such a host ends"
    if "%" in authority:
        return "host contains a percent-escape; parsers disagree on whether to decode it"
    if not authority:
        return "URL has no host"
    host, port = _host_and_port(authority)
    if port is not None and (not _PORT.fullmatch(port) or not 0 < int(port) < 65536):
        shown = "an empty port" if port == "" else f"port {port!r}"
        return f"host has {shown}; a port is a number from 1 to 65535"
    if host.startswith("["):
        return _ipv6_problem(host)
    return _name_problem(host)


def _host_and_port(authority: str) -> tuple[str, str | None]:
    """The host and the port text (None without a colon). Text after an IPv6 literal's ']'
    that is not a port is returned as the port, which then fails the port check."""
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            return authority, None
        after = authority[close + 1 :]
        if not after:
            return authority[: close + 1], None
        return authority[: close + 1], after[1:] if after.startswith(":") else after
    host, colon, port = authority.partition(":")
    return host, port if colon else None


def _ipv6_problem(host: str) -> str | None:
    inner = host[1:-1] if host.endswith("]") else ""
    if "%" in inner or not inner:
        return "host is not a valid bracketed IPv6 address"
    try:
        ipaddress.IPv6Address(inner)
    except ValueError:
        return "host is not a valid bracketed IPv6 address"
    return None


def _name_problem(host: str) -> str | None:
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if not name or any(not label for label in labels):
        return f"host {host!r} has an empty label"
    if all(_NUMERIC_LABEL.fullmatch(label) for label in labels):
        if len(labels) == 4 and all(
            _CANONICAL_OCTET.fullmatch(label) and int(label) < 256 for label in labels
        ):
            return None
        return f"host {host!r} is an IP address in a non-standard spelling, which resolvers read differently; write it as four decimal numbers"
    for label in labels:
        if not _LABEL.fullmatch(label):
            return f"host {host!r} contains characters a host name cannot hold"
    return None


def _request_target(tail: str) -> str:
    without_fragment = tail.split("#", 1)[0]
    path, question, query = without_fragment.partition("?")
    target = quote(path, safe=_PATH_SAFE) or "/"
    if not target.startswith("/"):
        target = "/" + target
    return target + (question + quote(query, safe=_QUERY_SAFE) if question else "")


def _agree_with_other_parsers(url: str, parsed: ParsedURL) -> None:
    """urlsplit and urllib3 must read the same host and port as this module (belt and braces:
    the grammar above already refuses every disagreement known)."""
    from urllib3.util import parse_url as urllib3_parse

    try:
        split = urlsplit(url)
        split_host, split_port = (split.hostname or "").rstrip("."), split.port
        other = urllib3_parse(url)
        other_host = (other.host or "").strip("[]").lower().rstrip(".")
        other_port = other.port
    except ValueError as error:  # urllib3's LocationParseError is a ValueError too
        raise UnsafeURL(f"the URL cannot be parsed ({type(error).__name__})") from None
    default = DEFAULT_PORTS[parsed.scheme]
    if (
        split_host != parsed.host
        or other_host != parsed.host
        or (split_port or default) != parsed.port
        or (other_port or default) != parsed.port
    ):
        raise UnsafeURL("parsers disagree on the URL's host; it is not requested")


@dataclass(frozen=True)
class HostPattern:
    """One ``--allow-host`` entry: a name or an address, with or without a port."""

    host: str
    port: int | None = None

    @classmethod
    def parse(cls, text: str) -> HostPattern:
        """``name``, ``name:port``, ``1.2.3.4[:port]``, ``[::1][:port]`` or a bare IPv6."""
        value = text.strip().lower()
        if not value:
            raise ValueError("an empty host")
        if value.startswith("["):
            inner, _, rest = value[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else rest
            return cls(_address_text(inner, text), _port(port, text) if port else None)
        if value.count(":") > 1:  # a bare IPv6 address
            return cls(_address_text(value, text))
        host, _, port = value.partition(":")
        if not host or any(c in host for c in "/@\\%?#"):
            raise ValueError(f"{text!r} is not a host name or address")
        return cls(host.rstrip("."), _port(port, text) if port else None)

    def matches(self, host: str, port: int, address: str | None) -> bool:
        if self.port is not None and self.port != port:
            return False
        host = host.rstrip(".")
        return self.host == host or (
            address is not None and self.host == canonical_address(address)
        )


def _address_text(value: str, original: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ValueError(f"{original!r} is not an IP address") from None


def _port(text: str, original: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{original!r} has no valid port (1-65535)")
    return int(text)


def canonical_address(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:
        return address


_remembered_host_problem = lru_cache(maxsize=1024)(_host_problem)
