"""Pinned CLI output over every fixture, text and JSON. Review a snapshot diff like code."""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from typer.testing import CliRunner

from encord_manifest._internal.cli.app import app
from tests.helpers import (
    CSV_CONVERSIONS,
    CSV_EXAMPLES,
    CSV_INVALID,
    CSV_REFUSED,
    CSV_VALID,
    EXAMPLES,
    INVALID,
    ROOT,
    VALID,
    code_of,
)

runner = CliRunner()


def _lint(fixture: Path, output_format: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)
    args = ["lint", "--output-format", output_format, str(fixture.relative_to(ROOT))]
    if code_of(fixture) == "U310":
        args += ["--provider", "otc"]
    result = runner.invoke(app, args)
    return f"exit code {result.exit_code}\n{result.stdout}"


LINTED = INVALID + VALID + EXAMPLES + CSV_INVALID + CSV_VALID + CSV_EXAMPLES


@pytest.mark.parametrize("fixture", LINTED, ids=lambda p: p.name)
def test_text_output(
    fixture: Path, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _lint(fixture, "text", monkeypatch) == snapshot


@pytest.mark.parametrize("fixture", LINTED, ids=lambda p: p.name)
def test_json_output(
    fixture: Path, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _lint(fixture, "json", monkeypatch) == snapshot


def test_rules_listing(snapshot: SnapshotAssertion) -> None:
    assert runner.invoke(app, ["rules"]).stdout == snapshot


@pytest.mark.parametrize("code", ["F003", "U301", "G506"])
def test_rule_explanation(code: str, snapshot: SnapshotAssertion) -> None:
    assert runner.invoke(app, ["rules", code]).stdout == snapshot


def _convert(fixture: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> str:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["convert", str(fixture.relative_to(ROOT)), *options])
    return f"exit code {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


@pytest.mark.parametrize("fixture", CSV_REFUSED, ids=lambda p: p.name)
def test_convert_refusals(
    fixture: Path, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _convert(fixture, monkeypatch, "--force") == snapshot


@pytest.mark.parametrize(
    "fixture",
    [p for p in CSV_CONVERSIONS if "merged" in p.name] + CSV_INVALID[:1],
    ids=lambda p: p.name,
)
def test_convert_messages(
    fixture: Path, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _convert(fixture, monkeypatch) == snapshot
