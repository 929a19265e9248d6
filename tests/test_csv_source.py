"""CSV manifests (spec section 4): sections, cells, positions, and bad input that never raises."""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.engine.linter import lint_document
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.report.json import render as render_json
from encord_manifest._internal.report.text import render as render_text
from encord_manifest._internal.sources.csv_cells import LineIndex, scan_record
from encord_manifest._internal.sources.csv_source import load_csv
from tests.helpers import CSV_VALID, VALID_WITH_INFO, lint

H = "https://radiology.obs.eu-de.otc.t-systems.com"


def data_of(text: str, delimiter: str | None = None) -> Any:
    return load_csv("m.csv", text.encode("utf-8"), delimiter).data


def found(text: str | bytes) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in lint(text, format="csv")]


# --- sections and entries --------------------------------------------------------------------


def test_header_cells_are_trimmed_and_case_insensitive() -> None:
    assert data_of(f" OBJECTURL ,  image TITLE \n{H}/a.jpg,A\n") == {
        "images": [{"objectUrl": f"{H}/a.jpg", "title": "A"}]
    }


def test_each_header_decides_its_section_type() -> None:
    text = (
        f"ObjectUrl\n{H}/v0.mp4\n"
        f"ObjectUrl,Video title\n{H}/v1.mp4,v1.mp4\n"
        f"ObjectUrl,Image title\n{H}/i.jpg,\n"
        f"ObjectUrl,Image group title\n{H}/s/0.jpg,s\n"
        f"ObjectUrl,Image group title,Create video\n{H}/g/0.png,g,false\n"
        f"ObjectUrl,Series title\n{H}/d/0.dcm,d\n"
    )
    assert data_of(text) == {
        "videos": [{"objectUrl": f"{H}/v0.mp4"}, {"objectUrl": f"{H}/v1.mp4", "title": "v1.mp4"}],
        "images": [{"objectUrl": f"{H}/i.jpg"}],
        "image_groups": [
            {"title": "s", "createVideo": True, "objectUrl_0": f"{H}/s/0.jpg"},
            {"title": "g", "createVideo": False, "objectUrl_0": f"{H}/g/0.png"},
        ],
        "dicom_series": [{"title": "d", "objectUrl_0": f"{H}/d/0.dcm"}],
    }


def test_top_level_keys_follow_the_spec_order_not_the_file_order() -> None:
    text = f"ObjectUrl,Series title\n{H}/d/0.dcm,d\nObjectUrl,Image title\n{H}/i.jpg,i\n"
    assert list(data_of(text)) == ["images", "dicom_series"]


def test_create_video_blank_or_absent_is_true_any_case() -> None:
    text = (
        "ObjectUrl,Image group title,Create video\n"
        f"{H}/a/0.jpg,a,\n{H}/b/0.jpg,b,TRUE\n{H}/c/0.jpg,c,False\n{H}/d/0.jpg,d, false \n"
        f"{H}/e/0.jpg,e\n"  # a short row: the missing cell is blank
    )
    groups = data_of(text)["image_groups"]
    assert [g["createVideo"] for g in groups] == [True, True, False, False, True]


def test_groups_keep_row_order_and_merge_a_title_that_comes_back() -> None:
    text = (
        "ObjectUrl,Image group title,Create video\n"
        f"{H}/w/0.jpg,walk,false\n{H}/r/0.jpg,run,false\n{H}/w/1.jpg,walk,false\n"
        "ObjectUrl,Image group title,Create video\n"
        f"{H}/w/2.jpg,walk,false\n"
    )
    walk, run = data_of(text)["image_groups"]
    assert walk == {
        "title": "walk",
        "createVideo": False,
        "objectUrl_0": f"{H}/w/0.jpg",
        "objectUrl_1": f"{H}/w/1.jpg",
        "objectUrl_2": f"{H}/w/2.jpg",
    }
    assert run["title"] == "run"
    # Both returns are reported: after 'run', and after the new header.
    title_column = len(f"{H}/w/1.jpg,") + 1
    assert [f for f in found(text) if f[0] == "C711"] == [
        ("C711", 4, title_column),
        ("C711", 6, title_column),
    ]


