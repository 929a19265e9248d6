"""`gitlab`: a Code Quality report (a JSON list of issues) for GitLab merge requests.

GitLab tells a new finding from one it showed before by the fingerprint, and names the file
by its path in the repository: both come from ``identity`` (no line number in the one, no
'./' in the other). An input that could not be read is an issue of its own, so that the
merge request never shows such a run as clean.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from encord_manifest._internal.model.diagnostics import Diagnostic, Severity
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import ReportOptions, Unread
from encord_manifest._internal.report.identity import (
    fingerprints,
    report_path,
    unread_fingerprint,
    working_directory,
)

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
#: The check name of an input that could not be read (no rule of the registry).
UNREADABLE = "input-unreadable"


def issue(diagnostic: Diagnostic, fingerprint: str, root: str | None = None) -> dict[str, Any]:
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
        # Lines, the form GitLab's documentation gives (columns are not shown there).
        "location": {
            "path": report_path(diagnostic.path, root),
            "lines": {"begin": span.line, "end": max(span.end_line, span.line)},
        },
    }


def unread_issue(unread: Unread, root: str | None = None) -> dict[str, Any]:
    return {
        "type": "issue",
        "description": f"cannot read {unread.path}: {unread.reason}",
        "check_name": UNREADABLE,
        "fingerprint": unread_fingerprint(unread.path, root),
        "severity": "major",
        "location": {"path": report_path(unread.path, root), "lines": {"begin": 1}},
    }


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    root = working_directory()
    diagnostics = [d for result in results for d in result.diagnostics]
    issues = [
        issue(d, fingerprint, root)
        for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, root), strict=True)
    ]
    issues += [unread_issue(u, root) for u in (options.unread_inputs if options else ())]
    return orjson.dumps(issues, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
