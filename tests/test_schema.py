"""The compiled schema check: the whole document at once, then runs of entries, then the
entries of a failing run one by one, for the reference validator to explain."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.rules import schema

_B = "https://b.s3.amazonaws.com"


@pytest.mark.parametrize("failing", [[0], [511], [512], [511, 512], [1023, 1024], [1099]])
def test_failing_entries_are_found_at_the_edges_of_the_runs(failing: list[int]) -> None:
    images: list[object] = [{"objectUrl": f"{_B}/{n}.jpg"} for n in range(1100)]
    for index in failing:
        images[index] = {"objectUrl": f"{_B}/{index}.jpg", "titel": "typo"}
    found = schema.validate({"images": images})
    assert sorted({f.pointer[1] for f in found}) == failing
    assert schema._RUN == 512  # the edges above are a run's


def test_a_value_the_compiled_validator_cannot_take_fails_its_run_and_is_explained() -> None:
    """jsonschema-rs raises on an integer beyond 64 bits: the run and the entry count as
    failing, and the reference validator decides (here: nothing wrong)."""
    images: list[object] = [{"objectUrl": f"{_B}/{n}.jpg"} for n in range(600)]
    images[3] = {"objectUrl": f"{_B}/3.jpg", "clientMetadata": {"big": 2**70}}
    assert schema.validate({"images": images}) == []


# --- each failing entry explained on its own, as the whole document would explain it ------

_LOOKING_INTO_A_LIST = {
    "items", "prefixItems", "contains", "minContains", "maxContains", "minItems", "maxItems",
    "uniqueItems", "unevaluatedItems", "$ref", "allOf", "anyOf", "oneOf", "not", "if", "then",
    "else", "enum", "const",
}  # fmt: skip


def test_no_keyword_but_items_looks_into_an_entry_list() -> None:
    """What makes explaining the document with its lists emptied, then each failing entry
    on its own, give every error the whole document gives."""
    whole = schema.schema()
    assert not _LOOKING_INTO_A_LIST & set(whole) - {"$defs"}
    for key, definition in whole["properties"].items():
        if "items" in definition:
            assert set(definition) & _LOOKING_INTO_A_LIST == {"items"}, key


def _explained_as_a_whole(data: object) -> list[object]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "_fast_validator", lambda: None)
        return list(schema.validate(data))


def _fixture_documents() -> list[object]:
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "fixtures" / "json"
    documents = []
    for path in sorted(root.rglob("*.json")):
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, RecursionError):
            continue  # not JSON, or too deep (those fixtures are about the syntax)
    return documents


def test_every_fixture_is_explained_entry_by_entry_as_it_is_as_a_whole() -> None:
    documents = _fixture_documents()
    assert len(documents) > 50
    failing = 0
    for document in documents:
        expected = _explained_as_a_whole(document)
        assert schema.validate(document) == expected
        failing += bool(expected)
    assert failing > 10  # fixtures with schema findings were compared, not only clean ones


_MISTAKES = [
    {"titel": "typo"},
    {"objectURL": "https://b.s3.amazonaws.com/x.jpg"},
    {"title": 3},
    {"clientMetadata": []},
    {"clientMetadata": {"": 1}},
    {"imageMetadata": {"width": "wide"}},
    {"videoMetadata": {"fps": -1}},
    {"createVideo": "yes"},
    {"dicomSeries": 1},
    {"objectUrl": None},
]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_entries_with_mistakes_are_explained_entry_by_entry_as_they_are_as_a_whole(
    data: st.DataObject,
) -> None:
    keys = ["images", "videos", "image_groups", "dicom_series", "audio", "scenes", "text"]
    document: dict[str, object] = {}
    for key in data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)):
        entries = []
        for n in range(data.draw(st.integers(1, 6))):
            entry: dict[str, object] = {"objectUrl": f"{_B}/{key}/{n}.jpg"}
            for mistake in data.draw(st.lists(st.sampled_from(_MISTAKES), max_size=2)):
                entry.update(mistake)
            entries.append(entry if data.draw(st.integers(0, 9)) else "not an entry")
        document[key] = entries
    if data.draw(st.booleans()):
        document[data.draw(st.sampled_from(["upsert_metadata", "unknown_key"]))] = "x"
    expected = _explained_as_a_whole(document)
    assert schema.validate(document) == expected