def test_blank_titles_are_omitted_and_blank_rows_skipped() -> None:
    text = f"ObjectUrl,Image title\n\n{H}/a.jpg,  \n,,\n , \n{H}/b.jpg\n"
    assert data_of(text) == {"images": [{"objectUrl": f"{H}/a.jpg"}, {"objectUrl": f"{H}/b.jpg"}]}
    assert found(text) == []


def test_cell_values_are_kept_exactly_apart_from_header_and_create_video() -> None:
    text = f'ObjectUrl,Image title\n{H}/a.jpg, left knee \n{H}/b.jpg,"a ""b"", c"\n'
    titles = [e["title"] for e in data_of(text)["images"]]
    assert titles == [" left knee ", 'a "b", c']


def test_blank_series_title_is_a_one_file_series_without_title() -> None:
    text = f"ObjectUrl,Series title\n{H}/d/0.dcm,\n{H}/d/1.dcm,\n"
    assert data_of(text) == {
        "dicom_series": [{"objectUrl_0": f"{H}/d/0.dcm"}, {"objectUrl_0": f"{H}/d/1.dcm"}]
    }
    assert [code for code, *_ in found(text)] == ["S107", "S107"]


def test_the_documentations_multi_type_example_is_reported() -> None:
    """Spec 4: a .mp4 under an Image title header must not be converted silently."""
    text = f"ObjectUrl,Image title\n{H}/a.jpg,A\n{H}/clip.mp4,Clip\n"
    assert found(text) == [("U308", 3, 1)]


def test_object_url_alone_means_videos_so_an_image_there_is_an_error() -> None:
    assert found(f"ObjectUrl\n{H}/a.jpg\n") == [("U308", 2, 1)]


# --- CSV findings and their places -------------------------------------------------------------


def test_extra_cells_are_reported_at_the_first_extra_cell() -> None:
    assert found(f"ObjectUrl,Image title\n{H}/a.jpg,A,,x\n") == [
        ("C706", 2, len(f"{H}/a.jpg,A,") + 1)
    ]


def test_create_video_in_sections_that_make_no_video() -> None:
    for header in ("Video title", "Image title", "Series title"):
        text = f"ObjectUrl,{header},Create video\n{H}/a.dcm,a,true\n{H}/b.dcm,b,FALSE\n"
        assert "C709" in [code for code, *_ in found(text)]
        assert ("C709", 3) not in [(c, line) for c, line, _ in found(text)]


def test_create_video_conflict_points_at_the_row_and_the_first_row() -> None:
    text = f"ObjectUrl,Image group title,Create video\n{H}/w/0.jpg,walk,false\n{H}/w/1.jpg,walk,\n"
    (diagnostic,) = lint(text, format="csv")
    assert diagnostic.code == "C710" and diagnostic.span.line == 3
    assert diagnostic.related_span is not None and diagnostic.related_span.line == 2
    assert diagnostic.pointer == "/image_groups/0/createVideo"


def test_rows_before_the_first_header_are_one_finding() -> None:
    text = f"{H}/a.jpg,A\n{H}/b.jpg,B\nObjectUrl,Image title\n{H}/c.jpg,C\n"
    (diagnostic,) = lint(text, format="csv")
    assert (diagnostic.code, diagnostic.span.line) == ("C703", 1)
    assert diagnostic.message.startswith("2 rows")


def test_an_unusable_header_reports_no_cascade_of_row_findings() -> None:
    text = f"ObjectUrl,Imagetitle\n{H}/clip.mp4,clip\n{H}/clip.mp4,clip\n"
    assert found(text) == [("C704", 1, 11)]
    (diagnostic,) = lint(text, format="csv")
    assert diagnostic.hint == "did you mean 'Image title'?"


def test_an_unknown_extra_column_beside_a_title_column_keeps_the_rows() -> None:
    text = f"ObjectUrl,Image title,Notes\n{H}/clip.mp4,clip,n\n"
    assert found(text) == [("C704", 1, 23), ("U308", 2, 1)]


def test_duplicate_header_column() -> None:
    assert found(f"ObjectUrl,Image title,image title\n{H}/a.jpg,a,b\n") == [("C705", 1, 23)]


def test_semicolons_are_reported_once_and_the_rest_still_checked() -> None:
    text = f"ObjectUrl;Image title\n{H}/a.jpg;A\n{H}/clip.mp4;Clip\n"
    assert found(text) == [("C702", 1, 10), ("U308", 3, 1)]
    explicit = load_csv("m.csv", text.encode(), delimiter=";")
    assert explicit.findings == [] and len(explicit.data["images"]) == 2


def test_tab_delimited_with_a_quoted_header_cell() -> None:
    assert found(f'"ObjectUrl"\tSeries title\n{H}/d.dcm\td\n') == [("C702", 1, 12)]


def test_unterminated_quote_is_reported_at_the_quote_not_at_the_end() -> None:
    text = f'ObjectUrl,Image title\n{H}/a.jpg,A\n{H}/b.jpg,"B\n{H}/c.jpg,C\n{H}/d.jpg,D\n'
    assert found(text) == [("C701", 3, len(f"{H}/b.jpg,") + 1)]


def test_a_huge_cell_is_one_finding() -> None:
    text = f'ObjectUrl,Image title\n{H}/a.jpg,"{"x" * 200_000}"\n'
    ((code, line, _),) = found(text)
    assert (code, line) == ("C701", 2)


def test_positions_with_bom_crlf_cr_and_wide_characters() -> None:
    text = f"\ufeffObjectUrl,Image title\r\n{H}/ä中.jpg,A,x\r{H}/b.jpg,B,y\r\n"
    assert found(text.encode("utf-8")) == [
        ("C706", 2, len(f"{H}/ä中.jpg,A,") + 1),  # characters, not bytes
        ("C706", 3, len(f"{H}/b.jpg,B,") + 1),
    ]


def test_positions_inside_records_that_span_lines() -> None:
    text = f'ObjectUrl,Image group title,Create video\n"{H}/a\n0.jpg","walk\nfast",maybe\n'
    (diagnostic,) = [d for d in lint(text, format="csv") if d.code == "C709"]
    assert (diagnostic.span.line, diagnostic.span.column) == (4, 7)
    whitespace = next(d for d in lint(text, format="csv") if d.code == "U301")
    assert (whitespace.span.line, whitespace.span.column, whitespace.span.end_line) == (2, 1, 3)


def test_not_utf8_and_utf16() -> None:
    assert found(b"ObjectUrl,Image title\nhttps://a/M\xfcller.jpg,x\n") == [("F002", 2, 12)]
    assert [c for c, *_ in found("ObjectUrl\n".encode("utf-16"))] == ["F002"]


def test_a_bom_is_allowed_in_csv() -> None:
    assert found(f"\ufeffObjectUrl,Image title\n{H}/a.jpg,A\n".encode()) == []


def test_valid_fixtures_survive_any_line_ending() -> None:
    for fixture in CSV_VALID:
        text = fixture.read_text(encoding="utf-8")
        for ending in ("\r\n", "\r"):
            codes = [code for code, *_ in found(text.replace("\n", ending))]
            assert codes == VALID_WITH_INFO.get(fixture.name, []), (fixture.name, ending)


# --- the cell scanner agrees with the csv module -------------------------------------------

_CELL_TEXT = st.text(alphabet=st.sampled_from('ab ,;"\t\r\nü'), max_size=8)


