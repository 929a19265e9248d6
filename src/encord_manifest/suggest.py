""" "Did you mean" for near-miss keys: case, '-'/'_', camelCase and plural/singular slips."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from encord_manifest.lazy_pattern import LazyPattern

_POSITIONAL_NEAR_MISS = LazyPattern(r"objecturl(\d+)")


def _fold(key: str) -> str:
    return re.sub(r"[\s_\-]", "", key).lower()


def _stem(folded: str) -> str:
    return folded[:-1] if folded.endswith("s") else folded


def suggest_key(key: str, candidates: Iterable[str], positional: bool = False) -> str | None:
    """The known key that ``key`` most likely meant, or None when nothing is close."""
    folded = _fold(key)
    known = list(candidates)
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
