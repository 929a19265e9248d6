"""Fetching what a check needs of an object: headers, and at most a capped prefix of its bytes.

One pooled ``requests`` session for the whole run. Every request:

* checks the host (and every redirect hop's host) with ``safety.check_host`` first, which is
  why redirects are followed here, by hand, rather than by requests;
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

import requests

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
        self.session = requests.Session()
        # Proxy settings come from the environment (HTTPS_PROXY, NO_PROXY), read once per
        # host rather than per request: requests scans the whole environment on every call
        # otherwise, a fifth of the cost of a HEAD (and netrc is no source of bucket access).
        self.session.trust_env = False
        self._environment_proxies = bool(urllib.request.getproxies())
        self._proxies: dict[str, dict[str, str]] = {}
        adapter = requests.adapters.HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        self.resolver = resolver
        self.sleep = sleep
        self.counters = Counters()

    def close(self) -> None:
        self.session.close()

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
        seen: list[str] = []
        current = url
        while True:
            try:
                check_host(
                    self._connect_url(current), self.settings.allow_private_hosts, self.resolver
                )
            except RefusedHost as error:
                raise FetchError("refused-host", str(error)) from None
            answer = self._with_retries(method, current, byte_range, limit, extra)
            if answer.status in (301, 302, 303, 307, 308) and "location" in answer.headers:
                seen.append(current)
                target = urljoin(current, answer.headers["location"])
                if target in seen or len(seen) > self.settings.max_redirects:
                    what = "loop" if target in seen else f"more than {self.settings.max_redirects}"
                    raise FetchError("redirects", f"redirect {what} ({len(seen)} hops)")
                current = target
                if answer.status == 303:
                    method = "GET" if method != "HEAD" else "HEAD"
                continue
            return answer

    def _with_retries(
        self,
        method: str,
        url: str,
        byte_range: tuple[int, int] | None,
        limit: int,
        extra: Mapping[str, str] | None = None,
    ) -> Answer:
        attempt = 0
        while True:
            try:
                answer = self._once(method, url, byte_range, limit, extra)
            except (requests.ConnectionError, requests.Timeout) as error:
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

    def _once(
        self,
        method: str,
        url: str,
        byte_range: tuple[int, int] | None,
        limit: int,
        extra: Mapping[str, str] | None = None,
    ) -> Answer:
        headers: dict[str, str] = dict(extra or {})
        if byte_range is not None:
            headers["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        if self.settings.sign is not None:
            headers.update(self.settings.sign(method, url, headers))
        target = self._connect_url(url)
        if target != url:
            headers["Host"] = urlsplit(url).netloc
        response = self.session.request(
            method,
            target,
            headers=headers,
            allow_redirects=False,
            stream=True,
            timeout=self.settings.timeout,
            proxies=self._proxies_for(url),
        )
        try:
            body = b""
            if method == "GET" and limit and 200 <= response.status_code < 300:
                body = _read_at_most(response, limit)
            answer = Answer(
                url=url,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=body,
                method=method,
            )
        finally:
            # Whatever was not read is not wanted: closing drops the connection instead of
            # draining a body that may be gigabytes.
            response.close()
        answer.size = _size_of(answer)
        self.counters.count(method, len(body))
        return answer

    def _connect_url(self, url: str) -> str:
        if not self.settings.connect_to:
            return url
        parts = urlsplit(url)
        address = self.settings.connect_to.get(parts.netloc)
        return url if address is None else urlunsplit(parts._replace(netloc=address))

    def _proxies_for(self, url: str) -> dict[str, str]:
        if not self._environment_proxies:
            return {}
        origin = urlsplit(url)
        key = f"{origin.scheme}://{origin.netloc}"
        if key not in self._proxies:
            bypass = requests.utils.should_bypass_proxies(url, no_proxy=None)
            self._proxies[key] = {} if bypass else requests.utils.get_environ_proxies(url)
        return self._proxies[key]


def _read_at_most(response: requests.Response, limit: int) -> bytes:
    chunks, total = [], 0
    for chunk in response.raw.stream(65536, decode_content=False):
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
    if isinstance(error, requests.Timeout):
        return "no answer in time"
    text = str(error)
    if (
        "Name or service not known" in text
        or "nodename nor servname" in text
        or "getaddrinfo" in text
    ):
        return "the host name does not resolve"
    if "Connection refused" in text:
        return "the connection was refused"
    if "RemoteDisconnected" in text or "Connection aborted" in text or "reset" in text.lower():
        return "the connection was dropped"
    return "cannot connect"
