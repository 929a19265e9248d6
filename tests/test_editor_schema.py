"""The JSON Schema as editors use it: every field described (Markdown) with examples, only the
spellings lint accepts without a word offered, its verdicts agreeing with lint's rules, and
what VS Code's own JSON language service shows for it (a real consumer, from the npm registry)."""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from encord_manifest._internal.rules import all_rules, schema_errors, schema_scenes
from encord_manifest._internal.text.redaction import redact_text
from tests.helpers import FIXTURES, ROOT
from tests.helpers import lint as lint_text
from tests.test_docs import _anchors

SCHEMA_PATH = ROOT / "schemas" / "manifest.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
EDITOR = ROOT / "tests" / "editor"
DOCS = "https://github.com/encord-manifest/encord-manifest/blob/main/docs/"


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, name, subschema) of every property and pattern property, at any depth."""
    if isinstance(node, dict):
        for key in ("properties", "patternProperties"):
            for name, sub in node.get(key, {}).items():
                yield where, name, sub
        for key, value in node.items():
            if key in ("properties", "patternProperties"):
                for name, sub in value.items():
                    yield from _properties(sub, f"{where}/{name}")
            elif key not in ("examples", "const", "enum", "default"):
                yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{where}/{index}")


PROPERTIES = list(_properties(SCHEMA))


def test_every_field_has_a_markdown_description_with_a_working_link_and_valid_examples() -> None:
    assert len(PROPERTIES) > 200
    headings = _anchors(ROOT / "docs" / "manifest-format.md")
    for where, name, sub in PROPERTIES:
        text = sub.get("markdownDescription", "")
        assert len(text) > 20, (where, name)
        link = re.search(r"\]\(" + re.escape(DOCS) + r"manifest-format\.md#([a-z0-9-]+)\)", text)
        assert link and link.group(1) in headings, (where, name, text)
        examples = sub.get("examples")
        assert examples, (where, name)
        checker = VALIDATOR.evolve(schema=sub)
        for example in examples:
            assert checker.is_valid(example), (where, name, example)


def _flagged() -> list[tuple[str, str, dict[str, Any]]]:
    return [p for p in PROPERTIES if "deprecationMessage" in p[2]]


def test_spellings_lint_reports_are_never_offered_and_are_marked_deprecated() -> None:
    flagged = _flagged()
    assert {name for _, name, _ in flagged} >= {"fileSize", "mimeType", "sampleRate", "numPages"}
    for where, name, sub in flagged:
        assert sub.get("doNotSuggest") is True, (where, name)
    # The canonical spellings stay offered.
    suggested = {name for _, name, sub in PROPERTIES if not sub.get("doNotSuggest")}
    assert {"file_size", "mime_type", "objectUrl", "createVideo", "title"} <= suggested


@pytest.mark.parametrize(
    ("kind", "metadata"),
    [
        ("videos", {"fps": 25, "duration": 1, "width": 2, "height": 2}),
        ("images", {"width": 2, "height": 2}),
        ("audio", {"duration": 1}),
        ("pdf", {}),
        ("text", {}),
    ],
)
def test_each_deprecated_spelling_is_one_lint_reports(kind: str, metadata: dict[str, Any]) -> None:
    """What the schema marks deprecated is what lint warns about (M-codes), field by field."""
    field = {"videos": "videoMetadata", "images": "imageMetadata", "audio": "audioMetadata"}
    field |= {"pdf": "pdfMetadata", "text": "textMetadata"}
    definition = SCHEMA["$defs"][field[kind]]
    for name, sub in definition["properties"].items():
        if "deprecationMessage" not in sub:
            continue
        value = sub["examples"][0]
        entry = {"objectUrl": f"https://b.s3.amazonaws.com/x/a.{_extension(kind)}"}
        entry[field[kind]] = {**metadata, name: value}
        found = lint_text(json.dumps({kind: [entry]}))
        assert any(d.code.startswith("M") for d in found), (kind, name, found)


def _extension(kind: str) -> str:
    return {"videos": "mp4", "images": "jpg", "audio": "mp3", "pdf": "pdf", "text": "txt"}[kind]


def _schema_codes() -> set[str]:
    """Every code the schema's translators can report (the rules the schema covers)."""
    rules = all_rules()
    found = set()
    for module in (schema_errors, schema_scenes):
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        for family, constant in re.findall(
            r"\b(structure|groups|metadata|scenes|time_series)\.([A-Z][A-Z_]+)\b", source
        ):
            family_module = __import__(
                f"encord_manifest._internal.rules.{family}", fromlist=[constant]
            )
            rule = getattr(family_module, constant)
            found.add(rule if isinstance(rule, str) else rule.code)
    assert found <= set(rules)
    return found


JSON_RULES = [
    rule
    for rule in all_rules().values()
    if rule.example_is_literal and rule.example_format in (None, "json")
]


def _schema_valid(text: str) -> bool | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None  # not JSON: the schema has nothing to say
    return bool(VALIDATOR.is_valid(data))


