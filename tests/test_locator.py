"""The locator finds exactly the text of the requested key or value, however the JSON is laid out."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.model.diagnostics import Pointer
from encord_manifest._internal.sources.json_locator import (
    JsonLocator,
    kept_places,
    offsets_in_part,
    top_level_members,
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=5), children, max_size=5)
    ),
    max_leaves=30,
)


def _places(value: Any, pointer: Pointer = ()) -> list[tuple[Pointer, Any]]:
    found = [(pointer, value)]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _places(child, pointer + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _places(child, pointer + (index,))
    return found


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(lines[i]) + 1 for i in range(line - 1)) + column - 1


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from([None, 0, 2, "\t"]), st.booleans(), st.data())
def test_every_value_and_key_is_found_where_it_is(
    document: Any, indent: int | str | None, ascii_only: bool, data: st.DataObject
) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    places = _places(document)
    chosen = data.draw(st.lists(st.sampled_from(places), min_size=1, max_size=6))
    requests = {(pointer, "value") for pointer, _ in chosen}
    requests |= {
        (pointer, "key") for pointer, _ in chosen if pointer and isinstance(pointer[-1], str)
    }
    spans = JsonLocator(text, document).locate(requests)
    assert set(spans) == requests
    values = dict(places)
    for (pointer, target), span in spans.items():
        start = _offset(text, span.line, span.column)
        end = _offset(text, span.end_line, span.end_column)
        if target == "value":
            assert json.loads(text[start:end]) == values[pointer]
        else:
            assert json.loads(text[start:end]) == pointer[-1]


def test_escaped_keys_and_brackets_inside_strings() -> None:
    document = {'a]"}{': [{"x": "[[{\\"}, 7], "b\u00e9": {"c": ["}", {"d": 1}]}}
    text = json.dumps(document, indent=1)
    spans = JsonLocator(text, document).locate(
        [(("b\u00e9", "c", 1, "d"), "value"), (('a]"}{',), "key")]
    )
    d = spans[(("b\u00e9", "c", 1, "d"), "value")]
    assert text.split("\n")[d.line - 1][d.column - 1] == "1"


def _dump_pairs(value: Any) -> str:
    """Serialise, writing objects given as lists of pairs (repeated keys allowed)."""
    if isinstance(value, tuple):  # an object as pairs
        return "{" + ", ".join(f"{json.dumps(k)}: {_dump_pairs(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump_pairs(v) for v in value) + "]"
    return json.dumps(value)


pair_documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), children), max_size=5).map(tuple),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(pair_documents, st.data())
def test_with_repeated_keys_the_value_found_is_the_one_the_parser_kept(
    raw: Any, data: st.DataObject
) -> None:
    text = _dump_pairs(raw)
    document = json.loads(text)
    places = _places(document)
    chosen = data.draw(st.lists(st.sampled_from(places), min_size=1, max_size=6))
    requests = {(pointer, "value") for pointer, _ in chosen}
    spans = JsonLocator(text, document, repeated_keys=True).locate(requests)
    assert set(spans) == requests
    values = dict(places)
    for (pointer, _), span in spans.items():
        start = _offset(text, span.line, span.column)
        end = _offset(text, span.end_line, span.end_column)
        assert json.loads(text[start:end]) == values[pointer]


def test_checkpoints_start_the_walk_at_the_nearest_entry() -> None:
    """With checkpoints (where the parser saw entries start), the walk to a place jumps to the
    last one before it: the text before that is never read. Here it is made unreadable, and
    the places are still found, where they are without checkpoints."""
    manifest = {"images": [{"objectUrl": f"https://b/{n}.jpg", "m": {"k": [n]}} for n in range(50)]}
    text = json.dumps(manifest, indent=1)
    starts = [m.start() for m in re.finditer(r'\{\s*"objectUrl"', text)]
    assert len(starts) == 50
    requests = [(("images", 40, "objectUrl"), "value"), (("images", 45), "value")]
    plain = JsonLocator(text, manifest).offsets(requests)
    hidden = text[: starts[1]] + "#" * (starts[30] - starts[1]) + text[starts[30] :]
    marks = {"images": [(0, starts[0]), (30, starts[30])]}
    places = kept_places(top_level_members(text))
    assert offsets_in_part(hidden, manifest, requests, places, marks) == plain
    try:  # without them, the walk reads the hidden text, and loses its way
        blind: Any = offsets_in_part(hidden, manifest, requests, places)
    except (AssertionError, IndexError):
        blind = None
    assert blind != plain


# --- entry starts from the separators between objects (``_EntryStarts``) ---

#: Strings and objects that hold what stands between two entries, "}, {", to be mistaken.
_decoys = st.sampled_from(['x"}, {"y', "}, {", "},{", '}\n,\n{"objectUrl": "', "plain"])
_entry_values = st.recursive(
    st.one_of(scalars, _decoys),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(st.dictionaries(st.sampled_from(["a", "b"]), children, max_size=2), max_size=3),
        st.dictionaries(st.sampled_from(["p", "q"]), children, max_size=2),
    ),
    max_leaves=6,
)
_entries = st.dictionaries(
    st.sampled_from(["objectUrl", "title", "clientMetadata", "x"]),
    st.one_of(_decoys, _entry_values),
    max_size=4,
)
#: Mostly objects; now and then a list or a scalar among them (then a piece walks as before).
_entry_lists = st.lists(
    st.one_of(_entries, _entries, _entries, _entries, st.lists(scalars, max_size=2), scalars),
    min_size=4,
    max_size=40,
).filter(lambda items: isinstance(items[0], dict))


@settings(max_examples=300, deadline=None)
@given(_entry_lists, st.sampled_from([None, 2]), st.integers(1, 150), st.data())
def test_entry_starts_from_separators_are_where_the_walk_finds_them(
    items: list[Any], indent: int | None, piece: int, data: st.DataObject
) -> None:
    """A part that begins inside the entry list, parsed in pieces as a child parses it: places
    found from its checkpoints are the places the plain walk finds, decoys or not."""
    from encord_manifest._internal.engine.parts import cutting, parsing

    text = json.dumps({"images": items}, indent=indent)
    entries = text[text.index("[") + 1 :].lstrip()
    parsed = parsing.parse_second(entries, cutting.Cut("images", 0, 0), piece)
    assert parsed.data["images"] == items
    places = _places(items, ("images",))[1:]
    whole_entries = [(pointer, value) for pointer, value in places if len(pointer) == 2]
    chosen = data.draw(st.lists(st.sampled_from(places), max_size=4))
    chosen += data.draw(st.lists(st.sampled_from(whole_entries), min_size=1, max_size=8))
    requests = {(pointer, "value") for pointer, _ in chosen}
    requests |= {(p, "key") for p, _ in chosen if len(p) > 2 and isinstance(p[-1], str)}
    where = kept_places(parsed.members)
    walked = offsets_in_part(entries, parsed.data, requests, where)
    assert offsets_in_part(entries, parsed.data, requests, where, parsed.checkpoints) == walked
    values = dict(places)
    for (pointer, target), (start, end) in walked.items():
        expected = values[pointer] if target == "value" else pointer[-1]
        assert json.loads(entries[start:end]) == expected


def test_entries_in_a_piece_are_found_without_walking_the_entries_before_them(
    monkeypatch: Any,
) -> None:
    """A place in any piece but a list's last is reached from the separators the search
    found: no entry before it is skipped bracket by bracket."""
    from encord_manifest._internal.engine.parts import cutting, parsing
    from encord_manifest._internal.sources import json_locator

    items = [{"objectUrl": f"https://b/{n}.jpg", "m": {"k": [n]}} for n in range(300)]
    text = json.dumps({"images": items}, indent=2)
    entries = text[text.index("{", 1) :]
    parsed = parsing.parse_second(entries, cutting.Cut("images", 0, 0), 2_000)
    marks = parsed.checkpoints["images"]
    assert len(marks) > 3
    wanted = [marks[1][0] + 7, marks[2][0] - 1, marks[-2][0] + 3]
    requests = [(("images", n, "objectUrl"), "value") for n in wanted]
    where = kept_places(parsed.members)
    walked = offsets_in_part(entries, parsed.data, requests, where)

    def refuse(*args: Any) -> int:
        raise AssertionError("an entry was skipped by its brackets")

    monkeypatch.setattr(json_locator._Walk, "skip_items", refuse)
    assert offsets_in_part(entries, parsed.data, requests, where, parsed.checkpoints) == walked
    for n, (start, end) in zip(wanted, (walked[r] for r in requests), strict=True):
        assert json.loads(entries[start:end]) == f"https://b/{n}.jpg"


@pytest.mark.parametrize(
    ("items", "wanted", "expected"),
    [
        # a "}, {" inside a string: one match more than there are separators
        ([{"u": "a"}, {"x": "}, {"}, {"u": "here"}, {"u": "d"}], 2, '"here"'),
        # a scalar among the entries has no "}, {" beside it; two lists of objects inside
        # the entries make up the count
        ([{"a": [{}, {}]}, 5, {"b": [{}, {}], "u": "here"}, {"u": "d"}], 2, '"here"'),
    ],
    ids=["separator-in-a-string", "scalar-among-the-entries"],
)
def test_a_piece_whose_matches_are_not_its_separators_is_walked(
    items: list[Any], wanted: int, expected: str
) -> None:
    """The search's matches in the first piece are not where its entries start: the piece is
    walked, and the place is the one the parser saw."""
    entries = json.dumps(items)[1:]
    fourth = entries.rindex('{"u": "d"}')
    marks = {"images": [(0, 0), (3, fourth)]}
    where = {"images": (-1, -1, -1)}
    requests = [(("images", wanted, "u"), "value")]
    found = offsets_in_part(entries, {"images": items}, requests, where, marks)
    start, end = found[requests[0]]
    assert entries[start:end] == expected


@pytest.mark.parametrize("members", [255, 256, 257, 1000])
def test_objects_of_more_strings_than_one_bracket_search_takes_are_skipped_whole(
    members: int,
) -> None:
    """The bracket search takes at most 256 strings at a time (its memory grows with each):
    an object of more string members, skipped before a place or after its last wanted
    member, ends where it ends."""
    wide = {f"k{i}": f"v{i}" for i in range(members)}
    document = {"images": [wide, {**wide, "wanted": 1, "after": {"x": "]"}}, {"last": [1]}]}
    text = json.dumps(document, indent=2)
    requests = {
        (("images", 1, "wanted"), "key"),
        (("images", 2, "last"), "value"),
        (("images", 1, "after"), "value"),
    }
    spans = JsonLocator(text, document).locate(requests)
    for (pointer, target), span in spans.items():
        start = _offset(text, span.line, span.column)
        end = _offset(text, span.end_line, span.end_column)
        expected = pointer[-1] if target == "key" else document["images"][pointer[1]][pointer[2]]
        assert json.loads(text[start:end]) == expected
    assert set(spans) == requests
