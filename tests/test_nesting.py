"""F005's depth check (``nesting.too_deep``): the same answer as a plain walk of every
container, at every limit.

(A level-at-a-time version in C passes was 2.3x faster on a tree orjson built, and 1.4x slower
on the standard library's, which the lint parses with: measured on a 1M-entry manifest.)"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.sources.nesting import MAX_DEPTH, too_deep


def _walked_too_deep(data: Any, limit: int) -> bool:
    """The oracle: depth first through every container, the root at level 1."""
    if not isinstance(data, (dict, list)):
        return False
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        for child in value.values() if isinstance(value, dict) else value:
            if isinstance(child, (dict, list)):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=2), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_JSON, st.integers(min_value=1, max_value=6))
def test_too_deep_answers_as_a_walk_of_every_container(data: Any, limit: int) -> None:
    assert too_deep(data, limit) == _walked_too_deep(data, limit)


def _nested(levels: int, inner: Any = None) -> Any:
    value: Any = inner
    for level in range(levels):
        value = [value] if level % 2 else {"k": value}
    return value


def test_the_limit_is_the_levels_a_manifest_may_have() -> None:
    assert not too_deep(_nested(MAX_DEPTH))
    assert too_deep(_nested(MAX_DEPTH + 1))
    # An empty container one level too deep is too deep; a scalar there is not.
    assert too_deep(_nested(MAX_DEPTH, inner=[]))
    assert not too_deep(_nested(MAX_DEPTH, inner=3))
    assert not too_deep("text") and not too_deep(7) and not too_deep({}) and not too_deep([])
    wide = {"images": [{"objectUrl": "u", "clientMetadata": {"a": [1, {"b": 2}]}}] * 50_000}
    assert not too_deep(wide, 6) and too_deep(wide, 5)  # root, list, entry, object, list, object
