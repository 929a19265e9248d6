"""How schema errors inside a scene or a time series' settings become P findings.

``encord_manifest._internal.rules.schema_errors`` hands over every error whose place is inside an entry's "scene"
(``scenes``) or "settings" (``time_series``). Which code an error is told by the part of the
schema that failed (its own subschema object, the one in ``schemas/manifest.schema.json``), so
the code does not depend on how deep the stream sits or what it is called.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Pointer
from encord_manifest._internal.rules import rename_key_fix, scenes, time_series
from encord_manifest._internal.rules.schema_words import JSON_TYPE_NAMES, json_type_of
from encord_manifest._internal.text.suggest import suggest_key

#: Near misses that spelling alone does not find: what people write -> the key or type meant.
_KEY_HINTS = {
    "url": "uri",
    "file": "uri",
    "path": "uri",
    "src": "uri",
    "ts": "timestamp",
    "stamp": "timestamp",
    "line_width": "lineWidth",
    "point_radius": "pointRadius",
    "colour": "color",
    "name": "label",
}
_TYPE_HINTS = {
    "lidar": "point_cloud",
    "pcd": "point_cloud",
    "points": "point_cloud",
    "camera": "camera_parameters",
    "camera_params": "camera_parameters",
    "intrinsics": "camera_parameters",
    "video": "image",
    "images": "image",
    "pose": "frame_of_reference",
    "for": "frame_of_reference",
    "timeseries": "time_series",
    "csv": "time_series",
}
_HEX_COLOR = "#RGB, #RRGGBB or #RRGGBBAA, e.g. #ff8800"


def is_scene_place(path: Pointer) -> bool:
    return len(path) >= 3 and path[0] == spec.SCENE_KEY and path[2] == "scene"


def is_settings_place(path: Pointer) -> bool:
    return len(path) >= 3 and path[0] == "time_series" and path[2] == "settings"


def unknown_key_code(path: Pointer) -> str | None:
    """P908 or P915 for an unknown key of an object inside a scene or settings; else None."""
    if is_scene_place(path):
        return scenes.SCENE_UNKNOWN_KEY
    if is_settings_place(path):
        return time_series.UNKNOWN_SETTINGS_KEY
    return None


def hint_for(key: str, allowed: Iterable[str]) -> str | None:
    known = list(allowed)
    hinted = _KEY_HINTS.get(key.strip().lower())
    if hinted in known:
        return hinted
    return suggest_key(key, known)


def unknown_key(
    code: str, key: str, path: Pointer, allowed: list[str], instance: dict[str, Any]
) -> Finding:
    pointer = path + (key,)
    hint = hint_for(key, allowed)
    return Finding(
        code,
        pointer,
        f"unknown key {key!r} in {dotted(path[2:])}",
        target="key",
        hint=f"did you mean {hint!r}?" if hint else None,
        fix=rename_key_fix(pointer, hint, instance) if hint else None,
    )


def dotted(path: Pointer) -> str:
    """scene.lidar.events[2].uri: how a place reads in a message."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- scenes ------------------------------------------------------------------------------------


@cache
def _parts() -> dict[str, Any]:
    """The subschemas whose errors have codes of their own, by what they are."""
    from encord_manifest._internal.rules.schema import schema

    defs = schema()["$defs"]
    return {
        "stream": defs["sceneStream"],
        "stream type": defs["sceneStream"]["properties"]["type"],
        "single stream type": defs["sceneContentObject"]["else"]["then"]["properties"]["type"],
        "file event": defs["fileEvent"],
        "timestamp": defs["timestamp"],
        "video frames": defs["imageStream"]["properties"]["events"],
    }


def translate_scene(error: Any, path: Pointer) -> Finding | None:
    """The finding of one schema error inside a scene entry's "scene"; None when another
    finding says it already."""
    if misspelt_required(error):
        return None
    parts, part = _parts(), error.schema
    where = dotted(path[2:])
    if part is parts["stream type"] or (part is parts["stream"] and error.validator == "required"):
        return _stream_type(error, path, where)
    if part is parts["single stream type"]:
        return Finding(
            scenes.UNKNOWN_STREAM_TYPE,
            path,
            f"{where} is {json.dumps(error.instance)}: a scene that is one stream must be a "
            "point_cloud stream; put other streams in a map of stream names to streams",
        )
    if part is parts["timestamp"]:
        return Finding(scenes.INVALID_TIMESTAMP, path, describe(error, where))
    if part is parts["video frames"] and error.validator == "maxItems":
        return Finding(
            scenes.TOO_MANY_FRAMES,
            path,
            f"{where} has {len(error.instance)} events (frames); Encord supports up to "
            f"{spec.MAX_SCENE_VIDEO_FRAMES} in a video of a scene",
            target="key",
        )
    if (part is parts["file event"] and error.validator == "required") or path[-1] == "uri":
        return Finding(scenes.EVENT_WITHOUT_URI, path, _uri_message(error, where))
    if len(path) == 3 and error.validator == "type":
        return _scene_not_object(error, path)
    return Finding(scenes.SCENE_INVALID_VALUE, path, describe(error, where))


