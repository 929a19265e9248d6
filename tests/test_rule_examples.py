"""Every rule's documented examples are real: the failing one fails with that code, the passing one does not."""

from __future__ import annotations

import pytest

from encord_manifest._internal.rules import all_rules
from tests.helpers import codes

LITERAL = [rule for rule in all_rules().values() if rule.example_is_literal]


@pytest.mark.parametrize("rule", LITERAL, ids=lambda rule: rule.code)
def test_failing_example_reports_the_code(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.code in codes(rule.failing, format=rule.example_format)


@pytest.mark.parametrize("rule", LITERAL, ids=lambda rule: rule.code)
def test_passing_example_does_not(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.code not in codes(rule.passing, format=rule.example_format)


def test_codes_are_a_prefix_letter_and_three_digits_and_unique_names() -> None:
    rules = all_rules()
    assert all(len(code) == 4 and code[0].isupper() and code[1:].isdigit() for code in rules)
    names = [rule.name for rule in rules.values()]
    assert len(names) == len(set(names))


def test_every_rule_is_documented() -> None:
    for rule in all_rules().values():
        assert rule.summary and len(rule.explanation) > 40 and rule.failing and rule.passing, (
            rule.code
        )
