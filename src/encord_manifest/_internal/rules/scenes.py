"""P: point-cloud scenes (spec section 2.4), P901-P911; time series follow in ``time_series``.

The shape of a scene is the schema's (its codes are given by ``encord_manifest._internal.rules.schema_scenes``);
what a schema cannot say is checked here: the order of timestamps, the number of videos, that
a scene has something to show, and that the streams a stream names exist. The extension of a
point-cloud file is checked with every other URL (``urls``), under P907.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from itertools import islice, repeat
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Pointer, Severity
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_check, register
from encord_manifest._internal.rules.scene_walk import Tail, content_of, is_stream_map, streams_of
from encord_manifest._internal.rules.view import ManifestView

_B = "https://b.s3.amazonaws.com"
_PCD = f'{{"type": "point_cloud", "events": [{{"uri": "{_B}/drive/lidar/0001.pcd"}}]}}'
_CAMERA = (
    '{"type": "camera_parameters", "events": [{"timestamp": 0, "width_px": 1920, '
    '"height_px": 1080, "intrinsics": {"fx": 1000, "fy": 1000, "ox": 960, "oy": 540}}]}'
)


def _scene(streams: str) -> str:
    return f'{{"scenes": [{{"title": "drive-1", "scene": {streams}}}]}}'


def _events(*events: str) -> str:
    return _scene(f'{{"lidar": {{"type": "point_cloud", "events": [{", ".join(events)}]}}}}')


UNKNOWN_STREAM_TYPE = register(
    "P901",
    "scene-unknown-stream-type",
    Severity.ERROR,
    "A scene stream without a known type",
    origin="schema",
    explanation=f"""
        Every stream of a scene says what it holds in "type": {", ".join(spec.SCENE_STREAM_TYPES)}
        (the SDK's scene models). A stream without one, or with another ("pointcloud",
        "lidar", "camera"), fails the import. A scene that is a single stream, without a map
        of stream names, must be a point_cloud stream.
    """,
    failing=_scene(f'{{"lidar": {{"type": "pointcloud", "events": [{{"uri": "{_B}/a.pcd"}}]}}}}'),
    passing=_scene(f'{{"lidar": {_PCD}}}'),
)

EVENT_WITHOUT_URI = register(
    "P902",
    "scene-event-without-uri",
    Severity.ERROR,
    "A point-cloud, image or model event without a file",
    origin="schema",
    explanation="""
        Each event of a point_cloud or image stream is one file at one time, named by "uri"
        (a URL like every objectUrl); a time_series stream names its CSV file by "uri". An
        event without it, or with an empty one, has nothing to show.
    """,
    failing=_events('{"timestamp": 0.0}'),
    passing=_events(f'{{"uri": "{_B}/a.pcd", "timestamp": 0.0}}'),
)

INVALID_TIMESTAMP = register(
    "P903",
    "scene-invalid-timestamp",
    Severity.ERROR,
    "An event timestamp that is not a number of seconds, 0 or more",
    origin="schema",
    explanation="""
        An event's "timestamp" (or "time") is its time in seconds: a number, 0 or more (the
        SDK's scene models). A timestamp written as a string ("0.1"), or a negative one, is
        not read as a time.
    """,
    failing=_events(f'{{"uri": "{_B}/a.pcd", "timestamp": "0.1"}}'),
    passing=_events(f'{{"uri": "{_B}/a.pcd", "timestamp": 0.1}}'),
)

TIMESTAMPS_OUT_OF_ORDER = register(
    "P904",
    "scene-timestamps-out-of-order",
    Severity.WARNING,
    "A stream's timestamps do not increase, or only some events have one",
    explanation="""
        Encord shows at each time the last event of a stream at or before it, and numbers
        events without timestamps 1, 2, 3, ... (Add Point Cloud Data). An event whose time is
        not after the previous event's is never shown where its place in the list suggests
        (policy: the documentation does not say that events must be sorted, so this is a
        warning); in a stream where some events have a timestamp and others not, the
        numbered ones land on a different clock.
    """,
    failing=_events(
        f'{{"uri": "{_B}/a.pcd", "timestamp": 2.0}}', f'{{"uri": "{_B}/b.pcd", "timestamp": 1.0}}'
    ),
    passing=_events(
        f'{{"uri": "{_B}/a.pcd", "timestamp": 1.0}}', f'{{"uri": "{_B}/b.pcd", "timestamp": 2.0}}'
    ),
)

TOO_MANY_VIDEOS = register(
    "P905",
    "scene-too-many-videos",
    Severity.ERROR,
    f"More than {spec.MAX_SCENE_VIDEOS} videos (image streams) in one scene",
    explanation=f"""
        Encord supports up to {spec.MAX_SCENE_VIDEOS} videos in a scene. A scene's videos are
        its image streams (policy: the scene JSON has no other kind of video). Split the
        cameras over several scenes.
    """,
    failing=_scene('{"lidar": ..., "cam1": {"type": "image", ...}, ... "cam10": {...}}'),
    passing=_scene('{"lidar": ..., "cam1": {"type": "image", ...}, ... "cam9": {...}}'),
    example_is_literal=False,
)

TOO_MANY_FRAMES = register(
    "P906",
    "scene-too-many-frames",
    Severity.ERROR,
    f"More than {spec.MAX_SCENE_VIDEO_FRAMES} frames in one video (image stream) of a scene",
    origin="schema",
    explanation=f"""
        Encord supports up to {spec.MAX_SCENE_VIDEO_FRAMES} frames in each video of a scene;
        a video's frames are its image stream's events (policy, as for P905). Split the
        recording over several scenes.
    """,
    failing=_scene('{"front": {"type": "image", "camera": "cam", "events": [... 101 events ...]}}'),
    passing=_scene('{"front": {"type": "image", "camera": "cam", "events": [... 100 events ...]}}'),
    example_is_literal=False,
)

POINT_CLOUD_EXTENSION = register(
    "P907",
    "point-cloud-extension",
    Severity.ERROR,
    "A point-cloud file whose extension is not a point-cloud format",
    explanation=f"""
        Encord reads point clouds as {", ".join(sorted(spec.POINT_CLOUD_EXTENSIONS))}
        files, and tells the format by the extension: a point_cloud stream's file, or a
        scene's "content" URL, with another extension or none (a KITTI or nuScenes ".bin",
        a ".jpg") cannot be read. Convert it, or give a self-contained file as
        {{"url": ..., "format": "pcd"}}.
    """,
    failing=_events(f'{{"uri": "{_B}/drive/lidar/0001.bin"}}'),
    passing=_events(f'{{"uri": "{_B}/drive/lidar/0001.pcd"}}'),
)

SCENE_UNKNOWN_KEY = register(
    "P908",
    "scene-unknown-key",
    Severity.ERROR,
    "A key a scene, stream or event does not have",
    origin="schema",
    explanation="""
        The SDK's scene models forbid keys they do not know, so a misspelt one ("url" for
        "uri", "frameOfRef", "camera_id") fails the import or is lost. Near misses come with
        a "did you mean".
    """,
    failing=_events(f'{{"url": "{_B}/a.pcd"}}'),
    passing=_events(f'{{"uri": "{_B}/a.pcd"}}'),
    fix="Renamed to the key it most likely meant (url -> uri), unless that key is there already.",
)

SCENE_INVALID_VALUE = register(
    "P909",
    "scene-invalid-value",
    Severity.ERROR,
    "A scene, stream or event of the wrong shape",
    origin="schema",
    explanation="""
        "scene" is an object: a map of stream names to streams, one point_cloud stream,
        {"url": ..., "format": ...} for one self-contained file, or {"content": ...} with
        scene-wide settings. Streams have their required keys (an image stream its
        "camera", every stream at least one event), poses are {rotation, position} or 16
        numbers, and so on, as the SDK's scene models say. A bare URL as the scene is not one
        of these: write {"url": "https://.../scan.pcd", "format": "pcd"}.
    """,
    failing=f'{{"scenes": [{{"title": "scan-1", "scene": "{_B}/scan.pcd"}}]}}',
    passing=f'{{"scenes": [{{"title": "scan-1", "scene": {{"url": "{_B}/scan.pcd", "format": "pcd"}}}}]}}',
)

NOTHING_TO_SHOW = register(
    "P910",
    "scene-nothing-to-show",
    Severity.ERROR,
    "A scene without a point_cloud or image stream",
    explanation="""
        The SDK's scene models require at least one point_cloud or image stream: camera
        parameters, frames of reference and time series alone have nothing to label.
    """,
    failing=_scene(f'{{"imu": {{"type": "time_series", "uri": "{_B}/drive/imu.csv"}}}}'),
    passing=_scene(
        f'{{"imu": {{"type": "time_series", "uri": "{_B}/drive/imu.csv"}}, "lidar": {_PCD}}}'
    ),
)

UNRESOLVED_REFERENCE = register(
    "P911",
    "scene-unresolved-reference",
    Severity.ERROR,
    "A stream names a camera or frame of reference the scene does not have",
    explanation=f"""
        An image stream's "camera" is the name of a camera_parameters stream; a stream's
        "frame_of_reference" and a frame of reference's parent are the "id" of a
        frame_of_reference stream, or "{spec.SCENE_ROOT_FRAME}". The SDK's scene models reject a
        name that matches none.
    """,
    failing=_scene(
        f'{{"front": {{"type": "image", "camera": "front/camera", "events": [{{"uri": "{_B}/f/0001.jpg"}}]}}}}'
    ),
    passing=_scene(
        f'{{"front": {{"type": "image", "camera": "front/camera", "events": [{{"uri": "{_B}/f/0001.jpg"}}]}}, '
        f'"front/camera": {_CAMERA}}}'
    ),
)


def point_cloud_message(extension: str) -> str:
    """The P907 message; ``urls`` reports it with the other extension checks."""
    known = " ".join(sorted(spec.POINT_CLOUD_EXTENSIONS))
    if not extension:
        return f"point-cloud file without an extension; Encord reads {known}"
    return f"'{extension}' is not a point-cloud format Encord reads ({known})"


#: Keys that name a stream's frame of reference, and a frame of reference's parent (SDK aliases).
_FRAME_KEYS = ("frame_of_reference", "frameOfReference", "referenceFrame")
_PARENT_KEYS = ("parent_FoR_id", "parentForId", "parent_for_id", "parent", "parentId")
_TIME_KEYS = ("timestamp", "time")


@family_check("entries")
def check(view: ManifestView, settings: LintSettings) -> Iterator[Finding]:
    for index, entry in enumerate(view.entries(spec.SCENE_KEY)):
        if type(entry) is not dict:
            continue
        scene = entry.get("scene")
        at: Pointer = (spec.SCENE_KEY, index, "scene")
        streams = list(streams_of(scene))
        for place, _, stream in streams:
            yield from _timestamps(at + place, stream.get("events"))
        if is_stream_map(scene):
            _, content = content_of(scene)
            if len(streams) == len(content):  # else P909 says which stream is not an object
                yield from _something_to_show(at, streams)
            yield from _videos(at, streams)
            yield from _references(at, streams)


def _time_of(event: Any) -> tuple[str, float] | None:
    """(key, value) of an event's timestamp when it is a number; the schema reports others."""
    if not isinstance(event, dict):
        return None
    for key in _TIME_KEYS:
        value: Any = event.get(key)
        if type(value) in _NUMBERS:  # not a bool, which is an int to Python
            return key, value
    return None


