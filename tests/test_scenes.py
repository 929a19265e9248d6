"""Point-cloud scenes (spec section 2.4): the shapes the SDK's scene models take, the P rules,
and every file of a scene held to the URL rules at its own place."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.encord.verify import expected_items
from encord_manifest._internal.model import spec
from encord_manifest._internal.model.settings import LintSettings, Provider
from encord_manifest._internal.remote.targets import targets
from encord_manifest._internal.rules.schema import schema
from tests.helpers import ROOT, codes, lint

B = "https://fleet.obs.eu-de.otc.t-systems.com/drive-1"
#: The host of the fixtures.
FLEET = "https://fleet-recordings.obs.eu-de.otc.t-systems.com"
CAMERA = {
    "type": "camera_parameters",
    "events": [
        {
            "timestamp": 0,
            "width_px": 1920,
            "height_px": 1080,
            "intrinsics": {"fx": 1000, "fy": 1000, "ox": 960, "oy": 540},
        }
    ],
}


def timed(*stamps: Any) -> dict[str, Any]:
    """A point_cloud stream with one event per timestamp (None: without one)."""
    events = []
    for n, stamp in enumerate(stamps):
        event: dict[str, Any] = {"uri": f"{B}/lidar/{n:04}.pcd"}
        if stamp is not None:
            event["timestamp"] = stamp
        events.append(event)
    return {"type": "point_cloud", "events": events}


def images(count: int, camera: str = "cam", folder: str = "front") -> dict[str, Any]:
    events = [{"uri": f"{B}/{folder}/{n:04}.jpg", "timestamp": n / 10} for n in range(count)]
    return {"type": "image", "camera": camera, "events": events}


def manifest(scene: Any, **entry: Any) -> str:
    return json.dumps({"scenes": [{"title": "drive-1", "scene": scene, **entry}]}, indent=2)


def found(scene: Any) -> list[str]:
    return codes(manifest(scene))


# --- the shapes -------------------------------------------------------------------------------


def test_the_documented_example_is_a_clean_manifest() -> None:
    """Encord's "Add Point Cloud Data" page: one scene of one point_cloud stream."""
    assert found({"lidar": {"type": "point_cloud", "events": [{"uri": f"{B}/pcd_001.pcd"}]}}) == []


@pytest.mark.parametrize(
    "scene",
    [
        {"lidar": timed(0.0, 0.1)},
        timed(0.0, 0.1),  # a scene that is one point_cloud stream
        {"url": f"{B}/recording.mcap", "format": "mcap"},
        {"content": f"{B}/survey.laz", "default_ground_height": -1.5},
        {
            "content": {"lidar": timed(0.0)},
            "world_convention": {"x": "forward", "y": "left", "z": "up"},
        },
        {"content": {"url": f"{B}/scan", "format": "e57"}},
    ],
    ids=[
        "streams",
        "one-stream",
        "file-with-format",
        "content-url",
        "content-streams",
        "content-file",
    ],
)
def test_every_shape_the_sdk_tells_apart_is_accepted(scene: Any) -> None:
    assert found(scene) == []


def test_what_the_sdks_scene_builder_writes_is_accepted() -> None:
    scene_sdk = pytest.importorskip("encord.beta.scene", reason="the encord SDK is not installed")
    builder = scene_sdk.SceneBuilder()
    ego = builder.add_for_stream("ego")
    ego.add_pose(scene_sdk.identity_pose(), timestamp=0)
    builder.add_pcd_stream("lidar", frame_of_reference=ego).add_pcd(uri=f"{B}/l/0.pcd", timestamp=0)
    builder.add_image_stream(
        "front",
        width=1920,
        height=1080,
        intrinsics=scene_sdk.intrinsics_pinhole(fx=1000, fy=1000, ox=960, oy=540),
        timestamp=0,
        frame_of_reference=ego,
    ).add_image(uri=f"{B}/f/0.jpg", timestamp=0)
    builder.add_time_series_stream("imu", uri=f"{B}/imu.csv")
    assert found(builder._build()) == []


def test_a_bare_url_as_the_scene_says_what_to_write() -> None:
    (diagnostic,) = lint(manifest(f"{B}/survey.las"))
    assert diagnostic.code == "P909" and diagnostic.pointer == "/scenes/0/scene"
    assert diagnostic.hint == 'for one file, write {"url": "...", "format": "las"}'


def test_a_file_needs_its_format() -> None:
    assert found({"url": f"{B}/survey.las"}) == ["P909"]
    assert found({"url": f"{B}/survey.las", "format": "xyz"}) == ["P909"]


