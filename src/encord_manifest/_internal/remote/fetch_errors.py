"""How a fetch fails: ``FetchError``, and what went wrong with a connection, in plain words."""

from __future__ import annotations

import http.client

import urllib3


class FetchError(Exception):
    """The object could not be fetched: ``kind`` says how (for the rule it maps to).

    ``host`` is set when the reason is the host's, not the object's (the host is down, or
    refused): every URL on it gets the same answer, which reports then give once per host.
    """

    def __init__(self, kind: str, message: str, host: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.host = host


def connection_message(error: BaseException) -> str:
    """What went wrong, in words that never quote the URL (its query may be a secret)."""
    errors = urllib3.exceptions
    # NewConnectionError is a subclass of the timeout errors in urllib3: ask it first.
    if isinstance(error, errors.NewConnectionError):
        cause = str(error).lower()
        if "refused" in cause:
            return "the connection was refused"
        if "timed out" in cause:
            return "no connection could be made in time"
        return "cannot connect"
    if isinstance(error, errors.ConnectTimeoutError):
        return "no connection could be made in time"
    if isinstance(error, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(error, errors.SSLError) or type(error).__name__.startswith(
        ("SSL", "Certificate")
    ):
        return "the TLS handshake failed (certificate or protocol)"
    if isinstance(error, (errors.TimeoutError, TimeoutError)):
        return "no answer in time"
    if isinstance(error, (errors.ProtocolError, ConnectionError, http.client.HTTPException)):
        return "the connection was dropped"
    return "cannot connect"
