"""Image sequences: each frame's size read from its first bytes on a real server (R817)."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from io import BytesIO

import pytest
from PIL import Image

from encord_manifest.remote.check import RemoteSettings, check
from encord_manifest.remote.http import Fetcher, FetchSettings
from encord_manifest.remote.images import READS, size_of
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
    assert [r.method for r in server.requests_for("/album/1.jpg")] == ["HEAD"]


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
