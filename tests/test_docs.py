"""The user-facing reference in docs/ agrees with the code: every code it names exists with the
severity it states, every rule is described, the numbers and extension lists are the spec's
constants, docs/rules.md is the registry's own output, and every relative link resolves."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from encord_manifest._internal.model import spec
from encord_manifest._internal.rules import all_rules
from encord_manifest._internal.rules.docs import rules_markdown
from tests.helpers import ROOT, run_cli

DOCS = ROOT / "docs"
FORMAT = DOCS / "manifest-format.md"
_CODE = re.compile(r"\b([A-Z])(\d{3})\b")
_RANGE = re.compile(r"`([A-Z])(\d{3})`\s*-\s*`\1(\d{3})`")


def _codes_named(text: str) -> set[str]:
    """Codes named in a text, single (`U301`) or as a range (`R801`-`R809`)."""
    named = {f"{letter}{number}" for letter, number in _CODE.findall(text)}
    for letter, first, last in _RANGE.findall(text):
        named |= {f"{letter}{n:03d}" for n in range(int(first), int(last) + 1)}
    return named


def test_rules_md_is_the_registry_output() -> None:
    """What the command prints, redaction included (an example with user info is masked as
    any output is), is what the file holds."""
    done = run_cli("rules", "--output-format", "markdown")
    assert done.returncode == 0, done.stderr
    assert "### U301 `url-whitespace`" in rules_markdown()
    assert (DOCS / "rules.md").read_text(encoding="utf-8") == done.stdout, (
        "docs/rules.md is stale: encord-manifest rules --output-format markdown > docs/rules.md"
    )


def test_every_code_the_format_reference_names_exists() -> None:
    named = _codes_named(FORMAT.read_text(encoding="utf-8"))
    unknown = sorted(named - set(all_rules()))
    assert not unknown, f"docs/manifest-format.md names codes the registry lacks: {unknown}"


def test_every_rule_is_described_in_the_format_reference() -> None:
    named = _codes_named(FORMAT.read_text(encoding="utf-8"))
    missing = sorted(set(all_rules()) - named)
    assert not missing, f"docs/manifest-format.md says nothing of: {missing}"


def test_severities_in_the_reference_tables_are_the_registry_s() -> None:
    rules = all_rules()
    checked = 0
    for line in FORMAT.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for here, after in itertools.pairwise(cells):
            match = re.fullmatch(r"`([A-Z]\d{3})`", here)
            if match:
                severity = rules[match.group(1)].severity.value
                assert after.startswith(severity), f"{line!r}: the registry says {severity}"
                checked += 1
    assert checked >= 15


@pytest.mark.parametrize(
    ("constant", "written"),
    [
        (spec.MAX_SEQUENCE_IMAGES, "32,767"),
        (spec.RECOMMENDED_SEQUENCE_IMAGES, "15,000"),
        (spec.MAX_FILE_NAME_CHARS, "300 characters"),
        (spec.MAX_URL_BYTES // 1024, "16 KB"),
        (spec.MAX_URLS_PER_FILE, "1,000,000 URLs"),
        (spec.MAX_ITEMS_PER_FILE, "500,000 items"),
        (spec.DEFAULT_MAX_ENTRIES, "10,000"),
        (spec.DEFAULT_MAX_FILE_BYTES // 1_000_000, "100 MB"),
    ],
)
def test_the_reference_s_numbers_are_the_spec_constants(constant: int, written: str) -> None:
    number = int(re.sub(r"\D", "", written.split()[0]))
    assert number == constant
    assert written in FORMAT.read_text(encoding="utf-8")


def _extension_table() -> dict[str, set[str]]:
    rows: dict[str, set[str]] = {}
    text = FORMAT.read_text(encoding="utf-8")
    section = text.split("### Supported file extensions", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[1].startswith("`."):
            rows[cells[0]] = set(re.findall(r"\.[a-z0-9.]+", cells[1]))
    return rows


def test_the_extension_table_is_the_spec_s() -> None:
    table = _extension_table()
    assert table["image, image group"] == spec.IMAGE_EXTENSIONS
    assert table["image sequence"] == spec.SEQUENCE_EXTENSIONS
    assert table["video"] == spec.VIDEO_EXTENSIONS
    assert table["audio"] == spec.AUDIO_EXTENSIONS
    assert table["DICOM"] == spec.DICOM_EXTENSIONS
    assert table["NIfTI"] == spec.NIFTI_EXTENSIONS
    assert table["PDF"] == spec.PDF_EXTENSIONS
    assert table["text"] == spec.TEXT_EXTENSIONS


def test_the_top_level_keys_are_the_spec_s() -> None:
    text = FORMAT.read_text(encoding="utf-8")
    table = text.split("## The JSON manifest", 1)[1].split("Note the singular keys", 1)[0]
    listed = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE)
    assert listed == list(spec.ENTRY_KEYS)
    for flag in spec.FLAG_KEYS:
        assert f"`{flag}`" in text


_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("document", ["README.md", "docs/manifest-format.md", "docs/rules.md"])
def test_relative_links_resolve_inside_the_repository(document: str) -> None:
    path = ROOT / document
    for target in _LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        assert resolved.is_relative_to(ROOT.resolve()), (
            f"{document}: {target} leaves the repository"
        )
        assert resolved.exists(), f"{document}: {target} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in _anchors(resolved), f"{document}: no heading for #{anchor}"


def _anchors(markdown: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    anchors = set()
    for line in markdown.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", heading).replace(" ", "-"))
    return anchors


def _json_examples() -> list[str]:
    text = FORMAT.read_text(encoding="utf-8")
    return re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.parametrize("example", _json_examples())
def test_every_manifest_example_in_the_reference_lints_clean(example: str) -> None:
    done = run_cli("lint", "--format", "json", "--strict", "-", stdin=example.encode())
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_reference_has_manifest_examples() -> None:
    assert len(_json_examples()) >= 2