_NUMBERS = (int, float)


def _in_order(events: list[Any]) -> bool:
    """Whether no event has a timestamp, or every one has one, under one key, increasing:
    decided by C-level maps, as for nearly every stream (a scene holds thousands of events)."""
    try:
        for key in _TIME_KEYS:
            stamps: list[Any] = list(map(dict.get, events, repeat(key)))
            types = set(map(type, stamps))
            if types <= set(_NUMBERS):
                return all(map(operator.lt, stamps, islice(stamps, 1, None)))
            if types != {type(None)}:
                return False
    except TypeError:  # an event that is not an object
        return False
    return True


def _timestamps(at: Pointer, events: Any) -> Iterator[Finding]:
    if not isinstance(events, list) or _in_order(events):
        return
    times = [_time_of(event) for event in events]
    if all(time is None for time in times):
        return
    previous: tuple[int, str, float] | None = None
    for j, (event, time) in enumerate(zip(events, times, strict=True)):
        if time is None:
            if isinstance(event, dict) and not any(key in event for key in _TIME_KEYS):
                yield Finding(
                    TIMESTAMPS_OUT_OF_ORDER,
                    at + ("events", j),
                    "event without a timestamp in a stream whose other events have one; "
                    "Encord numbers such events 1, 2, 3, ..., on another clock",
                )
            continue
        key, value = time
        if previous is not None and value <= previous[2]:
            yield Finding(
                TIMESTAMPS_OUT_OF_ORDER,
                at + ("events", j, key),
                f"timestamp {value} is not after that of events[{previous[0]}] ({previous[2]}); "
                "sort the events by time",
            )
        previous = (j, key, value)


