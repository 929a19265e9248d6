"""Where a scene keeps its streams and files (spec section 2.4).

A scene entry's ``scene`` takes the shapes of the SDK's scene upload models
(``encord.beta.scene.internal.upload``), told apart as the SDK tells them:

- ``{"content": CONTENT, ...}``: CONTENT with scene-wide settings, where CONTENT is one of the
  shapes below or the URL of one file (whose extension then names its format);
- ``{"url": ..., "format": ...}``: one self-contained file, a point cloud or a recording;
- ``{"type": "point_cloud", "events": [...]}``: a scene that is one point_cloud stream;
- anything else: a map of stream names to streams.

The URL columns, the scene rules, ``lint --remote`` and ``verify`` all walk a scene here, so
they see the same files. Values of the wrong shape are passed over: the schema reports them.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import repeat
from typing import Any

from encord_manifest._internal.model import spec

#: A place inside a scene (after the entry's "scene" key).
Tail = tuple[str | int, ...]


def content_of(scene: Any) -> tuple[Tail, Any]:
    """The scene's content and where it is: under "content" when the scene has settings."""
    if isinstance(scene, dict) and scene.get("content") is not None:
        return ("content",), scene["content"]
    return (), scene


def is_stream_map(scene: Any) -> bool:
    """Whether the scene's content is a map of stream names to streams."""
    _, content = content_of(scene)
    return (
        isinstance(content, dict)
        and not isinstance(content.get("url"), str)
        and not isinstance(content.get("type"), str)
    )


def streams_of(scene: Any) -> Iterator[tuple[Tail, str | None, dict[str, Any]]]:
    """(place, name, stream) of each stream; the name is None for a scene that is one stream."""
    at, content = content_of(scene)
    if not isinstance(content, dict) or isinstance(content.get("url"), str):
        return
    if isinstance(content.get("type"), str):
        yield at, None, content
        return
    for name, stream in content.items():
        if isinstance(stream, dict):
            yield at + (name,), name, stream


def scene_files(scene: Any) -> Iterator[tuple[Tail, str, str | None]]:
    """(place, URL, kind) of every file a scene names. The kind is a key of
    ``spec.EXTENSIONS_BY_KEY``, or None where the extension does not tell the file's type (a
    file given with its format, a model)."""
    for place, values, kind, per_event in file_runs(scene):
        for index, value in enumerate(values):
            if isinstance(value, str):
                yield (place + ("events", index, "uri") if per_event else place), value, kind


#: A run of files: its place, its values (of any type; the strings are the files), their kind,
#: and whether value i is at ``place + ("events", i, "uri")`` (else the run is one value, at
#: ``place``).
Run = tuple[Tail, list[Any], "str | None", bool]


def file_runs(scene: Any) -> Iterator[Run]:
    """The files of a scene, a stream's events at a time: the URL columns take a run whole
    (a scene holds thousands of events; one tuple per file is made only for a finding)."""
    at, content = content_of(scene)
    if isinstance(content, str):
        if at:  # a bare URL is content only inside {"content": ...}; elsewhere P909 says so
            yield at, [content], spec.POINT_CLOUD, False
        return
    if isinstance(content, dict) and isinstance(content.get("url"), str):
        yield at + ("url",), [content["url"]], None, False
        return
    for place, _, stream in streams_of(scene):
        yield from _stream_runs(place, stream)


def _stream_runs(place: Tail, stream: dict[str, Any]) -> Iterator[Run]:
    stream_type = stream.get("type")
    if not isinstance(stream_type, str):
        return  # P901
    if stream_type == "time_series":
        yield place + ("uri",), [stream.get("uri")], "time_series", False
        return
    events = stream.get("events")
    if stream_type not in spec.SCENE_EVENT_FILE_KINDS or not isinstance(events, list):
        return
    try:
        uris = list(map(dict.get, events, repeat("uri")))
    except TypeError:  # an event that is not an object (the schema says so)
        uris = [event.get("uri") if isinstance(event, dict) else None for event in events]
    yield place, uris, spec.SCENE_EVENT_FILE_KINDS[stream_type], True
    if stream_type == "model":
        for index, event in enumerate(events):
            if isinstance(event, dict):
                yield from _geometry_runs(place + ("events", index), event.get("geometries"))


def _geometry_runs(place: Tail, geometries: Any) -> Iterator[Run]:
    if not isinstance(geometries, list):
        return
    for index, geometry in enumerate(geometries):
        if isinstance(geometry, dict) and isinstance(geometry.get("url"), str):
            yield place + ("geometries", index, "url"), [geometry["url"]], None, False
