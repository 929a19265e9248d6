"""Fetching what a check needs of an object: headers, and at most a capped prefix of its bytes.

One pool of connections (urllib3, the transport under requests, used directly: it costs
less than half the CPU per request, measured in benchmarks/remote.py) for the whole run. Every request:

* checks the host (and every redirect hop's host) with ``safety.check_host`` first, which is
  why redirects are followed here, by hand;
* retries connection errors, timeouts, 429 and 5xx with exponential backoff, honouring
  Retry-After (seconds or an HTTP date), up to ``retries`` times;
* reads a body only as far as asked (``limit``) and then drops the connection, so a server
  that ignores Range and sends a 2 GB video costs the bytes asked for, not the video.

HEAD is tried first; where HEAD is refused (403/405/501: a pre-signed GET URL signs only GET)
a ranged GET of the first bytes stands in for it.
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3

from encord_manifest.remote.safety import RefusedHost, Resolver, check_host, resolve

USER_AGENT = "encord-manifest (lint --remote)"
_CONTENT_RANGE_TOTAL = re.compile(r"bytes\s+(?:\d+-\d+|\*)/(\d+)")
#: Answers to HEAD that mean "ask with GET instead" (S3 pre-signed GET URLs answer 403).
HEAD_REFUSED = frozenset({400, 403, 405, 501})


class FetchError(Exception):
    """The object could not be fetched: ``kind`` says how (for the rule it maps to)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


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
    #: Extra headers per URL (request signing plugs in here).
    sign: Callable[[str, str, dict[str, str]], dict[str, str]] | None = None
    #: Connect to another address for a host, keeping its name in the Host header and the
    #: signature (curl's --connect-to): for endpoints without public DNS, and for tests.
    connect_to: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Answer:
    """What the server said: status, headers, and the prefix of the body that was read."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    #: The object's size, from Content-Range or (for a whole body) Content-Length.
    size: int | None = None
    method: str = "HEAD"


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


class Fetcher:
    def __init__(
        self,
        settings: FetchSettings | None = None,
        pool_size: int = 16,
        resolver: Resolver = resolve,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._pool_size = pool_size
        self._headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        self._direct = urllib3.PoolManager(num_pools=64, maxsize=pool_size, headers=self._headers)
        # Proxies come from the environment (HTTPS_PROXY, NO_PROXY), decided once per origin.
        self._environment_proxies = urllib.request.getproxies()
        self._routes: dict[str, urllib3.PoolManager] = {}
        self._proxy_managers: dict[str, urllib3.ProxyManager] = {}
        self._lock = threading.Lock()
        self.resolver = resolver
        self.sleep = sleep
        self.counters = Counters()

    def close(self) -> None:
        self._direct.clear()
        for manager in self._proxy_managers.values():
            manager.clear()

    def head(self, url: str) -> Answer:
        """HEAD, or a GET of the first byte where HEAD is refused."""
        answer = self.request("HEAD", url)
        if answer.status in HEAD_REFUSED:
            return self.request("GET", url, byte_range=(0, 0), limit=1)
        return answer

    def revalidate(self, url: str, etag: str | None, last_modified: str | None) -> Answer:
        """A conditional HEAD (a conditional GET of one byte where HEAD is refused): 304 when
        the object is unchanged since it was last checked."""
        conditions = {}
        if etag:
            conditions["If-None-Match"] = etag
        if last_modified:
            conditions["If-Modified-Since"] = last_modified
        answer = self.request("HEAD", url, extra=conditions)
        if answer.status in HEAD_REFUSED:
            answer = self.request("GET", url, byte_range=(0, 0), limit=1, extra=conditions)
        return answer

    def read_prefix(self, url: str, start: int, stop: int) -> Answer:
        """Bytes ``start`` to ``stop - 1`` of the object (fewer at its end). A server that
        ignores Range sends the whole body from 0: then the prefix up to ``stop`` is read."""
        return self.request("GET", url, byte_range=(start, stop - 1), limit=stop)

    def request(
        self,
        method: str,
        url: str,
        byte_range: tuple[int, int] | None = None,
        limit: int = 0,
        extra: Mapping[str, str] | None = None,
    ) -> Answer:
        """One logical request: redirects followed, retries made; FetchError when hopeless."""
        headers = dict(extra or {})
        if byte_range is not None:
            headers["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        seen: list[str] = []
        current = url
        while True:
            try:
                check_host(
                    self._connect_url(current), self.settings.allow_private_hosts, self.resolver
                )
            except RefusedHost as error:
                raise FetchError("refused-host", str(error)) from None
            answer = self._with_retries(method, current, headers, limit)
            if answer.status in (301, 302, 303, 307, 308) and "location" in answer.headers:
                seen.append(current)
                target = urljoin(current, answer.headers["location"])
                if target in seen or len(seen) > self.settings.max_redirects:
                    what = "loop" if target in seen else f"more than {self.settings.max_redirects}"
                    raise FetchError("redirects", f"redirect {what} ({len(seen)} hops)")
                current = target  # GET and HEAD, the only methods used, stay as they are
                continue
            return answer

    def _with_retries(
        self, method: str, url: str, headers: Mapping[str, str], limit: int
    ) -> Answer:
        attempt = 0
        while True:
            try:
                answer = self._once(method, url, headers, limit)
            except (urllib3.exceptions.HTTPError, OSError) as error:
                if attempt >= self.settings.retries:
                    raise FetchError("unreachable", _connection_message(error)) from None
                self.sleep(self._backoff(attempt))
                attempt += 1
                continue
            if answer.status == 429 or answer.status >= 500:
                if attempt >= self.settings.retries:
                    return answer
                wait = _retry_after(answer.headers.get("retry-after"))
                if wait is None:
                    wait = self._backoff(attempt)
                self.sleep(min(wait, self.settings.max_retry_after))
                attempt += 1
                continue
            return answer

    def _backoff(self, attempt: int) -> float:
        delay: float = self.settings.backoff * (2**attempt)
        return delay * (0.5 + random.random() / 2)

    def _once(self, method: str, url: str, base: Mapping[str, str], limit: int) -> Answer:
        """One HTTP exchange; each is signed anew (its URL and time are in the signature)."""
        headers = dict(base)
        if self.settings.sign is not None:
            headers.update(self.settings.sign(method, url, headers))
        target = self._connect_url(url)
        if target != url:
            headers["Host"] = urlsplit(url).netloc
        timeout = urllib3.Timeout(connect=self.settings.timeout, read=self.settings.timeout)
        response = self._manager_for(url).request(
            method,
            target,
            headers={**self._headers, **headers},
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
            timeout=timeout,
        )
        body = b""
        try:
            if method == "GET" and limit and 200 <= response.status < 300:
                body = _read_at_most(response, limit)
            answer = Answer(
                url=url,
                status=response.status,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=body,
                method=method,
            )
        finally:
            if method == "HEAD" or response.status in (204, 304):
                response.release_conn()
            else:
                # Whatever was not read is not wanted: closing drops the connection instead
                # of draining a body that may be gigabytes.
                response.close()
                response.release_conn()
        answer.size = _size_of(answer)
        self.counters.count(method, len(body))
        return answer

    def _connect_url(self, url: str) -> str:
        if not self.settings.connect_to:
            return url
        parts = urlsplit(url)
        address = self.settings.connect_to.get(parts.netloc)
        return url if address is None else urlunsplit(parts._replace(netloc=address))

    def _manager_for(self, url: str) -> urllib3.PoolManager:
        """The direct pool, or the pool of the proxy the environment names for this origin."""
        if not self._environment_proxies:
            return self._direct
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        manager = self._routes.get(origin)
        if manager is None:
            proxy = self._environment_proxies.get(parts.scheme)
            if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
                manager = self._direct
            else:
                with self._lock:
                    if proxy not in self._proxy_managers:
                        self._proxy_managers[proxy] = urllib3.ProxyManager(
                            proxy, num_pools=64, maxsize=self._pool_size, headers=self._headers
                        )
                    manager = self._proxy_managers[proxy]
            self._routes[origin] = manager
        return manager


def _read_at_most(response: urllib3.BaseHTTPResponse, limit: int) -> bytes:
    chunks, total = [], 0
    for chunk in response.stream(65536, decode_content=False):
        chunks.append(chunk)
        total += len(chunk)
        if total >= limit:
            break
    return b"".join(chunks)[:limit]


def _size_of(answer: Answer) -> int | None:
    content_range = answer.headers.get("content-range", "")
    match = _CONTENT_RANGE_TOTAL.match(content_range)
    if match:
        return int(match.group(1))
    if answer.status == 200 or (answer.method == "HEAD" and 200 <= answer.status < 300):
        length = answer.headers.get("content-length")
        if length is not None and length.isdigit():
            return int(length)
    return None


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _connection_message(error: Exception) -> str:
    """What went wrong, in words that never quote the URL (its query may be a secret)."""
    errors = urllib3.exceptions
    # NewConnectionError is a subclass of the timeout errors in urllib3: ask it first.
    if isinstance(error, errors.NameResolutionError):
        return "the host name does not resolve"
    if isinstance(error, errors.NewConnectionError):
        cause = str(error)
        if "Name or service not known" in cause or "nodename nor servname" in cause:
            return "the host name does not resolve"
        if "refused" in cause.lower():
            return "the connection was refused"
        return "cannot connect"
    if isinstance(error, (errors.TimeoutError, TimeoutError)):
        return "no answer in time"
    if isinstance(error, (errors.ProtocolError, ConnectionError)):
        return "the connection was dropped"
    return "cannot connect"
