"""The manifest's top level, and the two entry types the schema is gaining (test_sdk_models).

``scenes`` and ``time_series`` (issue 16, item 1) are built like every other entry type; their
tests run once the schema defines them.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from tests.sdk_cases import (
    BOOLEAN,
    CLIENT_METADATA,
    STRING,
    Case,
    Change,
    Entry,
    key_changes,
    not_of_json_type,
    rename,
    snake,
    unknown_keys,
    valid_value,
    value_changes,
)
from tests.sdk_shapes import (
    SYSTEM_FIELDS,
    example_entry,
    spelling_changes,
    system_changes,
    valid_entry,
)

# --- the top level: DataUploadItems --------------------------------------------------------

FLAGS = ("skip_duplicate_urls", "upsert_metadata")
#: Top-level keys whose SDK alias differs from the file format's key.
CAMEL_TOP_LEVEL = {
    "image_groups": "imageGroups",
    "dicom_series": "dicomSeries",
    "skip_duplicate_urls": "skipDuplicateUrls",
    "upsert_metadata": "upsertMetadata",
}
#: Keys of DataUploadItems that are not the file format's (or not yet the schema's).
_MODEL_ONLY = (
    "image_groups_from_items",
    "imageGroupsFromItems",
    "scenes",
    "time_series",
    "timeSeries",
)


def valid_manifest() -> SearchStrategy[Entry]:
    return st.fixed_dictionaries(
        {
            "videos": st.lists(valid_entry("videos"), max_size=1),
            "image_groups": st.lists(valid_entry("image_groups"), min_size=1, max_size=1),
            "dicom_series": st.lists(valid_entry("dicom_series"), min_size=1, max_size=1),
            **{flag: st.booleans() for flag in FLAGS},
        }
    )


def example_manifest() -> Entry:
    return {
        "videos": [example_entry("videos")],
        "image_groups": [example_entry("image_groups")],
        "dicom_series": [example_entry("dicom_series")],
        "skip_duplicate_urls": False,
        "upsert_metadata": False,
    }


_ENTRY_LISTS = (Case("an empty list", st.just([]), []), *not_of_json_type("list"))
_FROM_ITEMS = [
    {"imageItems": ["0f8fad5b-d9cb-469f-a165-70867728950e"], "title": "g", "createVideo": False}
]


def manifest_changes() -> list[Change]:
    found: list[Change] = []
    for flag in FLAGS:
        found += value_changes(f"manifest.{flag}", (flag,), BOOLEAN)
    for key, camel in CAMEL_TOP_LEVEL.items():
        edit = rename((key,), camel)
        found.append(
            Change(f"manifest.{camel}", "instead of the snake_case key", st.just(edit), edit)
        )
    found += value_changes("manifest.videos", ("videos",), _ENTRY_LISTS)
    items = (Case("a list of image items", st.just(_FROM_ITEMS), _FROM_ITEMS),)
    found += value_changes("manifest.image_groups_from_items", ("image_groups_from_items",), items)
    from encord_manifest._internal.model import spec  # the file format's top-level keys

    known = frozenset({*spec.TOP_LEVEL_KEYS, *CAMEL_TOP_LEVEL.values(), *_MODEL_ONLY})
    found.append(
        key_changes(
            "manifest.<unknown key>",
            (),
            unknown_keys(known, ("image_group", "pdfs", "Videos")),
            "pdfs",
        )
    )
    return found


# --- time_series: DataUploadTimeSeries -----------------------------------------------------

_headers = st.text(string.ascii_letters + string.digits + "_ ", min_size=1, max_size=10)
_channel = st.fixed_dictionaries(
    {},
    optional={
        "style": st.just("line"),
        "label": st.text(min_size=1, max_size=20),
        "color": st.sampled_from(["#fff", "#a1b2c3", "#a1b2c3d4"]),
        "hidden": st.booleans(),
    },
)
_channels = st.dictionaries(_headers, _channel, max_size=4)
#: Every valid entry has a "speed" channel: the channel changes edit that one.
_settings = st.tuples(_channel, _channels).map(
    lambda p: {"channels": {"speed": p[0], **{k: v for k, v in p[1].items() if k != "speed"}}}
)
_EXAMPLE_SETTINGS = {"channels": {"speed": {"label": "Speed", "color": "#a1b2c3"}}}


def valid_time_series() -> SearchStrategy[Entry]:
    return st.fixed_dictionaries(
        {
            "objectUrl": valid_value(STRING),
            "title": valid_value(STRING),
            "clientMetadata": valid_value(CLIENT_METADATA),
            "settings": _settings,
        }
    )


def example_time_series() -> Entry:
    return {
        "objectUrl": "https://b/ts.csv",
        "title": "ts",
        "clientMetadata": {},
        "settings": _EXAMPLE_SETTINGS,
    }


def time_series_changes() -> list[Change]:
    found = value_changes("time_series.objectUrl", ("objectUrl",), STRING)
    found += value_changes("time_series.title", ("title",), STRING)
    found += value_changes("time_series.clientMetadata", ("clientMetadata",), CLIENT_METADATA)
    settings = (
        Case("an object with channels", _settings, _EXAMPLE_SETTINGS),
        *not_of_json_type("object"),
    )
    found += value_changes("time_series.settings", ("settings",), settings)
    many: dict[str, object] = {f"c{i}": {} for i in range(101)}
    channels = (
        Case("at most 100 channels", _channels, {"speed": {}}),
        Case("more than 100 channels", st.just(many), many),
        *not_of_json_type("object"),
    )
    found += value_changes("time_series.settings.channels", ("settings", "channels"), channels)
    where = ("settings", "channels", "speed")
    labels = (
        Case("a label", st.text(min_size=1, max_size=1024), "Speed"),
        Case("an empty string", st.just(""), ""),
        *not_of_json_type("string", "null"),
    )
    found += value_changes(
        "time_series.settings.channels.<header>.label", (*where, "label"), labels
    )
    colors = (
        Case(
            "a hex color (#rgb, #rrggbb, #rrggbbaa)", st.sampled_from(["#fff", "#a1b2c3"]), "#fff"
        ),
        Case("a color name or malformed hex", st.sampled_from(["red", "#ff", "fff"]), "red"),
    )
    found += value_changes(
        "time_series.settings.channels.<header>.color", (*where, "color"), colors
    )
    found.append(
        key_changes(
            "time_series.settings.channels.<header>.<unknown key>",
            where,
            unknown_keys(
                frozenset(
                    {
                        "label",
                        "color",
                        "hidden",
                        "style",
                        "line_width",
                        "lineWidth",
                        "point_radius",
                        "pointRadius",
                    }
                ),
                ("width",),
            ),
            "width",
        )
    )
    found += spelling_changes("time_series", ["objectUrl", "clientMetadata"])
    found += system_changes("time_series")
    found.append(
        _unknown_entry_key("time_series", ("objectUrl", "title", "clientMetadata", "settings"))
    )
    return found


# --- scenes: DataUploadScene and encord.beta.scene's InputScene ----------------------------

_event = st.fixed_dictionaries({"uri": valid_value(STRING), "timestamp": st.floats(0, 1e6)})
_pcd = st.lists(_event, min_size=1, max_size=3).map(
    lambda events: {"type": "point_cloud", "events": events}
)
_EXAMPLE_SCENE = {
    "lidar": {"type": "point_cloud", "events": [{"uri": "https://b/0.pcd", "timestamp": 0}]}
}


def valid_scene() -> SearchStrategy[Entry]:
    more = st.dictionaries(
        st.text(string.ascii_lowercase, min_size=1, max_size=6).filter(lambda n: n != "lidar"),
        _pcd,
        max_size=2,
    )
    scene = st.tuples(_pcd, more).map(lambda p: {"lidar": p[0], **p[1]})
    return st.fixed_dictionaries(
        {
            "title": valid_value(STRING),
            "clientMetadata": valid_value(CLIENT_METADATA),
            "scene": scene,
        }
    )


def example_scene() -> Entry:
    return {"title": "drive", "clientMetadata": {}, "scene": _EXAMPLE_SCENE}


def scene_changes() -> list[Change]:
    found = value_changes("scenes.title", ("title",), STRING)
    found += value_changes("scenes.clientMetadata", ("clientMetadata",), CLIENT_METADATA)
    scenes = (
        Case("streams by name", valid_scene().map(lambda e: e["scene"]), _EXAMPLE_SCENE),
        Case("an empty object", st.just({}), {}),
        *not_of_json_type("object"),
    )
    found += value_changes("scenes.scene", ("scene",), scenes)
    types = (
        Case("point_cloud", st.just("point_cloud"), "point_cloud"),
        Case("an unknown stream type", st.sampled_from(["lidar", "pointcloud", "video"]), "lidar"),
        *not_of_json_type("string"),
    )
    found += value_changes("scenes.scene.<stream>.type", ("scene", "lidar", "type"), types)
    event = ("scene", "lidar", "events", 0)
    found += value_changes("scenes.scene.<stream>.events[].uri", (*event, "uri"), STRING)
    stamps = (
        Case("seconds from zero up", st.floats(0, 1e9) | st.integers(0, 10**6), 1.5),
        Case("negative", st.floats(max_value=-1e-9, allow_infinity=False), -1),
        Case("a number in a string", st.integers(0, 100).map(str), "1"),
        *not_of_json_type("number", "string"),
    )
    found += value_changes(
        "scenes.scene.<stream>.events[].timestamp", (*event, "timestamp"), stamps
    )
    found.append(
        key_changes(
            "scenes.scene.<stream>.events[].<unknown key>",
            event,
            unknown_keys(frozenset({"uri", "timestamp", "time"}), ("url",)),
            "url",
        )
    )
    found.append(
        key_changes(
            "scenes.scene.<stream>.<unknown key>",
            ("scene", "lidar"),
            unknown_keys(
                frozenset(
                    {
                        "type",
                        "events",
                        "frame_of_reference",
                        "frameOfReference",
                        "referenceFrame",
                        "pose",
                        "transform",
                    }
                ),
                ("uri",),
            ),
            "uri",
        )
    )
    found += spelling_changes("scenes", ["clientMetadata"])
    found += system_changes("scenes")
    found.append(_unknown_entry_key("scenes", ("title", "clientMetadata", "scene")))
    return found


def _unknown_entry_key(list_key: str, keys: tuple[str, ...]) -> Change:
    known = frozenset({*keys, *map(snake, keys), *SYSTEM_FIELDS, *map(snake, SYSTEM_FIELDS)})
    return key_changes(
        f"{list_key}.<unknown key>", (), unknown_keys(known, ("objectURL", "Title")), "objectURL"
    )
