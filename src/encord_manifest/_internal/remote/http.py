"""Fetching what a check needs of an object: headers, and at most a capped prefix of its bytes.

Every request of a run goes through one ``Fetcher``, and every hop of a request (the manifest's
URL, then each redirect ``Location``) through the same steps:

1. ``authority.parse_url`` reads the URL once; that one reading is connected to, signed and sent
   as ``Host``. A URL that parsers could read differently is refused, never requested.
2. The host is resolved once per run (``safety.Resolutions``), every address is checked against
   the policy (``safety.AddressPolicy``), and the connection goes to the checked address
   (``connections``). Through a proxy, a name that does not resolve here is not handed to the
   proxy unless ``--allow-host`` names it: the proxy could reach an intranet name we cannot see.
3. Signing (``FetchSettings.sign``) applies only on the origin (scheme, host, port) of the URL
   the manifest lists: a redirect elsewhere, or to http://, carries no credential.
4. Each object gets a deadline, ``OBJECT_DEADLINE_FACTOR`` x ``--timeout`` for all its requests,
   retries and redirects together; a run may have a total deadline too. A server that drips
   bytes is cut off when the deadline passes (``connections.Watchdog``).
5. Connection errors, timeouts, 429 and 5xx are retried with exponential backoff, honouring
   Retry-After, up to ``retries`` times, within the deadline. A host that does not resolve, or
   refuses or does not accept connections, is remembered as down for the run: its other URLs
   are answered at once, without a request.
6. A body is read only as far as asked (``limit``) and never decoded (no gzip bombs); then the
   connection is dropped, so a server that ignores Range and sends a 2 GB video costs the bytes
   asked for, not the video.

The checks ask with ranged GETs (``read_prefix``), conditional ones where a cache knows the
object; HEAD only stands in where a server refuses GET (``GET_REFUSED``).
"""

from __future__ import annotations

import http.client
import random
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import urllib3

from encord_manifest._internal.remote.answers import (
    Answer,
    finished,
    read_at_most,
    retry_after,
    size_of,
)
from encord_manifest._internal.remote.connections import Connections, Proxy, Route, Watchdog
from encord_manifest._internal.remote.fetch_errors import FetchError, connection_message
from encord_manifest._internal.remote.fetch_settings import OBJECT_DEADLINE_FACTOR
from encord_manifest._internal.remote.fetch_settings import FetchSettings as FetchSettings
from encord_manifest._internal.remote.redirects import REDIRECTS, join_location, parse_requested
from encord_manifest._internal.remote.safety import (
    AddressPolicy,
    RefusedHost,
    Resolutions,
    Resolver,
    UnresolvedHost,
    resolve,
)
from encord_manifest._internal.text.authority import ParsedURL

USER_AGENT = "encord-manifest (lint --remote)"


@dataclass
class Counters:
    """What a run cost, for the benchmark and the tests (thread-safe)."""

    requests: dict[str, int] = field(default_factory=dict)
    body_bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method: str, body_bytes: int = 0) -> None:
        with self._lock:
            self.requests[method] = self.requests.get(method, 0) + 1
            self.body_bytes += body_bytes


class _ConnectFailed(Exception):
    """No connection could be made (the host's fault, not the object's)."""


