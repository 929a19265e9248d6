"""How the reference validator's errors become coded findings.

``encord_manifest._internal.rules.schema`` finds the errors, each with the pointer of the value
it is about; ``translate`` turns one into codes and messages from its failing keyword and
subschema. Errors inside a scene or a time series' settings are handed on to ``schema_scenes``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.caps import KindCap, more
from encord_manifest._internal.model.diagnostics import Finding, Fix, Pointer
from encord_manifest._internal.rules import (
    groups,
    metadata,
    rename_key_fix,
    scenes,
    schema_scenes,
    structure,
    time_series,
)
from encord_manifest._internal.rules.schema_words import JSON_TYPE_NAMES, json_type_of
from encord_manifest._internal.text.suggest import suggest_key


def translate(error: Any, path: Pointer) -> Iterator[Finding]:
    """The findings one schema error stands for (an unknown-keys error names several keys)."""
    keyword = error.validator
    depth = len(path)
    if keyword == "additionalProperties":
        yield from _unknown_keys(error, path)
    elif depth == 0:
        yield Finding(
            structure.ROOT_NOT_OBJECT,
            (),
            f"the manifest must be a JSON object, not {json_type_of(error.instance)}",
        )
    elif depth == 1:
        yield _top_level_value(error, path)
    elif depth == 2:
        yield from _entry(error, path)
    elif schema_scenes.is_scene_place(path) or schema_scenes.is_settings_place(path):
        translated = (
            schema_scenes.translate_scene(error, path)
            if schema_scenes.is_scene_place(path)
            else schema_scenes.translate_settings(error, path)
        )
        if translated is not None:
            yield translated
    else:
        yield _field(error, path)


def _allowed_keys(subschema: dict[str, Any]) -> list[str]:
    return list(subschema.get("properties", {}))


def _unknown_keys(error: Any, path: Pointer) -> Iterator[Finding]:
    allowed = _allowed_keys(error.schema)
    known = set(allowed)
    patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
    instance = error.instance
    extras = (k for k in instance if k not in known and not any(p.search(k) for p in patterns))
    list_key = path[0] if path else None
    is_group = list_key in spec.GROUP_KEYS and len(path) == 2
    noun = spec.ENTRY_NOUN.get(str(list_key), "")
    where = (
        "at the top level"
        if len(path) == 0
        else f"in {_a(noun)} {noun} entry"
        if len(path) == 2
        else f"in {path[-1]}"
        if len(path) == 3
        else f"in {schema_scenes.dotted(path[2:])}"
    )
    # Only the first few of each code get a suggestion and a message (caps.py); the rest
    # are counted, which is all the work an entry of 100,000 unknown keys is worth.
    cap = KindCap()
    for key in extras:
        code = _unknown_key_code(key, path, is_group)
        if cap.admit(code):
            yield _unknown_key(code, key, path, allowed, instance, is_group)
    for code, count in cap.overflow().items():
        yield Finding(code, path, f"{more(count, _UNKNOWN_KEY_KINDS[code])} {where}")


#: What the finding that counts the rest of a code's unknown keys calls them.
_UNKNOWN_KEY_KINDS = {
    structure.UNKNOWN_TOP_LEVEL_KEY: "unknown keys",
    structure.SYSTEM_FIELD: "system fields",
    groups.OBJECT_URL_IN_GROUP: "objectUrl keys",
    groups.INVALID_POSITIONAL_KEY: "keys that are not positions",
    metadata.METADATA_UNKNOWN_KEY: "unknown keys",
    structure.UNKNOWN_ENTRY_KEY: "unknown keys",
    scenes.SCENE_UNKNOWN_KEY: "unknown keys",
    time_series.UNKNOWN_SETTINGS_KEY: "unknown keys",
}


def _unknown_key_code(key: str, path: Pointer, is_group: bool) -> str:
    """The code an unknown key is reported under: cheap, so that every key can be counted."""
    if len(path) == 0:
        return structure.UNKNOWN_TOP_LEVEL_KEY
    if len(path) == 2 and key in spec.SYSTEM_FIELDS:
        return structure.SYSTEM_FIELD
    if is_group and key == "objectUrl":
        return groups.OBJECT_URL_IN_GROUP
    if is_group and key.startswith(spec.POSITIONAL_PREFIX):
        return groups.INVALID_POSITIONAL_KEY
    if len(path) == 3 and str(path[2]).endswith("Metadata"):
        return metadata.METADATA_UNKNOWN_KEY
    return schema_scenes.unknown_key_code(path) or structure.UNKNOWN_ENTRY_KEY


def _unknown_key(
    code: str,
    key: str,
    path: Pointer,
    allowed: list[str],
    instance: dict[str, Any],
    is_group: bool,
) -> Finding:
    pointer = path + (key,)
    list_key = path[0] if path else None
    if code == structure.UNKNOWN_TOP_LEVEL_KEY:
        hint = suggest_key(key, spec.TOP_LEVEL_KEYS)
        return _keyed(
            code,
            pointer,
            f"unknown top-level key {key!r}; its entries would be ignored",
            hint,
            rename_key_fix(pointer, hint, instance) if hint else None,
        )
    if code == structure.SYSTEM_FIELD:
        return _keyed(
            code, pointer, f"{key!r} is set by Encord itself (SDK: for system use); remove it", None
        )
    if code == groups.OBJECT_URL_IN_GROUP:
        positional = _has_positional(instance)
        return _keyed(
            code,
            pointer,
            f"{spec.ENTRY_NOUN[str(list_key)]} entries list their files as objectUrl_0, objectUrl_1, ...; "
            "objectUrl is not one of them",
            "rename to 'objectUrl_0'" if not positional else None,
            rename_key_fix(pointer, "objectUrl_0", instance) if not positional else None,
        )
    if code == groups.INVALID_POSITIONAL_KEY:
        renumbered = _renumbered(key)
        return _keyed(
            code,
            pointer,
            f"{key!r} is not a position: the number after objectUrl_ must be 0, 1, 2, ... "
            "without sign or leading zeros",
            f"rename to {renumbered!r}" if renumbered else None,
            rename_key_fix(pointer, renumbered, instance) if renumbered else None,
        )
    if code in (scenes.SCENE_UNKNOWN_KEY, time_series.UNKNOWN_SETTINGS_KEY):
        return schema_scenes.unknown_key(code, key, path, allowed, instance)
    if code == metadata.METADATA_UNKNOWN_KEY:
        hint = suggest_key(key, allowed, remember=True)
        return _keyed(
            code,
            pointer,
            f"unknown key {key!r} in {path[2]}",
            hint,
            rename_key_fix(pointer, hint, instance) if hint else None,
        )
    hint = suggest_key(key, allowed, positional=is_group, remember=True)
    noun = spec.ENTRY_NOUN.get(str(list_key), "")
    where = f"{_a(noun)} {noun} entry" if len(path) == 2 else str(path[-1])
    return _keyed(
        code,
        pointer,
        f"unknown key {key!r} in {where}",
        hint,
        rename_key_fix(pointer, hint, instance) if hint else None,
    )


def _keyed(
    code: str, pointer: Pointer, message: str, hint: str | None, fix: Fix | None = None
) -> Finding:
    if hint and not hint.startswith("rename"):
        hint = f"did you mean {hint!r}?"
    return Finding(code, pointer, message, target="key", hint=hint, fix=fix)


def _has_positional(instance: dict[str, Any]) -> bool:
    return any(k.startswith(spec.POSITIONAL_PREFIX) for k in instance)


def _renumbered(key: str) -> str | None:
    digits = key[len(spec.POSITIONAL_PREFIX) :]
    if digits.isdigit():
        return f"objectUrl_{int(digits)}"
    return None


def _a(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"


def _top_level_value(error: Any, path: Pointer) -> Finding:
    key = str(path[0])
    expected = "true or false" if key in spec.FLAG_KEYS else "a list of entries"
    return Finding(
        structure.INVALID_TOP_LEVEL_VALUE,
        path,
        f"{key!r} must be {expected}, not {json_type_of(error.instance)}",
    )


def _entry(error: Any, path: Pointer) -> Iterator[Finding]:
    list_key = str(path[0])
    noun = spec.ENTRY_NOUN[list_key]
    if error.validator == "type":
        like = _ENTRY_EXAMPLE.get(list_key, '{"objectUrl": "https://..."}')
        yield Finding(
            structure.ENTRY_NOT_OBJECT,
            path,
            f"entry of {list_key!r} must be an object like {like}, not {json_type_of(error.instance)}",
        )
    elif error.validator == "required":
        for field in error.validator_value:
            if field not in error.instance and not _misspelt(field, error.instance):
                yield Finding(
                    structure.MISSING_REQUIRED_FIELD, path, f"{noun} entry without {field!r}"
                )
    elif error.validator == "not":
        # Not an object: S104 says so. With objectUrl: G504 already says what is wrong.
        if isinstance(error.instance, dict) and "objectUrl" not in error.instance:
            yield Finding(
                groups.NO_POSITIONAL_KEYS,
                path,
                f"{noun} entry lists no files: add objectUrl_0, objectUrl_1, ...",
            )
    else:  # pragma: no cover - every keyword of an entry schema is handled above
        yield Finding(structure.INVALID_FIELD_VALUE, path, error.message)


#: What an entry looks like, for lists whose entries have no objectUrl.
_ENTRY_EXAMPLE = {
    spec.SCENE_KEY: '{"title": "...", "scene": {"lidar": {"type": "point_cloud", ...}}}'
}


def _misspelt(field: str, instance: dict[str, Any]) -> bool:
    """Whether a key of the entry is a near miss of ``field`` (then S105 says it already)."""
    return any(k != field and suggest_key(k, [field], remember=True) == field for k in instance)


def _field(error: Any, path: Pointer) -> Finding:
    field = str(path[2])
    keyword = error.validator
    if field.endswith("Metadata") and field != "clientMetadata":
        return _media_metadata(error, path)
    if field == "clientMetadata":
        if len(path) > 3 and path[3] in ("keyframes", "config") and path[0] == "videos":
            return Finding(metadata.INVALID_RESERVED_METADATA, path, _value_message(error, path))
        if keyword == "type":
            return Finding(
                metadata.INVALID_CLIENT_METADATA,
                path,
                f"clientMetadata must be an object, not {json_type_of(error.instance)}",
            )
        if "propertyNames" in error.absolute_schema_path:
            return Finding(
                metadata.INVALID_CLIENT_METADATA,
                path + ("",),
                "clientMetadata has an empty key",
                target="key",
            )
    return Finding(structure.INVALID_FIELD_VALUE, path, _value_message(error, path))


def _media_metadata(error: Any, path: Pointer) -> Finding:
    name = str(path[2])
    if len(path) == 3:
        if error.validator == "type":
            return Finding(
                metadata.METADATA_INVALID_VALUE,
                path,
                f"{name} must be an object, not {json_type_of(error.instance)}",
            )
        missing = _missing_metadata_fields(name, error.instance)
        listed = ", ".join(repr(m) for m in missing)
        return Finding(
            metadata.METADATA_MISSING_FIELD,
            path,
            f"{name} without {listed}; every field is required when {name} is given",
        )
    return Finding(metadata.METADATA_INVALID_VALUE, path, _value_message(error, path))


def _missing_metadata_fields(name: str, instance: dict[str, Any]) -> list[str]:
    """All fields missing from a media metadata object, in the schema's order.

    One schema error arrives per missing field; each is translated into the same finding,
    which ``validate`` keeps once.
    """
    from encord_manifest._internal.rules.schema import schema

    definition = schema()["$defs"][name]
    missing = [f for f in definition.get("required", []) if f not in instance]
    for alternatives in definition.get("allOf", []):
        names = [option["required"][0] for option in alternatives["anyOf"]]
        if not any(n in instance for n in names):
            missing.append(names[0])  # the documented spelling
    order = list(definition["properties"])
    return sorted(missing, key=order.index)


def _dotted(path: Pointer) -> str:
    """videoMetadata.fps, clientMetadata.keyframes[1]: how the place reads in a message."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _value_message(error: Any, path: Pointer) -> str:
    name = _dotted(path[2:])
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        return (
            f"{name} must be {JSON_TYPE_NAMES.get(expected, expected)}, not {json_type_of(value)}"
        )
    if keyword == "exclusiveMinimum":
        return f"{name} must be greater than {expected}, not {value!r}"
    if keyword == "minimum":
        return f"{name} must be at least {expected}, not {value!r}"
    if keyword == "maximum":
        # The schema's maxima are the largest numbers Encord's SDK model reads (2^63-1, the
        # largest double): name the bound as what it means, not as its digits.
        bound = "2^63-1" if isinstance(expected, int) else "the largest double"
        # The JSON reader turns a number beyond a double (1e400) into infinity: "not inf"
        # would name a value the file does not contain.
        shown = "a number beyond it" if value == float("inf") else repr(value)
        return f"{name} must be at most {bound} ({expected}), not {shown}"
    if keyword == "minLength":
        return f"{name} must not be empty"
    if keyword == "pattern":
        family = expected.strip("^")
        return f"{name} must be a {family}... MIME type, not {value!r}"
    if keyword == "enum":
        allowed = " or ".join(json.dumps(v) for v in expected)
        return f"{name} must be {allowed}, not {json.dumps(value)}"
    return f"{name}: {error.message}"
