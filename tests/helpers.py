"""Test helpers in one place: lint in-process, run the real command, find the fixtures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from encord_manifest._internal.engine.linter import SourceFormat, lint_bytes
from encord_manifest._internal.model.diagnostics import Diagnostic
from encord_manifest._internal.model.settings import LintSettings, Provider

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "json"
INVALID = sorted((FIXTURES / "invalid").glob("*.json"))
VALID = sorted((FIXTURES / "valid").glob("*.json"))
#: Realistic manifests with several mistakes each, as shown in the README.
EXAMPLES = sorted((FIXTURES / "examples").glob("*.json"))

CSV_FIXTURES = ROOT / "fixtures" / "csv"
CSV_INVALID = sorted((CSV_FIXTURES / "invalid").glob("*.csv"))
CSV_VALID = sorted((CSV_FIXTURES / "valid").glob("*.csv"))
CSV_EXAMPLES = sorted((CSV_FIXTURES / "examples").glob("*.csv"))
#: CSV manifests beside the JSON their conversion must produce, byte for byte.
CSV_CONVERSIONS = sorted((CSV_FIXTURES / "convert").glob("*.csv"))
#: JSON manifests that CSV cannot carry, each named after what it cannot.
CSV_REFUSED = sorted((CSV_FIXTURES / "refused").glob("*.json"))

#: Valid fixtures that show an info finding, and which: nothing else may be found in them.
VALID_WITH_INFO = {"excel-utf8-trailing-columns.csv": ["C713"]}

#: Settings a fixture needs to show its code (U310 needs a provider to check against).
FIXTURE_SETTINGS = {"U310": LintSettings(provider=Provider.OTC)}


def lint(
    text: str | bytes, settings: LintSettings | None = None, format: SourceFormat = "json"
) -> list[Diagnostic]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return lint_bytes(f"manifest.{format}", raw, settings or LintSettings()).diagnostics


def codes(
    text: str | bytes, settings: LintSettings | None = None, format: SourceFormat = "json"
) -> list[str]:
    return [d.code for d in lint(text, settings, format)]


def format_of(fixture: Path) -> SourceFormat:
    return "csv" if fixture.suffix == ".csv" else "json"


def code_of(fixture: Path) -> str:
    return fixture.name.split("-", 1)[0]


def run_cli(
    *args: str, stdin: bytes = b"", cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed command itself, as a user runs it; stdout and stderr decoded.

    Without ``env``, the environment of a plain terminal: no colour, and not inside GitHub
    Actions even when the tests run there (which would switch the default output format).
    """
    command = [sys.executable, "-m", "encord_manifest", *args]
    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
        env.update(NO_COLOR="1", COLUMNS="100")
    done = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )


def apply_unified_diff(original: str, diff: str) -> str:
    """Apply a one-file unified diff (line ends kept), as `patch` would."""
    lines = re.split(r"(?<=\n)", original)
    result: list[str] = []
    position = 0
    raw_lines = [line for line in re.split(r"(?<=\n)", diff) if line][2:]
    diff_lines: list[str] = []
    for line in raw_lines:
        if line.startswith("\\"):  # "\ No newline at end of file": about the line before
            diff_lines[-1] = diff_lines[-1].removesuffix("\n")
        else:
            diff_lines.append(line)
    for line in diff_lines:
        if line.startswith("@@"):
            start = int(re.match(r"@@ -(\d+)", line).group(1))  # type: ignore[union-attr]
            start = max(start - 1, 0) if ",0 " not in line.split("+")[0] else start
            result.extend(lines[position:start])
            position = start
        elif line.startswith(" "):
            assert lines[position] == line[1:]
            result.append(line[1:])
            position += 1
        elif line.startswith("-"):
            assert lines[position] == line[1:]
            position += 1
        elif line.startswith("+"):
            result.append(line[1:])
    result.extend(lines[position:])
    return "".join(result)


def use_proxy(monkeypatch: pytest.MonkeyPatch, proxy: str) -> None:
    """Make ``proxy`` the environment's HTTP proxy for every host (no NO_PROXY)."""
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
