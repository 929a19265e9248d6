"""Every object's first bytes, in its one request: R805 for what the data type cannot be.

Against the real object server on 127.0.0.1: what is read (one ranged GET of 4 KiB), what is
reported (an HTML page, an XML error document, zero bytes...), and what is not (real files of
each type, text types in text lists, formats not known here).
"""

from __future__ import annotations

import gzip
import struct
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest

from encord_manifest._internal.remote.check import RemoteSettings, check
from encord_manifest._internal.remote.http import Fetcher, FetchSettings
from encord_manifest._internal.remote.magic import looks_binary
from encord_manifest._internal.remote.probe import probe
from encord_manifest._internal.remote.sniff import contradiction, expected, sniff
from encord_manifest._internal.remote.targets import Target
from tests.object_server import ObjectServer, object_server

SETTINGS = FetchSettings(allow_private_hosts=True, retries=0)
HTML = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>login</body></html>"
S3_ERROR = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>Access Denied</Message></Error>"
)
AZURE_ERROR = (
    b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code></Error>'
)
JSON_ERROR = b'{"error": {"code": 404, "message": "No such object"}}'
ZEROS = bytes(10_000)


def png(width: int = 32, height: int = 24) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height)).save(out, "PNG")
    return out.getvalue()


def nifti1() -> bytes:
    return struct.pack("<i", 348) + bytes(340) + b"n+1\x00" + bytes(4) + bytes(1000)


#: Real files, by the data type and extension they are listed with: none is a finding.
GOOD: dict[str, tuple[str, bytes]] = {
    "png": ("images", png()),
    "jpeg": ("images", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(500)),
    "avif": ("images", b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(100)),
    "avif-behind-mif1": ("images", b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avif" + bytes(9)),
    "bmp": ("images", b"BM" + bytes(12) + struct.pack("<I", 40) + bytes(100)),
    "tiff": ("images", b"II*\x00\x08\x00\x00\x00" + bytes(100)),
    "webp": ("images", b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(100)),
    "mp4": ("videos", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(100)),
    "mov": ("videos", b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + bytes(100)),
    "old-mov": ("videos", b"\x00\x00\x00\x08wide\x00\x01\x00\x00mdat" + bytes(100)),
    "webm": ("videos", b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + bytes(100)),
    "mp3-id3": ("audio", b"ID3\x04\x00\x00\x00\x00\x01\x00" + bytes(200)),
    "mp3-frame": ("audio", b"\xff\xfb\x90\x64" + bytes(400)),
    "wav": ("audio", b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(100)),
    "flac": ("audio", b"fLaC\x00\x00\x00\x22" + bytes(100)),
    "m4a": ("audio", b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A mp42" + bytes(100)),
    "eac3": ("audio", b"\x0b\x77\x01\x7f\x3f\x86" + bytes(100)),
    "pdf": ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(100)),
    "pdf-behind-junk": ("pdf", b"\r\n" * 200 + b"%PDF-1.4\n" + bytes(100)),
    "nii": ("nifti", nifti1()),
    "nii-big-endian": ("nifti", struct.pack(">i", 348) + bytes(340) + b"n+1\x00" + bytes(100)),
    "nii2": ("nifti", struct.pack("<i", 540) + b"n+2\x00\r\n\x1a\n" + bytes(600)),
    "nii.gz": ("nifti", gzip.compress(nifti1(), mtime=0)),
    "html-as-text": ("text", HTML),
    "xml-as-text": ("text", S3_ERROR),
    "json-as-text": ("text", JSON_ERROR),
    "utf-16-text-without-bom": ("text", "plain words, 一 中文".encode("utf-16-le") * 20),
    "latin-1-text": ("text", "Grüße aus Köln\n".encode("latin-1") * 20),
}
#: Point clouds (and a scene's other files), judged by the URL's extension.
GOOD_SCENE_FILES: dict[str, bytes] = {
    "lidar.pcd": b"# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\nFIELDS x y z\n",
    "bare.pcd": b"VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\n",
    "mesh.ply": b"ply\nformat binary_little_endian 1.0\nelement vertex 8\n" + bytes(100),
    "scan.las": b"LASF" + bytes(20) + b"\x01\x02" + bytes(300),
    "scan.laz": b"LASF" + bytes(20) + b"\x01\x04" + bytes(300),
    "drive.mcap": b"\x89MCAP0\r\n" + bytes(100),
    "drive.bag": b"#ROSBAG V2.0\n" + bytes(100),
    "drive.db3": b"SQLite format 3\x00" + bytes(100),
    "camera.jpg": b"\xff\xd8\xff\xe0" + bytes(100),
    "calibration.json": b'{"fx": 1000.0, "fy": 1000.0}',
    "model.gltf": b'{"asset": {"version": "2.0"}}',
}


@pytest.fixture(scope="module")
def server() -> Iterator[ObjectServer]:
    with object_server() as running:
        yield running


def messages(data: dict[str, object], **settings: object) -> tuple[list[str], Fetcher]:
    fetcher = Fetcher(SETTINGS)
    findings = check(data, RemoteSettings(fetch=SETTINGS, **settings), fetcher)  # type: ignore[arg-type]
    return [f"{f.code} {f.message}" for f in findings], fetcher


def listed(list_key: str, url: str) -> dict[str, object]:
    if list_key == "image_groups":
        return {list_key: [{"title": "g", "createVideo": False, "objectUrl_0": url}]}
    return {list_key: [{"objectUrl": url}]}


def scene_probe(
    server: ObjectServer, name: str, body: bytes, list_key: str = "scenes"
) -> list[str]:
    """A scene's file (or a time series'), as the targets of those entries will be probed."""
    url = server.put(f"/{list_key}/{name}", body)
    target = Target(url, list_key, ((list_key, 0, "objectUrl"),))
    result = probe(target, RemoteSettings(fetch=SETTINGS), Fetcher(SETTINGS))
    return [f"{code} {message}" for code, message in result.verdicts]


# -- what is reported --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("list_key", "name", "noun"),
    [
        ("images", "photo.jpg", "an image"),
        ("image_groups", "page.png", "an image"),
        ("videos", "clip.mp4", "a video"),
        ("audio", "song.mp3", "an audio file"),
        ("pdf", "doc.pdf", "a PDF document"),
        ("nifti", "brain.nii.gz", "a NIfTI volume"),
    ],
)
def test_an_html_page_in_any_media_list_is_r805(
    server: ObjectServer, list_key: str, name: str, noun: str
) -> None:
    url = server.put(f"/html/{list_key}/{name}", HTML, "application/octet-stream")
    found, fetcher = messages(listed(list_key, url))
    assert found == [f"R805 the object is an HTML page, not {noun} (an error page?)"]
    # In the one request the object costs anyway: no HEAD, no second read.
    assert [(r.method, r.range) for r in server.requests_for(f"/html/{list_key}/{name}")] == [
        ("GET", "bytes=0-4095")
    ]
    assert fetcher.counters.requests == {"GET": 1}


