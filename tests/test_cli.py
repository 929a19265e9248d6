"""The command as a user runs it: exit codes, stdout vs stderr, files, directories, stdin."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import FIXTURES, ROOT, run_cli

VALID = FIXTURES / "valid" / "otc-every-entry-type.json"
INVALID = FIXTURES / "invalid" / "U301-url-with-space.json"
WARNING_ONLY = FIXTURES / "invalid" / "G501-group-without-create-video.json"


def test_clean_file_exits_0_with_a_summary() -> None:
    done = run_cli("lint", str(VALID))
    assert (done.returncode, done.stdout, done.stderr) == (0, "All checks passed (1 file).\n", "")


def test_findings_exit_1_one_line_each_then_a_summary() -> None:
    done = run_cli("lint", str(INVALID.relative_to(ROOT)))
    assert done.returncode == 1 and done.stderr == ""
    first, summary = done.stdout.splitlines()
    assert first.startswith("fixtures/json/invalid/U301-url-with-space.json:4:")
    assert " U301 [*] URL contains a space at character " in first
    assert summary == "Found 1 error, 0 warnings in 1 file. [*] 1 fixable with --fix."


def test_warnings_alone_exit_0() -> None:
    done = run_cli("lint", str(WARNING_ONLY))
    assert done.returncode == 0 and "G501" in done.stdout


def test_unreadable_input_exits_2_and_the_other_files_are_still_linted(tmp_path: Path) -> None:
    done = run_cli("lint", str(tmp_path / "missing.json"), str(INVALID))
    assert done.returncode == 2
    assert (
        done.stderr.startswith("encord-manifest: error: cannot read ")
        and "missing.json" in done.stderr
    )
    assert "U301" in done.stdout and "Traceback" not in done.stderr


def test_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\x00\xff{{{")
    done = run_cli("lint", str(broken), str(INVALID))
    assert done.returncode == 1
    assert "F002" in done.stdout and "U301" in done.stdout and done.stderr == ""


def test_directory_is_searched_for_json_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.json").write_text(INVALID.read_text())
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skip.json").write_text("{")
    (tmp_path / "notes.txt").write_text("{")
    done = run_cli("lint", str(tmp_path))
    assert done.returncode == 1 and "one.json" in done.stdout and "skip.json" not in done.stdout


def test_standard_input() -> None:
    done = run_cli("lint", "-", stdin=INVALID.read_bytes())
    assert done.returncode == 1 and done.stdout.startswith("<stdin>:4:")


def test_usage_errors_exit_2() -> None:
    assert run_cli("lint").returncode == 2
    assert run_cli("lint", str(VALID), "--provider", "dropbox").returncode == 2
    assert run_cli("lint", str(VALID), "--output-format", "xml").returncode == 2
    assert run_cli("no-such-command").returncode == 2


def test_csv_is_linted_by_extension_or_by_format(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/v.mp4,Cat\n")
    by_extension = run_cli("lint", str(manifest))
    assert by_extension.returncode == 1
    assert by_extension.stdout.startswith(f"{manifest}:2:1: U308 ")
    forced = run_cli("lint", "--format", "csv", "-", stdin=manifest.read_bytes())
    assert forced.stdout.startswith("<stdin>:2:1: U308 ")
    as_json = run_cli("lint", "--format", "json", str(manifest))
    assert as_json.returncode == 1 and ":1:1: F001 " in as_json.stdout


def test_directories_are_searched_for_json_and_csv(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("ObjectUrl,Image title\n,Cat\n")
    (tmp_path / "b.JSON").write_text("{}")
    (tmp_path / "notes.txt").write_text("not a manifest")
    done = run_cli("lint", str(tmp_path))
    assert "a.csv:2:1: C707" in done.stdout and "b.JSON:1:1: S103" in done.stdout
    assert "notes.txt" not in done.stdout


def test_json_output_is_one_document_with_the_documented_keys() -> None:
    done = run_cli("lint", "--output-format", "json", str(INVALID), str(VALID))
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["summary"] == {"files": 2, "errors": 1, "warnings": 0, "info": 0}
    (diagnostic,) = report["diagnostics"]
    for key in ("path", "line", "column", "end_line", "end_column", "code", "severity", "message"):
        assert key in diagnostic
    assert diagnostic["code"] == "U301" and diagnostic["severity"] == "error"
    line = INVALID.read_text().splitlines()[diagnostic["line"] - 1]
    url = json.loads(INVALID.read_text())["images"][0]["objectUrl"]
    assert line[diagnostic["column"] - 1 : diagnostic["end_column"] - 1] == json.dumps(url)


def test_provider_option() -> None:
    fixture = FIXTURES / "invalid" / "U310-aws-url-with-provider-otc.json"
    assert run_cli("lint", str(fixture)).returncode == 0
    done = run_cli("lint", "--provider", "otc", str(fixture))
    assert done.returncode == 1 and "U310" in done.stdout


def test_rules_lists_and_explains() -> None:
    listing = run_cli("rules")
    assert (
        listing.returncode == 0 and "U301" in listing.stdout and "url-whitespace" in listing.stdout
    )
    explained = run_cli("rules", "u301")
    assert (
        explained.returncode == 0 and "Fails:" in explained.stdout and "Passes:" in explained.stdout
    )
    assert run_cli("rules", "url-whitespace").stdout == explained.stdout
    unknown = run_cli("rules", "X999")
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr


def test_schema_command_prints_the_shipped_schema() -> None:
    done = run_cli("schema")
    assert done.returncode == 0
    assert json.loads(done.stdout) == json.loads(
        (ROOT / "schemas" / "manifest.schema.json").read_text()
    )


def test_version() -> None:
    from encord_manifest import __version__

    assert run_cli("--version").stdout == f"encord-manifest {__version__}\n"


def test_huge_single_line_file_with_a_finding(tmp_path: Path) -> None:
    manifest = {
        "images": [{"objectUrl": f"https://b.s3.amazonaws.com/{i}.jpg"} for i in range(200_000)]
    }
    manifest["images"][150_000]["objectUrl"] = "https://b.s3.amazonaws.com/x y.jpg"
    path = tmp_path / "big.json"
    text = json.dumps(manifest, separators=(",", ":"))
    path.write_text(text)
    done = run_cli("lint", str(path))
    lines = [line for line in done.stdout.splitlines() if " U301 " in line]
    assert len(lines) == 1
    column = int(lines[0].split(":")[2])
    assert text[column - 1 :].startswith('"https://b.s3.amazonaws.com/x y.jpg"')


def test_exit_zero_strict_quiet_and_statistics() -> None:
    warned = "fixtures/csv/invalid/C711-series-rows-interleaved.csv"
    failed = "fixtures/csv/examples/spreadsheet-export-with-mistakes.csv"
    assert run_cli("lint", warned).returncode == 0
    assert run_cli("lint", "--strict", warned).returncode == 1
    assert run_cli("lint", "--exit-zero", failed).returncode == 0
    assert run_cli("lint", "--exit-zero", "no-such-file.json").returncode == 2
    quiet = run_cli("lint", "-q", failed)
    assert quiet.returncode == 1 and "Found" not in quiet.stdout
    assert quiet.stdout.count("\n") == 7
    clean = run_cli("lint", "-q", "fixtures/csv/valid/otc-every-section-type.csv")
    assert clean.stdout == "" and clean.returncode == 0
    stats = run_cli("lint", "--statistics", failed).stdout.splitlines()
    assert stats[0] == "2 C711 csv-group-split (warning)"
    assert stats[-1] == "Found 5 errors, 2 warnings in 1 file. [*] 1 fixable with --fix."
    as_json = json.loads(run_cli("lint", "--statistics", "--output-format", "json", failed).stdout)
    assert sum(row["count"] for row in as_json) == 7
