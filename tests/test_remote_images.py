"""Image sequences: each frame's size read from its first bytes on a real server (R817), and
headers that claim huge images or are broken (R818, never a traceback)."""

from __future__ import annotations

import struct
import tracemalloc
import warnings
import zlib
from collections.abc import Iterator
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from encord_manifest._internal.remote.check import RemoteSettings, check
from encord_manifest._internal.remote.http import Fetcher, FetchSettings
from encord_manifest._internal.remote.images import MAX_FRAME_PIXELS, READS, frame_verdicts, size_of
from tests.object_server import ObjectServer, object_server

SETTINGS = FetchSettings(allow_private_hosts=True, retries=0)


def image(width: int, height: int, format: str = "JPEG", exif_padding: int = 0) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (40, 80, 120)).save(out, format)
    raw = out.getvalue()
    if exif_padding:  # an APP1 segment (EXIF and thumbnail) before the frame header
        segment = b"Exif\x00\x00" + b"\x00" * exif_padding
        raw = raw[:2] + b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment + raw[2:]
    return raw


@pytest.fixture(scope="module")
def server() -> Iterator[ObjectServer]:
    with object_server() as running:
        yield running


def run(server: ObjectServer, group: dict[str, object]) -> list[tuple[str, object, object, str]]:
    findings = check({"image_groups": [group]}, RemoteSettings(fetch=SETTINGS), Fetcher(SETTINGS))
    return [
        (f.code, f.pointer[-1], f.related[-1] if f.related else None, f.message) for f in findings
    ]


def test_a_frame_of_another_size_is_reported_against_the_first(server: ObjectServer) -> None:
    urls = [
        server.put("/walk/0.jpg", image(640, 480), "image/jpeg"),
        server.put("/walk/1.png", image(640, 480, "PNG"), "image/png"),
        server.put("/walk/2.jpg", image(320, 240), "image/jpeg"),
    ]
    group = {
        "title": "walk",
        "createVideo": True,
        **{f"objectUrl_{i}": u for i, u in enumerate(urls)},
    }
    assert run(server, group) == [
        (
            "R817",
            "objectUrl_2",
            "objectUrl_0",
            "frame is 320x240, the sequence's first frame is 640x480; it will be resized",
        )
    ]
    # Each frame: one ranged GET of the first bytes, no HEAD.
    assert [(r.method, r.range) for r in server.requests_for("/walk/0.jpg")] == [
        ("GET", f"bytes=0-{READS[0] - 1}")
    ]


def test_groups_that_are_not_sequences_may_mix_sizes(server: ObjectServer) -> None:
    urls = [server.put("/album/0.jpg", image(640, 480)), server.put("/album/1.jpg", image(10, 10))]
    group = {"title": "album", "createVideo": False, "objectUrl_0": urls[0], "objectUrl_1": urls[1]}
    assert run(server, group) == []
    # Not frames: the first 4 KiB only, their size is not read.
    assert [(r.method, r.range) for r in server.requests_for("/album/1.jpg")] == [
        ("GET", "bytes=0-4095")
    ]


