"""`github-summary`: Markdown for a GitHub Actions job summary (``$GITHUB_STEP_SUMMARY``).

The counts per file and per code, then the first findings, each linked to its line in the
repository and to its rule's section of docs/rules.md. Every text from a manifest (paths,
messages, keys) is hostile: each character that could be markup is written as an HTML
character reference, so that no ``|`` ends a table cell, no ``<script>`` or ``<img>`` is
HTML, no backtick, ``*`` or ``[`` is markup, and no ``https://`` or ``www.`` becomes a link
(GitHub's autolinker starts at a literal ':' or "www."). Texts only ever stand inside a table
cell or after ``**``, never at the start of a line, so block markers (``#``, ``-``) are inert. Line ends are already escaped
(``report.shown``). Each text is redacted (``redact_text``) before it is escaped, since a
redaction no longer recognises a URL written as references, and the whole text once more, as
it may be written to a file rather than through a redacted stream.

Links to files need the run's ``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY`` and ``GITHUB_SHA``
(paths taken relative to ``GITHUB_WORKSPACE``); without them, or for a file outside the
workspace, the place is shown without a link.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from encord_manifest._internal.model.diagnostics import Diagnostic, Severity
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import ReportOptions, Summary
from encord_manifest._internal.report.text import summary_line
from encord_manifest._internal.text.redaction import escape_control, redact_text

#: How many findings are listed (the log and the annotations have all of them): a summary is
#: read by people, and GitHub refuses a step summary over 1 MiB.
FIRST_FINDINGS = 50
#: How many files the per-file table lists, and how many unread inputs are named.
FILES_SHOWN = 100

#: What GitHub's Markdown could read as markup in a table cell: emphasis, code, links and
#: images, HTML and character references, cell ends, strikethrough, math ($), autolinks
#: (':' of "https://", '@' of an address, the '.' of "www.").
_MARKUP = re.compile(r"[\\`*_\[\]()<>|~&:@$]|(?i:(?<=www)\.)")
_SERVER = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?")
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_SHA = re.compile(r"[0-9a-f]{7,64}")
_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def text(value: str) -> str:
    """A hostile text as Markdown that shows it literally, in a table cell or anywhere."""
    # Redacted first: once written as references, a URL is no longer one that redaction knows.
    shown = escape_control(redact_text(value))
    return _MARKUP.sub(lambda match: f"&#{ord(match.group())};", shown)


@dataclass(frozen=True)
class Links:
    """Where a file of the checked-out commit is shown: ``{base}/{path}#L{line}``."""

    base: str
    workspace: str

    @classmethod
    def of(cls, environ: Mapping[str, str]) -> Links | None:
        server = environ.get("GITHUB_SERVER_URL", "")
        repository = environ.get("GITHUB_REPOSITORY", "")
        sha = environ.get("GITHUB_SHA", "")
        if not (
            _SERVER.fullmatch(server) and _REPOSITORY.fullmatch(repository) and _SHA.fullmatch(sha)
        ):
            return None  # not a run of GitHub Actions (or one whose values are not plain)
        workspace = environ.get("GITHUB_WORKSPACE") or os.getcwd()
        return cls(f"{server}/{repository}/blob/{sha}", os.path.abspath(workspace))

    def to(self, path: str, line: int | None = None) -> str | None:
        """The file's URL at the line; None for standard input or a file outside the workspace."""
        if path.startswith("<") or "\\" in path:  # '<stdin>', or a name shown escaped
            return None
        relative = os.path.relpath(os.path.abspath(path), self.workspace)
        if relative == os.curdir or relative.split(os.sep, 1)[0] == os.pardir:
            return None
        quoted = urllib.parse.quote(relative.replace(os.sep, "/"), safe="/")
        return f"{self.base}/{quoted}" + (f"#L{line}" if line else "")


def _link(label: str, url: str | None) -> str:
    """``label`` (already Markdown) linked to ``url`` (already percent-encoded)."""
    return f"[{label}](<{url}>)" if url else label


def _rule_link(code: str) -> str:
    from encord_manifest._internal.report.sarif import help_uri
    from encord_manifest._internal.rules import all_rules

    rule = all_rules().get(code)
    return _link(text(code), help_uri(rule) if rule else None)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def _unread_section(options: ReportOptions) -> list[str]:
    unread = options.unread_inputs
    if not unread:
        return []
    rows = [[text(u.path), text(u.reason)] for u in unread[:FILES_SHOWN]]  # no file to link
    more = [f"... and {len(unread) - FILES_SHOWN:,} more.", ""] if len(unread) > FILES_SHOWN else []
    return ["### Could not be read", "", *_table(["file", "reason"], rows), *more]


def _files_section(results: Sequence[FileResult], links: Links | None) -> list[str]:
    found = [r for r in results if r.diagnostics]
    if not found:
        return []
    rows = []
    for result in found[:FILES_SHOWN]:
        counts = Counter(d.severity for d in result.diagnostics)
        place = _link(text(result.path), links.to(result.path) if links else None)
        rows.append([place, *(f"{counts[s]:,}" for s in _SEVERITIES)])
    more = f"... and {len(found) - FILES_SHOWN:,} more files." if len(found) > FILES_SHOWN else ""
    table = _table(["file", "errors", "warnings", "info"], rows)
    return ["### Findings per file", "", *table, *([more, ""] if more else [])]


def _codes_section(findings: Sequence[Diagnostic]) -> list[str]:
    if not findings:
        return []
    counts = Counter((d.code, d.rule, d.severity) for d in findings)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    rows = [
        [_rule_link(code), text(rule), severity.value, f"{n:,}"]
        for (code, rule, severity), n in ordered
    ]
    return ["### Findings per code", "", *_table(["code", "rule", "severity", "count"], rows)]


def _findings_section(findings: Sequence[Diagnostic], links: Links | None) -> list[str]:
    if not findings:
        return []
    rows = []
    for d in findings[:FIRST_FINDINGS]:
        where = text(f"{d.path}:{d.span.line}:{d.span.column}")
        message = d.message + (f" ({d.hint})" if d.hint else "")
        rows.append(
            [
                _link(where, links.to(d.path, d.span.line) if links else None),
                _rule_link(d.code),
                d.severity.value,
                text(message),
            ]
        )
    shown = min(len(findings), FIRST_FINDINGS)
    title = "### Findings" if shown == len(findings) else f"### The first {shown} findings"
    table = _table(["where", "code", "severity", "message"], rows)
    more = (
        [f"{len(findings) - shown:,} more in the log and the annotations.", ""]
        if shown < len(findings)
        else []
    )
    return [title, "", *table, *more]


def render(
    results: Sequence[FileResult],
    options: ReportOptions | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    options = options or ReportOptions()
    links = Links.of(os.environ if environ is None else environ)
    findings = [d for result in results for d in result.diagnostics]
    lines = [
        "## encord-manifest",
        "",
        f"**{text(summary_line(Summary.of(results, options)))}**",
        "",
        *_unread_section(options),
        *_files_section(results, links),
        *_codes_section(findings),
        *_findings_section(findings, links),
    ]
    return redact_text("\n".join(lines).rstrip("\n") + "\n")
