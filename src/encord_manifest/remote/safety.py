"""Which hosts a remote check may contact, and how URLs appear in messages.

A CI job that lints an untrusted pull request must not become a probe of its own network: a
manifest could name `http://169.254.169.254/...` (cloud metadata) or `https://10.0.0.5/`.
Hosts are resolved and every address checked before a request, and again for every redirect
hop; private, loopback, link-local and other non-global addresses are refused unless the user
allows them (`--allow-private-hosts`).

A pre-signed URL's query string is a credential, and so is user information in a URL: neither
ever appears in a message.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

Resolver = Callable[[str], list[str]]


class RefusedHost(Exception):
    """The URL's host is an address the run may not contact."""


def redact(url: str) -> str:
    """The URL without its query string, fragment and user information (secrets)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "<unparseable URL>"
    hostname = parts.hostname or ""
    host = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None:
        host = f"{host}:{port}"
    query = "<redacted>" if parts.query else ""
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


def resolve(host: str) -> list[str]:
    """Every address a host name resolves to (an IP literal is itself)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def check_host(url: str, allow_private: bool, resolver: Resolver = resolve) -> None:
    """Raise RefusedHost unless every address of the URL's host is public (or allowed)."""
    if allow_private:
        return
    host = urlsplit(url).hostname
    if not host:
        raise RefusedHost("the URL has no host")
    try:
        addresses = [host] if _is_ip(host) else resolver(host)
    except OSError:
        return  # unresolvable: the request itself will say so
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            raise RefusedHost(
                f"{host} is a private or local address ({address}); "
                "checking it needs --allow-private-hosts"
            )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
