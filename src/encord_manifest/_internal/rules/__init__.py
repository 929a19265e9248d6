"""The rule registry: every code the tool can report, with its documentation.

A rule is data: a stable code (a family letter and three digits, never reused), a name, a
default severity, a one-line summary, an explanation, and a failing and a passing example
that the test suite runs through the linter. Where a rule's check lives depends on what can
see the problem:

* ``source``: the loader (syntax, encoding, duplicate keys, CSV sections), ``sources/``;
* ``schema``: the JSON Schema, translated into codes by ``encord_manifest._internal.rules.schema``;
* ``rules``: a family module in this package, whose ``check`` yields findings;
* ``remote``: ``encord_manifest._internal.remote`` with ``lint --remote`` (the objects themselves).

Every family module registers its rules at import; ``all_rules()`` imports them all.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from encord_manifest._internal.model.diagnostics import Change, Finding, Fix, Pointer, Severity

if TYPE_CHECKING:
    from encord_manifest._internal.model.settings import LintSettings
    from encord_manifest._internal.rules.view import ManifestView

Origin = Literal["source", "schema", "rules", "remote"]
ExampleFormat = Literal["json", "csv"]
CheckFunction = Callable[["ManifestView", "LintSettings"], Iterator[Finding]]
#: What a family's check looks at. "entries": the entries and their lists, so that a large
#: manifest can be checked in parts (``encord_manifest._internal.engine.shards``), each part alone; the few
#: comparisons between entries of different parts (repeated URLs and titles, clientMetadata
#: types) are made there from each part's summary. "document": what only the whole manifest
#: has (counts, the file size, top-level keys side by side), checked once per file.
Scope = Literal["entries", "document"]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    failing: str
    passing: str
    origin: Origin
    #: False where the failing example is abbreviated (a limit of thousands of entries);
    #: the tests build a real one instead.
    example_is_literal: bool = True
    #: The format the examples are written in.
    example_format: ExampleFormat = "json"
    #: What ``--fix`` does about it, where it can do something safe; None otherwise.
    fix: str | None = None


_REGISTRY: dict[str, Rule] = {}
_CHECKS: list[tuple[Scope, CheckFunction]] = []

_FAMILY_MODULES = (
    "source",
    "csv_sections",
    "structure",
    "urls",
    "placeholders",
    "titles",
    "groups",
    "metadata",
    "scenes",
    "time_series",
    "limits",
    "remote",
    "dialect",
)


def register(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    explanation: str,
    failing: str,
    passing: str,
    origin: Origin = "rules",
    example_is_literal: bool = True,
    example_format: ExampleFormat = "json",
    fix: str | None = None,
) -> str:
    """Add a rule to the registry; returns its code so modules can name it as a constant."""
    if code in _REGISTRY:
        raise ValueError(f"rule code {code} registered twice")
    _REGISTRY[code] = Rule(
        code,
        name,
        severity,
        summary,
        _dedent(explanation),
        _dedent(failing),
        _dedent(passing),
        origin,
        example_is_literal,
        example_format,
        fix,
    )
    return code


def family_check(scope: Scope) -> Callable[[CheckFunction], CheckFunction]:
    """Mark a family module's ``check`` to be run on every document, with its scope."""

    def mark(function: CheckFunction) -> CheckFunction:
        _CHECKS.append((scope, function))
        return function

    return mark


_families_loaded = False


def _load_families() -> None:
    # Some modules (the schema translator) import a family directly, so an empty registry
    # is not the test of whether every family has been imported.
    global _families_loaded
    if _families_loaded:
        return
    import importlib

    for module in _FAMILY_MODULES:
        importlib.import_module(f"encord_manifest._internal.rules.{module}")
    _families_loaded = True


_sorted: dict[str, Rule] = {}


def all_rules() -> dict[str, Rule]:
    """Every rule by code, in code order (a copy: callers may keep or change it)."""
    _load_families()
    if len(_sorted) != len(_REGISTRY):  # sorted once, again only if a rule was registered
        _sorted.clear()
        _sorted.update(sorted(_REGISTRY.items()))
    return dict(_sorted)


def get_rule(code: str) -> Rule:
    return all_rules()[code]


def family_checks(scope: Scope | None = None) -> list[CheckFunction]:
    """Every family's check, or those of one scope."""
    all_rules()
    return [function for marked, function in _CHECKS if scope in (None, marked)]


def _dedent(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


# -- fixes rules offer (see diagnostics.Fix) --------------------------------------------------


def rename_key_fix(pointer: Pointer, new_key: str, siblings: Iterable[str]) -> Fix | None:
    """Rename the key at ``pointer``, unless the new name is taken (that would make a
    duplicate key, which drops data: not safe)."""
    if new_key in siblings:
        return None
    old_key = str(pointer[-1])
    return Fix(f"rename {old_key!r} to {new_key!r}", (Change(pointer, "key", new_key),))


def replace_value_fix(pointer: Pointer, text: str, description: str) -> Fix:
    return Fix(description, (Change(pointer, "value", text),))
