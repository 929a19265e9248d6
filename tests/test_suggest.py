"""Near-miss hints: remembered only for a manifest's own keys, never for other text."""

from __future__ import annotations

from encord_manifest._internal.text import suggest
from encord_manifest._internal.text.suggest import suggest_key


def test_a_hint_is_remembered_only_when_asked_to_be() -> None:
    suggest._remembered_suggestion.cache_clear()
    assert suggest_key("AKIAIOSFODNN7EXAMPLE", ("ObjectUrl",)) is None
    assert suggest._remembered_suggestion.cache_info().currsize == 0
    assert suggest_key("objectURL", ("objectUrl", "title"), remember=True) == "objectUrl"
    assert suggest._remembered_suggestion.cache_info().currsize == 1


def test_a_remembered_hint_is_the_hint() -> None:
    for key in ["objectURL", "titel", "client_metadata", "objectUrl3", "x" * 65, "zzz"]:
        for positional in (False, True):
            known = ("objectUrl", "title", "clientMetadata")
            plain = suggest_key(key, known, positional)
            assert suggest_key(key, known, positional, remember=True) == plain
            assert suggest_key(key, known, positional, remember=True) == plain  # from memory


def test_long_keys_are_not_remembered() -> None:
    suggest._remembered_suggestion.cache_clear()
    suggest_key("k" * 65, ("key",), remember=True)
    assert suggest._remembered_suggestion.cache_info().currsize == 0
