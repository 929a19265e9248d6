"""`--statistics`: how many findings of each code, most frequent first (text, or JSON)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import orjson

from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import OutputFormat, ReportOptions, Summary
from encord_manifest._internal.report.text import summary_line
from encord_manifest._internal.rules import all_rules


def render(
    results: Sequence[FileResult], options: ReportOptions, output_format: OutputFormat
) -> str:
    counts = Counter(d.code for result in results for d in result.diagnostics)
    rules = all_rules()
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if output_format in (OutputFormat.JSON, OutputFormat.JSON_LINES):
        records = [
            {
                "code": code,
                "name": rules[code].name,
                "severity": rules[code].severity.value,
                "count": n,
            }
            for code, n in rows
        ]
        return orjson.dumps(records, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    width = max((len(f"{n:,}") for _, n in rows), default=1)
    lines = [
        f"{n:>{width},} {code} {rules[code].name} ({rules[code].severity.value})"
        for code, n in rows
    ]
    if not options.quiet:
        lines.append(summary_line(Summary.of(results, options)))
    return "".join(line + "\n" for line in lines)
