"""What `encord-manifest rules` prints: the registry's own documentation, nothing written twice."""

from __future__ import annotations

import textwrap

import orjson

from encord_manifest.rules import Rule, all_rules

_ORIGIN = {
    "source": "found while reading the file",
    "schema": "found by the JSON Schema",
    "rules": "found by a rule",
    "remote": "found with --remote, by reading the object",
}


def rule_table() -> str:
    rules = all_rules().values()
    width = max(len(rule.name) for rule in rules)
    lines = [f"{'code':<5} {'name':<{width}} {'severity':<8} summary"]
    for rule in rules:
        lines.append(f"{rule.code:<5} {rule.name:<{width}} {rule.severity.value:<8} {rule.summary}")
    return "\n".join(lines) + "\n"


def explain(rule: Rule) -> str:
    def block(text: str) -> str:
        return textwrap.indent(text, "    ")

    note = "" if rule.example_is_literal else " (abbreviated)"
    return (
        f"{rule.code} {rule.name} ({rule.severity.value}, {_ORIGIN[rule.origin]})\n\n"
        f"{rule.summary}.\n\n"
        f"{textwrap.fill(' '.join(rule.explanation.split()), 92)}\n\n"
        f"Fails{note}:\n{block(rule.failing)}\n\n"
        f"Passes:\n{block(rule.passing)}\n"
        + (
            f"\nFix (--fix): {textwrap.fill(rule.fix, 80, subsequent_indent='    ')}\n"
            if rule.fix
            else ""
        )
    )


def rules_json(code: str | None) -> str:
    rules = all_rules()
    selected = [rules[code]] if code else list(rules.values())
    records = [
        {
            "code": rule.code,
            "name": rule.name,
            "severity": rule.severity.value,
            "summary": rule.summary,
            "origin": rule.origin,
            "explanation": rule.explanation,
            "failing_example": rule.failing,
            "passing_example": rule.passing,
            "example_format": rule.example_format,
            "fix": rule.fix,
        }
        for rule in selected
    ]
    return (
        orjson.dumps(records if code is None else records[0], option=orjson.OPT_INDENT_2).decode()
        + "\n"
    )
