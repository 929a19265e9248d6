"""The result cache of `lint --remote`: conditional revalidation, no bodies read twice."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dicom_files import derived, sample
from tests.helpers import ROOT, run_cli
from tests.object_server import ObjectServer, object_server

JPEG_HEAD = b"\xff\xd8\xff\xe0"


@pytest.fixture
def server() -> Iterator[ObjectServer]:
    with object_server() as running:
        yield running


def jpeg(width: int, height: int) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height)).save(out, "JPEG")
    return out.getvalue()


def manifest(tmp_path: Path, server: ObjectServer) -> Path:
    data = {
        "images": [{"objectUrl": server.put("/c/cat.jpg", JPEG_HEAD + b"\x00" * 99, "image/jpeg")}],
        "image_groups": [
            {
                "title": "walk",
                "createVideo": True,
                "objectUrl_0": server.put("/c/w0.jpg", jpeg(64, 48), "image/jpeg"),
                "objectUrl_1": server.put("/c/w1.jpg", jpeg(32, 24), "image/jpeg"),
            }
        ],
        "dicom_series": [
            {
                "title": "ct",
                "objectUrl_0": server.put("/c/0.dcm", sample("CT_small.dcm"), "application/dicom"),
            }
        ],
    }
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def lint(path: Path, *args: str) -> str:
    done = run_cli(
        "lint", "--remote", "--allow-private-hosts", "--ignore", "U304", *args, str(path)
    )
    return done.stdout


def test_a_second_run_revalidates_and_reads_no_body(server: ObjectServer, tmp_path: Path) -> None:
    path = manifest(tmp_path, server)
    first = lint(path)
    assert "R817" in first  # the second frame is smaller
    assert any(r.method == "GET" for r in server.log)
    server.log.clear()
    assert lint(path) == first
    # The same first requests, now conditional: each answered 304, without a body.
    assert server.log and all((r.method, r.status) == ("GET", 304) for r in server.log)
    assert len(server.log) == 4 and sum(r.sent for r in server.log) == 0


def test_a_changed_object_is_checked_again(server: ObjectServer, tmp_path: Path) -> None:
    path = manifest(tmp_path, server)
    assert "R817" in lint(path)
    server.objects["/c/w1.jpg"].body = jpeg(64, 48)  # same size as the first frame now
    server.log.clear()
    assert "R817" not in lint(path)
    # The conditional GET answers with the new bytes, which are judged at once.
    assert [(r.method, r.status) for r in server.requests_for("/c/w1.jpg")] == [("GET", 206)]


def test_no_cache_reads_everything_and_writes_nothing(
    server: ObjectServer, tmp_path: Path, _own_cache_directory: Path
) -> None:
    path = manifest(tmp_path, server)
    lint(path, "--no-cache")
    assert not list(_own_cache_directory.rglob("*.json"))
    lint(path)
    assert len(list(_own_cache_directory.rglob("*.json"))) == 4
    server.log.clear()
    lint(path, "--no-cache")
    assert any(r.method == "GET" for r in server.log)


def test_answers_about_access_are_asked_again(server: ObjectServer, tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"images": [{"objectUrl": server.url("/c/missing.jpg")}]}))
    assert "R801" in lint(path)
    assert "R801" in lint(path)
    assert [(r.method, r.status) for r in server.requests_for("/c/missing.jpg")] == [
        ("GET", 404),
        ("GET", 404),
    ]


def test_the_limit_applies_to_cached_sizes(server: ObjectServer, tmp_path: Path) -> None:
    path = manifest(tmp_path, server)
    assert "R807" not in lint(path)
    (tmp_path / "encord-manifest.toml").write_text("max-object-mb = 0.001\n")
    server.log.clear()
    assert "R807" in lint(path)
    assert all(r.status == 304 for r in server.log)


def test_no_secret_is_stored_and_a_damaged_entry_is_ignored(
    server: ObjectServer, tmp_path: Path, _own_cache_directory: Path
) -> None:
    url = (
        server.put("/c/signed.jpg", JPEG_HEAD + b"\x00" * 10, "image/jpeg")
        + "?X-Amz-Signature=SECRET123"
    )
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"images": [{"objectUrl": url}]}))
    lint(path)
    (entry,) = _own_cache_directory.rglob("*.json")
    # Neither the secret nor the URL itself: the key is a digest, as the file's name is.
    assert "SECRET123" not in entry.read_text() and "signed" not in entry.read_text()
    key = json.loads(entry.read_text())["key"]
    entry.write_text("{not json")
    server.log.clear()
    lint(path)
    assert json.loads(entry.read_text())["key"] == key and key.startswith("sha256:")


def test_runs_in_parallel_share_the_cache_safely(
    server: ObjectServer, tmp_path: Path, _own_cache_directory: Path
) -> None:
    path = manifest(tmp_path, server)
    command = [
        sys.executable,
        "-m",
        "encord_manifest",
        "lint",
        "--remote",
        "--allow-private-hosts",
        "--ignore",
        "U304",
        str(path),
    ]
    runs = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs) and len({out for out, _ in outputs}) == 1
    for entry in _own_cache_directory.rglob("*.json"):
        json.loads(entry.read_text())  # whole files only
    assert not [p for p in _own_cache_directory.rglob("*") if p.name.endswith(".tmp")]


PATIENT = "PATIENT-4711-MUELLER"
STUDY = "1.2.826.0.1.3680043.8.498.1111"
OTHER_STUDY = "1.2.826.0.1.3680043.8.498.2222"
SOP = "1.2.826.0.1.3680043.8.498.3333"
LONG_SOP = "1.2.826.0.1.3680043.8.498." + "4" * 44  # 70 characters: over the limit of 64


def dicom_manifest(tmp_path: Path, server: ObjectServer) -> Path:
    files = [
        derived("CT_small.dcm", PatientID=PATIENT, StudyInstanceUID=STUDY, SOPInstanceUID=SOP),
        # Another study, and the first file's instance again: R8xx for both, from cached values.
        derived(
            "CT_small.dcm", PatientID=PATIENT, StudyInstanceUID=OTHER_STUDY, SOPInstanceUID=SOP
        ),
        derived(
            "CT_small.dcm", StudyInstanceUID=STUDY, SOPInstanceUID=LONG_SOP, remove=("PatientID",)
        ),
    ]
    entry = {"title": "ct"}
    for index, raw in enumerate(files):
        entry[f"objectUrl_{index}"] = server.put(f"/ward-7/{index}.dcm", raw, "application/dicom")
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"dicom_series": [entry]}, indent=2))
    return path


def test_the_cache_holds_no_patient_data_and_the_series_rules_still_work(
    server: ObjectServer, tmp_path: Path, _own_cache_directory: Path
) -> None:
    path = dicom_manifest(tmp_path, server)
    first = lint(path)
    # A missing PatientID (R810), a UID too long (R812), another study (R813), a repeated
    # instance (R814): each judged from values that the cache must keep comparable.
    assert all(code in first for code in ("R810", "R812", "R813", "R814")), first
    server.log.clear()
    # A second run: only conditional GETs answered 304, and the same findings from what was kept.
    assert lint(path) == first
    assert server.log and all(r.status == 304 and r.sent == 0 for r in server.log)
    entries = list(_own_cache_directory.rglob("*.json"))
    assert len(entries) == 3
    for entry in entries:
        text = entry.read_text()
        for plain in (PATIENT, STUDY, OTHER_STUDY, SOP, LONG_SOP, "ward-7", "127.0.0.1"):
            assert plain not in text, (plain, text)
        assert json.loads(text)["header"]["values"]["StudyInstanceUID"].startswith("sha256:")


def test_cache_files_are_private_and_open_directories_are_tightened(
    server: ObjectServer, tmp_path: Path, _own_cache_directory: Path
) -> None:
    if os.name == "nt":
        pytest.skip("POSIX modes")
    version = _own_cache_directory / "remote-v3"
    version.mkdir(mode=0o755)
    os.chmod(version, 0o755)  # as a cache made before this release would be
    old = _own_cache_directory / "remote-v1" / "ab"
    old.mkdir(parents=True)
    (old / "ab12.json").write_text(json.dumps({"header": {"values": {"PatientID": PATIENT}}}))
    lint(manifest(tmp_path, server))
    assert not (_own_cache_directory / "remote-v1").exists()  # plain patient data: deleted
    directories = [version, *(p for p in version.rglob("*") if p.is_dir())]
    files = list(version.rglob("*.json"))
    assert files and len(directories) > 1
    assert {stat.S_IMODE(p.stat().st_mode) for p in directories} == {0o700}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
