"""What a server answered, and how much of it is read.

A body is read only as far as asked and never decoded; the headers give the object's size
(Content-Range, or Content-Length for a whole body) and how long to wait before asking again
(Retry-After).
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

import urllib3

_SECONDS = re.compile(r"[0-9]{1,9}")
_CONTENT_RANGE_TOTAL = re.compile(r"bytes\s+(?:\d+-\d+|\*)/(\d+)")
#: Answers to GET that mean "this server does not read objects out with GET; try HEAD".
GET_REFUSED = frozenset({405, 501})


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


def finished(response: urllib3.response.BaseHTTPResponse, method: str) -> bool:
    """Whether the answer was read to its end on a connection the server keeps open (only
    then may the connection carry another request)."""
    original = getattr(response, "_original_response", None)
    if original is None or original.will_close:
        return False
    if method == "HEAD" or response.status in (204, 304):
        response.read()  # no body by definition: this only marks the answer as complete
    return bool(original.isclosed())


def read_at_most(response: urllib3.response.BaseHTTPResponse, limit: int) -> bytes:
    chunks, total = [], 0
    for chunk in response.stream(min(65536, limit), decode_content=False):
        chunks.append(chunk)
        total += len(chunk)
        if total >= limit:
            break
    return b"".join(chunks)[:limit]


def size_of(answer: Answer) -> int | None:
    content_range = answer.headers.get("content-range", "")
    match = _CONTENT_RANGE_TOTAL.match(content_range)
    if match:
        return int(match.group(1))
    if answer.status == 200 or (answer.method == "HEAD" and 200 <= answer.status < 300):
        length = answer.headers.get("content-length")
        if length is not None and length.isdigit():
            return int(length)
    return None


def retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None  # a hostile or broken date: the backoff decides