def test_the_title_and_the_scene_are_required() -> None:
    assert codes(json.dumps({"scenes": [{"scene": {"lidar": timed(0)}}]})) == ["S107"]
    assert codes(json.dumps({"scenes": [{"title": "t"}]})) == ["S107"]
    assert codes(json.dumps({"scenes": [{"title": "t", "Scene": {}}]})) == ["S105"]


def test_system_fields_of_a_scene_are_reported_as_for_every_entry() -> None:
    text = manifest({"lidar": timed(0)}, placeholderItemUuid="7b0c5c1e-0000-4000-8000-000000000000")
    assert codes(text) == ["S106"]
    # externalFileType marks the SDK's typed form (S110), which --fix converts whole.
    assert codes(manifest({"lidar": timed(0)}, externalFileType="SCENE")) == ["S110"]


# --- P901-P903, P906, P908, P909: the schema -------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("pointcloud", "point_cloud"),
        ("camera", "camera_parameters"),
        ("lidar", "point_cloud"),
        ("x", None),
    ],
)
def test_an_unknown_stream_type_names_the_known_ones(written: str, hint: str | None) -> None:
    (diagnostic,) = lint(manifest({"lidar": {"type": written, "events": []}}))
    assert diagnostic.code == "P901" and diagnostic.pointer == "/scenes/0/scene/lidar/type"
    assert "point_cloud, image, camera_parameters" in diagnostic.message
    assert diagnostic.hint == (f"did you mean {hint!r}?" if hint else None)


def test_a_stream_without_a_type_and_a_single_stream_that_is_not_a_point_cloud() -> None:
    assert found({"lidar": {"events": [{"uri": f"{B}/a.pcd"}]}}) == ["P901"]
    assert found({"type": "image", "camera": "c", "events": [{"uri": f"{B}/a.jpg"}]}) == ["P901"]


def test_an_event_names_its_file_by_uri() -> None:
    assert found({"lidar": {"type": "point_cloud", "events": [{"timestamp": 0}]}}) == ["P902"]
    assert found({"lidar": {"type": "point_cloud", "events": [{"uri": ""}]}}) == ["P902", "U303"]
    # A near miss is one finding, with the fix, not also "no uri".
    (diagnostic,) = lint(
        manifest({"lidar": {"type": "point_cloud", "events": [{"url": f"{B}/a.pcd"}]}})
    )
    assert diagnostic.code == "P908" and diagnostic.hint == "did you mean 'uri'?"
    assert diagnostic.fix is not None


@pytest.mark.parametrize("stamp", ["0.1", -1, True, None])
def test_a_timestamp_is_a_number_of_seconds_from_0(stamp: Any) -> None:
    stream = timed(0.0)
    stream["events"][0]["timestamp"] = stamp
    assert found({"lidar": stream}) == ["P903"]


def test_time_is_the_sdks_other_name_for_timestamp() -> None:
    stream = {"type": "point_cloud", "events": [{"uri": f"{B}/a.pcd", "time": 0.5}]}
    assert found({"lidar": stream}) == []


def test_a_video_of_a_scene_has_at_most_100_frames() -> None:
    assert found({"cam": CAMERA, "front": images(spec.MAX_SCENE_VIDEO_FRAMES, "cam")}) == []
    (diagnostic,) = lint(manifest({"cam": CAMERA, "front": images(101, "cam")}))
    assert diagnostic.code == "P906" and diagnostic.pointer == "/scenes/0/scene/front/events"
    assert "101 events" in diagnostic.message


def test_streams_have_their_required_keys() -> None:
    frame = {
        "type": "frame_of_reference",
        "id": "ego",
        "events": [{"timestamp": 0, "pose": [0] * 16}],
    }
    assert found({"lidar": timed(0), "ego": frame}) == ["P909"]  # no parent_FoR_id
    assert found({"lidar": timed(0), "ego": {**frame, "parent": None}}) == []
    assert found({"lidar": {"type": "point_cloud", "events": []}}) == ["P909"]
    assert found({"front": {"type": "image", "events": [{"uri": f"{B}/a.jpg"}]}}) == ["P909"]


