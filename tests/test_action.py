"""The GitHub Action (`action.yml`): its shell steps run here as a runner would run them.

GitHub's runner cannot run here; what it would do can. The steps' scripts run with bash in the
environment a runner gives them (RUNNER_TEMP, GITHUB_ENV, GITHUB_OUTPUT, the inputs in `env`),
installing this checkout into a fresh virtualenv (needs the package index, as CI has) and
linting real manifests. Only `actions/setup-python` is left out: `python` is this Python.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import FIXTURES, ROOT

ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
_EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def test_inputs_reach_scripts_only_through_the_environment() -> None:
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
        for value in step.get("env", {}).values():
            for name in _EXPRESSION.findall(str(value)):
                scope, _, key = name.partition(".")
                assert scope in ("inputs", "github") and (
                    scope != "inputs" or key in ACTION["inputs"]
                )


def _runner_env(tmp_path: Path, step: dict[str, Any], inputs: dict[str, str]) -> dict[str, str]:
    bin_dir = tmp_path / "path"
    bin_dir.mkdir(exist_ok=True)
    python = bin_dir / "python"
    if not python.exists():
        python.symlink_to(sys.executable)
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        RUNNER_TEMP=str(tmp_path / "runner-temp"),
        GITHUB_ENV=str(tmp_path / "github-env"),
        GITHUB_OUTPUT=str(tmp_path / "github-output"),
        GITHUB_ACTIONS="true",
    )
    (tmp_path / "runner-temp").mkdir(exist_ok=True)
    for line in (
        Path(env["GITHUB_ENV"]).read_text().splitlines() if Path(env["GITHUB_ENV"]).exists() else []
    ):
        key, _, value = line.partition("=")
        env[key] = value
    context = {f"inputs.{k}": v for k, v in {**_defaults(), **inputs}.items()}
    context["github.action_path"] = str(ROOT)
    for key, value in step.get("env", {}).items():
        env[key] = _EXPRESSION.sub(lambda m: context[m.group(1)], str(value))
    return env


def _defaults() -> dict[str, str]:
    return {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}


def _run(step: dict[str, Any], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert step["shell"] == "bash"
    return subprocess.run(
        ["bash", "-c", step["run"]],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The install step, run once: the runner's temp directory and GITHUB_ENV it leaves."""
    runner = tmp_path_factory.mktemp("runner")
    (install,) = [s for s in STEPS if s.get("name") == "Install encord-manifest"]
    done = _run(install, _runner_env(runner, install, {}), cwd=runner)
    assert done.returncode == 0, done.stderr
    assert "ENCORD_MANIFEST_BIN=" in (runner / "github-env").read_text()
    return runner


def _lint(
    runner: Path, workspace: Path, inputs: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], str]:
    (step,) = [s for s in STEPS if s.get("id") == "lint"]
    output = runner / "github-output"
    output.write_text("")
    done = _run(step, _runner_env(runner, step, inputs), cwd=workspace)
    return done, output.read_text()


def test_the_action_annotates_findings_and_fails(installed: Path, tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "bad.json").write_bytes(
        (FIXTURES / "examples" / "otc-import-with-mistakes.json").read_bytes()
    )
    (manifests / "good.json").write_bytes((FIXTURES / "valid" / "aws-images.json").read_bytes())
    done, outputs = _lint(installed, tmp_path, {"paths": "manifests"})
    assert done.returncode == 1, done.stderr
    assert outputs == "exit-code=1\n"
    assert "::error file=manifests/bad.json,line=13,endLine=13,col=3,endColumn=17," in done.stdout
    assert "::warning file=manifests/bad.json,line=22," in done.stdout
    assert done.stdout.rstrip().endswith("[*] 4 fixable with --fix.")


def test_the_action_passes_args_and_several_paths(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        json.dumps({"images": [{"objectUrl": "http://b.s3.amazonaws.com/a.jpg"}]})
    )
    (tmp_path / "b.csv").write_text("ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/b,b.jpg\n")
    relaxed, outputs = _lint(installed, tmp_path, {"paths": "a.json b.csv"})
    assert relaxed.returncode == 0 and outputs == "exit-code=0\n"
    assert "::warning file=a.json," in relaxed.stdout
    strict, outputs = _lint(
        installed, tmp_path, {"paths": "a.json b.csv", "args": "--strict --ignore U309"}
    )
    assert strict.returncode == 1 and outputs == "exit-code=1\n"
    assert "U304" in strict.stdout and "U309" not in strict.stdout
    assert "U309" in relaxed.stdout  # b.csv's URL has no extension (info)


def test_the_readme_workflow_uses_the_action_with_its_inputs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## GitHub Actions\n.*?```yaml\n(.*?)```", readme, re.S)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    steps = workflow["jobs"]["manifests"]["steps"]
    (action_step,) = [s for s in steps if str(s.get("uses", "")).startswith("encord-manifest/")]
    assert set(action_step.get("with", {})) <= set(ACTION["inputs"])
    assert steps[0]["uses"].startswith("actions/checkout@")