def test_a_long_exif_block_is_read_past(server: ObjectServer) -> None:
    raw = image(800, 600, exif_padding=40_000)
    assert size_of(raw[: READS[0]]) is None and size_of(raw) == (800, 600)
    urls = [server.put("/exif/0.jpg", image(640, 480)), server.put("/exif/1.jpg", raw)]
    group = {
        "title": "exif",
        "objectUrl_0": urls[0],
        "objectUrl_1": urls[1],
    }  # no createVideo: a sequence
    fetcher = Fetcher(SETTINGS)
    findings = check(
        {
            "image_groups": [group],
        },
        RemoteSettings(fetch=SETTINGS),
        fetcher,
    )
    assert [f.message for f in findings] == [
        "frame is 800x600, the sequence's first frame is 640x480; it will be resized"
    ]
    assert [r.range for r in server.requests_for("/exif/1.jpg")] == [
        f"bytes=0-{READS[0] - 1}",
        f"bytes=0-{READS[1] - 1}",
    ]


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF"])
def test_sizes_from_the_first_bytes(format: str) -> None:
    raw = image(321, 123, format)
    assert size_of(raw[: READS[0]]) == (321, 123)
    assert size_of(b"<html>not an image</html>") is None


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def claiming(format: str, width: int, height: int, lossless: bool = False) -> bytes:
    """A small real image whose header is patched to claim ``width`` x ``height``."""
    out = BytesIO()
    Image.new("RGB", (64, 48), (40, 80, 120)).save(out, format, lossless=lossless)
    raw = bytearray(out.getvalue())
    if format == "PNG":
        ihdr = b"IHDR" + struct.pack(">II", width, height) + bytes(raw[24:29])
        raw[12:33] = ihdr + struct.pack(">I", zlib.crc32(ihdr))
    elif format == "GIF":  # the logical screen and the first image descriptor
        raw[6:10] = struct.pack("<HH", width, height)
        at = raw.index(b"\x2c")
        raw[at + 5 : at + 9] = struct.pack("<HH", width, height)
    elif format == "JPEG":
        at = raw.index(b"\xff\xc0")
        raw[at + 5 : at + 9] = struct.pack(">HH", height, width)
    elif format == "BMP":
        raw[18:26] = struct.pack("<ii", width, height)
    elif format == "WEBP" and lossless:
        assert raw[12:16] == b"VP8L"
        raw[21:25] = ((width - 1) | (height - 1) << 14).to_bytes(4, "little")
    elif format == "WEBP":
        assert raw[12:16] == b"VP8 "
        raw[26:30] = struct.pack("<HH", width, height)
    elif format == "TIFF":
        ifd = struct.unpack("<I", raw[4:8])[0]
        for i in range(struct.unpack("<H", raw[ifd : ifd + 2])[0]):
            at = ifd + 2 + 12 * i
            tag, kind = struct.unpack("<HH", raw[at : at + 4])
            if tag in (256, 257):
                value = width if tag == 256 else height
                packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
                raw[at + 8 : at + 12] = packed
    return bytes(raw)


def vp8x(width: int, height: int) -> bytes:
    """A WebP of the extended format whose VP8X chunk claims the canvas size."""
    chunk = b"VP8X" + struct.pack("<I", 10) + b"\x00" * 4
    chunk += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def test_a_frame_claiming_30000x30000_is_a_finding_and_the_run_goes_on(
    server: ObjectServer,
) -> None:
    """It was `internal error: DecompressionBombError`, and every finding of the run lost."""
    group = {
        "title": "bomb",
        "createVideo": True,
        "objectUrl_0": server.put("/bomb/0.png", claiming("PNG", 640, 480), "image/png"),
        "objectUrl_1": server.put("/bomb/1.png", claiming("PNG", 30000, 30000), "image/png"),
        "objectUrl_2": server.url("/bomb/missing.png"),
    }
    found = run(server, group)
    assert ("R801", "objectUrl_2", None, "object not found (HTTP 404)") in found
    assert (
        "R818",
        "objectUrl_1",
        None,
        "frame's header says 30000x30000, 900,000,000 pixels; the limit is 89,478,485 "
        "(a decompression bomb, or too large to become a video)",
    ) in found
    # Only the header was asked for, once.
    assert [r.range for r in server.requests_for("/bomb/1.png")] == [f"bytes=0-{READS[0] - 1}"]


@pytest.mark.parametrize(
    ("format", "width", "height", "lossless"),
    [
        ("PNG", 30000, 30000, False),
        ("PNG", 10000, 10000, False),  # over Pillow's warning limit, under its error limit
        ("GIF", 65535, 65535, False),
        ("JPEG", 65535, 65535, False),
        ("BMP", 100000, 100000, False),
        ("TIFF", 65535, 65535, False),
        ("WEBP", 16383, 16383, False),
        ("WEBP", 10000, 10000, True),
    ],
)
def test_each_format_claiming_too_many_pixels_has_its_size_reported(
    format: str, width: int, height: int, lossless: bool
) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DecompressionBombWarning (nor any other) escapes
        assert size_of(claiming(format, width, height, lossless)[: READS[0]]) == (width, height)
    assert limit == Image.MAX_IMAGE_PIXELS  # Pillow's global left as it was
    [(code, message)] = frame_verdicts((width, height))
    assert code == "R818" and f"{width}x{height}, {width * height:,} pixels" in message


