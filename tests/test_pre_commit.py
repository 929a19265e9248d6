"""The pre-commit hooks, end to end with the real `pre-commit` tool.

The working tree of this project (committed or not) is copied into a throwaway git repository,
which plays the published hook repository; pre-commit installs the hooks from it into its own
virtualenv, as it would from GitHub, and runs them in another throwaway repository of manifests.
Installing needs the package index (as CI has), once per test session.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, ROOT

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@localhost",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@localhost",
}
GOOD_JSON = (FIXTURES / "valid" / "aws-images.json").read_text(encoding="utf-8")
BAD_JSON = (FIXTURES / "examples" / "otc-import-with-mistakes.json").read_text(encoding="utf-8")
H = "https://radiology.obs.eu-de.otc.t-systems.com"
GOOD_CSV = f"ObjectUrl,Image title\n{H}/a.jpg,A\n{H}/b.jpg,B\n"


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_IDENTITY},
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This project's working tree as a git repository of its own: (path, commit)."""
    repo = tmp_path_factory.mktemp("hook-repo")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is listed too
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "hooks under test", cwd=repo)
    return repo, git("rev-parse", "HEAD", cwd=repo).strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the whole session: installing it is the slow part."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def manifests(tmp_path: Path) -> Iterator[Path]:
    """An empty git repository for manifests."""
    git("init", "-q", cwd=tmp_path)
    yield tmp_path


