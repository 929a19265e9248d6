"""What `encord-manifest rules` prints: the registry's own documentation, nothing written twice."""

from __future__ import annotations

import textwrap

import orjson

from encord_manifest._internal.rules import Rule, all_rules

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


_FAMILY_TITLES = {
    "F": "The file",
    "S": "Structure",
    "M": "Metadata",
    "U": "URLs",
    "T": "Titles",
    "G": "Groups, sequences and DICOM series",
    "L": "Size limits",
    "C": "CSV",
    "P": "Point-cloud scenes and time series",
    "R": "Remote checks (`--remote`)",
}


def rules_markdown(code: str | None = None) -> str:
    """The registry as Markdown: docs/rules.md is this output (a test keeps the two equal)."""
    rules = all_rules()
    if code is not None:
        return _rule_markdown(rules[code])
    parts = [
        "# Rules\n\n"
        "Every code `encord-manifest` can report, generated from the rule registry with\n"
        "`encord-manifest rules --output-format markdown > docs/rules.md`. The format they\n"
        "check is described in [manifest-format.md](manifest-format.md).\n"
    ]
    family = None
    for rule in rules.values():
        if rule.code[0] != family:
            family = rule.code[0]
            parts.append(f"\n## {_FAMILY_TITLES.get(family, family)}\n")
        parts.append("\n" + _rule_markdown(rule))
    return "".join(parts)


def _rule_markdown(rule: Rule) -> str:
    fence = "csv" if rule.example_format == "csv" else "json"
    note = "" if rule.example_is_literal else " (abbreviated)"
    fix = f"**Fix** (`--fix`): {' '.join(rule.fix.split())}\n\n" if rule.fix else ""
    return (
        f"### {rule.code} `{rule.name}`\n\n"
        f"*{rule.severity.value}, {_ORIGIN[rule.origin]}.* {rule.summary}.\n\n"
        f"{' '.join(rule.explanation.split())}\n\n"
        f"Fails{note}:\n\n```{fence}\n{rule.failing}\n```\n\n"
        f"Passes:\n\n```{fence}\n{rule.passing}\n```\n\n"
        f"{fix}"
    ).rstrip("\n") + "\n"
