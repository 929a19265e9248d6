"""Which addresses a remote check may connect to.

A CI job that lints an untrusted pull request must not become a probe of its own network: a
manifest (or a redirect from a hostile server) could name ``http://169.254.169.254/`` (cloud
metadata), ``https://10.0.0.5/`` or a name that resolves to loopback. Every hop's host is
resolved once (``Resolutions``), every address it resolves to is checked here, and the
connection then goes to the checked address (``remote.connections``): a name that answers
differently the second time (DNS rebinding) is never asked again.

Refused unless opened by the user: every address that is not globally reachable (private,
loopback, link-local, shared CGNAT, reserved, multicast, unspecified), including IPv4 addresses
hidden in IPv6 forms (``::ffff:127.0.0.1``, 6to4, Teredo, NAT64). ``--allow-private-hosts``
opens all of those; ``--allow-host HOST[:PORT]`` opens one name or address. Cloud metadata
endpoints stay refused even with ``--allow-private-hosts``: only an ``--allow-host`` that names
them opens them.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from encord_manifest._internal.text.authority import HostPattern

Resolver = Callable[[str], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Instance-metadata and credential endpoints of the cloud providers (AWS IMDS and its IPv6
#: form, ECS and EKS pod credentials, Alibaba). GCP's and Azure's are 169.254.169.254 too.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "169.254.170.2",
        "169.254.170.23",
        "100.100.100.200",
        "fd00:ec2::254",
        "fd00:ec2::23",
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: IPv6 ranges that carry an IPv4 address in their last 32 bits: IPv4-compatible (::a.b.c.d),
#: IPv4-translated (::ffff:0:a.b.c.d) and local-use NAT64.
_CARRY_IPV4 = (
    ipaddress.ip_network("::/96"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
)
#: Unicast addresses are globally routed only inside 2000::/3 (RFC 4291); others that
#: Python calls global (fec0::/10 site-local, reserved blocks) are not contacted.
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


class RefusedHost(Exception):
    """The host is an address the run may not contact (the message says which and how to
    open it)."""


class UnresolvedHost(Exception):
    """The host name does not resolve here."""


def resolve(host: str) -> list[str]:
    """Every address a host name resolves to (an IP literal is itself)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class AddressPolicy:
    allow_private: bool = False
    #: ``--allow-host`` entries: they open any address, metadata endpoints included.
    allow_hosts: tuple[HostPattern, ...] = ()
    #: ``allow-hosts`` of a configuration file, which a pull request can change: they open
    #: private addresses, never a metadata endpoint.
    configured_hosts: tuple[HostPattern, ...] = ()

    def with_configured(self, entries: Iterable[str]) -> AddressPolicy:
        patterns = tuple(HostPattern.parse(entry) for entry in entries)
        return AddressPolicy(self.allow_private, self.allow_hosts, patterns)

    def named(self, host: str, port: int, address: str | None = None) -> bool:
        """Whether an allow-list entry opens this host (or the address it resolved to)."""
        entries = self.allow_hosts + self.configured_hosts
        return any(p.matches(host, port, address) for p in entries)

    def check(self, host: str, port: int, addresses: Iterable[str]) -> None:
        """RefusedHost unless every address is public, or opened for this host and port."""
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if any(p.matches(host, port, address) for p in self.allow_hosts):
                continue
            if ip in METADATA_ADDRESSES or _embedded(ip) in METADATA_ADDRESSES:
                raise RefusedHost(
                    f"{host} is a cloud metadata address ({ip}); it is never contacted unless "
                    f"named with --allow-host {_shown(ip)}"
                )
            if self.named(host, port, address):
                continue
            if not is_public(ip) and not self.allow_private:
                raise RefusedHost(
                    f"{host} is a private or local address ({ip}); checking it needs "
                    f"--allow-host {host}:{port} (or --allow-private-hosts)"
                )


def is_public(ip: IPAddress) -> bool:
    """Globally reachable, and so is every IPv4 address embedded in it."""
    if not ip.is_global or ip.is_multicast or ip.is_reserved:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST:
        return False
    embedded = _embedded(ip)
    return embedded is None or (embedded.is_global and not embedded.is_multicast)


def _embedded(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo client, NAT64)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or any(ip in network for network in _CARRY_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _shown(ip: IPAddress) -> str:
    return f"[{ip}]" if ip.version == 6 else str(ip)


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    addresses: list[str] | None = None
    error: UnresolvedHost | None = None


class Resolutions:
    """Each host name resolved once per run; every thread asking for it meanwhile waits for
    the first answer. A lookup that hangs is given up after ``timeout`` seconds."""

    def __init__(self, resolver: Resolver = resolve, timeout: float = 10.0) -> None:
        self._resolver = resolver
        self._timeout = timeout
        self._answers: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self.lookups = 0

    def addresses(self, host: str) -> list[str]:
        """The host's addresses (IPv4 first), or UnresolvedHost."""
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        with self._lock:
            pending = self._answers.get(host)
            first = pending is None
            if pending is None:
                pending = self._answers[host] = _Pending()
                self.lookups += 1
        if first:
            self._look_up(host, pending)
        elif not pending.done.wait(self._timeout + 1):
            raise UnresolvedHost("the host name did not resolve in time")
        if pending.error is not None:
            raise pending.error
        assert pending.addresses is not None
        return pending.addresses

    def _look_up(self, host: str, pending: _Pending) -> None:
        def work() -> None:
            try:
                found = self._resolver(host)
                ordered = sorted(set(found), key=lambda a: (":" in a, a))
                if ordered:
                    pending.addresses = ordered
                else:
                    pending.error = UnresolvedHost("the host name does not resolve")
            except (OSError, UnicodeError, ValueError):
                pending.error = UnresolvedHost("the host name does not resolve")
            finally:
                pending.done.set()

        # getaddrinfo cannot be interrupted: it runs in a thread of its own, and a lookup
        # that outlasts the timeout is abandoned (the thread ends when the resolver gives up).
        worker = threading.Thread(target=work, daemon=True, name=f"resolve {host}")
        worker.start()
        if not pending.done.wait(self._timeout):
            pending.error = UnresolvedHost("the host name did not resolve in time")
            pending.done.set()
