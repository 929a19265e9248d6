"""Time series (spec section 2.4): a CSV file with view settings per channel, P912-P915."""

from __future__ import annotations

import json
from typing import Any

import pytest

from encord_manifest._internal.model import spec
from tests.helpers import codes, lint

URL = "https://fleet.obs.eu-de.otc.t-systems.com/drive-1/can-bus.csv"


def manifest(settings: Any = None, **entry: Any) -> str:
    if settings is not None:
        entry["settings"] = settings
    return json.dumps({"time_series": [{"objectUrl": URL, **entry}]}, indent=2)


def found(channels: Any) -> list[str]:
    return codes(manifest({"channels": channels}))


def test_a_time_series_is_an_object_url_with_optional_title_metadata_and_settings() -> None:
    assert codes(manifest()) == []
    assert codes(manifest({"channels": {}}, title="CAN bus", clientMetadata={"car": 3})) == []
    assert codes(json.dumps({"time_series": [{"title": "CAN bus"}]})) == ["S107"]


def test_the_file_is_a_csv_and_gets_every_url_rule() -> None:
    text = manifest().replace("can-bus.csv", "can bus.xlsx")
    assert sorted(codes(text)) == ["U301", "U309"]
    assert codes(manifest().replace(".csv", ".mp4")) == ["U308"]


def test_channel_settings_as_the_sdk_writes_them() -> None:
    assert (
        found(
            {
                "speed": {
                    "label": "Speed",
                    "color": "#1f77b4",
                    "hidden": False,
                    "style": "line",
                    "lineWidth": 0.5,
                }
            }
        )
        == []
    )
    assert found({"brake": {"style": "points", "pointRadius": 8, "color": "#abc"}}) == []
    assert found({"rpm": {"color": "#11223344"}}) == []


def test_at_most_100_channels() -> None:
    channels = {f"signal_{n}": {} for n in range(spec.MAX_TIME_SERIES_CHANNELS)}
    assert found(channels) == []
    channels["one_more"] = {}
    (diagnostic,) = lint(manifest({"channels": channels}))
    assert diagnostic.code == "P912" and diagnostic.pointer == "/time_series/0/settings/channels"
    assert diagnostic.message == "settings.channels has 101 channels; at most 100"


def test_headers_that_differ_only_in_case_or_spaces_name_one_channel() -> None:
    (diagnostic,) = lint(manifest({"channels": {"Speed": {}, "rpm": {}, " speed": {}}}))
    assert (
        diagnostic.code == "P913"
        and diagnostic.pointer == "/time_series/0/settings/channels/ speed"
    )
    assert diagnostic.related_pointer == "/time_series/0/settings/channels/Speed"
    assert found({"speed": {}, "speed_2": {}}) == []


def test_an_exact_repeat_is_a_duplicate_json_key_not_p913() -> None:
    text = manifest({"channels": {"speed": {}}}).replace('"speed": {}', '"speed": {}, "speed": {}')
    assert codes(text) == ["F003", "F003"]


@pytest.mark.parametrize(
    "channel",
    [
        {"color": "blue"},
        {"color": "#12345"},
        {"style": "dots"},
        {"lineWidth": 7},
        {"lineWidth": 0.4},
        {"style": "points", "pointRadius": 0.5},
        {"label": ""},
        {"label": "x" * 1025},
        {"hidden": "no"},
    ],
)
def test_impossible_channel_settings_are_p914(channel: dict[str, Any]) -> None:
    assert found({"speed": channel}) == ["P914"]


def test_line_width_is_for_lines_and_point_radius_for_points() -> None:
    (diagnostic,) = lint(manifest({"channels": {"speed": {"style": "points", "lineWidth": 2}}}))
    assert diagnostic.code == "P914"
    assert diagnostic.pointer == "/time_series/0/settings/channels/speed/lineWidth"
    (diagnostic,) = lint(manifest({"channels": {"speed": {"pointRadius": 2}}}))
    assert diagnostic.pointer == "/time_series/0/settings/channels/speed/pointRadius"
    assert '"style": "points"' in diagnostic.message


def test_settings_are_an_object_with_channels() -> None:
    assert codes(manifest([])) == ["P914"]
    assert codes(manifest({})) == ["P914"]
    assert found([]) == ["P914"]
    assert found({"speed": "#f00"}) == ["P914"]


@pytest.mark.parametrize(
    ("settings", "key", "hint"),
    [
        ({"channels": {"speed": {"line_width": 2}}}, "line_width", "lineWidth"),
        ({"channels": {"speed": {"colour": "#f00"}}}, "colour", "color"),
        ({"channel": {}}, "channel", "channels"),
    ],
)
def test_unknown_settings_keys_are_p915_with_the_key_meant(
    settings: Any, key: str, hint: str
) -> None:
    (diagnostic,) = lint(manifest(settings))
    assert diagnostic.code == "P915" and diagnostic.pointer.endswith(f"/{key}")
    assert diagnostic.hint == f"did you mean {hint!r}?" and diagnostic.fix is not None
