"""One JSON document: {"diagnostics": [...], "summary": {...}}. The key names are an API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from encord_manifest import __version__
from encord_manifest._internal.model.diagnostics import Diagnostic
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import ReportOptions, Summary


def diagnostic_record(diagnostic: Diagnostic) -> dict[str, Any]:
    span = diagnostic.span
    record: dict[str, Any] = {
        "path": diagnostic.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        **({"field": span.field} if span.field is not None else {}),
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "rule": diagnostic.rule,
        "pointer": diagnostic.pointer,
        "hint": diagnostic.hint,
        "related": None,
        "fix": {"description": diagnostic.fix.description} if diagnostic.fix else None,
    }
    if diagnostic.related_pointer is not None:
        related = diagnostic.related_span
        record["related"] = {
            "pointer": diagnostic.related_pointer,
            "line": related.line if related else None,
            "column": related.column if related else None,
        }
    return record


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    summary = Summary.of(results, options)
    document: dict[str, Any] = {
        "version": __version__,
        "diagnostics": [diagnostic_record(d) for result in results for d in result.diagnostics],
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "info": summary.infos,
        },
    }
    if summary.unread:  # only then, so that the documented shape of a full run stays as it was
        document["summary"]["unread"] = summary.unread
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
