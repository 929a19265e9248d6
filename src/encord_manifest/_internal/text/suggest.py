""" "Did you mean" for near-miss keys: case, '-'/'_', camelCase and plural/singular slips."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

from encord_manifest._internal.text.lazy_pattern import LazyPattern

_POSITIONAL_NEAR_MISS = LazyPattern(r"objecturl(\d+)")


def _fold(key: str) -> str:
    return re.sub(r"[\s_\-]", "", key).lower()


def _stem(folded: str) -> str:
    return folded[:-1] if folded.endswith("s") else folded


#: Keys longer than this are not remembered: a hint is for a slip of a short key name.
_REMEMBERED_LENGTH = 64


def suggest_key(
    key: str, candidates: Iterable[str], positional: bool = False, remember: bool = False
) -> str | None:
    """The known key that ``key`` most likely meant, or None when nothing is close.

    With ``remember``, for a manifest's own keys only (never a cell, a value or a setting,
    which may be anything a user pasted): the answer is kept for short keys, as a generator's
    slip repeats the same key in every entry it wrote (25,000 entries with ``objectURL``:
    difflib asked twice per entry)."""
    known = tuple(candidates)
    if not remember or len(key) > _REMEMBERED_LENGTH:
        return _suggestion(key, known, positional)
    return _remembered_suggestion(key, known, positional)


def _suggestion(key: str, known: tuple[str, ...], positional: bool) -> str | None:
    folded = _fold(key)
    for candidate in known:
        if _fold(candidate) == folded:
            return candidate
    for candidate in known:
        if _stem(_fold(candidate)) == _stem(folded):
            return candidate
    if positional:
        match = _POSITIONAL_NEAR_MISS.fullmatch(folded)
        if match:
            return f"objectUrl_{int(match.group(1))}"
    by_fold = {_fold(candidate): candidate for candidate in known}
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.8)
    return by_fold[close[0]] if close else None


_remembered_suggestion = lru_cache(maxsize=1024)(_suggestion)