@settings(max_examples=400, deadline=None)
@given(
    rows=st.lists(st.lists(_CELL_TEXT, min_size=1, max_size=4), min_size=1, max_size=4),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_scanned_cells_are_the_cells_the_csv_module_reads(
    rows: list[list[str]], delimiter: str, quoting: int
) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    lines = LineIndex(text)
    line = 1
    for row in reader:
        scan = scan_record(text, lines.offset_of_line(line), delimiter)
        assert scan.error is None
        cells = [_unquote(text[start:end]) for start, end in scan.cells]
        assert cells == (row or [""])
        line = reader.line_num + 1


def _unquote(cell: str) -> str:
    if cell.startswith('"'):
        return cell[1:-1].replace('""', '"')
    return cell


# --- bad input never raises ---------------------------------------------------------------------


def _lint_everything(raw: bytes) -> None:
    document = load_csv("m.csv", raw)
    result = lint_document(document, LintSettings())
    for diagnostic in result.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
    render_text([result])
    render_json([result])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(raw: bytes) -> None:
    _lint_everything(raw)


_VALID_CSV = CSV_VALID[0].read_bytes() if CSV_VALID else b"ObjectUrl\n"


@settings(max_examples=300, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(_VALID_CSV)),
    insert=st.binary(max_size=6) | st.sampled_from([b'"', b",", b";", b"\r", b"\n", b'""']),
    delete=st.integers(min_value=0, max_value=5),
)
def test_mutated_manifests_never_raise(position: int, insert: bytes, delete: int) -> None:
    _lint_everything(_VALID_CSV[:position] + insert + _VALID_CSV[position + delete :])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_never_raises(text: str) -> None:
    _lint_everything(("ObjectUrl,Image title\n" + text).encode("utf-8"))


def test_spans_carry_the_field_number_of_the_cell() -> None:
    text = f"ObjectUrl,Image group title,Create video\n{H}/w/0.jpg,walk,maybe\n"
    (diagnostic,) = lint(text, format="csv")
    assert (diagnostic.code, diagnostic.span.field) == ("C709", 3)
    (url,) = lint(f"ObjectUrl,Image title\n{H}/clip.mp4,c\n", format="csv")
    assert (url.code, url.span.field) == ("U308", 1)
    assert all(d.span.field is None for d in lint('{"images": []}'))


@settings(max_examples=400, deadline=None)
@given(
    rows=st.lists(st.lists(_CELL_TEXT, max_size=4), min_size=1, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_record_lines_worked_out_from_the_text_are_the_csv_modules(
    rows: list[list[str]], delimiter: str, ending: str
) -> None:
    """Lines are not tracked while reading; the locator derives them from quoted cells."""
    from encord_manifest._internal.sources.csv_locator import CsvLocator, RecordMap

    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending).writerows(rows)
    text = buffer.getvalue()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    expected, line = [], 0
    for _ in reader:
        expected.append(line + 1)
        line = reader.line_num
    locator = CsvLocator(text, delimiter, RecordMap([], {}))
    assert [locator.line_of(record) for record in range(len(expected))] == expected


def test_formula_cells_are_found_where_they_are_once_per_group() -> None:
    text = (
        "ObjectUrl,Image title\n"
        f"{H}/a.jpg,=1+1\n"
        f"{H}/b.jpg,-1\n"
        '=HYPERLINK("x"),"@SUM(1)"\n'
        "ObjectUrl,Image group title\n"
        f"{H}/c.jpg,+g\n"
        f"{H}/d.jpg,+g\n"
        "-cmd,+g\n"
    )
    assert [f for f in found(text) if f[0] == "C712"] == [
        ("C712", 2, len(H) + 8),
        ("C712", 4, 1),
        ("C712", 4, 17),
        ("C712", 6, len(H) + 8),
        ("C712", 8, 1),  # a formula URL in a row that continues its group
    ]
