"""The README's GitLab CI job: valid against GitLab's CI schema (check-jsonschema's vendored
copy), and its script run in a git repository as a runner would, leaving the Code Quality
report the job declares as its artifact, with the findings in it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.helpers import FIXTURES, ROOT
from tests.test_action import check_jsonschema


def _gitlab_job() -> tuple[str, dict[str, Any]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## GitLab CI\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```yaml\n(.*?)```", section, re.S)
    (job,) = yaml.safe_load(block).values()
    return block, job


def test_the_readme_gitlab_job_is_valid_against_the_gitlab_ci_schema(tmp_path: Path) -> None:
    block, job = _gitlab_job()
    (tmp_path / ".gitlab-ci.yml").write_text(block)
    done = check_jsonschema("vendor.gitlab-ci", tmp_path / ".gitlab-ci.yml")
    assert done.returncode == 0, done.stdout
    assert job["artifacts"]["when"] == "always"  # the report of a failing job is kept
    (tmp_path / ".gitlab-ci.yml").write_text(block.replace("codequality:", "code_quality:"))
    assert check_jsonschema("vendor.gitlab-ci", tmp_path / ".gitlab-ci.yml").returncode == 1


def test_the_readme_gitlab_job_writes_the_code_quality_report(tmp_path: Path) -> None:
    _, job = _gitlab_job()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "encord-manifest"  # this checkout, as `pip install` would put it
    tool.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m encord_manifest "$@"\n')
    tool.chmod(0o755)
    repo = tmp_path / "repo"
    (repo / "manifests").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "manifests" / "bad.json").write_bytes(
        (FIXTURES / "examples" / "otc-import-with-mistakes.json").read_bytes()
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", PYTHONPATH=str(ROOT / "src"))
    statuses = []
    for line in job["script"]:
        if line.startswith("pip install"):
            continue  # the package index is not needed: this checkout is the tool
        done = subprocess.run(
            ["sh", "-c", line], cwd=repo, env=env, capture_output=True, text=True, check=False
        )
        statuses.append(done.returncode)
        assert "manifests/bad.json:13:3: F003" in done.stdout
    assert statuses == [1]  # the job fails on errors, and the artifact is there all the same
    report = json.loads((repo / job["artifacts"]["reports"]["codequality"]).read_text())
    assert {issue["location"]["path"] for issue in report} == {"manifests/bad.json"}
    assert {issue["check_name"] for issue in report} >= {"F003", "U301", "S105"}
    assert all({"description", "fingerprint", "severity"} <= set(issue) for issue in report)
