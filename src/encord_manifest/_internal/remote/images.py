"""An image's width and height from its first bytes, without decoding it.

Pillow reads only the header when an image is opened; where the bytes end before the size is
known (a JPEG whose EXIF block and thumbnail come before the frame header), the caller reads
further: 16 KiB first, then 64 and 256 KiB.

The bytes are hostile until shown otherwise. Pillow's decompression-bomb check stays on (its
global limit is never changed here); only the plugin of the format the bytes say they are is
tried; a PNG is handed on only as far as its IHDR chunk; and whatever Pillow raises on broken
headers means "size unknown", never a traceback. A size over ``MAX_FRAME_PIXELS`` is reported
(R818) with the width and height the header claims.
"""

from __future__ import annotations

import warnings
from io import BytesIO

from encord_manifest._internal.remote.answers import Answer
from encord_manifest._internal.remote.fetch_errors import FetchError
from encord_manifest._internal.remote.http import Fetcher
from encord_manifest._internal.remote.sniff import sniff
from encord_manifest._internal.rules import remote as rules

READS = (16 * 1024, 64 * 1024, 256 * 1024)

#: Frames of more pixels than this are reported (R818). It is Pillow's default
#: ``MAX_IMAGE_PIXELS`` (a 24-bit image of 256 MiB), the size above which Pillow warns that an
#: image may be a decompression bomb, and past twice which it refuses to open it: a frame this
#: large is a bomb or a mistake, and any tool reading it with default settings meets the same
#: wall. A constant of our own rather than Pillow's global, which another program sharing the
#: interpreter may have changed (or set to None).
MAX_FRAME_PIXELS = 1024 * 1024 * 1024 // 4 // 3

#: Pillow's plugin for each kind that Encord accepts as an image. Pillow's other plugins are
#: never tried: attack surface for formats Encord refuses anyway, and TGA's takes any bytes
#: for an image of some size.
_FORMATS = {
    "jpeg": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "bmp": "BMP",
    "tiff": "TIFF",
    "webp": "WEBP",
    "avif": "AVIF",
}
#: An empty IDAT chunk's header: where Pillow stops reading a PNG's header.
_PNG_END = b"\x00\x00\x00\x00IDAT"

Verdict = tuple[str, str]


def size_of(prefix: bytes) -> tuple[int, int] | None:
    """(width, height) from the first bytes of an image; None when they do not tell."""
    from PIL import Image

    format = _FORMATS.get(sniff(prefix) or "")
    data = _png_header(prefix) if format == "PNG" else prefix
    if format is None or data is None:
        return None
    if format == "WEBP":
        claimed = _webp_size(data)
        if claimed is not None and claimed[0] * claimed[1] > MAX_FRAME_PIXELS:
            return claimed  # not for libwebp, which allocates the canvas when it opens a file
    try:
        width, height = _header_size(data, format, checked=True)
    except Image.DecompressionBombError:
        # Raised once the header is read, so the claimed size is there: read it again without
        # Pillow's check (the header only, never the pixels) so that R818 can say what it is.
        # (Pillow's WebP plugin checks before its reading, but a WebP over MAX_FRAME_PIXELS
        # never gets here; over Pillow's limit but not ours, when another program lowered it.)
        try:
            size = _webp_size(data) if format == "WEBP" else _header_size(data, format, False)
        except Exception:  # cannot happen: the same bytes read the same way
            return None
        if size is None:
            return None
        width, height = size
    except Exception:
        # Pillow's plugins raise what they meet on hostile headers: OSError, SyntaxError,
        # ValueError, EOFError, struct.error, IndexError, TypeError, KeyError, MemoryError,
        # RecursionError... Each means the header does not tell the size.
        return None
    return (width, height) if width > 0 and height > 0 else None


def _header_size(data: bytes, format: str, checked: bool) -> tuple[int, int]:
    from PIL import Image

    with warnings.catch_warnings():
        # DecompressionBombWarning (MAX_FRAME_PIXELS decides), corrupt EXIF, ...: not for stderr.
        warnings.simplefilter("ignore")
        if checked:
            image = Image.open(BytesIO(data), formats=(format,))
        else:
            factory, _ = Image.OPEN[format]  # what Image.open calls, before its check
            image = factory(BytesIO(data), "")
        with image:
            return image.size


def _png_header(prefix: bytes) -> bytes | None:
    """The signature and IHDR chunk (where the size is), then an empty IDAT: the chunks in
    between are not handed to Pillow, which inflates every zTXt, iTXt and iCCP chunk it meets
    before the first IDAT (up to 64 MiB, 0.3 s, from a header of 256 KiB). None when IHDR is
    not the first chunk, as PNG requires."""
    if len(prefix) < 33 or prefix[8:16] != b"\x00\x00\x00\x0dIHDR":
        return None
    return prefix[:33] + _PNG_END


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """A WebP's canvas size from its first chunk (VP8X, VP8L or VP8), as libwebp reads it."""
    chunk, body = data[12:16], data[20:30]
    if len(body) < 10:
        return None
    if chunk == b"VP8X":  # 24-bit width - 1, height - 1 after 4 bytes of flags
        return int.from_bytes(body[4:7], "little") + 1, int.from_bytes(body[7:10], "little") + 1
    if chunk == b"VP8L" and body[0] == 0x2F:  # 14-bit width - 1, height - 1
        bits = int.from_bytes(body[1:5], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and body[3:6] == b"\x9d\x01\x2a":  # a key frame: 14-bit sizes
        return (
            int.from_bytes(body[6:8], "little") & 0x3FFF,
            int.from_bytes(body[8:10], "little") & 0x3FFF,
        )
    return None


def frame_verdicts(size: tuple[int, int] | None) -> list[Verdict]:
    """R818 for a frame whose header claims more than ``MAX_FRAME_PIXELS``."""
    if size is None or size[0] * size[1] <= MAX_FRAME_PIXELS:
        return []
    width, height = size
    return [
        (
            rules.SEQUENCE_FRAME_TOO_LARGE,
            f"frame's header says {width}x{height}, {width * height:,} pixels; the limit is "
            f"{MAX_FRAME_PIXELS:,} (a decompression bomb, or too large to become a video)",
        )
    ]


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
