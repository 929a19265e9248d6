"""Which files are manifests: the hooks' name patterns and `lint --skip-non-manifests`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from encord_manifest._internal.engine.linter import load
from encord_manifest._internal.files.selection import EXCLUDE, FILES, skip_reason
from tests.helpers import ROOT, run_cli

H = "https://b.s3.amazonaws.com"
ENTRY = {"objectUrl": f"{H}/a.jpg"}


def hooks() -> dict[str, dict[str, str]]:
    listed = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in listed}


def selected(path: str) -> bool:
    """As pre-commit decides: ``files`` searched, then ``exclude`` (Python's ``re``)."""
    return bool(re.search(FILES, path)) and not re.search(EXCLUDE, path)


def test_the_hooks_file_holds_the_patterns_of_the_module() -> None:
    lint, convert = hooks()["encord-manifest-lint"], hooks()["encord-manifest-convert"]
    assert lint["files"] == FILES and lint["exclude"] == EXCLUDE
    assert convert["files"] == FILES.replace(r"\.(json|csv)$", r"\.csv$")
    assert convert["exclude"] == EXCLUDE
    assert lint["entry"] == "encord-manifest lint --skip-non-manifests"


@pytest.mark.parametrize(
    "path",
    [
        "manifests/batch-1.json",
        "manifest/m.csv",
        "data/manifests/2024/scan.json",
        "upload_manifest.csv",
        "data/Encord-Import.JSON",
        "encord.json",
        "otc-manifest-v2.json",
        "manifest.json",  # by name; a browser extension's is then skipped by content
    ],
)
def test_names_of_encord_manifests_are_selected(path: str) -> None:
    assert selected(path)


@pytest.mark.parametrize(
    "path",
    [
        "public/manifest.json",
        "site.webmanifest",
        "manifest.webmanifest",
        "app/public/manifest.json",
        "build/asset-manifest.json",
        "asset-manifest.json",
        "dist/.vite/manifest.json",
        "public/mix-manifest.json",
        "mix-manifest.json",
        ".next/build-manifest.json",
        "node_modules/some-lib/manifest.json",
        "package.json",
        "composer.json",
        "composer.lock",
        "package-lock.json",
        "poetry.lock",
        "app/src/main/AndroidManifest.xml",
        "MANIFEST.in",
        "data/table.csv",
        "static/manifest.json",
    ],
)
def test_web_build_and_package_manifests_are_not_selected(path: str) -> None:
    assert not selected(path)


def reason(text: str, name: str = "m.json") -> str | None:
    return skip_reason(load(name, text.encode("utf-8")))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"name": "App", "icons": [{"src": "i.png"}], "start_url": "/"}', "no top-level key"),
        ('{"manifest_version": 3, "name": "x", "version": "1", "permissions": []}', "no top-level"),
        ('{"files": {"main.js": "/static/js/main.js"}, "entrypoints": ["a.js"]}', "no top-level"),
        ('{"src/main.ts": {"file": "assets/main.js", "isEntry": true}}', "no top-level key"),
        ('{"/js/app.js": "/js/app.js?id=1"}', "no top-level key"),
        ('{"name": "x", "version": "1.0.0", "dependencies": {}}', "no top-level key"),
        ('[{"id": 1}, {"id": 2}]', "a JSON array of something else"),
        ('"just a string"', "a JSON string"),
        ("3", "a JSON number"),
        ('{\n  // comment\n  "compilerOptions": {"strict": true}\n}', "not valid JSON"),
    ],
)
def test_other_json_is_skipped_with_its_reason(text: str, why: str) -> None:
    found = reason(text)
    assert found is not None and found.startswith(why)


@pytest.mark.parametrize(
    "data",
    [
        {"images": [ENTRY]},
        {"image_group": [ENTRY]},  # misspelt: linted, so that S101 says "did you mean"
        {"Images": [ENTRY]},
        {"imageGroups": []},
        {"pdfs": []},
        {"skipDuplicateUrls": True},
        {"files": [ENTRY]},  # entries under an unknown key
        {"items": [{"object_url": f"{H}/a.jpg"}]},
        {"data": [f"{H}/a.jpg"]},
        [ENTRY],  # a bare list of entries: S100
        [f"{H}/a.jpg"],
        {},
        [],
    ],
    ids=repr,
)
def test_manifests_and_near_misses_are_linted(data: object) -> None:
    assert reason(json.dumps(data)) is None


@pytest.mark.parametrize(
    "text",
    ["", "   \n", '{"videos": [', '{"imageGroups": [{"title": "g",}]}', '{"a": 1, "objectUrl": '],
)
def test_empty_and_broken_manifests_are_linted(text: str) -> None:
    assert reason(text) is None


def test_undecodable_json_is_linted() -> None:
    assert skip_reason(load("m.json", b'{"name": "\xff"}')) is None


@pytest.mark.parametrize(
    ("text", "skipped"),
    [
        ("not,a\nmanifest\n", True),
        ("id,name,score\n1,a,3\n", True),
        ("ObjectUrl,Image title\nhttps://b/a.jpg,A\n", False),
        ("Object URL,Image title\nhttps://b/a.jpg,A\n", False),
        ("object_url\nhttps://b/a.jpg\n", False),
        ("\n\nImage Titel,x\n", False),  # a near miss of a header name
        (f"{H}/a.jpg,Cat\n", False),  # URLs without a header: C703
        ("", False),
    ],
)
def test_csv_without_any_sign_of_a_manifest_is_skipped(text: str, skipped: bool) -> None:
    assert (reason(text, "m.csv") is not None) is skipped


def test_lint_says_what_it_skips_and_exits_on_the_rest(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"name": "App", "icons": []}')
    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    (tmp_path / "m.json").write_text(json.dumps({"image_group": [ENTRY]}))
    names = [str(tmp_path / n) for n in ("manifest.json", "table.csv", "m.json")]
    done = run_cli("lint", "--skip-non-manifests", *names)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "S101" in done.stdout and "did you mean 'image_groups'" in done.stdout
    assert "in 1 file." in done.stdout
    assert (
        f"encord-manifest: info: {names[0]}: not linted: not an Encord manifest "
        "(no top-level key of one)\n" in done.stderr
    )
    assert f"info: {names[1]}: not linted: not an Encord manifest (no ObjectUrl header row)" in (
        done.stderr
    )
    only_skipped = run_cli("lint", "--skip-non-manifests", *names[:2])
    assert only_skipped.returncode == 0, only_skipped.stdout + only_skipped.stderr
    assert "No files linted." in only_skipped.stdout
    # Without the option, both are linted (and fail).
    assert run_cli("lint", *names[:2]).returncode == 1


def test_files_found_in_a_directory_are_skipped_without_a_word(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x"}')
    (tmp_path / "m.json").write_text(json.dumps({"images": [ENTRY]}))
    done = run_cli("lint", "--skip-non-manifests", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == "" and "All checks passed" in done.stdout


def test_diff_and_fix_skip_too(tmp_path: Path) -> None:
    other = tmp_path / "manifest.json"
    other.write_text('{"name": "App", "icons": [{"src": "a b.png"}]}')
    for option in ("--fix", "--diff"):
        done = run_cli("lint", "--skip-non-manifests", option, str(other))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "not an Encord manifest" in done.stderr
    assert other.read_text() == '{"name": "App", "icons": [{"src": "a b.png"}]}'
