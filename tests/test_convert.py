"""`convert`: CSV -> JSON byte for byte as spec 4.1 says, JSON -> CSV or a refusal, and stability."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.model import spec
from encord_manifest._internal.sources.convert import csv_refusals, to_csv_text, to_json_bytes
from encord_manifest._internal.sources.csv_source import load_csv
from encord_manifest._internal.sources.json_source import load_json
from encord_manifest._internal.text.formulas import formula_cells, runs_as_formula
from tests.helpers import CSV_CONVERSIONS, CSV_REFUSED, run_cli

H = "https://radiology.obs.eu-de.otc.t-systems.com"


def to_json_text(data: dict[str, Any]) -> str:
    return to_json_bytes(data).decode("utf-8")


CLEAN_CSV = f"ObjectUrl,Image title\n{H}/a.jpg,A\n{H}/b.jpg,B\n"


def csv_to_json(text: str) -> str:
    return to_json_text(load_csv("m.csv", text.encode("utf-8")).data)


# --- the fixtures: expected output, and back again ---------------------------------------------


@pytest.mark.parametrize("fixture", CSV_CONVERSIONS, ids=lambda p: p.name)
def test_csv_converts_to_the_expected_json_byte_for_byte(fixture: Path) -> None:
    done = run_cli("convert", str(fixture))
    assert done.stdout == fixture.with_suffix(".json").read_text(encoding="utf-8")
    assert done.returncode == 0


@pytest.mark.parametrize("fixture", CSV_CONVERSIONS, ids=lambda p: p.name)
def test_expected_json_converts_back_to_csv_that_gives_the_same_json(fixture: Path) -> None:
    expected = fixture.with_suffix(".json").read_text(encoding="utf-8")
    data = load_json("m.json", expected.encode()).data
    assert csv_refusals(data) == []
    assert csv_to_json(to_csv_text(data)) == expected


def test_output_format_is_the_one_spec_4_1_describes() -> None:
    text = (
        f"ObjectUrl,Series title\n{H}/d/0.dcm,Ä\n"
        f"ObjectUrl,Image group title\n{H}/s/0.jpg,s\n{H}/s/1.jpg,s\n"
    )
    output = csv_to_json(text)
    assert output.endswith("}\n") and "\\u" not in output and "Ä" in output
    assert output.splitlines()[1] == '  "image_groups": ['  # 2-space indentation, spec order
    group = json.loads(output)["image_groups"][0]
    assert list(group) == ["title", "createVideo", "objectUrl_0", "objectUrl_1"]


@pytest.mark.parametrize("fixture", CSV_REFUSED, ids=lambda p: p.name)
def test_what_csv_cannot_carry_is_refused_by_name(fixture: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    # --force: even past lint errors (an untitled series is S107), nothing is dropped.
    done = run_cli("convert", str(fixture), "-o", str(output), "--force")
    assert done.returncode == 1 and not output.exists()
    refused = [line for line in done.stderr.splitlines() if "cannot be written as CSV" in line]
    assert refused, done.stderr
    for line in refused:  # path:line:col: ... /pointer: why
        location, _, why = line.partition(": cannot be written as CSV: ")
        assert location.startswith(f"{fixture}:") and why.startswith("/")


# --- the command ------------------------------------------------------------------------------


def test_output_goes_to_stdout_and_findings_to_stderr(tmp_path: Path) -> None:
    source = tmp_path / "m.csv"
    source.write_text(CLEAN_CSV + f"{H}/a.jpg,again\n")
    done = run_cli("convert", str(source))
    assert done.returncode == 0  # a warning does not stop the conversion
    assert json.loads(done.stdout)["images"][2]["title"] == "again"
    assert f"{source}:4:1: U307 " in done.stderr


def test_writes_atomically_and_leaves_an_unchanged_file_alone(tmp_path: Path) -> None:
    source, output = tmp_path / "m.csv", tmp_path / "m.json"
    source.write_text(CLEAN_CSV)
    output.write_text("old")
    output.chmod(0o640)
    done = run_cli("convert", str(source), "-o", str(output))
    assert done.returncode == 0 and done.stdout == ""
    assert output.read_text() == csv_to_json(CLEAN_CSV)
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv", "m.json"]  # no temporary
    os.utime(output, (1_000_000, 1_000_000))
    again = run_cli("convert", str(source), "-o", str(output))
    assert again.returncode == 0 and output.stat().st_mtime == 1_000_000  # not rewritten
    assert "wrote" not in again.stderr


def test_never_replaces_the_input(tmp_path: Path) -> None:
    source = tmp_path / "m.csv"
    source.write_text(CLEAN_CSV)
    (tmp_path / "link.csv").symlink_to(source)
    for target in (str(source), str(tmp_path / "." / "m.csv"), str(tmp_path / "link.csv")):
        done = run_cli("convert", str(source), "-o", target)
        assert done.returncode == 2 and "is the input file" in done.stderr
    assert source.read_text() == CLEAN_CSV


def test_errors_stop_the_conversion_unless_forced(tmp_path: Path) -> None:
    source, output = tmp_path / "m.csv", tmp_path / "m.json"
    source.write_text(f"ObjectUrl,Image title\n{H}/clip.mp4,Clip\n")
    done = run_cli("convert", str(source), "-o", str(output))
    assert done.returncode == 1 and not output.exists()
    assert "U308" in done.stderr and "not converted: 1 error" in done.stderr
    forced = run_cli("convert", str(source), "-o", str(output), "--force")
    assert forced.returncode == 1 and json.loads(output.read_text())["images"]


def test_unreadable_csv_is_never_written_even_when_forced(tmp_path: Path) -> None:
    source = tmp_path / "m.csv"
    source.write_text(f'ObjectUrl,Image title\n{H}/a.jpg,"A\n')
    done = run_cli("convert", str(source), "--force")
    assert done.returncode == 1 and done.stdout == "" and "C701" in done.stderr


def test_check_compares_without_writing(tmp_path: Path) -> None:
    source, output = tmp_path / "m.csv", tmp_path / "m.json"
    source.write_text(CLEAN_CSV)
    missing = run_cli("convert", str(source), "-o", str(output), "--check")
    assert missing.returncode == 1 and "missing" in missing.stderr and not output.exists()
    output.write_text(csv_to_json(CLEAN_CSV).replace("A", "a"))
    stale = run_cli("convert", str(source), "-o", str(output), "--check")
    assert stale.returncode == 1 and "out of date" in stale.stderr
    assert '"a"' in output.read_text()  # untouched
    output.write_text(csv_to_json(CLEAN_CSV))
    assert run_cli("convert", str(source), "-o", str(output), "--check").returncode == 0
    assert run_cli("convert", str(source), "--check").returncode == 2  # nothing to compare


def test_sync_keeps_each_csv_json_beside_it_and_fails_when_it_writes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "sub" / "b.csv"
    second.parent.mkdir()
    first.write_text(CLEAN_CSV)
    second.write_text(CLEAN_CSV.replace("A", "Z"))
    (tmp_path / "a.json").write_text(csv_to_json(CLEAN_CSV))  # already in sync
    done = run_cli("convert", "--sync", str(first), str(second))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"{second}: wrote {tmp_path / 'sub' / 'b.json'}\n"
    assert (tmp_path / "sub" / "b.json").read_text() == csv_to_json(CLEAN_CSV.replace("A", "Z"))
    again = run_cli("convert", "--sync", str(first), str(second))
    assert (again.returncode, again.stderr) == (0, "")
    second.write_text(CLEAN_CSV)
    check = run_cli("convert", "--sync", "--check", str(first), str(second))
    assert check.returncode == 1 and "b.json: out of date" in check.stderr
    assert '"Z' in (tmp_path / "sub" / "b.json").read_text()  # --check writes nothing


def test_sync_leaves_excluded_files_alone(tmp_path: Path) -> None:
    (tmp_path / "encord-manifest.toml").write_text('exclude = ["drafts/"]\n')
    draft = tmp_path / "drafts" / "m.csv"
    draft.parent.mkdir()
    draft.write_text(CLEAN_CSV)
    done = run_cli("convert", "--sync", str(draft))
    said = f"encord-manifest: info: {draft}: not converted: excluded by {tmp_path / 'encord-manifest.toml'}\n"
    assert (done.returncode, done.stderr) == (0, said) and not (
        tmp_path / "drafts" / "m.json"
    ).exists()
    named = run_cli("convert", str(draft))  # named alone, without --sync: converted
    assert named.returncode == 0 and named.stdout == csv_to_json(CLEAN_CSV)


def test_sync_reports_every_file_and_converts_the_good_ones(tmp_path: Path) -> None:
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(f"ObjectUrl\n{H}/a b.mp4\n")
    good.write_text(CLEAN_CSV)
    done = run_cli("convert", "--sync", str(bad), str(good))
    assert (
        done.returncode == 1 and "U301" in done.stderr and "bad.csv: not converted" in done.stderr
    )
    assert not (tmp_path / "bad.json").exists() and (tmp_path / "good.json").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a.csv", "b.csv"], "convert takes one INPUT; --sync converts several"),
        (["--sync", "-"], "--sync writes beside each input file; it takes no -o and no stdin"),
        (["--sync", "a.csv", "-o", "x.json"], "--sync writes beside each input file"),
    ],
)
def test_sync_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "a.csv").write_text(CLEAN_CSV)
    done = run_cli("convert", *args, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr and not list(tmp_path.glob("*.json"))


def test_delimiter_option(tmp_path: Path) -> None:
    source = tmp_path / "m.csv"
    source.write_text(CLEAN_CSV.replace(",", ";"))
    assert run_cli("convert", str(source)).returncode == 1  # C702 without the option
    semicolon = run_cli("convert", str(source), "--delimiter", ";")
    assert semicolon.returncode == 0 and semicolon.stdout == csv_to_json(CLEAN_CSV)
    source.write_text(CLEAN_CSV.replace(",", "\t"))
    assert run_cli("convert", str(source), "--delimiter", "tab").stdout == csv_to_json(CLEAN_CSV)
    bad = run_cli("convert", str(source), "--delimiter", "ab")
    assert bad.returncode == 2 and "--delimiter" in bad.stderr and "Traceback" not in bad.stderr


def test_skip_duplicate_urls_is_written_last(tmp_path: Path) -> None:
    source = tmp_path / "m.csv"
    source.write_text(CLEAN_CSV)
    done = run_cli("convert", str(source), "--skip-duplicate-urls")
    assert list(json.loads(done.stdout)) == ["images", "skip_duplicate_urls"]
    assert json.loads(done.stdout)["skip_duplicate_urls"] is True
    to_csv = run_cli("convert", str(source), "--skip-duplicate-urls", "--to", "csv")
    assert to_csv.returncode == 2


def test_direction_follows_the_input_and_stdin_needs_a_format(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_text(csv_to_json(CLEAN_CSV))
    assert run_cli("convert", str(manifest)).stdout == CLEAN_CSV
    assert run_cli("convert", str(manifest), "--to", "json").returncode == 2
    piped = run_cli("convert", "-", "--format", "csv", stdin=CLEAN_CSV.encode())
    assert piped.returncode == 0 and piped.stdout == csv_to_json(CLEAN_CSV)


def test_input_and_output_problems_are_one_line(tmp_path: Path) -> None:
    missing = run_cli("convert", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    source = tmp_path / "m.csv"
    source.write_text(CLEAN_CSV)
    nowhere = run_cli("convert", str(source), "-o", str(tmp_path / "no" / "dir" / "m.json"))
    assert nowhere.returncode == 2 and "cannot write" in nowhere.stderr
    assert "Traceback" not in nowhere.stderr
    into_directory = run_cli("convert", str(source), "-o", str(tmp_path))
    assert into_directory.returncode == 2 and "is a directory" in into_directory.stderr


# --- cells a spreadsheet would run as formulas ---------------------------------------------------


FORMULAS = ['=HYPERLINK("https://evil.example")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\tx"]


@pytest.mark.parametrize("title", FORMULAS)
def test_to_csv_refuses_a_formula_title_by_name_and_writes_nothing(
    tmp_path: Path, title: str
) -> None:
    source, output = tmp_path / "m.json", tmp_path / "m.csv"
    source.write_text(json.dumps({"images": [{"objectUrl": f"{H}/a.jpg", "title": title}]}))
    done = run_cli("convert", str(source), "-o", str(output))
    assert done.returncode == 1 and not output.exists()
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"{source}:1:") and "/images/0/title" in lines[0]
    assert f"starts with {title[0]!r}" in lines[0] and "--allow-formulas" in lines[0]
    assert lines[1:] == [f"{source}: not converted: CSV cannot carry 1 thing in this manifest"]
    allowed = run_cli("convert", str(source), "-o", str(output), "--allow-formulas")
    assert allowed.returncode == 0
    assert load_csv("m.csv", output.read_bytes()).data["images"][0]["title"] == title  # as is


def test_numbers_urls_and_dashes_inside_are_data_not_formulas(tmp_path: Path) -> None:
    titles = ["-1", "+2.5", "-1e-3", "-.5", "Left - lateral", "1-2", "A=B"]
    data = {"images": [{"objectUrl": f"{H}/{i}.jpg", "title": t} for i, t in enumerate(titles)]}
    assert csv_refusals(data) == []
    assert [
        t for t in ["-", "-draft", "-1+2", "=1", "@x", "\rx", "+", "--1"] if not runs_as_formula(t)
    ] == []


def test_a_formula_url_is_refused_too() -> None:
    data = {
        "videos": [{"objectUrl": "=1+1"}],
        "image_groups": [
            {"title": "g", "createVideo": False, "objectUrl_0": f"{H}/a.jpg", "objectUrl_1": "@x"}
        ],
    }
    assert [r.pointer for r in csv_refusals(data)] == [
        ("videos", 0, "objectUrl"),
        ("image_groups", 0, "objectUrl_1"),
    ]


# --- properties: CSV -> JSON -> CSV -> JSON is stable ------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs", "Cc"]),
    min_size=1,
    max_size=12,
)
_URL = _TEXT.filter(lambda u: u.strip() != "" and u.strip().lower() != spec.CSV_URL_COLUMN)
_TITLE = _TEXT.filter(lambda t: t.strip() != "")


@st.composite
def _expressible_manifests(draw: st.DrawFn) -> dict[str, Any]:
    """Manifests CSV can carry, as the converter orders them."""
    data: dict[str, Any] = {}
    for key in ("videos", "images"):
        entries = []
        for _ in range(draw(st.integers(0, 3))):
            entry = {"objectUrl": draw(_URL)}
            if draw(st.booleans()):
                entry["title"] = draw(_TITLE)
            entries.append(entry)
        if entries:
            data[key] = entries
    for key in ("image_groups", "dicom_series"):
        titles = draw(st.lists(_TITLE, max_size=3, unique=True))
        entries = []
        for title in titles:
            group: dict[str, Any] = {}
            if key == "dicom_series" and draw(st.booleans()):
                entries.append({"objectUrl_0": draw(_URL)})  # a blank Series title
            group["title"] = title
            if key == "image_groups":
                group["createVideo"] = draw(st.booleans())
            for position, url in enumerate(draw(st.lists(_URL, min_size=1, max_size=3))):
                group[f"objectUrl_{position}"] = url
            entries.append(group)
        if entries:
            data[key] = entries
    return data


@settings(max_examples=300, deadline=None)
@given(_expressible_manifests())
def test_json_to_csv_to_json_gives_back_the_same_manifest(data: dict[str, Any]) -> None:
    assert csv_refusals(data, allow_formulas=True) == []
    formulas = [pointer for pointer, _ in formula_cells(data)]
    # Without --allow-formulas, exactly the formula cells are refused, and nothing else.
    assert [r.pointer for r in csv_refusals(data)] == formulas
    csv_text = to_csv_text(data)
    document = load_csv("m.csv", csv_text.encode("utf-8"))
    # ... and linting the CSV written finds them (once per group title), and nothing else.
    found = [f.code for f in document.findings]
    assert set(found) <= {"C712"} and bool(found) == bool(formulas)
    assert document.data == data
    assert json.dumps(document.data) == json.dumps(data)  # the order of keys too


_HEADERS = {
    "videos": ["ObjectUrl", "ObjectUrl,Video title", " objecturl , VIDEO TITLE "],
    "images": ["ObjectUrl,Image title", "OBJECTURL,image title,Create video"],
    "image_groups": ["ObjectUrl,Image group title,Create video", "ObjectUrl,Image group title"],
    "dicom_series": ["ObjectUrl,Series title"],
}


@st.composite
def _csv_files(draw: st.DrawFn) -> str:
    """CSV manifests as people write them: sections in any order, rows of groups interleaved,
    blank rows, any case, quoted cells, CRLF."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(sorted(_HEADERS)))
        header = draw(st.sampled_from(_HEADERS[key]))
        lines.append(header)
        width = header.count(",") + 1
        titles = draw(st.lists(_TITLE, min_size=1, max_size=3))
        for _ in range(draw(st.integers(0, 5))):
            cells = [draw(_URL)]
            if width > 1:
                cells.append(draw(st.sampled_from(titles) | st.just("")))
            if width > 2:
                options = ["false", "FALSE", ""] if key != "image_groups" else ["true", ""]
                cells.append(draw(st.sampled_from(options)))
            lines.append(",".join(_quoted(cell) for cell in cells))
            if draw(st.integers(0, 9)) == 0:
                lines.append("")
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines) + "\n"


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@settings(max_examples=300, deadline=None)
@given(_csv_files())
def test_csv_to_json_to_csv_to_json_is_stable(text: str) -> None:
    first = load_csv("m.csv", text.encode("utf-8"))
    assert first.data is not None
    json_1 = to_json_text(first.data)
    assert csv_refusals(first.data, allow_formulas=True) == []  # what CSV held, CSV can hold
    csv_2 = to_csv_text(first.data)
    second = load_csv("m.csv", csv_2.encode("utf-8"))
    assert to_json_text(second.data) == json_1
    assert to_csv_text(second.data) == csv_2


_JSON_VALUES = st.recursive(
    st.booleans() | st.none() | st.integers() | st.text(alphabet=st.characters(codec="utf-8")),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet=st.characters(codec="utf-8")), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(alphabet=st.characters(codec="utf-8")), _JSON_VALUES, max_size=4))
def test_json_output_is_what_the_standard_library_would_write(data: dict[str, Any]) -> None:
    assert to_json_text(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