def test_poses_are_rotation_and_position_or_16_numbers() -> None:
    def with_pose(pose: Any) -> list[str]:
        return found({"lidar": {**timed(0), "pose": pose}})

    assert (
        with_pose({"rotation": [1, 0, 0, 0, 1, 0, 0, 0, 1], "position": {"x": 0, "y": 0, "z": 0}})
        == []
    )
    assert (
        with_pose(
            {"rotation": {"x": 0, "y": 0, "z": 0, "w": 1}, "position": {"x": 1, "y": 2, "z": 3}}
        )
        == []
    )
    assert with_pose([1, 0, 0, 0] * 4) == []
    assert with_pose(None) == []
    assert with_pose([1, 0, 0]) == ["P909"]
    assert with_pose(
        {"rotation": {"x": 2, "y": 0, "z": 0, "w": 1}, "position": {"x": 0, "y": 0, "z": 0}}
    ) == ["P909"]


def test_unknown_keys_inside_a_scene_are_p908_with_their_place() -> None:
    (diagnostic,) = lint(manifest({"lidar": {**timed(0), "frameOfRef": "ego"}}))
    assert diagnostic.code == "P908" and diagnostic.pointer == "/scenes/0/scene/lidar/frameOfRef"
    assert diagnostic.message == "unknown key 'frameOfRef' in scene.lidar"


# --- P904, P905, P907, P910, P911: the rules ------------------------------------------------


def test_timestamps_increase_within_a_stream() -> None:
    assert found({"lidar": timed(0.0, 0.1, 0.2)}) == []
    (diagnostic,) = lint(manifest({"lidar": timed(0.0, 0.2, 0.1)}))
    assert (
        diagnostic.code == "P904"
        and diagnostic.pointer == "/scenes/0/scene/lidar/events/2/timestamp"
    )
    assert found({"lidar": timed(0.0, 0.0)}) == ["P904"]  # two events at one time: one is hidden


def test_a_stream_has_timestamps_on_all_its_events_or_on_none() -> None:
    assert found({"lidar": timed(None, None)}) == []
    assert found({"lidar": timed(0.0, None)}) == ["P904"]


def test_a_scene_shows_at_most_9_videos() -> None:
    cameras = {f"cam{n}": images(1, "rig", f"cam{n}") for n in range(1, spec.MAX_SCENE_VIDEOS + 1)}
    assert found({"rig": CAMERA, **cameras}) == []
    cameras["cam10"] = images(1, "rig", "cam10")
    (diagnostic,) = lint(manifest({"rig": CAMERA, **cameras}))
    assert diagnostic.code == "P905" and diagnostic.pointer == "/scenes/0/scene/cam10"


@pytest.mark.parametrize("extension", sorted(spec.POINT_CLOUD_EXTENSIONS) + [".PCD"])
def test_point_clouds_have_a_point_cloud_extension(extension: str) -> None:
    assert (
        found({"lidar": {"type": "point_cloud", "events": [{"uri": f"{B}/0001{extension}"}]}}) == []
    )


@pytest.mark.parametrize("name", ["0001.bin", "0001.jpg", "0001", "0001.pcd.gz"])
def test_other_point_cloud_files_are_p907(name: str) -> None:
    (diagnostic,) = lint(
        manifest({"lidar": {"type": "point_cloud", "events": [{"uri": f"{B}/{name}"}]}})
    )
    assert diagnostic.code == "P907" and diagnostic.pointer == "/scenes/0/scene/lidar/events/0/uri"


def test_a_content_url_is_a_point_cloud_and_a_file_with_its_format_is_not_judged_by_its_name() -> (
    None
):
    assert found({"content": f"{B}/scan.bin"}) == ["P907"]
    assert found({"url": f"{B}/scan.bin", "format": "pcd"}) == []


def test_a_scene_has_a_point_cloud_or_an_image_stream() -> None:
    imu = {"type": "time_series", "uri": f"{B}/imu.csv"}
    assert found({"imu": imu}) == ["P910"]
    assert found({}) == ["P910"]
    assert found({"imu": imu, "lidar": timed(0)}) == []
    assert found({"imu": imu, "cam": CAMERA, "front": images(1)}) == []
    # An unknown type may be the point cloud: P901 alone.
    assert found({"imu": imu, "lidar": {"type": "pointcloud", "events": []}}) == ["P901"]


def test_an_image_stream_names_a_camera_parameters_stream() -> None:
    assert found({"cam": CAMERA, "front": images(1, "cam")}) == []
    (diagnostic,) = lint(manifest({"front": images(1, "front/camera")}))
    assert diagnostic.code == "P911" and diagnostic.pointer == "/scenes/0/scene/front/camera"
    assert found({"lidar": timed(0), "front": images(1, "lidar")}) == ["P911"]


