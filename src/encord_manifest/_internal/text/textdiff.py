"""Unified diffs of large, mostly unchanged files, in time proportional to their size.

difflib's matcher is quadratic in the worst case and close to it on manifests, whose lines
repeat (`{`, `},`): `--diff` of a 100,000-entry manifest took two minutes. Manifests are full
of lines that occur once (URLs), though, so the two texts are first cut at lines that occur
exactly once in each and in the same order (patience diff's anchors, the longest increasing
run found by patience sorting); difflib then only compares the few lines between anchors.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence

Opcode = tuple[str, int, int, int, int]


_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines as diff and patch see them: ended by LF only (a CR stays on its line, and a
    U+2028 inside a JSON string is no line end), each with its ending."""
    return _LINE.findall(text)


def unified_diff(
    a: Sequence[str], b: Sequence[str], fromfile: str, tofile: str, context: int = 3
) -> Iterator[str]:
    """The lines of a unified diff of two lists of lines (each line with its ending)."""
    first = True
    for group in _hunks(_merge(_anchored_opcodes(a, b)), context):
        if first:
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
            first = False
        _, a1, _, b1, _ = group[0]
        _, _, a2, _, b2 = group[-1]
        yield f"@@ -{_range(a1, a2)} +{_range(b1, b2)} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            yield from ("-" + line for line in a[i1:i2])
            yield from ("+" + line for line in b[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's line range as unified diffs write it (1-based; an empty range names the
    line before it)."""
    length = stop - start
    if length == 1:
        return f"{start + 1}"
    return f"{start + 1 if length else start},{length}"


def _hunks(opcodes: list[Opcode], context: int) -> Iterator[list[Opcode]]:
    """Opcodes cut into hunks: changes with up to ``context`` equal lines around them."""
    if not opcodes or all(tag == "equal" for tag, *_ in opcodes):
        return
    hunk: list[Opcode] = []
    last = len(opcodes) - 1
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            hunk.append((tag, i1, i2, j1, j2))
            continue
        # Context after the change before this run, and before the change after it.
        keep_head = index > 0
        keep_tail = index < last
        if keep_head and keep_tail and i2 - i1 <= 2 * context:
            hunk.append((tag, i1, i2, j1, j2))
            continue
        if keep_head:
            hunk.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield hunk
            hunk = []
        if keep_tail:
            hunk.append((tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2))
    if hunk:
        yield hunk


def _anchored_opcodes(a: Sequence[str], b: Sequence[str]) -> Iterator[Opcode]:
    i = j = 0
    for anchor_a, anchor_b in _anchors(a, b):
        yield from _between(a, b, i, anchor_a, j, anchor_b)
        yield ("equal", anchor_a, anchor_a + 1, anchor_b, anchor_b + 1)
        i, j = anchor_a + 1, anchor_b + 1
    yield from _between(a, b, i, len(a), j, len(b))


def _between(
    a: Sequence[str], b: Sequence[str], i1: int, i2: int, j1: int, j2: int
) -> Iterator[Opcode]:
    """Opcodes of a gap between anchors: small, so difflib is cheap here."""
    if i1 == i2 and j1 == j2:
        return
    if i1 == i2 or j1 == j2:
        yield ("insert" if i1 == i2 else "delete", i1, i2, j1, j2)
        return
    matcher = difflib.SequenceMatcher(None, a[i1:i2], b[j1:j2], autojunk=False)
    for tag, x1, x2, y1, y2 in matcher.get_opcodes():
        yield (tag, i1 + x1, i1 + x2, j1 + y1, j1 + y2)


def _anchors(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Lines that occur once in each text, the longest run of them in the same order."""
    count_a, count_b = Counter(a), Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1}
    pairs = [
        (i, where_b[line]) for i, line in enumerate(a) if count_a[line] == 1 and line in where_b
    ]
    # Longest increasing subsequence of the b positions, by patience sorting.
    tops: list[int] = []
    top_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        pile = bisect_left(tops, j)
        if pile == len(tops):
            tops.append(j)
            top_index.append(index)
        else:
            tops[pile] = j
            top_index[pile] = index
        previous[index] = top_index[pile - 1] if pile else -1
    chain = []
    index = top_index[-1] if top_index else -1
    while index != -1:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _merge(opcodes: Iterator[Opcode]) -> list[Opcode]:
    """Adjacent opcodes of one kind as one (anchors split runs of equal lines)."""
    merged: list[Opcode] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if merged and merged[-1][0] == tag == "equal":
            merged[-1] = (tag, merged[-1][1], i2, merged[-1][3], j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged
