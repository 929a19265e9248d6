"""Each entry type of the file format: its valid entries and every change of one (test_sdk_models).

The fields are the file format's (docs: camelCase entry keys, snake_case media metadata fields
with their camelCase spellings); the changes are built from the cases of ``sdk_cases``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from tests.sdk_cases import (
    BOOLEAN,
    CLIENT_METADATA,
    INTEGER,
    NUMBER,
    STRING,
    Case,
    Change,
    Edit,
    Entry,
    json_values,
    key_changes,
    mime,
    not_of_json_type,
    rename,
    set_value,
    snake,
    unknown_keys,
    valid_value,
    value_changes,
)


@dataclass(frozen=True)
class Field:
    name: str  # the documented (snake_case) key
    cases: tuple[Case, ...]
    camel: str | None = None  # its camelCase spelling, accepted with a warning


_SIZE = Field("file_size", INTEGER, "fileSize")

#: list key -> (media metadata key, its fields); nifti has none.
METADATA: dict[str, tuple[str, tuple[Field, ...]]] = {
    "videos": (
        "videoMetadata",
        (
            Field("fps", NUMBER),
            Field("duration", NUMBER),
            Field("width", INTEGER),
            Field("height", INTEGER),
            _SIZE,
            Field("mime_type", mime("video"), "mimeType"),
        ),
    ),
    "images": (
        "imageMetadata",
        (
            Field("mime_type", mime("image"), "mimeType"),
            _SIZE,
            Field("width", INTEGER),
            Field("height", INTEGER),
        ),
    ),
    "audio": (
        "audioMetadata",
        (
            Field("duration", NUMBER),
            _SIZE,
            Field("mime_type", mime("audio"), "mimeType"),
            Field("sample_rate", INTEGER, "sampleRate"),
            Field("bit_depth", INTEGER, "bitDepth"),
            Field("codec", STRING),
            Field("num_channels", INTEGER, "numChannels"),
        ),
    ),
    "text": ("textMetadata", (_SIZE, Field("mime_type", STRING, "mimeType"))),
    "pdf": ("pdfMetadata", (_SIZE, Field("num_pages", INTEGER, "numPages"))),
}
SINGLE_KEYS = ("videos", "images", "audio", "text", "pdf", "nifti")
GROUP_KEYS = ("image_groups", "dicom_series")

#: The SDK's ``external_file_type`` literal of each entry list.
OWN_FILE_TYPE = {
    "videos": "VIDEO",
    "images": "IMAGE",
    "audio": "AUDIO",
    "text": "PLAIN_TEXT",
    "pdf": "PDF",
    "nifti": "NIFTI",
    "image_groups": "IMG_GROUP",
    "dicom_series": "DICOM",
    "time_series": "TIMESERIES",
    "scenes": "SCENE",
}
SYSTEM_FIELDS = ("externalFileType", "placeholderItemUuid", "clusterByResolution")
#: Keys people (and other tools) write by mistake: offered to the unknown-key changes.
_CURATED_KEYS = (
    "objectURL",
    "ObjectUrl",
    "Title",
    "url",
    "uri",
    "frame_rate",
    "videoMetadata",
    "imageMetadata",
    "createVideo",
    "dicomMetadata",
    "settings",
    "scene",
    "images",
)


def metadata_object(fields: tuple[Field, ...]) -> SearchStrategy[Entry]:
    """A complete media metadata object; each field spelt snake_case, camelCase or both."""

    def spelt(field: Field) -> SearchStrategy[dict[str, object]]:
        value = valid_value(field.cases)
        if field.camel is None:
            return value.map(lambda v: {field.name: v})
        return st.tuples(value, st.sampled_from(["snake", "camel", "both"])).map(
            lambda p: {
                **({field.name: p[0]} if p[1] != "camel" else {}),
                **({field.camel: p[0]} if p[1] != "snake" else {}),
            }
        )

    return st.tuples(*(spelt(f) for f in fields)).map(
        lambda parts: {k: v for part in parts for k, v in part.items()}
    )


def _metadata_example(fields: tuple[Field, ...]) -> Entry:
    return {f.name: f.cases[0].example for f in fields}


_urls = valid_value(STRING)
_titles = valid_value(STRING)
_client = valid_value(CLIENT_METADATA)


def valid_entry(list_key: str) -> SearchStrategy[Entry]:
    if list_key in GROUP_KEYS:
        return _valid_group(list_key)
    parts: dict[str, SearchStrategy[object]] = {
        "objectUrl": _urls,
        "title": _titles,
        "clientMetadata": _client,
    }
    if list_key in METADATA:
        key, fields = METADATA[list_key]
        parts[key] = metadata_object(fields)
    return st.fixed_dictionaries(parts)


def _valid_group(list_key: str) -> SearchStrategy[Entry]:
    parts: dict[str, SearchStrategy[object]] = {"title": _titles, "clientMetadata": _client}
    if list_key == "image_groups":
        parts["createVideo"] = st.booleans()
    files = st.lists(_urls, min_size=2, max_size=4).map(
        lambda urls: {f"objectUrl_{i}": url for i, url in enumerate(urls)}
    )
    return st.tuples(st.fixed_dictionaries(parts), files).map(lambda p: {**p[0], **p[1]})


# --- the changes of each entry type --------------------------------------------------------


def changes(list_key: str) -> list[Change]:
    if list_key in GROUP_KEYS:
        return _group_changes(list_key)
    found = value_changes(f"{list_key}.objectUrl", ("objectUrl",), STRING)
    found += value_changes(f"{list_key}.title", ("title",), STRING)
    found += value_changes(f"{list_key}.clientMetadata", ("clientMetadata",), CLIENT_METADATA)
    keys = ["objectUrl", "clientMetadata"]
    if list_key == "videos":
        found += _reserved_client_metadata()
    if list_key in METADATA:
        key, fields = METADATA[list_key]
        keys.append(key)
        found += _metadata_changes(f"{list_key}.{key}", key, fields)
    found += spelling_changes(list_key, keys)
    found += system_changes(list_key)
    known = frozenset(
        {"title", *keys, *map(snake, keys), *SYSTEM_FIELDS, *map(snake, SYSTEM_FIELDS)}
    )
    found.append(
        key_changes(
            f"{list_key}.<unknown key>", (), unknown_keys(known, _CURATED_KEYS), "objectURL"
        )
    )
    return found


def _metadata_changes(path: str, key: str, fields: tuple[Field, ...]) -> list[Change]:
    objects = (
        Case("an object with every field", metadata_object(fields), _metadata_example(fields)),
        Case("an empty object", st.just({}), {}),
        *not_of_json_type("object"),
    )
    found = value_changes(path, (key,), objects)
    for field in fields:
        found += value_changes(f"{path}.{field.name}", (key, field.name), field.cases, field.camel)
        if field.camel is None:
            continue
        found += value_changes(f"{path}.{field.camel}", (key, field.camel), field.cases, field.name)
        found += _twin_changes(path, key, field)
    names = frozenset(n for f in fields for n in (f.name, f.camel) if n)
    found.append(
        key_changes(
            f"{path}.<unknown key>", (key,), unknown_keys(names, ("frame_rate", "size")), "size"
        )
    )
    return found


#: Invalid for every metadata field, whatever its type (so one case covers them all).
_NEVER_VALID = st.none() | st.lists(st.integers(), max_size=2) | st.just({"x": 1})


def _twin_changes(path: str, key: str, field: Field) -> list[Change]:
    """Both spellings present, one of them invalid."""
    assert field.camel is not None
    found = []
    for bad, good in ((field.name, field.camel), (field.camel, field.name)):

        def both(v: object, bad: str = bad, good: str = good) -> Edit:
            def edit(entry: Entry) -> None:
                set_value((key, good), field.cases[0].example)(entry)
                set_value((key, bad), v)(entry)

            return edit

        found.append(
            Change(
                f"{path}.{bad}",
                "invalid, next to a valid "
                + ("camelCase" if bad == field.name else "documented")
                + " spelling",
                _NEVER_VALID.map(both),
                both(None),
            )
        )
    return found


_KEYFRAMES = (
    Case("frame numbers", st.lists(st.integers(0, 10**6), max_size=3), [0, 25]),
    Case(
        "a negative or fractional frame number",
        st.lists(st.integers(0, 9), max_size=2).flatmap(
            lambda ok: st.sampled_from([-1, 2.5, -(10**6)]).map(lambda bad: [*ok, bad])
        ),
        [0, -5],
    ),
    *not_of_json_type("list"),
)
_CONFIG = (
    Case(
        "sampling_rate >= 0 and keyframe_mode frame or seconds",
        st.fixed_dictionaries(
            {},
            optional={
                "sampling_rate": st.floats(0, 1e6),
                "keyframe_mode": st.sampled_from(["frame", "seconds"]),
            },
        ),
        {"sampling_rate": 1, "keyframe_mode": "frame"},
    ),
    Case(
        "a negative sampling_rate or another keyframe_mode",
        st.sampled_from([{"sampling_rate": -1}, {"keyframe_mode": "time"}, {"sampling_rate": "1"}]),
        {"keyframe_mode": "time"},
    ),
    *not_of_json_type("object"),
)


def _reserved_client_metadata() -> list[Change]:
    found = value_changes(
        "videos.clientMetadata.keyframes", ("clientMetadata", "keyframes"), _KEYFRAMES
    )
    return found + value_changes(
        "videos.clientMetadata.config", ("clientMetadata", "config"), _CONFIG
    )


def spelling_changes(list_key: str, keys: list[str]) -> list[Change]:
    """The model's field names (object_url...) where the file format has camelCase keys."""
    found = []
    for key in keys:
        name = snake(key)
        instead = rename((key,), name)
        found.append(
            Change(f"{list_key}.{name}", "instead of the camelCase key", st.just(instead), instead)
        )
        beside = json_values.map(partial(_set_key, name))
        found.append(
            Change(f"{list_key}.{name}", "next to the camelCase key", beside, set_value((name,), 1))
        )
    return found


