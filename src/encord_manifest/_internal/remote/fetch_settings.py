"""What a run's requests are allowed: timeouts, retries, deadlines, hosts, and request signing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from encord_manifest._internal.remote.safety import AddressPolicy
from encord_manifest._internal.text.authority import HostPattern, ParsedURL

#: An object's requests, retries and redirects together get this many times --timeout.
OBJECT_DEADLINE_FACTOR = 3

Signer = Callable[[str, ParsedURL, dict[str, str]], dict[str, str]]


@dataclass(frozen=True)
class FetchSettings:
    #: Seconds to connect, and between bytes of an answer.
    timeout: float = 10.0
    retries: int = 3
    #: First backoff in seconds; doubled each retry, with jitter.
    backoff: float = 0.5
    #: The longest Retry-After honoured, in seconds (a longer one is cut to this).
    max_retry_after: float = 30.0
    max_redirects: int = 10
    allow_private_hosts: bool = False
    #: Hosts (names or addresses, optionally with a port) opened one by one (--allow-host).
    allow_hosts: tuple[HostPattern, ...] = ()
    #: Seconds for the whole run's requests; None: no limit but each object's.
    run_deadline: float | None = None
    #: Extra headers per request (request signing plugs in here); called only on the origin
    #: of the URL the manifest lists.
    sign: Signer | None = None
    #: Connect to another address for a host, keeping its name in the Host header and the
    #: signature (curl's --connect-to): for endpoints without public DNS, and for tests.
    #: Keys are "host" or "host:port", values "address:port"; the address is still checked.
    connect_to: Mapping[str, str] = field(default_factory=dict)
    #: Sign plain http:// requests too (test servers on loopback); a signature and a session
    #: token otherwise travel only over TLS.
    sign_plain_http: bool = False
    #: A CA bundle for TLS (None: the system's).
    ca_certs: str | None = None

    @property
    def policy(self) -> AddressPolicy:
        return AddressPolicy(self.allow_private_hosts, self.allow_hosts)

    @property
    def object_deadline(self) -> float:
        return OBJECT_DEADLINE_FACTOR * self.timeout
