"""``rules`` and ``schema``: the registry's documentation and the JSON Schema, printed."""

import sys
from typing import Annotated, Optional

import typer

from encord_manifest._internal.cli.choices import RulesFormat, choice_metavar
from encord_manifest._internal.cli.common import print_error
from encord_manifest._internal.model.exit_codes import EXIT_ERROR


def rules(
    code: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(metavar="[CODE]", help="Explain this code or rule name, e.g. U301."),
    ] = None,
    output_format: Annotated[
        RulesFormat,
        typer.Option(
            "--output-format",
            metavar=choice_metavar(RulesFormat),
            help="Text, JSON for tools, or Markdown (docs/rules.md).",
        ),
    ] = RulesFormat.TEXT,
) -> None:
    """List every rule, or explain one with a failing and a passing example."""
    from encord_manifest._internal.rules.docs import explain, rule_table, rules_json, rules_markdown

    if code is None:
        if output_format is RulesFormat.JSON:
            sys.stdout.write(rules_json(None))
        elif output_format is RulesFormat.MARKDOWN:
            sys.stdout.write(rules_markdown())
        else:
            sys.stdout.write(rule_table())
        return
    from encord_manifest._internal.rules import all_rules

    known = all_rules()
    key = code.upper()
    if key not in known:
        by_name = {rule.name: c for c, rule in known.items()}
        if code in by_name:
            key = by_name[code]
        else:
            print_error(f"unknown rule {code!r}; 'encord-manifest rules' lists them")
            raise typer.Exit(EXIT_ERROR)
    if output_format is RulesFormat.JSON:
        sys.stdout.write(rules_json(key))
    elif output_format is RulesFormat.MARKDOWN:
        sys.stdout.write(rules_markdown(key))
    else:
        sys.stdout.write(explain(known[key]))


def schema() -> None:
    """Print the JSON Schema of the manifest (for editors and other validators)."""
    from encord_manifest._internal.rules.schema import schema_text

    sys.stdout.write(schema_text())