def test_frames_of_reference_are_named_by_id_or_root() -> None:
    frame = {
        "type": "frame_of_reference",
        "id": "ego",
        "parent_FoR_id": "root",
        "events": [{"timestamp": 0, "pose": [0] * 16}],
    }
    assert found({"vehicle": frame, "lidar": {**timed(0), "frame_of_reference": "ego"}}) == []
    assert found({"lidar": {**timed(0), "frameOfReference": "root"}}) == []
    assert found({"lidar": {**timed(0), "frame_of_reference": "vehicle"}}) == ["P911"]
    assert found({"vehicle": {**frame, "parent_FoR_id": "world"}, "lidar": timed(0)}) == ["P911"]


# --- every file of a scene is a URL like any other -------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        (f"{B}/lidar/0001 copy.pcd", "U301"),
        (f"<{B}/lidar/0001.pcd>", "U302"),
        ("s3://fleet/drive-1/lidar/0001.pcd", "U303"),
        ("http://fleet.obs.eu-de.otc.t-systems.com/0001.pcd", "U304"),
        (f"{B}/{'a' * 16_400}.pcd", "U305"),
        (f"{B}/{'a' * 297}.pcd", "U306"),
        ("https://fleet.obs.eu-de.otc.t-systems.com:x@evil.example/0001.pcd", "U311"),
    ],
)
def test_scene_files_get_the_url_rules_at_the_place_of_their_string(url: str, code: str) -> None:
    text = manifest({"lidar": timed(0.0, 0.1)}).replace(f"{B}/lidar/0001.pcd", url)
    diagnostics = [d for d in lint(text) if d.code == code]
    assert diagnostics, [d.code for d in lint(text)]
    line = next(
        n for n, row in enumerate(text.splitlines(), 1) if '"uri"' in row and "0000" not in row
    )
    assert (diagnostics[0].span.line, diagnostics[0].pointer) == (
        line,
        "/scenes/0/scene/lidar/events/1/uri",
    )
    assert diagnostics[0].span.column == text.splitlines()[line - 1].index('"', 20) + 1


def test_a_scenes_images_are_images_and_its_time_series_csv() -> None:
    front = images(1, "cam")
    front["events"][0]["uri"] = f"{B}/front/0001.mp4"
    imu = {"type": "time_series", "uri": f"{B}/imu.txt"}
    diagnostics = lint(manifest({"cam": CAMERA, "front": front, "imu": imu}))
    assert [(d.code, d.pointer) for d in diagnostics] == [
        ("U308", "/scenes/0/scene/front/events/0/uri"),
        ("U308", "/scenes/0/scene/imu/uri"),
    ]
    assert "listed as an image (in 'scenes')" in diagnostics[0].message


def test_a_url_repeated_across_scenes_and_other_lists_is_u307_pointing_at_the_first() -> None:
    text = json.dumps(
        {
            "images": [{"objectUrl": f"{B}/front/0000.jpg"}],
            "scenes": [{"title": "d", "scene": {"cam": CAMERA, "front": images(1, "cam")}}],
        },
        indent=2,
    )
    (diagnostic,) = lint(text)
    assert diagnostic.code == "U307" and diagnostic.pointer == "/scenes/0/scene/front/events/0/uri"
    assert diagnostic.related_pointer == "/images/0/objectUrl"


def test_scene_files_are_held_to_the_provider() -> None:
    text = manifest(
        {"lidar": {"type": "point_cloud", "events": [{"uri": "https://b.s3.amazonaws.com/a.pcd"}]}}
    )
    assert codes(text, LintSettings(provider=Provider.OTC)) == ["U310"]
    assert codes(text, LintSettings(provider=Provider.AWS)) == []


# --- beyond lint: remote targets, verify, CSV -------------------------------------------------


def test_remote_probes_every_file_of_a_scene_once_at_each_place() -> None:
    data = json.loads(
        (ROOT / "fixtures/json/valid/scenes-multimodal-with-time-series.json").read_text()
    )
    data["scenes"][0]["scene"]["content"]["front"]["events"][1]["uri"] = data["videos"][0][
        "objectUrl"
    ]
    by_url = {t.url: t for t in targets(data)}
    lidar = by_url[f"{FLEET}/drive-0042/lidar/000000.pcd"]
    assert lidar.list_key == "scenes" and lidar.pointers == (
        ("scenes", 0, "scene", "content", "lidar", "events", 0, "uri"),
    )
    front = next(t for t in by_url.values() if t.url.endswith("front/000000.jpg"))
    assert front.list_key == "images"  # probed as an image
    assert by_url[data["videos"][0]["objectUrl"]].pointers[1][-3:] == ("events", 1, "uri")
    assert by_url[data["time_series"][0]["objectUrl"]].list_key == "time_series"
    recording = next(t for t in by_url.values() if t.url.endswith(".mcap"))
    assert recording.pointers == (("scenes", 1, "scene", "url"),)
    assert len(by_url) == 8


