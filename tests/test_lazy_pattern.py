"""Patterns compiled on first use (``lazy_pattern``): the same answers as ``re``, and none
that would fail only when a rare input first reaches it."""

from __future__ import annotations

import importlib
import pkgutil
import re

import encord_manifest
from encord_manifest._internal.text.lazy_pattern import LazyPattern


def _every_lazy_pattern() -> list[tuple[str, LazyPattern[str] | LazyPattern[bytes]]]:
    found = []
    for module_info in pkgutil.walk_packages(encord_manifest.__path__, "encord_manifest."):
        if module_info.name.endswith("__main__"):  # importing it runs the command
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            values = value.values() if isinstance(value, dict) else [value]
            for index, item in enumerate(values):
                if isinstance(item, LazyPattern):
                    found.append((f"{module_info.name}.{name}[{index}]", item))
            if isinstance(value, tuple):
                for index, item in enumerate(value):
                    if isinstance(item, tuple) and any(isinstance(i, LazyPattern) for i in item):
                        found += [
                            (f"{module_info.name}.{name}[{index}]", i)
                            for i in item
                            if isinstance(i, LazyPattern)
                        ]
    return found


def test_every_lazy_pattern_in_the_package_compiles() -> None:
    patterns = _every_lazy_pattern()
    assert len(patterns) >= 40  # the redaction's, the URL rules', the sources'
    for where, pattern in patterns:
        assert isinstance(pattern.compiled, re.Pattern), where


def test_a_lazy_pattern_answers_as_re_and_compiles_once() -> None:
    lazy = LazyPattern(r"(?i)a(b+)", 0)
    assert lazy._compiled is None
    eager = re.compile(r"(?i)a(b+)")
    text = "xAbb ab aBBB"
    assert lazy.search(text).span() == eager.search(text).span()  # type: ignore[union-attr]
    assert (
        lazy.search(text, 2) is None or lazy.search(text, 2).span() == eager.search(text, 2).span()
    )  # type: ignore[union-attr]
    assert lazy.match(text, 1).group(1) == "bb"  # type: ignore[union-attr]
    assert lazy.fullmatch("abb") is not None and lazy.fullmatch("abbx") is None
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert lazy.findall(text) == eager.findall(text)
    assert lazy.sub("-", text) == eager.sub("-", text)
    assert lazy.split(text) == eager.split(text)
    compiled = lazy.compiled
    assert lazy.compiled is compiled
    assert LazyPattern(rb"\x00+").search(b"a\x00\x00") is not None
    assert LazyPattern("x", re.IGNORECASE).search("X") is not None
