"""M: media metadata (``*Metadata``) and clientMetadata (spec sections 2.1 and 2.3)."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from itertools import chain, compress, count, repeat
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Pointer, Severity
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_check, register, rename_key_fix
from encord_manifest._internal.rules.view import ManifestView

_V = '"objectUrl": "https://b.s3.amazonaws.com/clip.mp4"'
_I = '"objectUrl": "https://b.s3.amazonaws.com/a.jpg"'
_VIDEO_METADATA = '"fps": 25, "duration": 12.5, "width": 1920, "height": 1080, "file_size": 1048576, "mime_type": "video/mp4"'

METADATA_MISSING_FIELD = register(
    "M201",
    "metadata-missing-field",
    Severity.ERROR,
    "A media metadata object without one of its fields",
    origin="schema",
    explanation="""
        When an entry carries videoMetadata, imageMetadata, audioMetadata, textMetadata or
        pdfMetadata, the server trusts it instead of reading the file, so every field of that
        object is required (videoMetadata: fps, duration, width, height, file_size,
        mime_type).
    """,
    failing=f'{{"videos": [{{{_V}, "videoMetadata": {{"fps": 25, "duration": 12.5}}}}]}}',
    passing=f'{{"videos": [{{{_V}, "videoMetadata": {{{_VIDEO_METADATA}}}}}]}}',
)

METADATA_INVALID_VALUE = register(
    "M202",
    "metadata-invalid-value",
    Severity.ERROR,
    "A media metadata field with an impossible value",
    origin="schema",
    explanation="""
        fps, duration, width, height, file_size, sample_rate, bit_depth, num_channels and
        num_pages are numbers above zero (sizes and counts whole numbers); mime_type is a
        string of the entry's family (video/..., image/..., audio/...).
    """,
    failing=f'{{"videos": [{{{_V}, "videoMetadata": {{{_VIDEO_METADATA.replace("25", "0").replace("video/mp4", "image/png")}}}}}]}}',
    passing=f'{{"videos": [{{{_V}, "videoMetadata": {{{_VIDEO_METADATA}}}}}]}}',
)

METADATA_CAMEL_CASE = register(
    "M203",
    "metadata-camel-case",
    Severity.WARNING,
    "A media metadata key in camelCase",
    explanation="""
        The documented keys inside media metadata objects are snake_case (file_size,
        mime_type, sample_rate, bit_depth, num_channels, num_pages). The camelCase spellings
        are accepted here, but use the documented one.
    """,
    failing=f'{{"images": [{{{_I}, "imageMetadata": {{"mimeType": "image/jpeg", "fileSize": 1024, "width": 64, "height": 64}}}}]}}',
    passing=f'{{"images": [{{{_I}, "imageMetadata": {{"mime_type": "image/jpeg", "file_size": 1024, "width": 64, "height": 64}}}}]}}',
    fix="Renamed to the documented key, unless that key is there already.",
)

METADATA_UNKNOWN_KEY = register(
    "M204",
    "metadata-unknown-key",
    Severity.ERROR,
    "A media metadata key Encord does not know",
    origin="schema",
    explanation="""
        Media metadata objects have fixed fields; anything else ("frame_rate", "size") is a
        misspelling whose value is lost. Near misses come with a "did you mean".
    """,
    failing=f'{{"videos": [{{{_V}, "videoMetadata": {{{_VIDEO_METADATA}, "frame_rate": 25}}}}]}}',
    passing=f'{{"videos": [{{{_V}, "videoMetadata": {{{_VIDEO_METADATA}}}}}]}}',
    fix="Renamed to the known key it most likely meant, unless that key is there already.",
)

CLIENT_METADATA_TYPE_MISMATCH = register(
    "M205",
    "client-metadata-type-mismatch",
    Severity.WARNING,
    "A clientMetadata key whose value type differs between entries",
    explanation="""
        Encord's metadata schema gives each clientMetadata key one type. A key that is a
        number in one entry and a string in another ("42" vs 42) cannot be filtered or
        sorted as either. null is compatible with every type. Reported where the type
        differs from the key's first use, with the place of that first use.
    """,
    failing=f'{{"images": [{{{_I}, "clientMetadata": {{"patient_age": 42}}}}, {{"objectUrl": "https://b.s3.amazonaws.com/b.jpg", "clientMetadata": {{"patient_age": "42"}}}}]}}',
    passing=f'{{"images": [{{{_I}, "clientMetadata": {{"patient_age": 42}}}}, {{"objectUrl": "https://b.s3.amazonaws.com/b.jpg", "clientMetadata": {{"patient_age": 57}}}}]}}',
)

INVALID_CLIENT_METADATA = register(
    "M206",
    "invalid-client-metadata",
    Severity.ERROR,
    "clientMetadata that is not an object, or has an empty key",
    origin="schema",
    explanation="""
        clientMetadata is a JSON object whose keys are non-empty strings; its values can be
        any JSON.
    """,
    failing=f'{{"images": [{{{_I}, "clientMetadata": "site=berlin"}}]}}',
    passing=f'{{"images": [{{{_I}, "clientMetadata": {{"site": "berlin"}}}}]}}',
)

INVALID_RESERVED_METADATA = register(
    "M207",
    "invalid-reserved-metadata",
    Severity.ERROR,
    "A video's reserved clientMetadata key (keyframes, config) with an invalid value",
    origin="schema",
    explanation="""
        In a video's clientMetadata, "keyframes" is a list of non-negative frame numbers and
        "config" an object with "sampling_rate" (a number >= 0) and "keyframe_mode"
        ("frame" or "seconds").
    """,
    failing=f'{{"videos": [{{{_V}, "clientMetadata": {{"keyframes": [0, -5], "config": {{"keyframe_mode": "time"}}}}}}]}}',
    passing=f'{{"videos": [{{{_V}, "clientMetadata": {{"keyframes": [0, 5], "config": {{"keyframe_mode": "frame"}}}}}}]}}',
)

_JSON_TYPE = {
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
}


@family_check("entries")
def check(view: ManifestView, settings: LintSettings) -> Iterator[Finding]:
    for list_key, metadata_key in spec.METADATA_KEY.items():
        if spec.CAMEL_TO_DOCUMENTED.keys().isdisjoint(
            _keys(_objects(view, list_key, metadata_key))
        ):
            continue  # no camelCase spelling anywhere in the list: no entry is looked at
        for index, metadata in _present(view, list_key, metadata_key):
            yield from _camel_case(metadata, (list_key, index, metadata_key))
    yield from _client_metadata_types(view)


def _objects(view: ManifestView, list_key: str, field: str) -> list[dict[str, Any]]:
    """The objects under ``field`` in the list's entries, picked out in C (no Python step per
    entry: a 1M-entry manifest has 300k clientMetadata objects)."""
    values = view.field_values(list_key, field)
    return list(compress(values, map(operator.is_, map(type, values), repeat(dict))))


def _keys(objects: list[dict[str, Any]]) -> Iterator[str]:
    return chain.from_iterable(map(dict.keys, objects))


def _present(view: ManifestView, list_key: str, field: str) -> list[tuple[int, dict[str, Any]]]:
    """(entry index, value) of the entries that hold a non-empty object under ``field``."""
    values = view.field_values(list_key, field)
    # Most entries have no such field: only the present (truthy) values are looked at.
    return [(i, values[i]) for i in compress(count(), values) if type(values[i]) is dict]


def _camel_case(metadata: dict[str, Any], pointer: Pointer) -> Iterator[Finding]:
    for key in metadata:
        documented = spec.CAMEL_TO_DOCUMENTED.get(key)
        if documented is not None:
            yield Finding(
                METADATA_CAMEL_CASE,
                pointer + (key,),
                f"{key!r} is the camelCase spelling; the documented key is {documented!r}",
                target="key",
                hint=f"rename to {documented!r}",
                fix=rename_key_fix(pointer + (key,), documented, metadata),
            )


def client_metadata_kinds(view: ManifestView) -> dict[str, set[str]]:
    """The JSON types each clientMetadata key holds anywhere in the manifest (null aside).

    More than one type for a key is a finding (C-level zips gather the pairs; the places are
    looked for only then). Parts of a manifest checked apart compare these (``engine.parts``).
    """
    cached = view.memo.get("client_metadata_kinds")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    pairs: set[tuple[str, type]] = set()
    for list_key in spec.ENTRY_KEYS:
        objects = _objects(view, list_key, "clientMetadata")
        # Every (key, type of its value) pair, in C: an object's keys and values come in the
        # same order.
        values = chain.from_iterable(map(dict.values, objects))
        pairs.update(zip(_keys(objects), map(type, values), strict=True))
    kinds: dict[str, set[str]] = {}
    for name, python_type in pairs:
        if python_type in _JSON_TYPE:
            kinds.setdefault(name, set()).add(_JSON_TYPE[python_type])
    view.memo["client_metadata_kinds"] = kinds
    return kinds


def _client_metadata_types(view: ManifestView) -> Iterator[Finding]:
    if all(len(k) == 1 for k in client_metadata_kinds(view).values()):
        return
    present = {key: _present(view, key, "clientMetadata") for key in spec.ENTRY_KEYS}
    first_use: dict[str, tuple[str, Pointer]] = {}
    for list_key, found in present.items():
        for index, metadata in found:
            for key, value in metadata.items():
                kind = _JSON_TYPE.get(type(value))
                if kind is None:
                    continue  # null fits every type
                pointer = (list_key, index, "clientMetadata", key)
                seen = first_use.setdefault(key, (kind, pointer))
                if seen[0] != kind:
                    yield Finding(
                        CLIENT_METADATA_TYPE_MISMATCH,
                        pointer,
                        f"clientMetadata key {key!r} is {_a(kind)} {kind} here but {_a(seen[0])} "
                        f"{seen[0]} where first used",
                        related=seen[1],
                    )


def _a(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"
