"""A plain `lint` loads only what it uses: start-up is most of a small file's lint.

The modules below cost a clean lint of a 1,000-entry file about a tenth of its time when they
were imported on every start (`python -X importtime`; benchmarks/startup.py measures the
whole process against its floor). Each belongs to an option or a command that was not given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from encord_manifest._internal.cli.app import COMMANDS, _command_named, build_app
from tests.helpers import ROOT

# Loaded by --remote, submit/status/verify, a configuration file, a run that writes, or the
# file that needs them (cli/jobs.py: only the command a run names is registered, app.build_app).
NOT_FOR_A_PLAIN_LINT = {
    "encord_manifest._internal.remote",
    "encord_manifest._internal.remote.signing",
    "encord_manifest._internal.cli.jobs",
    "encord_manifest._internal.encord.jobs",
    "encord_manifest._internal.engine.parts",  # a file of 32 MB or more
    "encord_manifest._internal.engine.parts.cutting",
    "encord_manifest._internal.engine.parts.parsing",
    "encord_manifest._internal.engine.parts.checking",
    "encord_manifest._internal.engine.parts.combining",
    "encord_manifest._internal.engine.parts.findings",
    "encord_manifest._internal.engine.parts.children",
    "encord_manifest._internal.engine.locations",  # a file with findings
    "pickle",
    "encord_manifest._internal.sources.typed_items",  # a file showing a key of the SDK's typed form
    "encord_manifest._internal.sources.sdk_models",
    "encord_manifest._internal.sources.json_duplicates",  # a file repeating a key
    "encord_manifest._internal.files.writing",  # --fix, --output-file
    "encord_manifest._internal.files.write_guards",
    "encord_manifest._internal.encord.submit",
    "encord_manifest._internal.cli.jobs_run",
    "encord_manifest._internal.encord.verify",
    "tomllib",
    "tomli",
    "configparser",
    "hashlib",
}

_PROBE = """
import atexit, runpy, sys
listing, manifest = sys.argv[1:]
atexit.register(lambda: open(listing, "w").write("\\n".join(sorted(sys.modules))))
sys.argv = ["encord-manifest", "lint", manifest]
runpy.run_module("encord_manifest", run_name="__main__")
"""


def _modules_loaded_by_lint(tmp_path: Path, manifest: Path) -> set[str]:
    listing = tmp_path / "modules.txt"
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env.update(NO_COLOR="1", PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(listing), str(manifest)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed" in done.stdout
    return set(listing.read_text().split())


def test_a_plain_lint_of_a_clean_file_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    entries = [{"objectUrl": f"https://b.s3.amazonaws.com/a{i}.jpg"} for i in range(1000)]
    manifest.write_text(json.dumps({"images": entries}))
    loaded = _modules_loaded_by_lint(tmp_path, manifest)
    assert "encord_manifest._internal.engine.linter" in loaded  # the probe saw the lint itself
    assert sorted(loaded & NOT_FOR_A_PLAIN_LINT) == []


def test_a_configuration_file_still_loads_its_reader(tmp_path: Path) -> None:
    """The other side: the lazily imported TOML reader is there when a file needs it."""
    (tmp_path / "encord-manifest.toml").write_text('ignore = ["U309"]\n')
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps({"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}))
    loaded = _modules_loaded_by_lint(tmp_path, manifest)
    assert loaded & {"tomllib", "tomli"}


@pytest.mark.parametrize("name", [name for name, _, _ in COMMANDS])
def test_the_app_of_one_command_answers_as_the_whole_app(name: str) -> None:
    """``main`` registers only the command named; its help and its usage errors are the
    whole command line's (the help pages are also a snapshot, tests/test_cli_help.py)."""
    runner = CliRunner()
    for arguments in ([name, "--help"], [name, "--no-such-option"], [name, "-h", "x", "y"]):
        alone = runner.invoke(build_app(name), arguments, prog_name="encord-manifest")
        whole = runner.invoke(build_app(), arguments, prog_name="encord-manifest")
        assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output), arguments
    assert list(typer.main.get_command(build_app(name)).commands) == [name]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        (["lint", "m.json"], {}, "lint"),
        (["verify", "--help"], {}, "verify"),
        ([], {}, None),
        (["--help"], {}, None),
        (["--version"], {}, None),
        (["lnt", "m.json"], {}, None),  # the whole app says what the commands are
        (["lint", "m.json"], {"_ENCORD_MANIFEST_COMPLETE": "complete_bash"}, None),
    ],
)
def test_a_run_gets_the_one_command_it_names_first(
    arguments: list[str],
    environment: dict[str, str],
    expected: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("_ENCORD_MANIFEST_COMPLETE", raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert _command_named(arguments) == expected