def test_an_html_page_as_a_point_cloud_is_r805(server: ObjectServer) -> None:
    assert scene_probe(server, "left_001.pcd", HTML) == [
        "R805 the object is an HTML page, not a PCD point cloud (an error page?)"
    ]
    assert scene_probe(server, "sweep.las", S3_ERROR) == [
        "R805 the object is an XML error document, not a LAS point cloud (an error page?)"
    ]
    # A scene file of no known extension (a model, a calibration): pages and zeros only.
    assert scene_probe(server, "model.bin", HTML) == [
        "R805 the object is an HTML page, not a scene file (an error page?)"
    ]


def test_an_html_page_as_a_sequence_frame_is_r805_and_its_size_is_not_read(
    server: ObjectServer,
) -> None:
    frame = server.put("/html/seq/0.jpg", HTML)
    found, fetcher = messages({"image_groups": [{"title": "g", "objectUrl_0": frame}]})
    assert found == ["R805 the object is an HTML page, not an image (an error page?)"]
    assert fetcher.counters.requests == {"GET": 1}


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (S3_ERROR, "an XML error document"),
        (AZURE_ERROR, "an XML error document"),
        (b"<?xml version='1.0'?><ListBucketResult/>", "an XML document"),
        (JSON_ERROR, "a JSON document"),
        (b"Access denied\n", "plain text"),
        (b"PK\x03\x04" + bytes(100), "a ZIP archive"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "a PNG image"),
    ],
)
def test_documents_and_other_types_listed_as_a_video(
    server: ObjectServer, body: bytes, what: str
) -> None:
    url = server.put(f"/doc/{abs(hash(body))}.mp4", body, "video/mp4")
    found, _ = messages(listed("videos", url))
    why = "by its first bytes" if what in ("a ZIP archive", "a PNG image") else "an error page?"
    assert found == [f"R805 the object is {what}, not a video ({why})"]


