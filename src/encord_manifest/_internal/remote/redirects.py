"""Where a request goes: the URL the manifest lists, then each redirect's ``Location``.

Each is read once (``authority.parse_url``); a URL that cannot be read safely, or a
``Location`` that cannot be joined to the URL it answers, is refused (``refused-url``).
"""

from __future__ import annotations

from urllib.parse import urljoin

from encord_manifest._internal.remote.fetch_errors import FetchError
from encord_manifest._internal.text.authority import ParsedURL, UnsafeURL, parse_url

#: Statuses that send the request on to the ``Location`` they give.
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def join_location(base: str, location: str) -> str:
    """The redirect's target; a Location that cannot even be joined is refused like any
    other URL that is not requested."""
    try:
        return urljoin(base, location)
    except ValueError:
        raise FetchError(
            "refused-url", "a redirect leads to a URL that is not requested: it cannot be parsed"
        ) from None


def parse_requested(url: str, redirected: bool) -> ParsedURL:
    try:
        return parse_url(url)
    except UnsafeURL as error:
        where = "a redirect leads to a URL that is not requested: " if redirected else ""
        raise FetchError("refused-url", f"{where}{error}") from None
