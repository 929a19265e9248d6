"""`gitlab`: a Code Quality report (a JSON list of issues) for GitLab merge requests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import orjson

from encord_manifest.diagnostics import Diagnostic, Severity
from encord_manifest.linter import FileResult
from encord_manifest.report import ReportOptions

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def fingerprint(diagnostic: Diagnostic) -> str:
    """Stable across runs and line moves: what and where in the document, not the line number,
    so that GitLab sees an unchanged finding as the same one when lines are added above it."""
    identity = "\0".join((diagnostic.path, diagnostic.code, diagnostic.pointer, diagnostic.message))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def issue(diagnostic: Diagnostic) -> dict[str, Any]:
    span = diagnostic.span
    description = f"{diagnostic.code} {diagnostic.message}"
    if diagnostic.hint:
        description += f" ({diagnostic.hint})"
    return {
        "type": "issue",
        "description": description,
        "check_name": diagnostic.code,
        "fingerprint": fingerprint(diagnostic),
        "severity": _SEVERITY[diagnostic.severity],
        "location": {
            "path": diagnostic.path,
            "positions": {
                "begin": {"line": span.line, "column": span.column},
                "end": {"line": span.end_line, "column": span.end_column},
            },
        },
    }


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    issues = [issue(d) for result in results for d in result.diagnostics]
    return orjson.dumps(issues, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