class Fetcher:
    def __init__(
        self,
        settings: FetchSettings | None = None,
        pool_size: int = 16,
        resolver: Resolver = resolve,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._run_policy = self.settings.policy
        self._connections = Connections(pool_size, self.settings.timeout, self.settings.ca_certs)
        self._watchdog = Watchdog()
        self.resolutions = Resolutions(resolver, self.settings.timeout)
        # Proxies come from the environment (HTTPS_PROXY, NO_PROXY), decided once per origin.
        self._environment_proxies = urllib.request.getproxies()
        self._down: dict[tuple[str, str, int], str] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        started = time.monotonic()
        self._run_ends = (
            None if self.settings.run_deadline is None else started + self.settings.run_deadline
        )
        self.sleep = sleep
        self.counters = Counters()

    def close(self) -> None:
        self._connections.close()

    @property
    def run_deadline_passed(self) -> bool:
        return self._run_ends is not None and time.monotonic() >= self._run_ends

    @contextmanager
    def object_deadline(self, policy: AddressPolicy | None = None) -> Iterator[None]:
        """Every request made in this block, in this thread, shares one object's deadline
        (and ``policy``, where the manifest's configuration has one of its own)."""
        self._local.deadline = self._deadline_from_now()
        self._local.policy = policy
        try:
            yield
        finally:
            self._local.deadline = None
            self._local.policy = None

    @property
    def _policy(self) -> AddressPolicy:
        return getattr(self._local, "policy", None) or self._run_policy

    def read_prefix(
        self, url: str, start: int, stop: int, extra: Mapping[str, str] | None = None
    ) -> Answer:
        """Bytes ``start`` to ``stop - 1`` of the object (fewer at its end). A server that
        ignores Range sends the whole body from 0: then the prefix up to ``stop`` is read.
        ``extra``: conditions (If-None-Match...), sent and signed with the Range."""
        answer = self.request("GET", url, byte_range=(start, stop - 1), limit=stop, extra=extra)
        if answer.status == 416 and start == 0 and answer.size is None:
            # Not even the first byte exists: the object is empty (said without the
            # Content-Range "bytes */0" that a server need not send with it).
            answer.size = 0
        return answer

    def request(
        self,
        method: str,
        url: str,
        byte_range: tuple[int, int] | None = None,
        limit: int = 0,
        extra: Mapping[str, str] | None = None,
    ) -> Answer:
        """One logical request: redirects followed, retries made; FetchError when hopeless."""
        deadline = getattr(self._local, "deadline", None) or self._deadline_from_now()
        headers = dict(extra or {})
        if byte_range is not None:
            headers["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        first = parse_requested(url, redirected=False)
        seen: list[str] = []
        current = first
        while True:
            route = self._route(current)
            # Never in clear text: plain http is signed only where a test server asks for it.
            signed = current.origin == first.origin and (
                current.scheme == "https" or self.settings.sign_plain_http
            )
            answer = self._with_retries(method, current, route, headers, limit, signed, deadline)
            if answer.status in REDIRECTS and "location" in answer.headers:
                seen.append(current.url)
                target = parse_requested(
                    join_location(current.url, answer.headers["location"]), redirected=True
                )
                if target.url in seen or len(seen) > self.settings.max_redirects:
                    loop = target.url in seen
                    what = "loop" if loop else f"more than {self.settings.max_redirects}"
                    raise FetchError("redirects", f"redirect {what} ({len(seen)} hops)")
                current = target  # GET and HEAD, the only methods used, stay as they are
                continue
            return answer

    # -- where a hop goes -------------------------------------------------------------------

    def _route(self, url: ParsedURL) -> Route:
        """The checked route of one hop: RefusedHost and down hosts become FetchError."""
        down = self._down.get(url.origin)
        if down is not None:
            raise FetchError("unreachable", down, host=url.host_header)
        override = self._connect_override(url)
        proxy = None if override else self._proxy_for(url)
        try:
            addresses = self.resolutions.addresses(override[0] if override else url.host)
        except UnresolvedHost as error:
            # Only the command line: a configuration file's allow-hosts may be the pull
            # request's own, and must not make the proxy fetch intranet names.
            if proxy is not None and any(
                p.matches(url.host, url.port, None) for p in self._policy.allow_hosts
            ):
                return Route(url.scheme, url.host, url.port, proxy=proxy)
            if proxy is not None:
                message = (
                    f"{url.host} does not resolve here, so it is not handed to the proxy "
                    f"(an intranet name?); name it with --allow-host {url.host} to let the "
                    "proxy look it up"
                )
                raise FetchError("refused-host", message, host=url.host_header) from None
            message = str(error)
            self._mark_down(url, message)
            raise FetchError("unreachable", message, host=url.host_header) from None
        port = override[1] if override else url.port
        try:
            self._policy.check(url.host, port, addresses)
        except RefusedHost as error:
            raise FetchError("refused-host", str(error), host=url.host_header) from None
        if proxy is not None:
            return Route(url.scheme, url.host, url.port, proxy=proxy)
        return Route(url.scheme, url.host, port, address=addresses[0])

    def _connect_override(self, url: ParsedURL) -> tuple[str, int] | None:
        mapping = self.settings.connect_to
        if not mapping:
            return None
        target = mapping.get(url.host_header) or mapping.get(f"{url.host}:{url.port}")
        if target is None:
            target = mapping.get(url.host)
        if target is None:
            return None
        host, _, port = target.rpartition(":")
        return host.strip("[]"), int(port)

    def _proxy_for(self, url: ParsedURL) -> Proxy | None:
        proxy = self._environment_proxies.get(url.scheme)
        if not proxy or urllib.request.proxy_bypass(url.host):
            return None
        try:
            return Proxy.from_url(proxy)
        except ValueError:
            return None

    def _mark_down(self, url: ParsedURL, message: str) -> None:
        with self._lock:
            # The same words as the first failure's: reports give one finding per host.
            self._down.setdefault(url.origin, message)

    # -- exchanges --------------------------------------------------------------------------

    def _deadline_from_now(self) -> float:
        deadline = time.monotonic() + self.settings.object_deadline
        return deadline if self._run_ends is None else min(deadline, self._run_ends)

    def _with_retries(
        self,
        method: str,
        url: ParsedURL,
        route: Route,
        headers: Mapping[str, str],
        limit: int,
        signed: bool,
        deadline: float,
    ) -> Answer:
        attempt = 0
        while True:
            if time.monotonic() >= deadline:
                raise self.late_error()
            try:
                answer = self._once(method, url, route, headers, limit, signed, deadline)
            except _ConnectFailed as error:
                if attempt >= self.settings.retries or self._down.get(url.origin):
                    self._mark_down(url, str(error))
                    raise FetchError("unreachable", str(error), host=url.host_header) from None
                self._wait(self._backoff(attempt), deadline)
                attempt += 1
                continue
            except (
                urllib3.exceptions.HTTPError,
                http.client.HTTPException,
                OSError,
                ValueError,
            ) as error:
                if time.monotonic() >= deadline:
                    raise self.late_error() from None
                if attempt >= self.settings.retries:
                    raise FetchError("unreachable", connection_message(error)) from None
                self._wait(self._backoff(attempt), deadline)
                attempt += 1
                continue
            if answer.status == 429 or answer.status >= 500:
                if attempt >= self.settings.retries:
                    return answer
                wait = retry_after(answer.headers.get("retry-after"))
                if wait is None:
                    wait = self._backoff(attempt)
                self._wait(min(wait, self.settings.max_retry_after), deadline)
                attempt += 1
                continue
            return answer

    def late_error(self) -> FetchError:
        """Why a request ran out of time: its object's deadline, or the run's."""
        if self.run_deadline_passed:
            return FetchError(
                "run-deadline",
                f"the remote checks' deadline (--deadline {self.settings.run_deadline:g}) passed",
            )
        return FetchError(
            "deadline",
            f"no complete answer within {self.settings.object_deadline:g} s "
            f"({OBJECT_DEADLINE_FACTOR} x --timeout)",
        )

    def _wait(self, seconds: float, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if seconds >= remaining:
            raise self.late_error()
        self.sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        delay: float = self.settings.backoff * (2**attempt)
        return delay * (0.5 + random.random() / 2)

    def _once(
        self,
        method: str,
        url: ParsedURL,
        route: Route,
        base: Mapping[str, str],
        limit: int,
        signed: bool,
        deadline: float,
    ) -> Answer:
        """One HTTP exchange; each is signed anew (its URL and time are in the signature)."""
        headers = dict(base)
        if signed and self.settings.sign is not None:
            # What the request says of the object (Range, conditions) is signed; the signer
            # adds Host from the same parse as the connection's.
            headers.update(self.settings.sign(method, url, dict(base)))
        headers.update({"Host": url.host_header, "User-Agent": USER_AGENT})
        headers.setdefault("Accept-Encoding", "identity")
        if route.proxy is not None and route.proxy.authorization and route.scheme == "http":
            headers["Proxy-Authorization"] = route.proxy.authorization
        # Through a proxy, plain http names the origin in the request line.
        target = url.url if route.proxy is not None and route.scheme == "http" else url.target
        connection, reused = self._connections.take(route)
        with self._watchdog.watch(connection, deadline) as ticket:
            try:
                if connection.sock is None:
                    try:
                        connection.connect()
                    # ValueError: urllib3's CertificateError (a name the certificate lacks).
                    except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
                        raise _ConnectFailed(connection_message(error)) from None
                if ticket.expired:
                    raise TimeoutError("deadline")
                try:
                    connection.request(method, target, headers=headers, preload_content=False)
                    response = connection.getresponse()
                except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                    if not reused or ticket.expired:
                        raise
                    # A kept-alive connection the server had closed: once more, afresh.
                    connection.close()
                    connection.connect()
                    connection.request(method, target, headers=headers, preload_content=False)
                    response = connection.getresponse()
                body = b""
                if method == "GET" and limit and 200 <= response.status < 300:
                    body = read_at_most(response, limit)
                if ticket.expired:
                    raise TimeoutError("deadline")
                answer = Answer(
                    url=url.url,
                    status=response.status,
                    headers={k.lower(): v for k, v in response.headers.items()},
                    body=body,
                    method=method,
                )
                reusable = finished(response, method)
            except BaseException:
                connection.close()
                if ticket.expired:
                    raise self.late_error() from None
                raise
        if reusable:
            self._connections.give_back(route, connection)
        else:
            # Whatever was not read is not wanted: closing drops the connection instead of
            # draining a body that may be gigabytes.
            connection.close()
        answer.size = size_of(answer)
        self.counters.count(method, len(body))
        return answer
