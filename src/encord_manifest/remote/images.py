"""An image's width and height from its first bytes, without decoding it.

Pillow reads only the header when an image is opened; where the bytes end before the size is
known (a JPEG whose EXIF block and thumbnail come before the frame header), the caller reads
further: 16 KiB first, then 64 and 256 KiB.
"""

from __future__ import annotations

import warnings
from io import BytesIO

from encord_manifest.remote.http import Answer, Fetcher, FetchError

READS = (16 * 1024, 64 * 1024, 256 * 1024)


def size_of(prefix: bytes) -> tuple[int, int] | None:
    """(width, height) from the first bytes of an image; None when they do not tell."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(BytesIO(prefix)) as image:
                width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return None
    return (width, height) if width > 0 and height > 0 else None


def read_size(fetcher: Fetcher, url: str, first: Answer) -> tuple[int, int] | None:
    """The image's size: from ``first`` (a ranged read of ``READS[0]`` bytes), or reading on."""
    body, whole = first.body, first.size is not None and len(first.body) >= first.size
    for want in (*READS[1:], None):
        size = size_of(body)
        if size is not None or whole or want is None:
            return size
        try:
            answer = fetcher.read_prefix(url, 0, want)
        except FetchError:
            return None
        if not 200 <= answer.status < 300:
            return None
        body = answer.body
        whole = answer.size is not None and len(body) >= answer.size
    return None