@pytest.mark.parametrize("rule", JSON_RULES, ids=lambda rule: rule.code)
def test_what_the_schema_rejects_lint_fails(rule) -> None:  # type: ignore[no-untyped-def]
    """An editor never underlines what lint passes: every example the schema rejects has an
    error in lint too; and for the rules the schema covers, the editor shows what lint shows."""
    covered = rule.code in _schema_codes()
    for example, failing in ((rule.failing, True), (rule.passing, False)):
        verdict = _schema_valid(example)
        if verdict is None:
            continue
        if not verdict:
            errors = [d for d in lint_text(example) if d.severity.value == "error"]
            assert errors, (rule.code, example)
        if covered and rule.severity.value == "error":
            assert verdict is (not failing), (rule.code, "failing" if failing else "passing")


# --- VS Code's JSON language service ---------------------------------------------------------


@pytest.fixture(scope="session")
def vscode_json() -> Path:
    """tests/editor/node_modules, installed from the npm registry once (locked across workers)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for VS Code's JSON language service")
    marker = EDITOR / "node_modules" / "vscode-json-languageservice" / "package.json"
    with (EDITOR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--no-save", "--loglevel", "error"],
                cwd=EDITOR,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert done.returncode == 0, done.stderr
    return EDITOR / "vscode_json.js"


def _ask_vscode(
    script: Path,
    tmp_path: Path,
    text: str,
    complete: tuple[int, ...] = (),
    hover: tuple[int, ...] = (),
) -> dict[str, Any]:
    document = tmp_path / "manifest.json"
    document.write_text(text, encoding="utf-8")
    requests = json.dumps({"complete": list(complete), "hover": list(hover)})
    done = subprocess.run(
        ["node", str(script), str(SCHEMA_PATH), str(document), requests],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def test_vscode_explains_a_group_without_files_in_words(vscode_json: Path, tmp_path: Path) -> None:
    text = '{"image_groups": [{"title": "ward-a", "createVideo": false}], "dicom_series": [{"title": "ct"}]}'
    messages = [d["message"] for d in _ask_vscode(vscode_json, tmp_path, text)["diagnostics"]]
    assert any(m.startswith("An image group or sequence lists no files") for m in messages)
    assert any(m.startswith("A DICOM series lists no files") for m in messages)
    assert not any("not allowed" in m for m in messages), messages
    # lint says the same, for both entries.
    assert sum("lists no files" in d.message for d in lint_text(text)) == 2


def test_vscode_offers_only_the_documented_spellings(vscode_json: Path, tmp_path: Path) -> None:
    text = (
        '{"videos": [{"objectUrl": "https://b.s3.amazonaws.com/a.mp4", "videoMetadata": {}}],'
        ' "images": [{}]}'
    )
    in_metadata = text.index('"videoMetadata": {}') + len('"videoMetadata": {')
    in_image = text.index('"images": [{') + len('"images": [{')
    answer = _ask_vscode(vscode_json, tmp_path, text, complete=(in_metadata, in_image, 1))
    offered = answer["completions"]
    metadata = set(offered[str(in_metadata)])
    assert metadata == {"fps", "duration", "width", "height", "file_size", "mime_type"}
    assert set(offered[str(in_image)]) == {"objectUrl", "title", "clientMetadata", "imageMetadata"}
    top = set(offered["1"])
    # The lists not yet in the file, all snake_case as documented.
    assert {"image_groups", "dicom_series", "audio", "scenes", "time_series"} <= top
    assert not any(re.search("[A-Z]", name) for name in top), top


def test_vscode_marks_a_flagged_spelling_and_shows_the_markdown(
    vscode_json: Path, tmp_path: Path
) -> None:
    text = (
        '{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg", "imageMetadata": '
        '{"mimeType": "image/jpeg", "file_size": 3, "width": 2, "height": 2}}]}'
    )
    at = text.index("objectUrl") + 2
    answer = _ask_vscode(vscode_json, tmp_path, text, hover=(at,))
    assert [d["message"] for d in answer["diagnostics"]] == [
        "Write mime_type; lint reports the camelCase spelling mimeType."
    ]
    hover = answer["hovers"][str(at)]
    assert "bucket" in hover and "[Reference](" + DOCS in hover


def test_vscode_finds_nothing_in_the_valid_fixtures(vscode_json: Path, tmp_path: Path) -> None:
    for path in sorted((FIXTURES / "valid").glob("*.json")):
        answer = _ask_vscode(vscode_json, tmp_path, path.read_text(encoding="utf-8"))
        assert answer["diagnostics"] == [], path.name


def test_links_into_the_projects_docs_keep_their_heading_in_any_output() -> None:
    link = f"[Reference]({DOCS}manifest-format.md#object-urls)."
    assert redact_text(link) == link
    assert redact_text(f'"{DOCS}rules.md#u301"') == f'"{DOCS}rules.md#u301"'
    # Anything else after the heading, and any other URL's fragment, is still masked.
    assert redact_text(f"{DOCS}rules.md#u301SECRET") == f"{DOCS}rules.md#u301******"
    assert redact_text("https://b.s3.amazonaws.com/a#token") == "https://b.s3.amazonaws.com/a#*****"
    assert redact_text(f"{DOCS}rules.md?sig=1#u301").endswith("?" + "*" * 10)