def test_a_vp8x_canvas_too_large_is_never_handed_to_libwebp() -> None:
    assert size_of(vp8x(16384, 16384)) == (16384, 16384)
    assert size_of(vp8x(12000, 12000)) == (12000, 12000)  # Pillow would open this one
    assert size_of(vp8x(9000, 9000)) is None  # no frame after the VP8X: not an image


def test_the_limit_is_pillows_default_and_exactly_at_it_is_no_finding() -> None:
    assert MAX_FRAME_PIXELS == 89_478_485 == Image.MAX_IMAGE_PIXELS
    assert frame_verdicts((MAX_FRAME_PIXELS, 1)) == []
    assert frame_verdicts((MAX_FRAME_PIXELS + 1, 1)) != []
    assert frame_verdicts(None) == []


def test_text_chunks_after_ihdr_are_never_inflated() -> None:
    """zTXt chunks of 1 MB of zeros each (1 KB deflated): Pillow would inflate 64 MB of them."""
    text = zlib.compress(b"\x00" * 999_000, 9)
    raw = claiming("PNG", 640, 480)
    chunks = b"".join(_chunk(b"zTXt", b"k%d\x00\x00" % n + text) for n in range(240))
    bomb = raw[:33] + chunks + raw[33:]
    assert len(bomb) < READS[2]
    tracemalloc.start()
    try:
        assert size_of(bomb) == (640, 480)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, peak


def test_formats_encord_does_not_accept_are_not_tried() -> None:
    """TGA has no signature: Pillow's plugin would take these bytes for a 256x256 image."""
    tga = bytes([0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 24, 0]) + b"\x00" * 1000
    assert Image.open(BytesIO(tga)).size == (256, 256)
    assert size_of(tga) is None


@pytest.mark.parametrize(
    "error",
    [
        MemoryError(),
        struct.error("unpack requires a buffer of 4 bytes"),
        TypeError("broken"),
        IndexError("broken"),
        KeyError("broken"),
        RecursionError(),
        ZeroDivisionError(),
    ],
    ids=lambda error: type(error).__name__,
)
def test_whatever_pillow_raises_means_size_unknown(
    error: Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    def opens(*args: object, **kwargs: object) -> object:
        raise error

    monkeypatch.setattr(Image, "open", opens)
    assert size_of(image(64, 48, "PNG")) is None


def test_a_bomb_error_of_any_kind_has_the_header_read_again_unchecked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = type("Bomb", (Image.DecompressionBombError,), {})

    def opens(*args: object, **kwargs: object) -> object:
        raise bomb("a subclass")

    monkeypatch.setattr(Image, "open", opens)
    assert size_of(image(64, 48, "PNG")) == (64, 48)
    # And should that read fail too: size unknown, no traceback.
    monkeypatch.setitem(Image.OPEN, "PNG", (opens, None))
    assert size_of(image(64, 48, "PNG")) is None


_FUZZED = {f: image(40, 30, f) for f in ("PNG", "JPEG", "GIF", "TIFF", "WEBP", "BMP")}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    format=st.sampled_from(sorted(_FUZZED)),
    length=st.integers(0, 2000),
    changes=st.lists(st.tuples(st.integers(0, 1999), st.integers(0, 255)), max_size=12),
)
def test_mutated_and_cut_headers_never_raise(
    format: str, length: int, changes: list[tuple[int, int]]
) -> None:
    raw = bytearray(_FUZZED[format][:length])
    for at, value in changes:
        if at < len(raw):
            raw[at] = value
    size = size_of(bytes(raw))
    assert size is None or (len(size) == 2 and min(size) > 0)
    frame_verdicts(size)
