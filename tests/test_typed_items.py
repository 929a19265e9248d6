"""S110: the SDK's typed form (``DataUploadItems.to_dict()``) is one finding, and --fix turns
it into the file format completely or not at all (``typed_items``, ``rules/dialect``)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from encord_manifest._internal.engine.fixes import fix_text
from encord_manifest._internal.engine.linter import lint_file
from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Diagnostic, Severity
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.sources import typed_items
from encord_manifest._internal.sources.convert import to_json_bytes
from tests import sdk_samples
from tests.helpers import FIXTURES, lint, run_cli

TYPED = FIXTURES / "invalid" / "S110-sdk-typed-items.json"
UNCONVERTIBLE = FIXTURES / "invalid" / "S110-sdk-typed-items-unconvertible.json"
SAMPLES = sorted((FIXTURES / "fix").glob("S110-*[!d].json"))  # not the .fixed twins
H = sdk_samples.H
#: The two lists another change adds to the schema: until then, still unknown keys.
NEWER = tuple(key for key in ("time_series", "scenes") if key not in spec.TOP_LEVEL_KEYS)


def remaining(diagnostics: list[Diagnostic], at_least: Severity = Severity.INFO) -> list[str]:
    """The findings (of ``at_least`` that severity), but for the lists the schema of this
    version does not know yet."""
    return [
        f"{d.code} {d.pointer}"
        for d in diagnostics
        if d.severity.rank <= at_least.rank
        and not (d.code == "S101" and d.pointer.lstrip("/") in NEWER)
    ]


def group(**extra: Any) -> dict[str, Any]:
    return {"images": [{"url": f"{H}/g/0.jpg"}], "title": "g", "createVideo": False, **extra}


# -- one finding ----------------------------------------------------------------------------


def test_the_sdks_typed_form_is_one_finding_at_its_first_typed_key() -> None:
    (finding,) = lint(TYPED.read_bytes())
    assert (finding.code, finding.pointer, finding.span.line, finding.span.column) == (
        "S110",
        "/imageGroups",
        20,
        3,
    )
    assert "written by the SDK's DataUploadItems.to_dict()" in finding.message
    assert finding.fix is not None and finding.hint is not None
    assert "'imageGroups' -> 'image_groups'" in finding.hint and "objectUrl_0" in finding.hint


def test_a_near_miss_key_of_file_format_entries_is_still_a_did_you_mean() -> None:
    text = json.dumps({"imageGroups": [{"title": "g", "createVideo": False, "objectUrl_0": H}]})
    (finding,) = lint(text)
    assert finding.code == "S101" and finding.hint == "did you mean 'image_groups'?"
    assert finding.fix is not None


@pytest.mark.parametrize(
    ("data", "code"),
    [
        # A hand-written system field (not the value the SDK writes there): S106 as before.
        ({"images": [{"objectUrl": f"{H}/a.jpg", "externalFileType": "image"}]}, "S106"),
        # What DataUploadImage.to_dict() writes, listed under the file format's key.
        ({"images": [{"objectUrl": f"{H}/a.jpg", "externalFileType": "IMAGE"}]}, "S110"),
        ({"image_groups": [group()]}, "S110"),
        ({"dicom_series": [{"title": "s", "dicomFiles": [{"url": f"{H}/1.dcm"}]}]}, "S110"),
        ({"images": [{"objectUrl": f"{H}/a.jpg"}], "imageGroupsFromItems": []}, "S110"),
        ({"images": [{"object_url": f"{H}/a.jpg"}]}, "S105"),  # a misspelling, not the form
    ],
)
def test_what_signs_the_typed_form(data: dict[str, Any], code: str) -> None:
    assert [d.code for d in lint(json.dumps(data))] == [code]


def test_findings_the_form_does_not_explain_stay_and_are_fixed_after_it() -> None:
    data = json.loads(TYPED.read_text())
    data["images"][0]["objectUrl"] = f"{H}/images/bed 12.jpg"
    found = lint(json.dumps(data, indent=2))
    assert [d.code for d in found] == ["S110", "U301"]
    outcome = fix_text("m.json", json.dumps(data, indent=2), LintSettings())
    assert outcome.applied == {"S110": 1, "U301": 1}
    assert remaining(outcome.result.diagnostics) == []
    assert "bed%2012.jpg" in outcome.fixed and "imageGroups" not in outcome.fixed


def test_the_typed_form_is_never_reported_clean_whatever_else_is_off(tmp_path: Path) -> None:
    off = LintSettings(disabled=frozenset({"S101", "S105", "S106", "M203", "S107", "G503"}))
    assert [d.code for d in lint(TYPED.read_bytes(), off)] == ["S110"]
    # Linting in two parts (a large file) must not let the disabled signs pass unseen.
    from encord_manifest._internal.engine import linter

    path = tmp_path / "typed.json"
    path.write_bytes(TYPED.read_bytes())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linter, "PARTS_MIN_BYTES", 0)
        assert [d.code for d in lint_file(str(path), off).diagnostics] == ["S110"]


def test_with_s110_off_the_file_gets_the_findings_of_each_key_again() -> None:
    found = lint(TYPED.read_bytes(), LintSettings(disabled=frozenset({"S110"})))
    assert {"S101", "S106", "M203"} <= {d.code for d in found}


# -- the fix: all or nothing ----------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_sdk_sample_converts_to_a_manifest_without_errors(sample: Path) -> None:
    outcome = fix_text("m.json", sample.read_text(), LintSettings())
    assert outcome.applied == {"S110": 1}
    assert remaining(outcome.result.diagnostics) == []  # no error, not even a warning
    expected = to_json_bytes(typed_items.to_file_format(json.loads(sample.read_text())))
    assert outcome.fixed.encode() == expected  # as `convert` writes JSON


def test_the_command_line_shows_and_writes_the_conversion(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    original = (FIXTURES / "fix" / "S110-sdk-typed-items-json-dumps.json").read_bytes()
    target.write_bytes(original)
    shown = run_cli("lint", "--diff", str(target))
    assert "would fix 1 (S110)" in shown.stderr and target.read_bytes() == original
    done = run_cli("lint", "--fix", str(target))
    assert (done.returncode, done.stdout) == (0, "All checks passed (1 file).\n")
    assert f"{target}: fixed 1 (S110)" in done.stderr
    # Written as `convert` writes JSON: 2-space indentation, a final newline.
    assert target.read_bytes() == to_json_bytes(json.loads(target.read_bytes()))


def test_what_cannot_be_converted_is_left_alone_and_named() -> None:
    text = UNCONVERTIBLE.read_text()
    outcome = fix_text("m.json", text, LintSettings())
    assert not outcome.changed  # not even the S101 rename of imageGroups
    (finding,) = outcome.result.diagnostics
    assert finding.code == "S110" and finding.fix is None
    assert (
        "--fix cannot convert it without loss: the file format has no 'title' for one file "
        "of a group or series (/imageGroups/0/images/0/title; and 1 more)"
    ) in finding.message


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(data: Any) -> Any:
        place = data
        for step in path[:-1]:
            place = place[step]
        place[path[-1]] = value
        return data

    return change


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            _set(("imageGroups", 0, "colour"), "red"),
            "'colour' is not a field of DataUploadImageGroup",
        ),
        (_set(("images", 0, "externalFileType"), "VIDEO"), "externalFileType 'VIDEO' where"),
        (_set(("images", 0, "object_url"), f"{H}/b.jpg"), "'object_url' is a second spelling"),
        (_set(("dicomSeries", 0, "dicomFiles", 0, "title"), "1"), "no 'title' for one file"),
        (_set(("imageGroups", 0, "objectUrl_5"), f"{H}/x.jpg"), "'objectUrl_5' beside a list"),
        (_set(("images", 0, "imageMetadata", "size"), 1), "'size' is not a media metadata"),
        (_set(("images", 0, "imageMetadata", "file_size"), 1), "'file_size' is a second spelling"),
        (_set(("imageGroups", 0, "images", 1), {"title": "no url"}), "without a url string"),
        (_set(("image_groups",), []), "'image_groups' and 'imageGroups' are the same list"),
        (_set(("Videos",), []), "'Videos' is neither a DataUploadItems field"),
        (_set(("timeSeries",), {}), "'timeSeries' is not a list of items"),
    ],
)
def test_anything_without_a_place_in_the_file_format_stops_the_whole_conversion(
    change: Any, reason: str
) -> None:
    data = change(json.loads(TYPED.read_text()))
    with pytest.raises(typed_items.NotConvertible) as raised:
        typed_items.to_file_format(data)
    assert reason in raised.value.obstacles[0].reason
    text = json.dumps(data, indent=2)
    outcome = fix_text("m.json", text, LintSettings())
    assert outcome.fixed == text
    assert any(d.code == "S110" and reason in d.message for d in outcome.result.diagnostics)


def test_a_repeated_key_stops_the_conversion() -> None:
    text = TYPED.read_text().replace('"title": "bed-12.jpg",', '"title": "a", "title": "b",')
    outcome = fix_text("m.json", text, LintSettings())
    assert outcome.fixed == text
    (s110,) = [d for d in outcome.result.diagnostics if d.code == "S110"]
    assert "the file repeats a key" in s110.message and s110.fix is None


def test_the_converter_changes_nothing_it_is_given() -> None:
    data = json.loads(TYPED.read_text())
    before = copy.deepcopy(data)
    typed_items.to_file_format(data)
    assert data == before


def test_a_typed_file_nested_to_the_limit_converts_without_a_traceback() -> None:
    from encord_manifest._internal.sources.nesting import MAX_DEPTH, parser_room

    deep = "[" * (MAX_DEPTH - 4) + "]" * (MAX_DEPTH - 4)  # root, list, entry, clientMetadata
    text = (
        f'{{"images": [{{"objectUrl": "{H}/a.jpg", "externalFileType": "IMAGE", '
        f'"clientMetadata": {{"k": {deep}}}}}]}}'
    )
    outcome = fix_text("m.json", text, LintSettings())
    assert outcome.applied == {"S110": 1} and remaining(outcome.result.diagnostics) == []
    with parser_room():
        assert json.loads(outcome.fixed) == json.loads(
            text.replace(', "externalFileType": "IMAGE"', "")
        )


@pytest.mark.parametrize(
    "text",
    [
        '{"imageGroups": [{"images": [1, {"url": 5}]}], "externalFileType": "IMG_GROUP"}',
        '{"images": [7, {"externalFileType": "IMAGE", "imageMetadata": "x"}], "dicomSeries": {}}',
        '{"imageGroups": [{"images": [{"url": "u", "imageMetadata": {"width": 1}}]}]}',
        '{"imageGroupsFromItems": [{"imageItems": ["u"]}], "images": "x"}',
    ],
)
def test_odd_shapes_are_one_finding_and_no_fix(text: str) -> None:
    outcome = fix_text("m.json", text, LintSettings())
    assert outcome.fixed == text
    (s110,) = [d for d in outcome.result.diagnostics if d.code == "S110"]
    assert s110.fix is None and "cannot convert it without loss" in s110.message
