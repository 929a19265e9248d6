"""`github-summary` (the job summary's Markdown) and `lint --also-output`, which writes it (and
SARIF) from the same run as the annotations: links only where they are safe, hostile text
inert, secrets masked, and the extra reports refused where they would do harm."""

from __future__ import annotations

import json
from pathlib import Path

from encord_manifest._internal.model.diagnostics import Diagnostic, Severity, Span
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import OutputFormat, ReportOptions, reporter
from encord_manifest._internal.report.step_summary import FIRST_FINDINGS, Links, render, text
from encord_manifest._internal.text.redaction import redact_text
from tests.helpers import FIXTURES, run_cli

SHA = "0123456789abcdef0123456789abcdef01234567"
ENVIRON = {
    "GITHUB_SERVER_URL": "https://github.example.com",
    "GITHUB_REPOSITORY": "octo/manifests",
    "GITHUB_SHA": SHA,
    "GITHUB_WORKSPACE": "/work/repo",
}


def _finding(path: str, message: str, line: int = 3) -> Diagnostic:
    return Diagnostic(
        path, "U304", "url-http", Severity.WARNING, message, Span(line, 2, line, 9), "/images/0"
    )


def test_findings_link_to_their_line_in_the_checked_out_commit() -> None:
    results = [FileResult("/work/repo/m a#1.json", [_finding("/work/repo/m a#1.json", "plain")])]
    summary = render(results, ReportOptions(), ENVIRON)
    blob = f"https://github.example.com/octo/manifests/blob/{SHA}/m%20a%231.json"
    assert f"](<{blob}#L3>)" in summary and f"](<{blob}>)" in summary
    assert "rules.md#u304-url-http>)" in summary


def test_no_link_outside_the_workspace_for_stdin_or_without_the_run() -> None:
    links = Links.of(ENVIRON)
    assert links is not None
    assert links.to("/elsewhere/m.json") is None and links.to("../m.json", 1) is None
    assert links.to("<stdin>") is None and links.to("/work/repo") is None
    for name, hostile in [
        ("GITHUB_SERVER_URL", "javascript:alert(1)"),
        ("GITHUB_SERVER_URL", "https://h/x)"),
        ("GITHUB_REPOSITORY", "o/r>)[x](https://evil"),
        ("GITHUB_SHA", "main"),
    ]:
        assert Links.of({**ENVIRON, name: hostile}) is None
    summary = render([FileResult("m.json", [_finding("m.json", "x")])], ReportOptions(), {})
    assert "github.example.com" not in summary and "| m.json | 0 | 1 | 0 |" in summary


def test_text_from_a_manifest_is_shown_literally() -> None:
    hostile = "a|b `c` <script>x</script> **d** [e](https://f) www.g.h i@j.k $m$ ~~n~~ \\"
    shown = text(hostile)
    for character in "|`<>*[]()@$~\\":
        assert character not in shown
    assert "www." not in shown and "https:" not in shown
    assert text("line\nend\u202e") == "line&#92;x0aend&#92;u202e"  # escaped, then shown


def test_secrets_are_masked_before_they_are_escaped() -> None:
    message = "see https://u:hunter2@b.example/a.jpg?id=0ddba11 and token=c0ffee"
    results = [FileResult("m.json", [_finding("m.json", message)])]
    for environ in (ENVIRON, {}):
        summary = render(results, ReportOptions(), environ)
        assert "0ddba11" not in summary and "c0ffee" not in summary and "hunter2" not in summary
    assert "0ddba11" not in reporter(OutputFormat.GITHUB_SUMMARY)(results, ReportOptions())


def test_line_links_keep_their_line_and_no_other_fragment_survives() -> None:
    assert redact_text("(<https://h/m.json#L13>)") == "(<https://h/m.json#L13>)"
    assert redact_text("https://h/m.json#L13.") == "https://h/m.json#L13."
    assert redact_text("https://h/m.json#L13x") == "https://h/m.json#****"
    assert redact_text("https://h/m.json#L1&sig=1") == "https://h/m.json#********"
    assert redact_text("https://h/m.json?s=1#L1") == "https://h/m.json?******"


def test_the_first_findings_are_listed_and_the_rest_counted() -> None:
    findings = [_finding("m.json", f"finding {n}", n + 1) for n in range(FIRST_FINDINGS + 7)]
    summary = render([FileResult("m.json", findings)], ReportOptions(), ENVIRON)
    assert f"### The first {FIRST_FINDINGS} findings" in summary
    assert (
        f"finding {FIRST_FINDINGS - 1} |" in summary
        and f"finding {FIRST_FINDINGS} |" not in summary
    )
    assert "7 more in the log and the annotations." in summary
    assert "| [U304](<" in summary and f"| {FIRST_FINDINGS + 7:,} |" in summary


def _manifest(tmp_path: Path) -> Path:
    path = tmp_path / "m.json"
    path.write_bytes((FIXTURES / "examples" / "otc-import-with-mistakes.json").read_bytes())
    return path


def test_also_output_writes_every_report_of_one_run(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path)
    sarif, summary = tmp_path / "r.sarif", tmp_path / "s.md"
    done = run_cli(
        "lint",
        "--output-format",
        "github",
        "--also-output",
        f"sarif={sarif}",
        "--also-output",
        f"github-summary={summary}",
        str(manifest),
        "missing.json",
    )
    assert done.returncode == 2  # the unreadable input, in each report
    assert done.stdout.count("::error ") == 7 and "cannot read missing.json" in done.stdout
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert len(results) == 6 + 3 + 1  # errors, warnings, the unread input
    assert "6 errors" in summary.read_text() and "missing.json" in summary.read_text()


def test_also_output_is_refused_where_it_would_do_harm(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path)
    before = manifest.read_bytes()
    for args, said in [
        (["--also-output", "sarif"], "expected FORMAT=PATH"),
        (["--also-output", "yaml=x.yml"], "expected FORMAT=PATH"),
        (["--also-output", f"sarif={manifest}"], "--also-output"),
        (["--diff", "--also-output", "sarif=r.sarif"], "--diff"),
    ]:
        done = run_cli("lint", *args, str(manifest), cwd=tmp_path)
        assert done.returncode == 2 and said in done.stderr, (args, done.stderr)
    assert manifest.read_bytes() == before and not (tmp_path / "r.sarif").exists()
    done = run_cli("lint", "--also-output", f"sarif={tmp_path}/no/dir.sarif", str(manifest))
    assert done.returncode == 2 and "cannot write" in done.stderr
