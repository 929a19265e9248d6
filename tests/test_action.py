"""The GitHub Action (`action.yml`): its shell steps run here as a runner would run them.

GitHub's runner cannot run here; what it would do can. The steps' scripts run with bash in the
environment a runner gives them (RUNNER_TEMP, GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
the inputs in `env`), installing this checkout into a fresh virtualenv (needs the package
index, as CI has) and linting real manifests. The `uses:` steps are GitHub's own:
`actions/setup-python` is this Python (its `python-path` output), `actions/cache` a hit or a
miss as the test says. `action.yml` itself is validated against the Actions metadata schema.
"""

from __future__ import annotations

import json
import os
import platform
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
SHA = "0123456789abcdef0123456789abcdef01234567"


def _step(name: str) -> dict[str, Any]:
    (step,) = [s for s in STEPS if name in (s.get("id"), s.get("name"))]
    return step


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("check_jsonschema")
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_action_yml_is_valid_against_the_actions_metadata_schema(tmp_path: Path) -> None:
    done = check_jsonschema("vendor.github-actions", ROOT / "action.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    broken = dict(ACTION, runs={"using": "composite", "steps": [{"run": "true"}]})  # no shell
    (tmp_path / "action.yml").write_text(yaml.safe_dump(broken))
    assert check_jsonschema("vendor.github-actions", tmp_path / "action.yml").returncode == 1


def test_inputs_reach_scripts_only_through_the_environment() -> None:
    ids = {s["id"] for s in STEPS if "id" in s}
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
        for value in [*step.get("env", {}).values(), *step.get("with", {}).values()]:
            for name in _EXPRESSION.findall(str(value)):
                scope, _, rest = name.partition(".")
                key = rest.partition(".")[0]
                assert scope in ("inputs", "github", "steps", "runner"), name
                assert scope != "inputs" or key in ACTION["inputs"], name
                assert scope != "steps" or key in ids, name


def test_the_callers_python_is_left_alone_and_the_install_is_cached() -> None:
    setup = _step("python")
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"]["update-environment"] is False
    for step in STEPS:  # nothing runs a bare `python`: only the one setup-python installed
        assert not re.search(r"(^|\s)python3?\s", step.get("run", "")), step.get("name")
    cache = _step("cache")
    assert cache["uses"].startswith("actions/cache@")
    assert cache["with"]["key"] == "${{ steps.key.outputs.key }}"
    assert cache["with"]["path"] == "${{ runner.temp }}/encord-manifest-venv"
    assert (
        "${{ steps.cache.outputs.cache-hit }}" in _step("Install encord-manifest")["env"].values()
    )


def _runner_env(
    tmp_path: Path, step: dict[str, Any], inputs: dict[str, str], cache_hit: str = ""
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    env.update(
        RUNNER_TEMP=str(tmp_path / "runner-temp"),
        RUNNER_OS="Linux",
        RUNNER_ARCH="X64",
        GITHUB_ENV=str(tmp_path / "github-env"),
        GITHUB_OUTPUT=str(tmp_path / "github-output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "step-summary"),
        GITHUB_ACTIONS="true",
        GITHUB_SERVER_URL="https://github.com",
        GITHUB_REPOSITORY="octo/manifests",
        GITHUB_SHA=SHA,
    )
    (tmp_path / "runner-temp").mkdir(exist_ok=True)
    github_env = Path(env["GITHUB_ENV"])
    for line in github_env.read_text().splitlines() if github_env.exists() else []:
        key, _, value = line.partition("=")
        env[key] = value
    context = {f"inputs.{k}": v for k, v in {**_defaults(), **inputs}.items()}
    context.update(
        {
            "github.action_path": str(ROOT),
            "runner.temp": env["RUNNER_TEMP"],
            "steps.python.outputs.python-path": sys.executable,
            "steps.python.outputs.python-version": platform.python_version(),
            "steps.cache.outputs.cache-hit": cache_hit,
        }
    )
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


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def test_the_cache_key_names_the_os_the_python_and_what_is_installed(tmp_path: Path) -> None:
    step = _step("key")

    def key(inputs: dict[str, str], **changes: str) -> str:
        env = _runner_env(tmp_path, step, inputs) | changes
        Path(env["GITHUB_OUTPUT"]).write_text("")
        done = _run(step, env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return _outputs(Path(env["GITHUB_OUTPUT"]))["key"]

    source = key({})
    assert source.startswith(f"encord-manifest-Linux-X64-py{platform.python_version()}-source-")
    assert key({}) == source
    assert key({}, PYTHON_VERSION="3.12.1") != source
    assert key({}, RUNNER_OS="macOS") != source
    assert key({"version": "0.2.0"}).endswith("-release-0.2.0")
    copy = tmp_path / "action"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md"):
        (copy / name).write_bytes((ROOT / name).read_bytes())
    script = Path("src", "encord_manifest", "_internal", "cli", "github_action.py")
    (copy / script.parent).mkdir(parents=True)
    (copy / script).write_bytes((ROOT / script).read_bytes())
    (copy / "src" / "m.py").write_text("x = 1\n")
    first = key({}, ACTION_PATH=str(copy))
    (copy / "src" / "m.py").write_text("x = 2\n")  # a new commit of the action: a new install
    assert key({}, ACTION_PATH=str(copy)) != first


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The install step, run once (a cache miss): the runner's temp directory and GITHUB_ENV."""
    runner = tmp_path_factory.mktemp("runner")
    install = _step("Install encord-manifest")
    done = _run(install, _runner_env(runner, install, {}), cwd=runner)
    assert done.returncode == 0, done.stderr
    assert "ENCORD_MANIFEST_BIN=" in (runner / "github-env").read_text()
    return runner


def test_a_restored_install_skips_pip(installed: Path) -> None:
    install = _step("Install encord-manifest")
    venv = installed / "runner-temp" / "encord-manifest-venv"
    marker = venv / "restored-from-cache"
    marker.write_text("")
    env = _runner_env(installed, install, {}, cache_hit="true")
    env["PIP_INDEX_URL"] = "http://127.0.0.1:9/"  # pip would fail: it must not run
    done = _run(install, env, cwd=installed)
    assert done.returncode == 0, done.stderr
    assert marker.exists()  # the restored venv is used as it is


def _lint(
    runner: Path, workspace: Path, inputs: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    step = _step("lint")
    for name in ("github-output", "step-summary"):
        (runner / name).write_text("")
    env = _runner_env(runner, step, inputs)
    env["GITHUB_WORKSPACE"] = str(workspace)
    done = _run(step, env, cwd=workspace)
    return done, _outputs(runner / "github-output"), (runner / "step-summary").read_text()


def test_the_action_annotates_summarises_and_fails(installed: Path, tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "bad.json").write_bytes(
        (FIXTURES / "examples" / "otc-import-with-mistakes.json").read_bytes()
    )
    (manifests / "good.json").write_bytes((FIXTURES / "valid" / "aws-images.json").read_bytes())
    done, outputs, summary = _lint(installed, tmp_path, {"paths": "manifests"})
    assert done.returncode == 1, done.stderr
    assert outputs == {"exit-code": "1", "sarif-file": ""}
    assert "::error file=manifests/bad.json,line=13,endLine=13,col=3,endColumn=17," in done.stdout
    # A finding over several lines: no col/endColumn, as the toolkit says.
    assert "::warning file=manifests/bad.json,line=22,endLine=26,title=" in done.stdout
    assert done.stdout.rstrip().endswith("[*] 4 fixable with --fix.")
    blob = f"https://github.com/octo/manifests/blob/{SHA}/manifests/bad.json"
    assert summary.startswith("## encord-manifest\n")
    assert f"| [manifests/bad.json](<{blob}>) | 6 | 3 | 0 |" in summary
    assert f"(<{blob}#L13>)" in summary
    assert "rules.md#f003-duplicate-key>) | duplicate-key | error | 2 |" in summary
    assert "good.json" not in summary  # clean files are counted, not listed


def test_the_action_writes_sarif_from_the_same_run(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"images": [{"objectUrl": "http://b/a.jpg"}]}))
    done, outputs, summary = _lint(
        installed, tmp_path, {"paths": "a.json missing.json", "sarif-file": "out/r.sarif"}
    )
    assert done.returncode == 2, done.stderr  # an unreadable input
    assert outputs == {"exit-code": "2", "sarif-file": ""}  # out/ does not exist: not written
    (tmp_path / "out").mkdir()
    done, outputs, summary = _lint(
        installed, tmp_path, {"paths": "a.json missing.json", "sarif-file": "out/r.sarif"}
    )
    assert outputs == {"exit-code": "2", "sarif-file": "out/r.sarif"}
    log = json.loads((tmp_path / "out" / "r.sarif").read_text())
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"U304"}
    assert "::warning file=a.json,line=1,endLine=1,col=" in done.stdout
    # The file that could not be read: an annotation of its own, and in the summary.
    assert (
        "::error file=missing.json,title=encord-manifest%3A cannot read::"
        "cannot read missing.json: No such file or directory\n" in done.stdout
    )
    assert "### Could not be read" in summary and "| missing.json | No such file" in summary


def test_the_action_passes_args_and_several_paths(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        json.dumps({"images": [{"objectUrl": "http://b.s3.amazonaws.com/a.jpg"}]})
    )
    (tmp_path / "b.csv").write_text("ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/b,b.jpg\n")
    relaxed, outputs, _ = _lint(installed, tmp_path, {"paths": "a.json b.csv", "summary": "false"})
    assert relaxed.returncode == 0 and outputs["exit-code"] == "0"
    assert "::warning file=a.json," in relaxed.stdout
    assert (installed / "step-summary").read_text() == ""
    strict, outputs, _ = _lint(
        installed, tmp_path, {"paths": "*.json b.csv", "args": "--strict --ignore U309"}
    )
    assert strict.returncode == 1 and outputs["exit-code"] == "1"
    assert "U304" in strict.stdout and "U309" not in strict.stdout
    assert "U309" in relaxed.stdout  # b.csv's URL has no extension (info)


def test_hostile_names_and_keys_do_not_become_markdown(installed: Path, tmp_path: Path) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    key = "x|y`z`<script>alert(1)</script><img src=x onerror=alert(1)>**b**[l](https://evil.example)\n| c |"
    secret = "https://h.example/a.jpg?X-Amz-Signature=0ddba11"
    manifest = {"images": [{"objectUrl": "https://b/a.jpg", key: 1, secret: 2}]}
    name = "m|<b>`x`*y*[z](w).json"
    (tmp_path / name).write_text(json.dumps(manifest))
    done, _, summary = _lint(installed, tmp_path, {"paths": name})
    assert done.returncode == 1, done.stderr
    assert "0ddba11" not in summary and "0ddba11" not in done.stdout
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(summary)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "<em>" not in html and "<strong>" not in html.split("</p>", 1)[1]
    assert "<code>" not in html and 'evil.example"' not in html
    assert all(
        href.startswith("https://github.com/") for href in re.findall(r'href="([^"]*)', html)
    )
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        header = len(re.findall(r"<th>", table.split("</thead>")[0]))
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[1], re.S):
            assert len(re.findall(r"<td>", row)) == header  # no '|' of theirs split a cell
    shown = "x|y`z`&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;**b**"
    assert f"{shown}[l](https://evil.example)\\n| c |" in html  # shown as it is, literally


def test_the_default_selection_is_the_hooks_when_the_package_has_one(tmp_path: Path) -> None:
    from encord_manifest._internal.cli import github_action

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for name in ("manifests/a.json", "data/table.csv", "package.json", "public/manifest.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    env = {"ENCORD_MANIFEST_BIN": "/venv/bin", "INPUT_PATHS": ""}
    files, exclude = r"(^|/)manifests?/.*\.(json|csv)$", r"(^|/)public/"
    os.chdir(tmp_path)
    try:
        command, paths = github_action.lint_command(env, None, lambda: (files, exclude))
        fallback, everything = github_action.lint_command(env, None, lambda: None)
    finally:
        os.chdir(ROOT)
    assert paths == ["manifests/a.json"]
    assert command[-3:] == ["--skip-non-manifests", "--", "manifests/a.json"]
    assert everything == ["."] and "--skip-non-manifests" not in fallback


def test_the_action_selects_what_the_pre_commit_hooks_select(tmp_path: Path) -> None:
    pytest.importorskip(
        "encord_manifest._internal.files.selection"
    )  # issue 17 item 1: the hooks' selection
    from encord_manifest._internal.cli import github_action

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (lint_hook,) = [h for h in hooks if h["id"] == "encord-manifest-lint"]
    patterns = github_action.selection(sys.executable)
    assert patterns == (lint_hook["files"], lint_hook["exclude"])
    assert "--skip-non-manifests" in lint_hook["entry"].split() + lint_hook.get("args", [])


def test_by_default_the_action_lints_the_manifests_and_nothing_else(
    installed: Path, tmp_path: Path
) -> None:
    pytest.importorskip(
        "encord_manifest._internal.files.selection"
    )  # issue 17 item 1: the hooks' selection
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    bad = (FIXTURES / "examples" / "otc-import-with-mistakes.json").read_bytes()
    files = {
        "manifests/bad.json": bad,
        "public/manifest.json": bad,  # a web app's directory: excluded by name
        "src/manifest.json": b'{"name": "App", "icons": []}',  # a web-app manifest: by content
        "package.json": b'{"name": "x"}',
        "data/table.csv": b"a,b\n1,2\n",
    }
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    done, outputs, summary = _lint(installed, tmp_path, {})
    assert outputs["exit-code"] == "1", done.stderr
    annotated = set(re.findall(r"(?m)^::\w+ file=([^,]+),", done.stdout))
    assert annotated == {"manifests/bad.json"}
    assert "src/manifest.json: not linted: not an Encord manifest" in done.stderr
    assert "public" not in done.stdout + summary and "table.csv" not in done.stdout


def test_the_readme_workflow_uses_the_action_with_its_inputs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## GitHub Actions\n", 1)[1].split("\n## ", 1)[0]
    for block in re.findall(r"```yaml\n(.*?)```", section, re.S):
        (tmp_path / "workflow.yml").write_text(block)
        done = check_jsonschema("vendor.github-workflows", tmp_path / "workflow.yml")
        assert done.returncode == 0, done.stdout
        workflow = yaml.safe_load(block)
        for job in workflow["jobs"].values():
            steps = job["steps"]
            assert steps[0]["uses"].startswith("actions/checkout@")
            for step in steps:
                if str(step.get("uses", "")).startswith("encord-manifest/"):
                    assert set(step.get("with", {})) <= set(ACTION["inputs"])
                if "steps." in json.dumps(step):  # an output used: the action's own
                    for output in re.findall(r"steps\.[\w-]+\.outputs\.([\w-]+)", str(step)):
                        assert output in ACTION["outputs"]
