"""`json-lines`: one JSON object per finding and line (the records of `json`), for streaming."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import ReportOptions
from encord_manifest._internal.report.json import diagnostic_record


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    return "".join(
        orjson.dumps(diagnostic_record(d)).decode("utf-8") + "\n"
        for result in results
        for d in result.diagnostics
    )
