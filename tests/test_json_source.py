"""Bad input never raises: every broken file is one finding at its line and column."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.model.diagnostics import Finding
from tests.helpers import lint

URL = "https://media.obs.eu-de.otc.t-systems.com/a.jpg"


def _one(raw: bytes) -> tuple[str, int, int, str]:
    found = lint(raw)
    assert len(found) == 1, found
    d = found[0]
    return d.code, d.span.line, d.span.column, d.message


def test_empty_and_blank_files() -> None:
    assert _one(b"")[:3] == ("F001", 1, 1)
    assert _one(b"  \n\t\n")[:3] == ("F001", 1, 1)


def test_syntax_error_position_counts_characters_not_bytes() -> None:
    raw = '{"images": [{"objectUrl": "https://a/ä中.jpg",}]}'.encode()
    code, line, column, _ = _one(raw)
    assert (code, line) == ("F001", 1)
    assert raw.decode()[column - 1] == ","  # the trailing comma, counted in characters


def test_truncated_file_reports_end_of_data() -> None:
    text = '{\n  "images": [\n    {"objectUrl": "' + URL + '"}'
    code, line, _, message = _one(text.encode())
    assert code == "F001" and line == 3 and "end of data" in message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    text = f'{{"images": [], "x": {constant}}}'
    code, line, column, _ = _one(text.encode())
    assert code == "F001" and (line, column) == (1, text.index(constant.lstrip("-")) + 1)


def test_not_utf8_points_at_the_byte() -> None:
    raw = '{\n  "images": [{"objectUrl": "x", "title": "Müller"}]\n}'.encode("latin-1")
    code, line, column, message = _one(raw)
    assert (code, line, column) == (
        "F002",
        2,
        raw.split(b"\n")[1].index(b"\xfc") + 1,
    ) and "0xfc" in message


def test_utf16_is_named() -> None:
    code, _, _, message = _one('{"images": []}'.encode("utf-16"))
    assert code == "F002" and "UTF-16" in message


def test_deep_nesting_is_one_finding_not_a_crash() -> None:
    code, line, _, _ = _one(b"[" * 10_000)
    assert (code, line) == ("F005", 1)
    assert _one(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")[0] == "F005"


def test_bom_is_a_warning_and_the_rest_is_still_checked() -> None:
    raw = (
        b"\xef\xbb\xbf"
        + json.dumps({"images": [{"objectUrl": URL.replace("a.jpg", "a b.jpg")}]}).encode()
    )
    found = [(d.code, d.span.line, d.span.column) for d in lint(raw)]
    assert found == [("F004", 1, 1), ("U301", 1, 27)]  # columns after the BOM, as editors show


def test_duplicate_keys_at_every_level_report_every_occurrence() -> None:
    text = (
        "{\n"
        '  "images": [{"objectUrl": "' + URL + '", "title": "a", "title": "b"}],\n'
        '  "images": [{"objectUrl": "' + URL + '", "clientMetadata": {"k": 1, "k": 2, "k": 3}}]\n'
        "}\n"
    )
    lines = text.splitlines()

    def at(line: int, needle: str, nth: int = 0) -> tuple[int, int]:
        column = -1
        for _ in range(nth + 1):
            column = lines[line - 1].index(needle, column + 1)
        return line, column + 1

    found = [(d.span.line, d.span.column, d.pointer) for d in lint(text) if d.code == "F003"]
    assert found == [
        (*at(2, '"images"'), "/images"),
        (*at(2, '"title"'), "/images/0/title"),
        (*at(2, '"title"', 1), "/images/0/title"),
        (*at(3, '"images"'), "/images"),
        (*at(3, '"k"'), "/images/0/clientMetadata/k"),
        (*at(3, '"k"', 1), "/images/0/clientMetadata/k"),
        (*at(3, '"k"', 2), "/images/0/clientMetadata/k"),
    ]
    first = next(d for d in lint(text) if d.code == "F003")
    assert "also at 3:3" in first.message


def test_escaped_duplicate_key_is_still_a_duplicate() -> None:
    text = '{"images": [{"objectUrl": "' + URL + '", "title": "a", "t\\u0069tle": "b"}]}'
    assert [d.code for d in lint(text)].count("F003") == 2


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(raw: bytes) -> None:
    for diagnostic in lint(raw):
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_manifests_never_raise(data: st.DataObject) -> None:
    text = bytearray(
        json.dumps(
            {"images": [{"objectUrl": URL, "title": "a.jpg"}], "image_groups": []}, indent=2
        ).encode()
    )
    for _ in range(data.draw(st.integers(1, 5))):
        position = data.draw(st.integers(0, len(text) - 1))
        text[position] = data.draw(st.integers(0, 255))
    lint(bytes(text))


def test_lone_surrogate_escape_is_an_encoding_error_at_its_place() -> None:
    text = '{"images": [{"objectUrl": "https://a.s3.amazonaws.com/x\\ud800.jpg"}]}'
    code, line, column, _ = _one(text.encode())
    assert (code, line, column) == ("F002", 1, text.index("\\ud800") + 1)
    assert (
        lint('{"images": [{"objectUrl": "https://a.s3.amazonaws.com/\\ud83d\\ude00.jpg"}]}') == []
    )
    assert (
        lint(
            '{"images": [{"objectUrl": "https://a.s3.amazonaws.com/a.jpg", "title": "\\\\ud800.jpg"}]}'
        )
        == []
    )


any_text = st.text(alphabet=st.characters(), max_size=12)  # surrogates and controls included


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(any_text, any_text, any_text), min_size=1, max_size=4), st.booleans())
def test_any_unicode_is_reported_and_rendered_without_error(
    entries: list[tuple[str, str, str]], ascii_only: bool
) -> None:
    from encord_manifest._internal.engine.linter import lint_bytes
    from encord_manifest._internal.model.settings import LintSettings
    from encord_manifest._internal.report import OutputFormat, reporter

    manifest = {
        "images": [{"objectUrl": url, "title": title, key: 1} for url, title, key in entries]
    }
    try:
        raw = json.dumps(manifest, ensure_ascii=ascii_only).encode("utf-8")
    except UnicodeEncodeError:
        raw = json.dumps(manifest, ensure_ascii=True).encode("utf-8")  # raw surrogates: escape them
    result = lint_bytes("m.json", raw, LintSettings())
    for output_format in OutputFormat:
        reporter(output_format)([result]).encode("utf-8")


# --- repeated keys, found without tokenizing the whole text -------------------------------

_keys = st.sampled_from(["a", "b", "images", "c\\u0064"])


def _json_text(depth: int = 0) -> st.SearchStrategy[str]:
    """JSON text whose objects may repeat keys (which a dict cannot hold)."""
    scalar = st.sampled_from(["1", '"x"', "null", '"}, {"', "[]", "{}"])
    if depth >= 3:
        return scalar
    child = _json_text(depth + 1)
    pairs = st.lists(st.tuples(_keys, child), max_size=4)
    obj = pairs.map(lambda items: "{" + ", ".join(f'"{k}": {v}' for k, v in items) + "}")
    array = st.lists(child, max_size=3).map(lambda items: "[" + ",\n ".join(items) + "]")
    return st.one_of(scalar, obj, array)


_documents = st.lists(st.tuples(_keys, _json_text(1)), max_size=5).map(
    lambda items: "{\n" + ",\n".join(f'  "{k}": {v}' for k, v in items) + "\n}"
)


@settings(max_examples=300, deadline=None)
@given(text=_documents)
def test_repeated_keys_are_found_as_by_tokenizing_the_whole_text(text: str) -> None:
    """Only the objects the parser saw repeat a key are tokenized (and the root's members):
    the same occurrences, pointers and places as a tokenizer over the whole text, repeats
    inside dropped values included."""
    from encord_manifest._internal.sources import json_source
    from encord_manifest._internal.sources.json_duplicates import find_duplicate_keys

    parsed = json_source._parse(text)
    assert not isinstance(parsed, Finding)
    data, repeated = parsed
    expected = find_duplicate_keys(text)
    assert repeated.seen == bool(expected)
    found = json_source._duplicates(text, data, repeated.objects) if repeated.seen else []
    assert found == expected
