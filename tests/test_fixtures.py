"""The fixtures are the acceptance tests: each invalid one shows the code in its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.model.settings import LintSettings, Provider
from encord_manifest._internal.rules import all_rules
from tests.helpers import (
    CSV_INVALID,
    CSV_VALID,
    FIXTURE_SETTINGS,
    INVALID,
    VALID,
    VALID_WITH_INFO,
    code_of,
    format_of,
    lint,
)

#: Codes whose failing input is thousands of entries or megabytes: built by tests instead of
#: committed (tests/test_limits.py).
GENERATED_BY_TESTS = {"G506", "G507", "L601", "L602", "L603", "L604"}


@pytest.mark.parametrize("fixture", INVALID + CSV_INVALID, ids=lambda p: p.name)
def test_invalid_fixture_reports_its_code(fixture: Path) -> None:
    code = code_of(fixture)
    found = lint(fixture.read_bytes(), FIXTURE_SETTINGS.get(code), format_of(fixture))
    assert code in [d.code for d in found]


@pytest.mark.parametrize("fixture", VALID + CSV_VALID, ids=lambda p: p.name)
def test_valid_fixture_is_clean(fixture: Path) -> None:
    found = lint(fixture.read_bytes(), format=format_of(fixture))
    assert [d.code for d in found] == VALID_WITH_INFO.get(fixture.name, [])
    assert all(d.severity is Severity.INFO for d in found)


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("otc-every-entry-type.json", Provider.OTC),
        ("aws-images.json", Provider.AWS),
        ("gcp-dicom-series.json", Provider.GCP),
        ("azure-videos.json", Provider.AZURE),
    ],
)
def test_valid_fixture_matches_its_provider(name: str, provider: Provider) -> None:
    fixture = next(p for p in VALID if p.name == name)
    assert lint(fixture.read_bytes(), LintSettings(provider=provider)) == []
    other = Provider.AZURE if provider is not Provider.AZURE else Provider.OTC
    assert {d.code for d in lint(fixture.read_bytes(), LintSettings(provider=other))} == {"U310"}


def test_every_rule_has_a_failing_fixture() -> None:
    covered = {code_of(p) for p in INVALID + CSV_INVALID} | GENERATED_BY_TESTS
    # Remote rules are about objects, not manifests: test_remote serves one of each.
    offline = {code for code, rule in all_rules().items() if rule.origin != "remote"}
    assert offline <= covered, offline - covered


def test_every_csv_rule_has_a_failing_csv_fixture() -> None:
    csv_codes = {code for code in all_rules() if code.startswith("C")}
    assert csv_codes <= {code_of(p) for p in CSV_INVALID}


def test_valid_fixtures_cover_every_entry_type() -> None:
    import json

    keys = set().union(*(json.loads(p.read_text()).keys() for p in VALID))
    from encord_manifest._internal.model.spec import TOP_LEVEL_KEYS

    assert set(TOP_LEVEL_KEYS) <= keys


def test_errors_and_warnings_have_the_rules_severity() -> None:
    rules = all_rules()
    for fixture in INVALID + CSV_INVALID:
        settings = FIXTURE_SETTINGS.get(code_of(fixture))
        for diagnostic in lint(fixture.read_bytes(), settings, format_of(fixture)):
            assert diagnostic.severity is rules[diagnostic.code].severity