def _set_key(key: str, value: object) -> Edit:
    return set_value((key,), value)


def system_changes(list_key: str) -> list[Change]:
    own = OWN_FILE_TYPE[list_key]
    file_types = (
        Case("the entry's own type", st.just(own), own),
        Case(
            "another type",
            st.sampled_from([t for t in OWN_FILE_TYPE.values() if t != own]),
            "PDF" if own != "PDF" else "VIDEO",
        ),
        *not_of_json_type("string"),
    )
    uuids = (
        Case("a UUID", st.uuids().map(str), "0f8fad5b-d9cb-469f-a165-70867728950e"),
        *not_of_json_type(),
    )
    found = value_changes(f"{list_key}.externalFileType", ("externalFileType",), file_types)
    found += value_changes(f"{list_key}.placeholderItemUuid", ("placeholderItemUuid",), uuids)
    cluster = json_values.map(lambda v: set_value(("clusterByResolution",), v))
    found.append(
        Change(
            f"{list_key}.clusterByResolution",
            "any value",
            cluster,
            set_value(("clusterByResolution",), True),
        )
    )
    return found


_BAD_POSITIONS = (
    "objectUrl_01",
    "objectUrl_-1",
    "objectUrl_a",
    "objectUrl_",
    "objectUrl_+2",
    "objectUrl_1.0",
    "objectUrl_\u0663",
)


