"""The unified diff `--diff` prints: applying it gives the fixed text, and it reads as
difflib's would where there is one obvious diff."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.text.textdiff import split_lines, unified_diff
from tests.helpers import apply_unified_diff

# Few distinct lines, so they repeat (as `{` and `},` do in manifests), and some unique ones.
_line = st.one_of(
    st.sampled_from(["{\n", "},\n", "  x\n", "\r\n"]),
    st.text("abc", min_size=1, max_size=3).map(lambda s: s + "\n"),
)


def _diff(a: str, b: str) -> str:
    return "".join(unified_diff(split_lines(a), split_lines(b), "a/m", "b/m"))


@settings(max_examples=400, deadline=None)
@given(st.lists(_line, max_size=40), st.lists(_line, max_size=40))
def test_applying_the_diff_gives_the_new_text(a: list[str], b: list[str]) -> None:
    old, new = "".join(a), "".join(b)
    diff = _diff(old, new)
    assert (diff == "") == (old == new)
    if diff:
        assert apply_unified_diff(old, diff) == new


@settings(max_examples=200, deadline=None)
@given(st.lists(_line, min_size=1, max_size=60), st.data())
def test_one_local_change_reads_as_difflib_writes_it(a: list[str], data: st.DataObject) -> None:
    unique = [f"line {i}\n" for i in range(len(a))]  # every line once: one obvious diff
    at = data.draw(st.integers(0, len(unique) - 1))
    b = unique[:at] + ["changed\n", "and added\n"] + unique[at + 1 :]
    ours = _diff("".join(unique), "".join(b))
    theirs = "".join(difflib.unified_diff(unique, b, "a/m", "b/m"))
    assert ours == theirs


def test_lines_end_at_line_feeds_only() -> None:
    assert split_lines('{"a": "x\u2028y"}\r\n}') == ['{"a": "x\u2028y"}\r\n', "}"]
