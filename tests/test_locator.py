"""The locator finds exactly the text of the requested key or value, however the JSON is laid out."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest.diagnostics import Pointer
from encord_manifest.sources.json_locator import (
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
