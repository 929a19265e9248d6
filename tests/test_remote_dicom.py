"""DICOM headers over HTTP Range reads from a real server (spec 6 and 6.1), and series rules."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pydicom
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encord_manifest._internal.remote import dicom
from encord_manifest._internal.remote.check import RemoteSettings, check
from encord_manifest._internal.remote.dicom import (
    FIRST_READ,
    MAX_INFLATED,
    MAX_REQUESTS,
    MAX_VALUE_BYTES,
    parse,
    read_header,
)
from encord_manifest._internal.remote.http import Fetcher, FetchSettings
from tests.dicom_files import (
    deflated,
    derived,
    enhanced,
    header_values,
    sample,
    sample_names,
)
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


def _inflated_data_set(name: str = "image_dfl.dcm") -> bytes:
    raw = sample(name)
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(
        raw[144 + int.from_bytes(raw[140:144], "little") :]
    )


def test_a_deflate_bomb_is_inflated_only_to_the_cap(
    server: ObjectServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100 MB of zeros, deflated to 97 KB: it was inflated whole on each of six reads, and
    pydicom handed all of it."""
    url = server.put("/bomb/zeros.dcm", deflated(b"", zeros=100_000_000), "application/dicom")
    handed: list[int] = []
    real_read = dicom._read

    def read(stream: BytesIO, *args: Any) -> Any:
        handed.append(stream.getbuffer().nbytes)
        return real_read(stream, *args)

    monkeypatch.setattr(dicom, "_read", read)
    fetcher = Fetcher(SETTINGS)
    header = read_header(fetcher, url)
    assert header.status == "unreadable"
    assert header.detail == (
        f"the deflated data set's header is not complete within {MAX_INFLATED:,} bytes inflated"
    )
    assert handed and max(handed) <= MAX_INFLATED, handed
    # No more compressed bytes are read once they inflate past the cap.
    assert header.requests <= 2 and fetcher.counters.body_bytes <= 4 * FIRST_READ
    assert run(series(url)) == [
        ("R816", "objectUrl_0", f"the DICOM header could not be read: {header.detail}")
    ]


def test_a_deflated_header_before_a_bomb_is_read_from_what_was_inflated(
    server: ObjectServer,
) -> None:
    """The real header, its pixel data, then 100 MB of zeros: parsing stops at the pixel data,
    well within the cap, and the values are the sample's own."""
    raw = deflated(_inflated_data_set(), zeros=100_000_000)
    url = server.put("/bomb/after.dcm", raw, "application/dicom")
    header = read_header(Fetcher(SETTINGS), url)
    assert header.status == "ok"
    assert header.values == parse(sample("image_dfl.dcm"), whole=True).values
    assert parse(raw, whole=True).values == header.values  # the whole object: capped just the same


def test_a_deflated_header_without_its_tags_within_the_cap_is_unreadable() -> None:
    """Required tags behind 5 MiB of a private element: past the cap, so not known."""
    data_set = _inflated_data_set()
    private = b"\x09\x00\x10\x00OB\x00\x00" + (5 << 20).to_bytes(4, "little") + b"\x01" * (5 << 20)
    header = parse(deflated(private + data_set), whole=True)
    assert header.status == "unreadable" and "4,194,304 bytes inflated" in header.detail


def test_a_corrupt_deflated_data_set_is_unreadable() -> None:
    raw = sample("image_dfl.dcm")
    start = 144 + int.from_bytes(raw[140:144], "little")
    corrupt = raw[:start] + b"\xff" * 64 + raw[start + 64 :]  # an invalid block type
    header = parse(corrupt, whole=True)
    assert header.status == "unreadable" and header.detail.startswith("error: ")


def _implicit(**values: object) -> bytes:
    dataset = pydicom.dcmread(BytesIO(sample("CT_small.dcm")))
    for keyword, value in values.items():
        setattr(dataset, keyword, value)
    dataset.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian
    out = BytesIO()
    dataset.save_as(out, enforce_file_format=False)
    return out.getvalue()


def test_a_value_too_long_to_be_a_header_value_is_never_converted() -> None:
    """Implicit VR gives every element a 4-byte length: one DS of 8 MB (2 million numbers) took
    19 s and 900 MiB to convert. 100 KB of them is refused in a millisecond."""
    raw = _implicit(ImagePositionPatient=["1.5"] * 25_000)
    started = time.perf_counter()
    header = parse(raw, whole=True)
    assert time.perf_counter() - started < 1
    assert header.status == "unreadable"
    assert header.detail == (
        f"ValueError: ImagePositionPatient is 100,000 bytes long; at most {MAX_VALUE_BYTES:,} is read"
    )
    # A long UID is still R812's, not refused.
    long_uid = parse(_implicit(SOPInstanceUID="1." + "2" * 300), whole=True)
    assert long_uid.status == "ok" and len(long_uid.values["SOPInstanceUID"]) == 302


def test_a_value_pydicom_cannot_convert_is_a_finding_not_a_traceback(
    server: ObjectServer,
) -> None:
    data_set = _inflated_data_set()
    rows = data_set.index(b"\x28\x00\x10\x00US\x02\x00")
    broken = data_set[:rows] + b"\x28\x00\x10\x00US\x03\x00abc" + data_set[rows + 10 :]
    url = server.put("/broken/rows.dcm", deflated(broken), "application/dicom")
    [(code, _, message)] = run(series(url))
    assert code == "R816" and "BytesLengthException" in message


_FUZZED = {
    name: sample(name) for name in ("CT_small.dcm", "image_dfl.dcm", "MR_small_implicit.dcm")
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(_FUZZED)),
    length=st.integers(0, 6000),
    changes=st.lists(st.tuples(st.integers(0, 5999), st.integers(0, 255)), max_size=12),
    whole=st.booleans(),
)
def test_mutated_and_cut_headers_never_raise(
    name: str, length: int, changes: list[tuple[int, int]], whole: bool
) -> None:
    raw = bytearray(_FUZZED[name][:length])
    for at, value in changes:
        if at < len(raw):
            raw[at] = value
    header = parse(bytes(raw), whole)
    assert header.status in ("ok", "more", "not-dicom", "unreadable")
