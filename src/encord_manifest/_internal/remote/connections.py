"""Connections that go where the checks decided, and a watchdog that ends every late one.

A connection is opened to the address that ``safety`` checked, never to a name resolved again
(which a rebinding DNS server could answer with 127.0.0.1); TLS still verifies the certificate
against the host name (SNI and hostname match use the name, the socket the checked address).
Through a proxy from the environment the proxy is connected to instead, and the origin is
named in a CONNECT (https) or in the request line (http).

Every exchange is watched: a server that sends one byte every quarter second never trips a
socket timeout, so a per-exchange deadline shuts the socket down from the watchdog's thread,
which ends whatever read is blocked on it (headers or body, TLS included).
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from urllib3.connection import HTTPConnection, HTTPSConnection


@dataclass(frozen=True)
class Proxy:
    scheme: str
    host: str
    port: int
    #: "Basic ..." for a proxy URL with user information; never printed.
    authorization: str | None = None

    @classmethod
    def from_url(cls, url: str) -> Proxy:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the proxy is not an http:// or https:// URL")
        authorization = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        port = parts.port or (443 if scheme == "https" else 80)
        return cls(scheme, parts.hostname, port, authorization)

    def __repr__(self) -> str:  # never the credentials
        return f"Proxy({self.scheme}://{self.host}:{self.port})"


@dataclass(frozen=True)
class Route:
    """Where one origin's requests go: a checked address, or a proxy."""

    scheme: str
    host: str
    port: int
    address: str | None = None
    proxy: Proxy | None = None

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


class Connections:
    """Idle keep-alive connections per route, at most ``per_route`` kept."""

    def __init__(self, per_route: int, timeout: float, ca_certs: str | None = None) -> None:
        self._per_route = max(1, per_route)
        self._timeout = timeout
        self._ca_certs = ca_certs
        self._idle: dict[Route, list[HTTPConnection]] = {}
        self._lock = threading.Lock()

    def take(self, route: Route) -> tuple[HTTPConnection, bool]:
        """A connection for the route, and whether it was used before (it may be stale)."""
        with self._lock:
            idle = self._idle.get(route)
            if idle:
                return idle.pop(), True
        return self._new(route), False

    def give_back(self, route: Route, connection: HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(route, [])
            if len(idle) < self._per_route:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            everything = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for connection in everything:
            connection.close()

    def _new(self, route: Route) -> HTTPConnection:
        proxy = route.proxy
        if proxy is None:
            assert route.address is not None
            if route.scheme == "https":
                return HTTPSConnection(
                    route.address,
                    route.port,
                    timeout=self._timeout,
                    server_hostname=route.host,
                    assert_hostname=route.host,
                    ca_certs=self._ca_certs,
                )
            return HTTPConnection(route.address, route.port, timeout=self._timeout)
        connection: HTTPConnection
        if route.scheme == "https":
            # TLS to the origin inside a CONNECT tunnel through the proxy.
            connection = HTTPSConnection(
                proxy.host,
                proxy.port,
                timeout=self._timeout,
                server_hostname=route.host,
                assert_hostname=route.host,
                ca_certs=self._ca_certs,
            )
            headers = {"Proxy-Authorization": proxy.authorization} if proxy.authorization else None
            connection.set_tunnel(route.host, route.port, headers=headers, scheme=proxy.scheme)
            return connection
        if proxy.scheme == "https":
            return HTTPSConnection(
                proxy.host, proxy.port, timeout=self._timeout, ca_certs=self._ca_certs
            )
        return HTTPConnection(proxy.host, proxy.port, timeout=self._timeout)


class Ticket:
    __slots__ = ("connection", "deadline", "expired")

    def __init__(self, connection: HTTPConnection, deadline: float) -> None:
        self.connection = connection
        self.deadline = deadline
        self.expired = False


class Watchdog:
    """Shuts down the socket of every exchange that outlives its deadline.

    Its thread runs only while exchanges are watched: a thread left behind would keep the
    process from forking (the lint of a large file in parts forks only when it is alone)."""

    def __init__(self) -> None:
        self._tickets: set[Ticket] = set()
        self._changed = threading.Condition()
        self._running = False

    @contextmanager
    def watch(self, connection: HTTPConnection, deadline: float) -> Iterator[Ticket]:
        ticket = Ticket(connection, deadline)
        with self._changed:
            self._tickets.add(ticket)
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, daemon=True, name="deadlines").start()
            self._changed.notify()
        try:
            yield ticket
        finally:
            with self._changed:
                self._tickets.discard(ticket)
                self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                if not self._tickets:
                    self._running = False
                    return
                now = time.monotonic()
                late = [t for t in self._tickets if t.deadline <= now]
                for ticket in late:
                    self._tickets.discard(ticket)
                    ticket.expired = True
                if not late:
                    soonest = min(t.deadline for t in self._tickets)
                    self._changed.wait(timeout=max(0.005, soonest - now))
                    continue
            for ticket in late:
                _shut_down(ticket.connection)


def _shut_down(connection: HTTPConnection) -> None:
    """End the connection's socket under a thread blocked reading it. The plain socket's
    shutdown, also for TLS: SSLSocket.shutdown would drop its SSL object under the reader."""
    sock = connection.sock
    if sock is None:
        return
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
