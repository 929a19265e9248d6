"""`convert --sync` replaces only a JSON that conversion wrote, never a hand-written one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from encord_manifest._internal.sources.convert import not_generated_reason, to_json_bytes
from encord_manifest._internal.sources.csv_source import load_csv
from tests.helpers import CSV_CONVERSIONS, run_cli

H = "https://radiology.obs.eu-de.otc.t-systems.com"
CSV = f"ObjectUrl,Image title\n{H}/a.jpg,A\n{H}/b.jpg,B\n"


def converted(text: str) -> bytes:
    return to_json_bytes(load_csv("m.csv", text.encode("utf-8")).data)


@pytest.mark.parametrize("fixture", CSV_CONVERSIONS, ids=lambda p: p.name)
def test_every_conversion_is_recognised_as_generated(fixture: Path) -> None:
    assert not_generated_reason(fixture.with_suffix(".json").read_bytes()) is None


def test_a_conversion_with_the_skip_duplicate_urls_flag_is_recognised() -> None:
    data = load_csv("m.csv", CSV.encode()).data
    data["skip_duplicate_urls"] = True
    assert not_generated_reason(to_json_bytes(data)) is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "it is not valid JSON"),
        (b"\xff\xfe", "it is not valid JSON"),
        (b"[]\n", "it is not a JSON object"),
        (
            json.dumps({"images": [{"objectUrl": f"{H}/a.jpg", "clientMetadata": {"k": 1}}]}),
            "it holds what CSV cannot carry: /images/0/clientMetadata: CSV cannot carry",
        ),
        (
            json.dumps({"audio": [{"objectUrl": f"{H}/a.mp3"}], "pdf": [{"objectUrl": "x"}]}),
            "it holds what CSV cannot carry: /audio: 'audio' entries cannot be written as CSV "
            "(and 1 more)",
        ),
        # All of it expressible as CSV, but not the converter's layout: written by hand.
        (json.dumps({"images": [{"objectUrl": f"{H}/a.jpg", "title": "A"}]}), "its text is not"),
        (converted(CSV).replace(b"\n", b"\r\n"), "its text is not"),
        (b'{"images": [], "images": []}', "its text is not"),
        (
            json.dumps({"skip_duplicate_urls": True, "images": [{"objectUrl": "x"}]}, indent=2),
            "it holds what CSV cannot carry: /skip_duplicate_urls",
        ),
    ],
)
def test_what_conversion_did_not_write_is_named(content: str | bytes, reason: str) -> None:
    raw = content.encode() if isinstance(content, str) else content
    found = not_generated_reason(raw)
    assert found is not None and found.startswith(reason)


def test_sync_leaves_a_hand_written_json_alone_and_says_why(tmp_path: Path) -> None:
    source, beside = tmp_path / "m.csv", tmp_path / "m.json"
    source.write_text(CSV)
    hand = json.dumps(
        {"images": [{"objectUrl": f"{H}/a.jpg", "title": "A", "clientMetadata": {"k": 1}}]},
        indent=4,
    )
    beside.write_text(hand)
    done = run_cli("convert", "--sync", str(source))
    assert done.returncode == 1, done.stderr
    assert done.stderr == (
        f"{beside}: not replaced: it holds what CSV cannot carry: /images/0/clientMetadata: "
        "CSV cannot carry 'clientMetadata'; --sync replaces only a JSON that conversion wrote "
        "(move it away or delete it to have it written)\n"
    )
    assert beside.read_text() == hand
    check = run_cli("convert", "--sync", "--check", str(source))  # --check only compares
    assert check.returncode == 1 and "out of date" in check.stderr
    beside.unlink()
    assert run_cli("convert", "--sync", str(source)).returncode == 1
    assert beside.read_bytes() == converted(CSV)


def test_sync_updates_its_own_json_when_the_csv_changes(tmp_path: Path) -> None:
    source, beside = tmp_path / "m.csv", tmp_path / "m.json"
    source.write_text(CSV)
    beside.write_bytes(converted(CSV.replace(",B", ",Old")))
    done = run_cli("convert", "--sync", str(source))
    assert (done.returncode, done.stderr) == (1, f"{source}: wrote {beside}\n")
    assert beside.read_bytes() == converted(CSV)
    flagged = run_cli("convert", "--sync", "--skip-duplicate-urls", str(source))
    assert flagged.returncode == 1 and '"skip_duplicate_urls": true' in beside.read_text()
    source.write_text(CSV.replace(",B", ",Bee"))  # its own output, flag and all, is replaced
    again = run_cli("convert", "--sync", str(source))
    assert again.returncode == 1 and "wrote" in again.stderr
    assert beside.read_bytes() == converted(CSV.replace(",B", ",Bee"))