def _no_files(entry: Entry) -> None:
    for key in [k for k in entry if k.startswith("objectUrl_")]:
        del entry[key]


def _group_changes(list_key: str) -> list[Change]:
    found = value_changes(f"{list_key}.title", ("title",), STRING)
    found += value_changes(f"{list_key}.clientMetadata", ("clientMetadata",), CLIENT_METADATA)
    keys = ["clientMetadata"]
    if list_key == "image_groups":
        found += value_changes(f"{list_key}.createVideo", ("createVideo",), BOOLEAN)
        keys.append("createVideo")
    found += value_changes(f"{list_key}.objectUrl_N", ("objectUrl_0",), STRING)
    found.append(Change(f"{list_key}.objectUrl_N", "none at all", st.just(_no_files), _no_files))
    beside = _urls.map(lambda url: set_value(("objectUrl",), url))
    found.append(
        Change(
            f"{list_key}.objectUrl",
            "beside objectUrl_N",
            beside,
            set_value(("objectUrl",), "https://b/x"),
        )
    )
    positions = st.sampled_from(_BAD_POSITIONS) | st.from_regex(
        r"objectUrl_0[0-9]+", fullmatch=True
    )
    not_position = key_changes(
        f"{list_key}.objectUrl_<not a position>", (), positions, "objectUrl_01"
    )
    found.append(replace(not_position, case="beside objectUrl_N"))
    found += spelling_changes(list_key, keys)
    found += system_changes(list_key)
    model_keys = ("images", "dicomFiles", "dicom_files")  # the model's shape: see model_input
    known = frozenset(
        {"title", *keys, *map(snake, keys), *SYSTEM_FIELDS, *map(snake, SYSTEM_FIELDS), *model_keys}
    )
    pool = unknown_keys(known, _CURATED_KEYS).filter(lambda k: not k.startswith("objectUrl"))
    found.append(
        key_changes(
            f"{list_key}.<unknown key>",
            (),
            pool,
            "createVideo" if list_key == "dicom_series" else "url",
        )
    )
    return found


def example_entry(list_key: str) -> Entry:
    """The valid entry every change of the sweep is applied to."""
    if list_key in GROUP_KEYS:
        group: Entry = {"title": "g", "clientMetadata": {"site": "berlin"}}
        if list_key == "image_groups":
            group["createVideo"] = False
        return group | {"objectUrl_0": "https://b/0.jpg", "objectUrl_1": "https://b/1.jpg"}
    entry: Entry = {"objectUrl": "https://b/a", "title": "a", "clientMetadata": {"site": "berlin"}}
    if list_key in METADATA:
        key, fields = METADATA[list_key]
        entry[key] = _metadata_example(fields)
    return entry
