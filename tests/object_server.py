"""A real HTTP object server on 127.0.0.1 for the remote checks: Range support and faults.

Objects are registered by path with their bytes and headers; faults are switched per path:
HEAD refused (405, or 403 as S3 answers a pre-signed GET URL), GET refused (405, 501), Range
ignored, an empty object's 416 with or without Content-Range, a gzip-encoded answer, N answers
of a status before the real one (500, 429 with Retry-After), a dropped connection, a slow
answer, redirects (and loops). Every request is logged (method, path, Range header, body bytes
planned, status), so tests can say what was read.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.loopback import LoopbackServer

_RANGE = re.compile(r"bytes=(\d+)-(\d*)")


@dataclass
class StoredObject:
    body: bytes
    content_type: str = "application/octet-stream"
    #: "head-405", "head-403", "get-405", "get-501", "ignore-range", "drop", "slow:SECONDS",
    #: "status:CODE:TIMES", "retry-after:SECONDS:TIMES", "redirect:PATH", "drip:SECONDS" (the
    #: answer's bytes one at a time, SECONDS apart, headers included), "bare-416" (a 416
    #: without Content-Range), "gzip" (the whole body gzip-compressed, Content-Encoding: gzip,
    #: whatever Accept-Encoding and Range say), "no-etag"
    faults: list[str] = field(default_factory=list)
    etag: str | None = None


@dataclass
class LoggedRequest:
    method: str
    path: str
    range: str | None
    sent: int
    #: The Host header, and the credentials the request carried (Authorization and the
    #: security token), so tests can say where credentials went.
    host: str | None = None
    credentials: tuple[str, ...] = ()
    #: The status answered (None: the connection was dropped, or the answer dripped).
    status: int | None = None


class ObjectServer(LoopbackServer):
    def __init__(self, delay: float = 0.0) -> None:
        self.objects: dict[str, StoredObject] = {}
        self.log: list[LoggedRequest] = []
        self.delay = delay
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], int] = {}
        super().__init__(_handler_for(self))

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def put(
        self, path: str, body: bytes, content_type: str = "application/octet-stream", *faults: str
    ) -> str:
        self.objects[path] = StoredObject(body, content_type, list(faults))
        return self.url(path)

    def requests_for(self, path: str) -> list[LoggedRequest]:
        return [entry for entry in self.log if entry.path == path]

    def times(self, path: str, fault: str) -> int:
        """How many times a counted fault has fired for a path (and count this one)."""
        with self._lock:
            key = (path, fault)
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.log.append(entry)


def _handler_for(server: ObjectServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in separate writes: with Nagle's algorithm on, the body
        # waits for the client's delayed ACK of the headers (40 ms on Linux), a stall that
        # object stores do not have and that would make every answer with a body look slow.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _answer(self, head: bool) -> None:
            if server.delay:
                time.sleep(server.delay)
            path = self.path.split("?", 1)[0]
            if path.startswith("http://"):  # asked as a proxy: absolute URI in the request line
                path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
                path = "/proxied" + path
            stored = server.objects.get(path)
            range_header = self.headers.get("Range")
            if stored is None:
                self._send(
                    404,
                    b"<Error><Code>NoSuchKey</Code></Error>",
                    "application/xml",
                    head,
                    path,
                    range_header,
                )
                return
            for fault in stored.faults:
                name, _, argument = fault.partition(":")
                if name == "head-405" and head:
                    return self._send(405, b"", "text/plain", head, path, range_header)
                if name == "head-403" and head:
                    return self._send(403, b"", "application/xml", head, path, range_header)
                if name in ("get-405", "get-501") and not head:
                    return self._send(int(name[4:]), b"", "text/plain", head, path, range_header)
                if name == "drop":
                    server.record(self._logged(path, range_header, 0))
                    self.close_connection = True
                    self.connection.close()
                    return None
                if name == "slow":
                    time.sleep(float(argument))
                if name == "status":
                    code, times = argument.split(":")
                    if server.times(path, fault) <= int(times):
                        return self._send(int(code), b"", "text/plain", head, path, range_header)
                if name == "retry-after":
                    seconds, times = argument.rsplit(":", 1)
                    if server.times(path, fault) <= int(times):
                        return self._send(
                            429,
                            b"",
                            "text/plain",
                            head,
                            path,
                            range_header,
                            {"Retry-After": seconds},
                        )
                if name == "drip":
                    return self._drip(float(argument), stored.body, path, range_header)
                if name == "redirect":
                    return self._send(
                        302, b"", "text/plain", head, path, range_header, {"Location": argument}
                    )
            body = stored.body
            etag = '"' + hashlib.md5(body).hexdigest() + '"'
            validators = {} if "no-etag" in stored.faults else {"ETag": etag}
            if validators and self.headers.get("If-None-Match") == etag:
                return self._send(
                    304, b"", stored.content_type, True, path, range_header, validators
                )
            if "gzip" in stored.faults:
                packed = gzip.compress(body)
                encoded = {"Content-Encoding": "gzip", **validators}
                return self._send(
                    200, packed, stored.content_type, head, path, range_header, encoded
                )
            match = _RANGE.fullmatch(range_header or "")
            if match and "ignore-range" not in stored.faults:
                start = int(match.group(1))
                end = min(int(match.group(2)) if match.group(2) else len(body) - 1, len(body) - 1)
                if start >= len(body):
                    bare = "bare-416" in stored.faults
                    unsatisfied = {} if bare else {"Content-Range": f"bytes */{len(body)}"}
                    return self._send(416, b"", "text/plain", head, path, range_header, unsatisfied)
                part = body[start : end + 1]
                return self._send(
                    206,
                    part,
                    stored.content_type,
                    head,
                    path,
                    range_header,
                    {"Content-Range": f"bytes {start}-{end}/{len(body)}", **validators},
                )
            return self._send(200, body, stored.content_type, head, path, range_header, validators)

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str,
            head: bool,
            path: str,
            range_header: str | None,
            extra: dict[str, str] | None = None,
        ) -> None:
            # Logged before the answer goes out: a client that has its answer may look at
            # the log at once (a test asserting which requests were made), and logging after
            # sending lost that race on a loaded machine. The bytes are those planned.
            server.record(self._logged(path, range_header, 0 if head else len(body), status))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if not head and body:
                try:
                    for start in range(0, len(body), 65536):
                        self.wfile.write(body[start : start + 65536])
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        def _logged(
            self, path: str, range_header: str | None, sent: int, status: int | None = None
        ) -> LoggedRequest:
            carried = tuple(
                f"{name}: {self.headers[name]}"
                for name in ("Authorization", "x-amz-security-token", "Proxy-Authorization")
                if self.headers.get(name)
            )
            return LoggedRequest(
                self.command, path, range_header, sent, self.headers.get("Host"), carried, status
            )

        def _drip(self, interval: float, body: bytes, path: str, range_header: str | None) -> None:
            """A whole answer, one byte at a time: no read ever waits longer than interval."""
            head = (
                f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n"
                "Content-Type: application/octet-stream\r\nX-Padding: " + "x" * 64 + "\r\n\r\n"
            ).encode()
            server.record(self._logged(path, range_header, 0))
            try:
                for byte in head + body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(interval)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

    return Handler


@contextmanager
def object_server(delay: float = 0.0) -> Iterator[ObjectServer]:
    server = ObjectServer(delay)
    server.start()
    try:
        yield server
    finally:
        server.stop()
