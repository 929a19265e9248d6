"""`sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Rules carry their documentation from the registry (summary, explanation, default level);
columns count Unicode code points, as every other format does, and the run says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

import orjson

from encord_manifest import __version__
from encord_manifest.diagnostics import Diagnostic, Severity
from encord_manifest.linter import FileResult
from encord_manifest.report import ReportOptions
from encord_manifest.rules import Rule, all_rules

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule(rule: Rule) -> dict[str, Any]:
    explanation = " ".join(rule.explanation.split())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": explanation},
        "help": {
            "text": f"{explanation}\n\nFails:\n{rule.failing}\n\nPasses:\n{rule.passing}",
        },
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": [rule.origin]},
    }


def _uri(path: str) -> str:
    """A relative URI as code scanning wants it: forward slashes, no leading './'."""
    return PurePath(path).as_posix().removeprefix("./")


def _result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    span = diagnostic.span
    message = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[diagnostic.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(diagnostic.path)},
                    "region": {
                        "startLine": span.line,
                        "startColumn": span.column,
                        "endLine": span.end_line,
                        "endColumn": max(span.end_column, 1),
                    },
                },
                "logicalLocations": [{"fullyQualifiedName": diagnostic.pointer or "/"}],
            }
        ],
    }
    if diagnostic.related_span is not None:
        related = diagnostic.related_span
        result["relatedLocations"] = [
            {
                "id": 1,
                "message": {"text": "first occurrence"},
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(diagnostic.path)},
                    "region": {"startLine": related.line, "startColumn": related.column},
                },
            }
        ]
    return result


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    rules = list(all_rules().values())
    index = {rule.code: i for i, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "encord-manifest",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [
                    _result(d, index[d.code]) for result in results for d in result.diagnostics
                ],
            }
        ],
    }
    return orjson.dumps(log, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