@pytest.mark.parametrize("list_key", ["images", "videos", "audio", "pdf", "nifti", "text"])
def test_zero_bytes_are_r805_in_every_list(server: ObjectServer, list_key: str) -> None:
    url = server.put(f"/zeros/{list_key}.bin", ZEROS)
    found, _ = messages(listed(list_key, url))
    (finding,) = found
    assert finding.startswith("R805 the object is all zero bytes (all 4,096 read), not ")
    assert finding.endswith("(a file whose data was never written?)")


def test_a_format_of_the_family_that_encord_does_not_import(server: ObjectServer) -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)
    found, _ = messages(listed("images", server.put("/family/photo.heic.jpg", heic)))
    assert found == ["R805 the object is a HEIC image, a format Encord does not import as an image"]


def test_text_lists_take_text_types_and_refuse_binary(server: ObjectServer) -> None:
    binary = b"\x7fELF\x02\x01\x01" + bytes(9) + bytes(range(256)) * 8
    found, _ = messages(listed("text", server.put("/text/notes.txt", binary)))
    assert found == ["R805 the object is binary data, not a text file (by its first bytes)"]
    found, _ = messages(listed("text", server.put("/text/pic.txt", png())))
    assert found == ["R805 the object is a PNG image, not a text file (by its first bytes)"]


# -- what is not ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOOD))
def test_real_files_of_each_type_are_clean(server: ObjectServer, name: str) -> None:
    list_key, body = GOOD[name]
    found, fetcher = messages(listed(list_key, server.put(f"/good/{name}", body)))
    assert found == []
    assert fetcher.counters.requests == {"GET": 1}


@pytest.mark.parametrize("name", sorted(GOOD_SCENE_FILES))
def test_real_scene_files_are_clean(server: ObjectServer, name: str) -> None:
    assert scene_probe(server, name, GOOD_SCENE_FILES[name]) == []


def test_a_real_png_in_images_is_clean_and_costs_one_ranged_get(server: ObjectServer) -> None:
    body = png(640, 480) + bytes(10_000)
    url = server.put("/real/cat.png", body, "image/png")
    found, fetcher = messages(listed("images", url))
    assert found == []
    assert [(r.method, r.range, r.status) for r in server.requests_for("/real/cat.png")] == [
        ("GET", "bytes=0-4095", 206)
    ]
    assert fetcher.counters.body_bytes == 4096


def test_time_series_are_judged_as_text(server: ObjectServer) -> None:
    assert scene_probe(server, "t.csv", b"time,x\n0,1.5\n", "time_series") == []
    assert scene_probe(server, "z.csv", ZEROS, "time_series") == [
        "R805 the object is all zero bytes (all 4,096 read), not a text file "
        "(a file whose data was never written?)"
    ]


def test_point_cloud_formats_are_told_apart_by_extension(server: ObjectServer) -> None:
    ply = GOOD_SCENE_FILES["mesh.ply"]
    assert scene_probe(server, "wrong.las", ply) == [
        "R805 the object is a PLY point cloud, not a LAS point cloud (by its first bytes)"
    ]


# -- how it is read ---------------------------------------------------------------------------


def test_a_server_that_ignores_range_costs_only_the_first_bytes(server: ObjectServer) -> None:
    # 50 MB answered whole with 200: 4 KiB are read, the connection dropped, the size is the
    # Content-Length (R807 says so).
    url = server.put("/norange/page.jpg", HTML + bytes(50_000_000), "image/jpeg", "ignore-range")
    found, fetcher = messages(listed("images", url), max_object_bytes=10_000_000)
    assert found == [
        "R807 the object is 50.0 MB; the configured limit is 10.0 MB",
        "R805 the object is an HTML page, not an image (an error page?)",
    ]
    assert fetcher.counters.body_bytes == 4096
    assert fetcher.counters.requests == {"GET": 1}


@pytest.mark.parametrize("fault", ["", "bare-416"])
def test_an_empty_object_answers_416_and_is_r803(server: ObjectServer, fault: str) -> None:
    url = server.put(f"/empty/{fault or 'plain'}.jpg", b"", "image/jpeg", *filter(None, [fault]))
    found, _ = messages(listed("images", url))
    assert found == ["R803 the object is empty (0 bytes)"]
    assert [r.status for r in server.requests_for(f"/empty/{fault or 'plain'}.jpg")] == [416]


