"""Values a manifest field can hold, sorted into cases; used by test_sdk_models.

A *change* is one edit of a valid entry (or manifest): one field set to one case of value
(``zero or negative``), a field dropped, a key added or renamed. It is named by a path
(``videos.videoMetadata.fps``) and a case, the two columns POLICY in test_sdk_models is keyed
by. Each case is a class of values that the schema and the SDK's model each judge alike, so
that one row of the table speaks for every value hypothesis draws from it; the example is the
value the deterministic sweep uses.

Values are what the project's JSON loader hands the schema (json.loads without NaN): finite
floats, integers of any size, and infinity (the loader reads ``1e400`` as infinity).
"""

from __future__ import annotations

import copy
import math
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

Entry = dict[str, Any]
Edit = Callable[[Entry], None]
#: Where a key is: the keys (and list indexes) leading to it, the key itself last.
Location = tuple[str | int, ...]

#: The largest integer the model reads from a float (pydantic's int_parsing_size).
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Case:
    label: str
    values: SearchStrategy[Any]
    example: Any


@dataclass(frozen=True)
class Change:
    path: str
    case: str
    edits: SearchStrategy[Edit]
    example: Edit


def apply(entry: Entry, edit: Edit) -> Entry:
    changed = copy.deepcopy(entry)
    edit(changed)
    return changed


# --- values --------------------------------------------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
_lists = st.lists(_scalars, max_size=3)
_objects = st.dictionaries(st.text(max_size=5), _scalars, max_size=3)
_numbers = st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
_letters = st.text(string.ascii_letters, min_size=1, max_size=8)
#: Words pydantic reads as a number (float fields) or a boolean: not "a word" for those.
_FLOAT_WORDS = frozenset({"inf", "infinity", "nan"})
_BOOL_WORDS = ("true", "false", "yes", "no", "on", "off", "t", "f", "y", "n", "1", "0")


def _whole_floats(low: float, high: float) -> SearchStrategy[float]:
    return st.floats(low, high).map(lambda x: float(math.floor(x)))


def not_of_json_type(*kept: str) -> tuple[Case, ...]:
    """The cases of the JSON types a field does not take (all of them, less ``kept``)."""
    cases = {
        "null": Case("null", st.none(), None),
        "boolean": Case("a boolean", st.booleans(), True),
        "number": Case("a number", _numbers, 7),
        "string": Case("a word", _letters, "abc"),
        "list": Case("a list", _lists, ["x"]),
        "object": Case("an object", _objects, {"k": 1}),
    }
    return tuple(case for name, case in cases.items() if name not in kept)


STRING = (
    Case("a string", st.text(min_size=1), "https://b.s3.amazonaws.com/a"),
    Case("an empty string", st.just(""), ""),
    *not_of_json_type("string"),
)
CLIENT_METADATA = (
    Case(
        "an object",
        st.dictionaries(
            st.text(min_size=1).filter(lambda k: k not in ("keyframes", "config")),
            json_values,
            max_size=3,
        ),
        {"site": "berlin"},
    ),
    Case(
        "an object with an empty key",
        st.dictionaries(st.just(""), json_values, min_size=1),
        {"": 1},
    ),
    *not_of_json_type("object"),
)
INTEGER = (
    Case(
        "a whole number above zero",
        st.integers(1, INT64_MAX) | _whole_floats(1, 2**53),
        1920,
    ),
    Case(
        "zero or negative",
        st.integers(-(2**70), 0) | _whole_floats(-(2**62), 0),
        0,
    ),
    Case("a whole number from 2^63 up", st.integers(INT64_MAX + 1, 2**80), 2**63),
    Case("a float from 2^63 up, such as 1e20", _whole_floats(2.0**63, 1e300), 1e20),
    Case("a fraction", st.floats(-1e9, 1e9).filter(lambda x: x != math.floor(x)), 2.5),
    Case("a number in a string", st.integers(-(10**6), 10**6).map(str), "1920"),
    Case("a boolean", st.booleans(), True),
    *not_of_json_type("number", "boolean"),
)
NUMBER = (
    Case(
        "a number above zero",
        st.floats(0, exclude_min=True, allow_infinity=False) | st.integers(1, 2**1000),
        25,
    ),
    Case(
        "zero or negative",
        st.floats(max_value=0, allow_nan=False) | st.integers(-(2**70), 0),
        0,
    ),
    Case("infinity (1e400 in the file)", st.just(math.inf), math.inf),
    Case("a whole number beyond a double (over 308 digits)", st.just(10**309), 10**309),
    Case(
        "a number in a string",
        st.floats(allow_nan=False, allow_infinity=False).map(str) | st.integers().map(str),
        "25",
    ),
    Case("a boolean", st.booleans(), True),
    Case("a word", _letters.filter(lambda w: w.lower() not in _FLOAT_WORDS), "fast"),
    *not_of_json_type("number", "boolean", "string"),
)
BOOLEAN = (
    Case("true or false", st.booleans(), False),
    Case(
        "a word the model reads as a boolean (true, no, off, 1...)",
        st.sampled_from(_BOOL_WORDS).flatmap(
            lambda w: st.sampled_from([w, w.upper(), w.capitalize()])
        ),
        "false",
    ),
    Case("0 or 1", st.sampled_from([0, 1, 0.0, 1.0]), 0),
    Case("another word", _letters.filter(lambda w: w.lower() not in _BOOL_WORDS), "maybe"),
    Case(
        "another number",
        _numbers.filter(lambda n: n not in (0, 1)),
        2,
    ),
    *not_of_json_type("boolean", "number", "string"),
)