def test_verify_expects_one_row_per_scene_by_title_and_one_per_time_series() -> None:
    data = json.loads(
        (ROOT / "fixtures/json/valid/scenes-multimodal-with-time-series.json").read_text()
    )
    items = {item.pointer: item for item in expected_items(data)}
    scene = items[("scenes", 0)]
    assert (scene.title, scene.data_type, scene.grouped, len(scene.urls)) == (
        "drive-0042",
        "SCENE",
        True,
        5,
    )
    assert items[("time_series", 0)].data_type == "TIME_SERIES"
    assert len(items) == 5


def test_csv_cannot_carry_scenes_or_time_series() -> None:
    from encord_manifest._internal.sources.convert import csv_refusals

    data = json.loads((ROOT / "fixtures/csv/refused/scenes-and-time-series.json").read_text())
    assert [r.pointer for r in csv_refusals(data)] == [("time_series",), ("scenes",)]


# --- one place for each fact ------------------------------------------------------------------


def test_the_schemas_numbers_and_names_are_the_specs() -> None:
    defs = schema()["$defs"]
    assert defs["sceneStream"]["properties"]["type"]["enum"] == list(spec.SCENE_STREAM_TYPES)
    assert defs["sceneFile"]["properties"]["format"]["enum"] == list(spec.SCENE_FILE_FORMATS)
    assert defs["imageStream"]["properties"]["events"]["maxItems"] == spec.MAX_SCENE_VIDEO_FRAMES
    channels = defs["timeSeriesSettings"]["properties"]["channels"]
    assert channels["maxProperties"] == spec.MAX_TIME_SERIES_CHANNELS
    assert {f".{name}" for name in spec.SCENE_FILE_FORMATS} == spec.POINT_CLOUD_EXTENSIONS
    assert set(schema()["properties"]) == set(spec.TOP_LEVEL_KEYS)


def test_a_file_after_an_event_of_the_wrong_shape_is_still_found_at_its_own_place() -> None:
    events = [{"uri": 5}, "not an event", {"uri": f"{B}/lidar/0002 copy.pcd"}]
    diagnostics = lint(manifest({"lidar": {"type": "point_cloud", "events": events}}))
    assert [(d.code, d.pointer) for d in diagnostics] == [
        ("P902", "/scenes/0/scene/lidar/events/0/uri"),
        ("P909", "/scenes/0/scene/lidar/events/1"),
        ("U301", "/scenes/0/scene/lidar/events/2/uri"),
    ]


# --- whatever a scene holds, findings and never a traceback ------------------------------------

_keys = st.sampled_from(
    ["lidar", "type", "events", "uri", "url", "format", "content", "timestamp", "time", "camera",
     "id", "parent", "pose", "frame_of_reference", "channels", "color", "style", "lineWidth", ""]
)  # fmt: skip
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["point_cloud", "image", "ego", "cam", "root", f"{B}/a.pcd", "#f00", ""]),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=25,
)
_events = st.lists(
    st.fixed_dictionaries(
        {}, optional={"uri": _json, "timestamp": _json, "time": _json, "pose": _json}
    ),
    max_size=4,
)
_stream = st.fixed_dictionaries(
    {"type": st.sampled_from([*spec.SCENE_STREAM_TYPES, "x"])},
    optional={
        "events": _events | _json,
        **{
            key: _json
            for key in ("id", "camera", "uri", "parent_FoR_id", "frame_of_reference", "pose")
        },
    },
)
_streams = st.dictionaries(
    st.sampled_from(["lidar", "cam", "ego", "front", ""]), _stream | _json, max_size=4
)
_scenes = _streams | _json | st.fixed_dictionaries({"content": _streams | _json}) | _stream


@settings(max_examples=300, deadline=None)
@given(scene=_scenes, channels=_json)
def test_any_scene_or_settings_gives_findings_at_places_in_the_file(
    scene: Any, channels: Any
) -> None:
    text = json.dumps(
        {
            "scenes": [{"title": "t", "scene": scene}],
            "time_series": [{"objectUrl": f"{B}/s.csv", "settings": {"channels": channels}}],
        },
        indent=2,
    )
    for diagnostic in lint(text):
        assert diagnostic.span.line >= 1 and diagnostic.pointer.startswith(
            ("/scenes/0", "/time_series/0")
        ), diagnostic