@pytest.mark.parametrize("refusal", ["get-405", "get-501"])
def test_where_get_is_refused_head_stands_in(server: ObjectServer, refusal: str) -> None:
    path = f"/noget/{refusal}.jpg"
    url = server.put(path, HTML, "text/html", refusal)
    found, _ = messages(listed("images", url), max_object_bytes=10)
    # Existence, size and Content-Type from HEAD; the bytes are not known.
    assert found == [
        f"R807 the object is {len(HTML) / 1e6:,.1f} MB; the configured limit is 0.0 MB",
        "R806 the server says the object is text/html, not an image",
    ]
    assert [r.method for r in server.requests_for(path)] == ["GET", "HEAD"]


def test_a_gzip_encoded_answer_is_judged_by_what_it_inflates_to(server: ObjectServer) -> None:
    jpeg = server.put("/gz/cat.jpg", b"\xff\xd8\xff\xe0" + bytes(100_000), "image/jpeg", "gzip")
    page = server.put("/gz/dog.jpg", HTML * 100, "image/jpeg", "gzip")
    found, _ = messages({"images": [{"objectUrl": jpeg}, {"objectUrl": page}]})
    assert found == ["R805 the object is an HTML page, not an image (an error page?)"]


def test_a_cached_verdict_is_revalidated_without_a_body(
    server: ObjectServer, tmp_path: Path
) -> None:
    from encord_manifest._internal.remote.cache import ResultCache

    url = server.put("/cached/page.jpg", HTML, "image/jpeg")
    cache = ResultCache(tmp_path)
    first, _ = messages(listed("images", url), cache=cache)
    again, fetcher = messages(listed("images", url), cache=cache)
    assert first == again == ["R805 the object is an HTML page, not an image (an error page?)"]
    requests = server.requests_for("/cached/page.jpg")
    assert [(r.method, r.range, r.status) for r in requests] == [
        ("GET", "bytes=0-4095", 206),
        ("GET", "bytes=0-4095", 304),
    ]
    assert fetcher.counters.body_bytes == 0


# -- the tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"BMW service report, 2024\n" * 4, "text"),  # "BM", but no bitmap header
        (b"ID3 tags are written first\n", "text"),
        (b"fLaC is the FLAC magic\n", "text"),
        (b"[section]\nkey = value\n", "text"),  # an INI file is no JSON
        (b"[1, 2, 3]", "json"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
        (b"<!-- generated -->\n<html><body/></html>", "html"),
        (b"<?xml version='1.0'?><log><error>disk</error></log>", "xml"),  # not an error answer
        (b"\xff\xf1\x50\x80", None),  # ADTS AAC: not an MP3
        (b"\x00\x00\x00\x20ftypM4V \x00\x00\x00\x00M4V M4A mp42isom", "mp4"),
        (gzip.compress(b"not a volume", mtime=0), "gzip"),
        (gzip.compress(nifti1(), mtime=0), "nifti-gzip"),
        (b"\x00" * 8, "zeros"),
    ],
)
def test_signatures(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


def test_expectations_by_extension() -> None:
    def noun(list_key: str, url: str) -> str | None:
        wanted = expected(list_key, url)
        return None if wanted is None else wanted.noun

    assert noun("scenes", "https://b/x/left_001.PCD?X-Amz-Signature=s") == "PCD point cloud"
    assert noun("scenes", "https://b/x/cam.jpeg") == "image"
    assert noun("scenes", "https://b/x.y/stream") == "scene file"
    assert noun("time_series", "https://b/t.csv") == "text file"
    assert noun("unknown_list", "https://b/t.csv") is None


def test_text_encodings_are_not_binary() -> None:
    for text in ("plain", "Grüße", "日本語", "一二三 abc"):
        for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "latin-1", "shift_jis", "gbk"):
            try:
                raw = (text + "\n").encode(codec) * 50
            except UnicodeEncodeError:
                continue
            assert not looks_binary(raw), (text, codec)
    wanted = expected("text", "https://b/notes.txt")
    assert wanted is not None
    for raw in ("x y".encode("utf-16"), "\ufeffx y".encode("utf-16-be"), "x y".encode("utf-32")):
        assert contradiction(wanted, raw) is None, raw  # a byte-order mark: FF FE, FE FF
    # Small numbers in 16-bit words: valid UTF-8 and UTF-16, but no text.
    assert looks_binary(b"\x01\x00\x02\x00\x03\x00\x00\x00" * 100)
