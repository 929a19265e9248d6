"""Spreadsheet exports: trailing blank columns are ignored (C713), data under a blank header
is not (C704), section by section, and `convert` writes such a file as if they were not there."""

from __future__ import annotations

import re
from pathlib import Path

from encord_manifest._internal.sources.convert import to_csv_text
from encord_manifest._internal.sources.csv_source import load_csv
from tests.helpers import CSV_FIXTURES, lint, run_cli

H = "https://radiology.obs.eu-de.otc.t-systems.com"
EXCEL = CSV_FIXTURES / "valid" / "excel-utf8-trailing-columns.csv"


def found(text: str | bytes) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in lint(text, format="csv")]


def data_of(text: str) -> object:
    return load_csv("m.csv", text.encode("utf-8")).data


def without_trailing_delimiters(text: str) -> str:
    """The same file with the empty cells at the end of each line taken away."""
    return re.sub(r",+(?=\r?\n)", "", text)


# --- ignored ------------------------------------------------------------------------------


def test_trailing_blank_columns_are_ignored_with_one_info_at_the_first_blank_header() -> None:
    text = f"\ufeffObjectUrl,Image title,,\r\n{H}/a.jpg,cat.jpg,,\r\n{H}/b.jpg,dog.jpg,,\r\n"
    assert data_of(text) == data_of(without_trailing_delimiters(text))
    (diagnostic,) = lint(text, format="csv")
    assert (diagnostic.code, diagnostic.severity.value) == ("C713", "info")
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 23)
    assert diagnostic.message == "2 trailing blank columns ignored (a spreadsheet export)"


def test_cells_of_spaces_are_blank_and_rows_may_be_shorter_than_the_header() -> None:
    text = f"ObjectUrl,Video title, ,\n{H}/a.mp4,a.mp4,  ,\t\n{H}/b.mp4,b.mp4\n{H}/c.mp4\n"
    assert found(text) == [("C713", 1, 23)]
    assert data_of(text) == data_of(
        f"ObjectUrl,Video title\n{H}/a.mp4,a.mp4\n{H}/b.mp4,b.mp4\n{H}/c.mp4\n"
    )


def test_a_header_of_object_url_and_blank_cells_is_a_videos_section() -> None:
    assert found(f"ObjectUrl,,\n{H}/a.mp4,,\n") == [("C713", 1, 11)]
    assert data_of(f"ObjectUrl,,\n{H}/a.mp4,,\n") == {"videos": [{"objectUrl": f"{H}/a.mp4"}]}


def test_one_finding_per_file_for_every_section_with_its_own_trailing_columns() -> None:
    text = (
        f"ObjectUrl,Image title,,\n{H}/a.jpg,a,,\n"
        f"ObjectUrl,Image group title,Create video,\n{H}/g/0.jpg,g,false,\n{H}/g/1.jpg,g,false\n"
        f"ObjectUrl,Series title,,,\n{H}/d/0.dcm,d,,,\n"
    )
    (diagnostic,) = lint(text, format="csv")
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("C713", 1, 23)
    assert diagnostic.message.endswith("; also in 2 later sections")
    assert data_of(text) == data_of(without_trailing_delimiters(text))


def test_the_excel_fixture_converts_as_without_its_trailing_columns(tmp_path: Path) -> None:
    raw = EXCEL.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b",,\r\n" in raw
    stripped = tmp_path / "stripped.csv"
    stripped.write_bytes(without_trailing_delimiters(raw.decode("utf-8")).encode("utf-8"))
    assert found(stripped.read_bytes()) == []
    done = run_cli("convert", str(EXCEL))
    assert done.returncode == 0, done.stderr
    assert "C713" in done.stderr
    assert done.stdout == run_cli("convert", str(stripped)).stdout
    # ... and back: the CSV written has no blank columns and reads as the same manifest.
    data = load_csv("m.csv", raw).data
    assert data is not None
    written = to_csv_text(data)
    assert ",\n" not in written and found(written) == []
    assert load_csv("m.csv", written.encode("utf-8")).data == data


# --- not ignored --------------------------------------------------------------------------


def test_a_blank_header_over_data_stays_c704_and_the_columns_before_it_too() -> None:
    text = f"ObjectUrl,Image title,,,\n{H}/a.jpg,a,,,\n{H}/b.jpg,b,,x,\n{H}/c.jpg,c,,,\n"
    assert found(text) == [("C704", 1, 23), ("C704", 1, 24), ("C713", 1, 25)]
    over, before = sorted(
        (d for d in lint(text, format="csv") if d.code == "C704"), key=lambda d: -d.span.column
    )
    assert over.hint is not None and "hold data" in over.hint and before.hint is None
    # A title column is named, so the rows are images still, as before.
    assert data_of(text) == data_of(without_trailing_delimiters(text).replace(",,x", ""))


def test_data_under_a_blank_header_without_a_title_column_drops_the_section() -> None:
    # As a blank header cell anywhere does: the column may be the titles, the type unknown.
    text = f"ObjectUrl,\n{H}/a.jpg,\n=1+1,\n,\n{H}/b.jpg,Cat\n{H}/c.jpg,Cat,x\n"
    assert found(text) == [("C704", 1, 11), ("C706", 6, len(f"{H}/c.jpg,Cat,") + 1)]
    assert data_of(text) == {}
    # ... what the section made before its data showed is given back, nothing else.
    later = f"ObjectUrl,Image title\n{H}/i.jpg,i\n" + text
    assert data_of(later) == {"images": [{"objectUrl": f"{H}/i.jpg", "title": "i"}]}


def test_data_in_the_blank_column_of_a_repeated_group_row_is_noticed() -> None:
    # Rows that repeat a group's title and Create video skip the row checks (csv_source):
    # their trailing cells must still be blank to do so.
    rows = [f"{H}/g/{i}.jpg,g,false,\n" for i in range(10)]
    late = f"{H}/g/late.jpg,g,false,late\n"
    text = "ObjectUrl,Image group title,Create video,\n" + "".join(rows[:5] + [late] + rows[5:])
    assert found(text) == [("C704", 1, 42)]


def test_a_blank_column_in_the_middle_stays_c704() -> None:
    text = f"ObjectUrl,,Image title\n{H}/a.jpg,,a\n"
    assert found(text) == [("C704", 1, 11)]


def test_rows_longer_than_the_header_are_still_c706() -> None:
    extra = len(f"{H}/a.jpg,a,,") + 1
    assert found(f"ObjectUrl,Image title,\n{H}/a.jpg,a,,\n") == [
        ("C713", 1, 23),
        ("C706", 2, extra),
    ]


def test_many_blank_header_cells_over_data_are_capped() -> None:
    # 50 blank header cells; the 49th holds data in the row, the 50th is blank.
    text = "ObjectUrl,Image title" + "," * 50 + f"\n{H}/a.jpg,a" + "," * 49 + "x\n"
    diagnostics = lint(text, format="csv")
    assert [d.code for d in diagnostics] == ["C704"] * 11 + ["C713"]
    assert "and 39 more blank columns over data in this header" in diagnostics[0].message


def test_data_under_blank_headers_stops_a_conversion() -> None:
    bad = CSV_FIXTURES / "invalid" / "C704-data-under-blank-header-cell.csv"
    done = run_cli("convert", str(bad))
    assert done.returncode == 1 and done.stdout == "" and "C704" in done.stderr