def _stream_type(error: Any, path: Pointer, where: str) -> Finding:
    known = ", ".join(spec.SCENE_STREAM_TYPES)
    if error.validator == "required":
        return Finding(
            scenes.UNKNOWN_STREAM_TYPE,
            path,
            f"{where} has no 'type'; a stream's type is one of {known}",
        )
    value = error.instance
    hint = None
    if isinstance(value, str):
        hint = _TYPE_HINTS.get(value.strip().lower()) or suggest_key(value, spec.SCENE_STREAM_TYPES)
    return Finding(
        scenes.UNKNOWN_STREAM_TYPE,
        path,
        f"{where} {json.dumps(value)} is not a stream type ({known})",
        hint=f"did you mean {hint!r}?" if hint else None,
    )


def _uri_message(error: Any, where: str) -> str:
    if error.validator == "required":
        return f"{where} has no 'uri': every event names its file"
    if error.validator == "minLength":
        return f"{where} is empty"
    return describe(error, where)


def _scene_not_object(error: Any, path: Pointer) -> Finding:
    value = error.instance
    hint = None
    if isinstance(value, str):
        extension = value.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower()
        form = extension if extension in spec.SCENE_FILE_FORMATS else "pcd"
        hint = f'for one file, write {{"url": "...", "format": "{form}"}}'
    return Finding(
        scenes.SCENE_INVALID_VALUE,
        path,
        f"scene must be an object (streams, or one file's url and format), not {json_type_of(value)}",
        hint=hint,
    )


def misspelt_required(error: Any) -> bool:
    """Whether every missing key of a "required" error has a near miss in the object, which
    the unknown-key finding names already (as S107 leaves the entry's to S105)."""
    if error.validator != "required" or not isinstance(error.instance, dict):
        return False
    missing = [name for name in error.validator_value if name not in error.instance]
    return bool(missing) and all(
        any(k != name and hint_for(k, [name]) == name for k in error.instance) for name in missing
    )


# --- time-series settings ----------------------------------------------------------------------


def translate_settings(error: Any, path: Pointer) -> Finding | None:
    """The finding of one schema error inside a time series' "settings"; None when another
    finding says it already."""
    if misspelt_required(error):
        return None
    where = dotted(path[2:])
    if error.validator == "maxProperties" and path[3:] == ("channels",):
        return Finding(
            time_series.TOO_MANY_CHANNELS,
            path,
            f"{where} has {len(error.instance)} channels; at most {spec.MAX_TIME_SERIES_CHANNELS}",
            target="key",
        )
    if error.validator == "not" and isinstance(error.instance, dict):
        return _style_mismatch(error.instance, path)
    if error.validator == "pattern":
        message = (
            f"{where} must be a hexadecimal color ({_HEX_COLOR}), not {json.dumps(error.instance)}"
        )
        return Finding(time_series.INVALID_SETTINGS, path, message)
    if len(path) == 3 and error.validator == "type":
        return Finding(
            time_series.INVALID_SETTINGS,
            path,
            f'settings must be an object like {{"channels": {{"HEADER": {{...}}}}}}, '
            f"not {json_type_of(error.instance)}",
        )
    return Finding(time_series.INVALID_SETTINGS, path, describe(error, where))


def _style_mismatch(channel: dict[str, Any], path: Pointer) -> Finding:
    if channel.get("style") == "points":
        field, message = (
            "lineWidth",
            "lineWidth is for lines, and this channel is drawn as points (pointRadius sizes them)",
        )
    else:
        field, message = (
            "pointRadius",
            'pointRadius is for points, and this channel is drawn as a line (add "style": "points")',
        )
    return Finding(time_series.INVALID_SETTINGS, path + (field,), message, target="key")


# --- messages ------------------------------------------------------------------------------------


def describe(error: Any, where: str) -> str:
    """What is wrong at ``where``, from the failing keyword; never the value's whole text."""
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(JSON_TYPE_NAMES.get(n, n) for n in names)
        return f"{where} must be {wanted}, not {json_type_of(value)}"
    if keyword == "required":
        missing = [name for name in expected if isinstance(value, dict) and name not in value]
        return f"{where} has no {', '.join(repr(m) for m in missing)}"
    if keyword == "anyOf" and all(set(option) == {"required"} for option in expected):
        return f"{where} has no {expected[0]['required'][0]!r}"
    if keyword in ("minimum", "maximum"):
        bound = "at least" if keyword == "minimum" else "at most"
        return f"{where} must be {bound} {expected}, not {value!r}"
    if keyword in ("minLength", "maxLength"):
        if keyword == "minLength" and expected == 1:
            return f"{where} must not be empty"
        bound = "at least" if keyword == "minLength" else "at most"
        return f"{where} must be {bound} {expected:,} characters long"
    if keyword in ("minItems", "maxItems"):
        if keyword == "minItems" and expected == 1:
            return f"{where} is empty: it needs at least one"
        bound = "at least" if keyword == "minItems" else "at most"
        return f"{where} must have {bound} {expected} items, not {len(value)}"
    if keyword in ("enum", "const"):
        options = expected if keyword == "enum" else [expected]
        allowed = " or ".join(json.dumps(option) for option in options)
        return f"{where} must be {allowed}, not {_short(value)}"
    return f"{where} is not valid here ({keyword})"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else re.sub(r"\s+", " ", text[:37]) + "..."
