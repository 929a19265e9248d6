"""DICOM headers over HTTP Range reads from a real server (spec 6 and 6.1), and series rules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from encord_manifest.remote.check import RemoteSettings, check
from encord_manifest.remote.dicom import FIRST_READ, MAX_REQUESTS, parse, read_header
from encord_manifest.remote.http import Fetcher, FetchSettings
from tests.dicom_files import derived, enhanced, header_values, sample, sample_names
from tests.object_server import ObjectServer, object_server

SETTINGS = FetchSettings(allow_private_hosts=True, retries=0)


@pytest.fixture(scope="module")
def server() -> Iterator[ObjectServer]:
    with object_server() as running:
        yield running


def series(*urls: str) -> dict[str, object]:
    return {
        "dicom_series": [{"title": "s", **{f"objectUrl_{i}": url for i, url in enumerate(urls)}}]
    }


def run(data: dict[str, object]) -> list[tuple[str, object, str]]:
    fetcher = Fetcher(SETTINGS)
    findings = check(data, RemoteSettings(fetch=SETTINGS), fetcher)
    return sorted((f.code, f.pointer[-1], f.message) for f in findings)


@pytest.mark.parametrize(
    "name", [n for n in sample_names() if n not in ("no_meta.dcm", "ExplVR_BigEndNoMeta.dcm")]
)
def test_every_sample_header_reads_as_a_whole_parse_does(server: ObjectServer, name: str) -> None:
    raw = sample(name)
    url = server.put(f"/samples/{name}", raw, "application/dicom")
    header = read_header(Fetcher(SETTINGS), url)
    assert header.status == "ok"
    assert {k: str(v) for k, v in header.values.items()} == header_values(raw)
    assert header.requests <= MAX_REQUESTS


@pytest.mark.parametrize(
    "name",
    ["MR_small_implicit.dcm", "image_dfl.dcm", "ExplVR_LitEndNoMeta.dcm", "MR_small_bigendian.dcm"],
)
def test_implicit_vr_deflate_no_preamble_and_big_endian(server: ObjectServer, name: str) -> None:
    raw = sample(name)
    url = server.put(f"/kinds/{name}", raw, "application/dicom")
    assert read_header(Fetcher(SETTINGS), url).values == parse(raw, whole=True).values


def test_a_large_file_is_never_read_whole(server: ObjectServer) -> None:
    raw = derived("CT_small.dcm", pixels=20_000_000)
    url = server.put("/large/ct.dcm", raw, "application/dicom")
    fetcher = Fetcher(SETTINGS)
    header = read_header(fetcher, url)
    assert header.status == "ok" and not header.missing_required
    assert fetcher.counters.body_bytes <= 64 * 1024 < len(raw) // 300


def test_a_long_enhanced_header_grows_the_range_and_finds_the_functional_groups(
    server: ObjectServer,
) -> None:
    raw = enhanced(frames=2000, private_bytes=200_000)  # ~540 KB of header
    url = server.put("/enhanced/ct.dcm", raw, "application/dicom")
    fetcher = Fetcher(SETTINGS)
    header = read_header(fetcher, url)
    assert header.status == "ok" and header.missing_3d == [] and header.missing_required == []
    assert 1 < header.requests <= MAX_REQUESTS
    assert fetcher.counters.body_bytes <= 4 * len(raw)  # never more than the object, at most once
    assert server.requests_for("/enhanced/ct.dcm")[0].range == f"bytes=0-{FIRST_READ - 1}"


def test_a_server_that_ignores_range(server: ObjectServer) -> None:
    raw = derived("CT_small.dcm", pixels=30_000_000)
    url = server.put("/norange/ct.dcm", raw, "application/dicom", "ignore-range")
    fetcher = Fetcher(SETTINGS)
    header = read_header(fetcher, url)
    assert header.status == "ok" and fetcher.counters.body_bytes <= 64 * 1024 + 65536


def test_file_rules(server: ObjectServer) -> None:
    urls = [
        server.put("/rules/no-patient.dcm", derived("CT_small.dcm", remove=("PatientID",))),
        server.put(
            "/rules/flat.dcm",
            derived("CT_small.dcm", remove=("ImagePositionPatient", "SliceThickness")),
        ),
        server.put("/rules/long-uid.dcm", derived("MR_small.dcm", SOPInstanceUID="1." + "2" * 68)),
        server.put("/rules/photo.dcm", b"\xff\xd8\xff\xe0" + b"\x00" * 300),
        server.put("/rules/corrupt.dcm", _unclosed_sequence()),
    ]
    found = run(
        {"dicom_series": [{"title": f"s{i}", "objectUrl_0": url} for i, url in enumerate(urls)]}
    )
    assert found == [
        ("R805", "objectUrl_0", "the object is a JPEG image, not a DICOM file"),
        ("R810", "objectUrl_0", "DICOM file without PatientID; Encord needs it to import"),
        (
            "R811",
            "objectUrl_0",
            "DICOM file without SliceThickness, ImagePositionPatient; the series will not render in 3D",
        ),
        ("R812", "objectUrl_0", "SOPInstanceUID is 70 characters long; the limit is 64"),
        ("R816", "objectUrl_0", found[4][2]),
    ]
    assert found[4][2].startswith("the DICOM header could not be read: ")


def test_series_rules(server: ObjectServer) -> None:
    first = server.put("/series/0.dcm", sample("CT_small.dcm"))
    other_study = server.put(
        "/series/1.dcm", derived("CT_small.dcm", StudyInstanceUID="1.2.3", SOPInstanceUID="1.2.3.4")
    )
    same_instance = server.put("/series/2.dcm", sample("CT_small.dcm"))
    smaller = server.put(
        "/series/3.dcm", derived("CT_small.dcm", Rows=64, SOPInstanceUID="1.2.3.5")
    )
    assert run(series(first, other_study, same_instance, smaller)) == [
        ("R813", "objectUrl_1", "StudyInstanceUID differs from the series' first file's"),
        ("R814", "objectUrl_2", "SOPInstanceUID repeats another file's of the series"),
        ("R815", "objectUrl_3", "64x128 (Rows x Columns), the series' first file is 128x128"),
    ]


def test_a_clean_series_and_a_missing_file(server: ObjectServer) -> None:
    first = server.put("/clean/0.dcm", sample("MR_small.dcm"))
    second = server.put("/clean/1.dcm", derived("MR_small.dcm", SOPInstanceUID="1.2.840.1"))
    assert run(series(first, second)) == []
    assert run(series(first, server.url("/clean/missing.dcm"))) == [
        ("R801", "objectUrl_1", "object not found (HTTP 404)")
    ]
    # DICOM files are read with a ranged GET straight away: no HEAD first.
    assert [r.method for r in server.requests_for("/clean/1.dcm")] == ["GET"]


def _unclosed_sequence() -> bytes:
    """A whole object whose sequence of undefined length never ends: pydicom cannot parse it."""
    ct = sample("CT_small.dcm")
    item = b"\xfe\xff\x00\xe0\x10\x00\x00\x00" + b"\x01" * 5
    return ct[:400] + b"\x08\x00\x15\x11SQ\x00\x00\xff\xff\xff\xff" + item


@pytest.mark.parametrize(
    "name",
    [
        "CT_small.dcm",
        "MR_small_implicit.dcm",
        "image_dfl.dcm",
        "rtplan.dcm",
        "ExplVR_LitEndNoMeta.dcm",
        "rtdose.dcm",
    ],
)
def test_no_prefix_ever_gives_a_wrong_value(name: str) -> None:
    """Spec 6.1: pydicom returns values cut short from a cut buffer. A prefix's values are
    either withheld ("more") or exactly the whole file's, at every length."""
    raw = sample(name)
    whole = parse(raw, whole=True).values
    trusted = 0
    for length in range(0, min(len(raw), 40_000), 7):
        header = parse(raw[:length], whole=False)
        if header.status == "ok":
            trusted += 1
            assert header.values == whole, length
        else:
            assert header.status == "more", (length, header.status)
    assert trusted or len(raw) < 40_000
