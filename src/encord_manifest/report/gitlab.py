"""`gitlab`: a Code Quality report (a JSON list of issues) for GitLab merge requests.

Each issue's fingerprint is the finding's identity (``identity``): it stays the same when
lines are added above the finding or other findings move, so GitLab shows an unchanged finding
as unchanged. Paths are relative as written, without a leading './'. An input that could not
be read is an issue of its own (check ``unreadable-input``), never a clean report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import orjson

from encord_manifest.diagnostics import Diagnostic, Severity
from encord_manifest.linter import FileResult
from encord_manifest.report import ReportOptions, Unreadable
from encord_manifest.report.identity import identities, report_path

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
UNREADABLE_CHECK = "unreadable-input"


def issue(diagnostic: Diagnostic, fingerprint: str) -> dict[str, Any]:
    span = diagnostic.span
    description = f"{diagnostic.code} {diagnostic.message}"
    if diagnostic.hint:
        description += f" ({diagnostic.hint})"
    return {
        "type": "issue",
        "description": description,
        "check_name": diagnostic.code,
        "fingerprint": fingerprint,
        "severity": _SEVERITY[diagnostic.severity],
        "location": {
            "path": report_path(diagnostic.path),
            "positions": {
                "begin": {"line": span.line, "column": span.column},
                "end": {"line": span.end_line, "column": span.end_column},
            },
        },
    }


def _unreadable_issue(unreadable: Unreadable) -> dict[str, Any]:
    identity = "\0".join((report_path(unreadable.path), UNREADABLE_CHECK))
    return {
        "type": "issue",
        "description": f"cannot read {unreadable.path}: {unreadable.reason}",
        "check_name": UNREADABLE_CHECK,
        "fingerprint": hashlib.sha256(identity.encode("utf-8")).hexdigest(),
        "severity": "blocker",
        "location": {"path": report_path(unreadable.path), "lines": {"begin": 1}},
    }


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    diagnostics = [d for result in results for d in result.diagnostics]
    issues = [issue(d, fingerprint) for d, fingerprint in identities(diagnostics)]
    issues += [_unreadable_issue(u) for u in (options.unreadable if options else ())]
    return orjson.dumps(issues, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