def add(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=repo)


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PRE_COMMIT")}
    env.update(GIT_IDENTITY, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def try_repo(
    hook: str, repo: Path, hook_repo: tuple[Path, str], home: Path
) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo`: how a hook author tries hooks (a fresh hook environment each time)."""
    path, commit = hook_repo
    return pre_commit(
        "try-repo", str(path), hook, "--ref", commit, "--all-files", cwd=repo, home=home
    )


def run_hook(
    hook: str, repo: Path, hook_repo: tuple[Path, str], home: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """`pre-commit run` with the hook repository in the configuration, as users have it;
    its environment is installed once into ``home`` and reused. ``options``: for `run`
    (``--verbose`` shows a passing hook's output)."""
    path, commit = hook_repo
    config = (
        f"repos:\n  - repo: {path}\n    rev: {commit}\n    hooks:\n"
        "      - id: encord-manifest-lint\n      - id: encord-manifest-convert\n"
    )
    add(repo, {".pre-commit-config.yaml": config})
    return pre_commit("run", hook, "--all-files", *options, cwd=repo, home=home)


def test_lint_hook_fails_on_bad_manifests_at_their_lines(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    add(
        manifests,
        {
            "manifests/good.json": GOOD_JSON,
            "manifests/bad.json": BAD_JSON,
            "data/upload-manifest.csv": f"ObjectUrl\n{H}/a b.mp4\n",
            # Not manifests by the default pattern: never linted.
            "package.json": '{"name": "x"}\n',
            "data/labels.csv": "not,a\nmanifest\n",
        },
    )
    done = try_repo("encord-manifest-lint", manifests, hook_repo, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^encord-manifest lint\.+Failed$", done.stdout, re.M)
    assert "manifests/bad.json:13:3: F003 duplicate key 'image_groups'" in done.stdout
    assert "data/upload-manifest.csv:2:1: U301 " in done.stdout
    assert "Found 7 errors, 3 warnings in 3 files." in done.stdout
    assert "package.json" not in done.stdout and "labels.csv" not in done.stdout


def test_lint_hook_passes_clean_manifests_and_skips_other_files(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    add(manifests, {"package.json": "{not json", "notes/todo.csv": "a,b\n"})
    skipped = run_hook("encord-manifest-lint", manifests, hook_repo, pre_commit_home)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert re.search(r"^encord-manifest lint\.+\(no files to check\)Skipped$", skipped.stdout, re.M)
    add(manifests, {"manifest/a.json": GOOD_JSON, "b-MANIFEST.csv": GOOD_CSV})
    passed = run_hook("encord-manifest-lint", manifests, hook_repo, pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^encord-manifest lint\.+Passed$", passed.stdout, re.M)


def test_lint_hook_reads_the_configuration_of_the_manifest_repository(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    add(manifests, {"manifests/m.json": json.dumps({"videos": [{"objectUrl": f"{H}/a b.mp4"}]})})
    assert run_hook("encord-manifest-lint", manifests, hook_repo, pre_commit_home).returncode == 1
    add(manifests, {"pyproject.toml": '[tool.encord-manifest]\nignore = ["U301"]\n'})
    done = run_hook("encord-manifest-lint", manifests, hook_repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr


def test_convert_hook_writes_the_json_fails_then_passes_once_added(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    add(manifests, {"manifests/m.csv": GOOD_CSV})
    written = run_hook("encord-manifest-convert", manifests, hook_repo, pre_commit_home)
    assert written.returncode == 1, written.stdout + written.stderr
    assert "manifests/m.csv: wrote manifests/m.json" in written.stdout
    result = json.loads((manifests / "manifests" / "m.json").read_text(encoding="utf-8"))
    assert result == {
        "images": [
            {"objectUrl": f"{H}/a.jpg", "title": "A"},
            {"objectUrl": f"{H}/b.jpg", "title": "B"},
        ]
    }
    git("add", "-A", cwd=manifests)
    in_sync = run_hook("encord-manifest-convert", manifests, hook_repo, pre_commit_home)
    assert in_sync.returncode == 0, in_sync.stdout + in_sync.stderr
    # Editing the CSV brings the JSON along; a CSV with errors is not converted.
    add(manifests, {"manifests/m.csv": GOOD_CSV.replace(",B", ",Bee")})
    assert (
        run_hook("encord-manifest-convert", manifests, hook_repo, pre_commit_home).returncode == 1
    )
    assert '"Bee"' in (manifests / "manifests" / "m.json").read_text(encoding="utf-8")
    git("add", "-A", cwd=manifests)
    add(manifests, {"manifests/m.csv": GOOD_CSV.replace("b.jpg", "b c.jpg")})
    refused = run_hook("encord-manifest-convert", manifests, hook_repo, pre_commit_home)
    assert refused.returncode == 1 and "U301" in refused.stdout
    assert "manifests/m.csv: not converted" in refused.stdout
    assert '"Bee"' in (manifests / "manifests" / "m.json").read_text(encoding="utf-8")


def test_the_readme_snippet_works_as_a_repository_configuration(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"## pre-commit\n.*?```yaml\n(.*?)```", readme, re.S)
    assert snippet is not None
    path, commit = hook_repo
    config = snippet.group(1)
    assert "https://github.com/encord-manifest/encord-manifest" in config
    config = config.replace("https://github.com/encord-manifest/encord-manifest", str(path))
    config = re.sub(r"rev: \S+", f"rev: {commit}", config)
    add(
        manifests,
        {
            ".pre-commit-config.yaml": config,
            "manifests/m.csv": GOOD_CSV,
            "manifests/x.json": GOOD_JSON,
        },
    )
    first = pre_commit("run", "--all-files", cwd=manifests, home=pre_commit_home)
    assert first.returncode == 1, first.stdout + first.stderr
    assert re.search(r"^encord-manifest lint\.+Passed$", first.stdout, re.M)
    assert re.search(
        r"^encord-manifest convert \(JSON beside each CSV\)\.+Failed$", first.stdout, re.M
    )
    git("add", "-A", cwd=manifests)
    second = pre_commit("run", "--all-files", cwd=manifests, home=pre_commit_home)
    assert second.returncode == 0, second.stdout + second.stderr


#: What a web app, a browser extension, build tools and package managers keep in a repository:
#: none of it is an Encord manifest, though several are named like one.
NOT_MANIFESTS = {
    "public/manifest.json": json.dumps(
        {"name": "App", "short_name": "App", "icons": [{"src": "icon.png"}], "start_url": "/"}
    ),
    "site.webmanifest": '{"name": "App", "icons": []}',
    "app/manifest.webmanifest": '{"name": "App", "icons": []}',
    "build/asset-manifest.json": json.dumps(
        {"files": {"main.js": "/static/js/main.js"}, "entrypoints": ["static/js/main.js"]}
    ),
    "dist/.vite/manifest.json": json.dumps({"index.html": {"file": "assets/index.js"}}),
    "mix-manifest.json": '{"/js/app.js": "/js/app.js?id=1"}',
    "node_modules/lib/manifest.json": '{"name": "lib"}',
    "package.json": '{"name": "x", "version": "1.0.0"}',
    "composer.json": '{"name": "x/y", "require": {}}',
    "composer.lock": '{"packages": []}',
    "android/app/src/main/AndroidManifest.xml": "<manifest/>\n",
    "MANIFEST.in": "include README.md\n",
    "data/table.csv": "not,a\nmanifest\n",
    # Picked by name, skipped by content: a browser extension's manifest at the root.
    "manifest.json": json.dumps({"manifest_version": 3, "name": "x", "version": "1"}),
}
SKIPPED = "encord-manifest: info: manifest.json: not linted: not an Encord manifest"


def test_lint_hook_leaves_web_build_and_package_manifests_alone(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    add(manifests, NOT_MANIFESTS)
    done = run_hook("encord-manifest-lint", manifests, hook_repo, pre_commit_home, "--verbose")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^encord-manifest lint\.+Passed$", done.stdout, re.M)
    assert f"{SKIPPED} (no top-level key of one)" in done.stdout
    assert "No files linted." in done.stdout
    for name in NOT_MANIFESTS:
        if name != "manifest.json":
            assert name not in done.stdout


def test_lint_hook_still_fails_manifests_beside_them_and_keeps_did_you_mean(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    typo = {"image_group": [{"title": "g", "createVideo": False, "objectUrl_0": f"{H}/a.jpg"}]}
    add(
        manifests,
        {
            **NOT_MANIFESTS,
            "manifests/bad.json": BAD_JSON,
            "manifests/typo.json": json.dumps(typo, indent=2),
            "encord-import.csv": f"Object URL,Image title\n{H}/a.jpg,A\n",
        },
    )
    done = run_hook("encord-manifest-lint", manifests, hook_repo, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "manifests/bad.json:13:3: F003 duplicate key 'image_groups'" in done.stdout
    assert (
        "manifests/typo.json:2:3: S101 [*] unknown top-level key 'image_group'; its entries "
        "would be ignored (did you mean 'image_groups'?)" in done.stdout
    )
    assert "encord-import.csv:1:1: C703 " in done.stdout  # a near-miss header: linted
    assert "in 3 files." in done.stdout and SKIPPED in done.stdout
    assert "public/manifest.json" not in done.stdout and "package.json" not in done.stdout


#: A hand-written manifest beside its CSV, holding what CSV cannot: the issue's case.
HAND_WRITTEN = json.dumps(
    {
        "images": [
            {
                "objectUrl": f"{H}/{name}.jpg",
                "title": name.upper(),
                "clientMetadata": {"site": "ward 3", "reviewed": True},
                "imageMetadata": {"mimeType": "image/jpeg", "fileSize": 1024, "width": 640},
            }
            for name in ("a", "b")
        ]
    },
    indent=4,
)


def test_convert_hook_leaves_a_hand_written_json_alone(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    add(manifests, {"manifests/m.csv": GOOD_CSV, "manifests/m.json": HAND_WRITTEN})
    git("commit", "-q", "-m", "hand-written", cwd=manifests)
    add(manifests, {"manifests/m.csv": GOOD_CSV.replace(",B", ",Bee")})
    done = run_hook("encord-manifest-convert", manifests, hook_repo, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "manifests/m.json: not replaced: it holds what CSV cannot carry: "
        "/images/0/clientMetadata: CSV cannot carry 'clientMetadata' (and 3 more); --sync "
        "replaces only a JSON that conversion wrote" in done.stdout
    )
    assert "wrote manifests/m.json" not in done.stdout
    assert (manifests / "manifests" / "m.json").read_text(encoding="utf-8") == HAND_WRITTEN
    assert git("status", "--porcelain", "manifests/m.json", cwd=manifests) == ""


def test_convert_hook_updates_its_own_json_after_a_commit(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    add(manifests, {"manifests/m.csv": GOOD_CSV})
    assert run_hook("encord-manifest-convert", manifests, hook_repo, pre_commit_home).returncode
    git("add", "-A", cwd=manifests)
    git("commit", "-q", "-m", "generated", cwd=manifests)
    add(manifests, {"manifests/m.csv": GOOD_CSV + f"{H}/c.jpg,C\n"})
    done = run_hook("encord-manifest-convert", manifests, hook_repo, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "manifests/m.csv: wrote manifests/m.json" in done.stdout
    assert f"{H}/c.jpg" in (manifests / "manifests" / "m.json").read_text(encoding="utf-8")


def test_the_readme_shows_how_to_widen_the_selection(
    manifests: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    widened = re.search(r"\*\*Which files\.\*\*.*?```yaml\n(.*?)```", readme, re.S)
    assert widened is not None
    path, commit = hook_repo
    config = f"repos:\n  - repo: {path}\n    rev: {commit}\n    hooks:\n" + widened.group(1)
    add(
        manifests,
        {
            ".pre-commit-config.yaml": config,
            "data/batch.json": json.dumps({"videos": [{"objectUrl": f"{H}/a b.mp4"}]}),
            "datasets/x.csv": GOOD_CSV,
            "data/fixtures/broken.json": BAD_JSON,
        },
    )
    done = pre_commit("run", "--all-files", cwd=manifests, home=pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "data/batch.json:1:" in done.stdout and "U301" in done.stdout
    assert "in 2 files." in done.stdout and "fixtures" not in done.stdout