def mime(family: str) -> tuple[Case, ...]:
    others = [f for f in ("video", "image", "audio", "application", "text") if f != family]
    return (
        Case(f"a {family}/... type", st.text().map(lambda s: f"{family}/{s}"), f"{family}/x"),
        Case(
            "another family's type",
            st.tuples(st.sampled_from(others), st.text()).map(lambda p: f"{p[0]}/{p[1]}"),
            "application/pdf",
        ),
        Case("an empty string", st.just(""), ""),
        *not_of_json_type("string"),
    )


def valid_value(cases: tuple[Case, ...]) -> SearchStrategy[Any]:
    """The first case of every catalogue is the valid one."""
    return cases[0].values


# --- edits ---------------------------------------------------------------------------------


def _container(entry: Entry, location: Location) -> dict[str | int, Any]:
    """The object that holds the key at ``location``; an empty stand-in where an earlier
    change of the same entry took the way there away (the edit then changes nothing)."""
    target: Any = entry
    for key in location[:-1]:
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            return {}
    return target if isinstance(target, dict) else {}


def set_value(location: Location, value: Any, twin: str | None = None) -> Edit:
    """Set the key at ``location``; its other spelling (``twin``), if any, is dropped."""

    def edit(entry: Entry) -> None:
        container = _container(entry, location)
        if twin is not None:
            container.pop(twin, None)
        container[location[-1]] = copy.deepcopy(value)

    return edit


def drop(location: Location, twin: str | None = None) -> Edit:
    def edit(entry: Entry) -> None:
        container = _container(entry, location)
        container.pop(location[-1], None)
        if twin is not None:
            container.pop(twin, None)

    return edit


def rename(location: Location, new: str) -> Edit:
    def edit(entry: Entry) -> None:
        container = _container(entry, location)
        if location[-1] in container:
            container[new] = container.pop(location[-1])

    return edit


def value_changes(
    path: str, location: Location, cases: tuple[Case, ...], twin: str | None = None
) -> list[Change]:
    """One change per case of ``cases``, and the field missing."""
    changes = [
        Change(
            path,
            case.label,
            case.values.map(lambda v: set_value(location, v, twin)),
            set_value(location, case.example, twin),
        )
        for case in cases
    ]
    gone = drop(location, twin)
    changes.append(Change(path, "missing", st.just(gone), gone))
    return changes


def key_changes(path: str, location: Location, keys: SearchStrategy[str], example: str) -> Change:
    """A key drawn from ``keys``, with any value, added to the object ``location`` leads to."""
    edits = st.tuples(keys, json_values).map(lambda kv: set_value((*location, kv[0]), kv[1]))
    return Change(path, "any value", edits, set_value((*location, example), 1))


def unknown_keys(known: frozenset[str], curated: tuple[str, ...]) -> SearchStrategy[str]:
    fresh = st.text(min_size=1, max_size=12).filter(lambda k: k not in known)
    return st.sampled_from([k for k in curated if k not in known]) | fresh


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), name)