def _something_to_show(
    at: Pointer, streams: list[tuple[Tail, str | None, dict[str, Any]]]
) -> Iterator[Finding]:
    types = [stream.get("type") for _, _, stream in streams]
    if any(t not in spec.SCENE_STREAM_TYPES for t in types):
        return  # P901 names the stream whose type is wrong; it may be the point cloud
    if spec.POINT_CLOUD not in types and "image" not in types:
        yield Finding(
            NOTHING_TO_SHOW,
            at,
            "scene has no point_cloud or image stream; it needs at least one",
            target="key",
        )


def _videos(
    at: Pointer, streams: list[tuple[Tail, str | None, dict[str, Any]]]
) -> Iterator[Finding]:
    images = [place for place, _, stream in streams if stream.get("type") == "image"]
    if len(images) > spec.MAX_SCENE_VIDEOS:
        yield Finding(
            TOO_MANY_VIDEOS,
            at + images[spec.MAX_SCENE_VIDEOS],
            f"scene has {len(images)} image streams (videos); Encord supports up to "
            f"{spec.MAX_SCENE_VIDEOS} in a scene",
            target="key",
        )


def _references(
    at: Pointer, streams: list[tuple[Tail, str | None, dict[str, Any]]]
) -> Iterator[Finding]:
    cameras = {name for _, name, s in streams if s.get("type") == "camera_parameters" and name}
    frames = {
        s["id"]
        for _, _, s in streams
        if s.get("type") == "frame_of_reference" and isinstance(s.get("id"), str)
    }
    known_frames = frames | {spec.SCENE_ROOT_FRAME}
    for place, name, stream in streams:
        kind = stream.get("type")
        camera = stream.get("camera")
        if kind == "image" and isinstance(camera, str) and camera not in cameras:
            yield Finding(
                UNRESOLVED_REFERENCE,
                at + place + ("camera",),
                f"image stream {name!r} names camera {camera!r}, but no camera_parameters "
                f"stream is called that ({_listed(cameras)})",
            )
        if kind not in (spec.POINT_CLOUD, "camera_parameters", "frame_of_reference"):
            continue
        keys = _PARENT_KEYS if kind == "frame_of_reference" else _FRAME_KEYS
        key, frame = next(
            ((k, stream[k]) for k in keys if isinstance(stream.get(k), str)), ("", None)
        )
        if frame is not None and frame not in known_frames:
            what = "parent" if kind == "frame_of_reference" else "frame of reference"
            yield Finding(
                UNRESOLVED_REFERENCE,
                at + place + (key,),
                f"stream {name!r} names {what} {frame!r}, but no frame_of_reference stream has "
                f"that id ({_listed(known_frames)})",
            )


def _listed(names: set[str]) -> str:
    return "there are: " + ", ".join(repr(n) for n in sorted(names)) if names else "there are none"
