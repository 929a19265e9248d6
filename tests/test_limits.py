"""Rules whose failing input is large: built here, at the size that crosses the limit."""

from __future__ import annotations

import json

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.settings import LintSettings
from tests.helpers import codes, lint

HOST = "https://frames.obs.eu-de.otc.t-systems.com"


def _sequence(count: int, create_video: bool = True) -> str:
    entry: dict[str, object] = {"title": "long", "createVideo": create_video}
    entry.update({f"objectUrl_{i}": f"{HOST}/{i}.jpg" for i in range(count)})
    return json.dumps({"image_groups": [entry]})


def test_sequence_over_32767_images_is_an_error() -> None:
    assert "G506" in codes(_sequence(spec.MAX_SEQUENCE_IMAGES + 1))
    assert "G506" not in codes(_sequence(spec.MAX_SEQUENCE_IMAGES))


def test_sequence_over_15000_images_is_a_warning() -> None:
    found = codes(_sequence(spec.RECOMMENDED_SEQUENCE_IMAGES + 1))
    assert "G507" in found and "G506" not in found
    assert "G507" not in codes(_sequence(spec.RECOMMENDED_SEQUENCE_IMAGES))


def test_image_groups_have_no_sequence_limit() -> None:
    assert not {"G506", "G507"} & set(
        codes(_sequence(spec.MAX_SEQUENCE_IMAGES + 1, create_video=False))
    )


def _images(count: int) -> str:
    return json.dumps({"images": [{"objectUrl": f"{HOST}/{i}.jpg"} for i in range(count)]})


def test_more_than_500000_items_and_1000000_urls() -> None:
    # 20 image groups of 25,001 files (no sequence limit for groups) plus 500,001 images.
    groups = [
        {
            "title": f"g{g}",
            "createVideo": False,
            **{f"objectUrl_{i}": f"{HOST}/g{g}/{i}.png" for i in range(25_001)},
        }
        for g in range(20)
    ]
    manifest = {
        "images": [{"objectUrl": f"{HOST}/{i}.jpg"} for i in range(500_001)],
        "image_groups": groups,
    }
    found = lint(json.dumps(manifest))
    assert {"L601", "L602", "L603", "L604"} >= {d.code for d in found} >= {"L601", "L602", "L603"}
    l601 = next(d for d in found if d.code == "L601")
    assert "1,000,021 URLs" in l601.message and (l601.span.line, l601.span.column) == (1, 1)


def test_at_the_limits_nothing_is_reported() -> None:
    found = codes(_images(spec.DEFAULT_MAX_ENTRIES))
    assert not {"L601", "L602", "L603", "L604"} & set(found)


def test_plan_limits_are_settings() -> None:
    text = _images(3)
    assert "L603" in codes(text, LintSettings(max_entries=2))
    assert "L604" in codes(text, LintSettings(max_file_bytes=len(text) - 1))
    assert not {"L603", "L604"} & set(
        codes(text, LintSettings(max_entries=3, max_file_bytes=len(text)))
    )


def test_more_than_10000_entries_warns_by_default() -> None:
    found = lint(_images(spec.DEFAULT_MAX_ENTRIES + 1))
    assert [d.code for d in found] == ["L603"]
    assert found[0].severity.value == "warning"
