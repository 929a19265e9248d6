"""The schema held to the SDK's own models (issue 16, item 2).

The encord SDK's pydantic models are the closest thing to Encord's server-side definition of
an import. For every entry type, media metadata object and the manifest itself, each change
of a valid entry (``sdk_shapes``: one field set to one case of value, dropped, misspelt...)
is judged twice: by the linter's schema validation (``encord_manifest._internal.rules.schema.validate``, the
shipped code) and by the SDK's model of the same entry (``sdk_verdicts`` documents how the
file format maps onto the models' shapes). Where the two disagree, POLICY below says so and
why; the tests hold the observed differences to be exactly the table's, so that a new SDK
release, or a schema change, that moves a verdict fails here with the row it contradicts.
docs/sdk-model-differences.md is the same table, for users
(regenerate: ``PYTHONPATH=src python -m tests.test_sdk_models``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

pytest.importorskip(
    "encord", reason="the encord SDK is not installed: nothing to hold the schema to"
)

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encord_manifest._internal.engine.linter import lint_bytes
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import schema
from tests import sdk_shapes as shapes
from tests import sdk_shapes_more as more
from tests.sdk_cases import Change, Entry, apply, snake
from tests.sdk_verdicts import model_error, schema_error, verdict

A, R = "accepts", "rejects"
SINGLE, GROUPS = shapes.SINGLE_KEYS, shapes.GROUP_KEYS
NEW = ("time_series", "scenes")  # issue 16 item 1 adds them to the schema
ALL = SINGLE + GROUPS + NEW


@dataclass(frozen=True)
class Difference:
    section: str
    paths: tuple[str, ...]
    cases: tuple[str, ...]
    schema: str
    model: str
    why: str


def at(lists: tuple[str, ...], *keys: str) -> tuple[str, ...]:
    return tuple(f"{lst}.{key}" for lst in lists for key in keys)


def metadata(kind: str, lists: tuple[str, ...] = tuple(shapes.METADATA)) -> tuple[str, ...]:
    """Paths of the media metadata fields of one kind ("number", "integer", "mime"...), both
    spellings."""
    found = []
    for lst in lists:
        key, fields = shapes.METADATA[lst]
        for field in fields:
            if _kind(lst, field) == kind:
                found += [f"{lst}.{key}.{n}" for n in (field.name, field.camel) if n]
    return tuple(found)


def _kind(lst: str, field: shapes.Field) -> str:
    if field.name == "mime_type":
        return "text" if lst == "text" else "mime"
    return {"fps": "number", "duration": "number", "codec": "text"}.get(field.name, "integer")


def twins(lists: tuple[str, ...] = tuple(shapes.METADATA)) -> tuple[str, ...]:
    return tuple(
        f"{lst}.{shapes.METADATA[lst][0]}.{f.name}"
        for lst in lists
        for f in shapes.METADATA[lst][1]
        if f.camel
    )


_METADATA_KEYS = tuple(f"{lst}.{key}" for lst, (key, _) in shapes.METADATA.items())
_NOT_JSON = ("null", "a boolean", "a number", "a word", "a list", "an object")
#: The camelCase entry keys whose snake_case field names the model takes too.
_CAMEL_KEYS: dict[str, tuple[str, ...]] = {
    lst: ("objectUrl", "clientMetadata") for lst in (*SINGLE, "time_series")
}
_CAMEL_KEYS |= {lst: (*_CAMEL_KEYS[lst], shapes.METADATA[lst][0]) for lst in shapes.METADATA}
_CAMEL_KEYS |= {
    "image_groups": ("clientMetadata", "createVideo"),
    "dicom_series": ("clientMetadata",),
    "scenes": ("clientMetadata",),
}
_FIELD_NAMES = tuple(f"{lst}.{snake(key)}" for lst, keys in _CAMEL_KEYS.items() for key in keys)


# fmt: off
POLICY: tuple[Difference, ...] = (
    # --- every entry -----------------------------------------------------------------------
    Difference("Every entry", at(SINGLE + ("time_series",), "objectUrl") + at(GROUPS, "objectUrl_N"), ("an empty string",), R, A,
               "An empty URL names no object: the import job would fail on it, one entry at a time, long after the upload."),
    Difference("Every entry", at(SINGLE + GROUPS + NEW, "title"), ("an empty string",), R, A,
               "Encord shows the title as the item's name; an empty one is most likely an empty spreadsheet cell. Leave the key out to have Encord use the file name."),
    Difference("Every entry", at(SINGLE + ("time_series",), "title"), ("null",), R, A,
               "The model reads null as no title (Encord then uses the file name); the file format documents a string, and null is what scripts write for a missing value. Leave the key out instead."),
    Difference("Every entry", at(GROUPS, "title"), ("null",), R, A,
               "The model types a group's title as optional, but the SDK says it is required for imports from a cloud integration, and the title is what makes files one group."),
    Difference("Every entry", at(SINGLE + GROUPS + NEW, "clientMetadata"), ("an object with an empty key",), R, A,
               "Encord's metadata schema names each key; an empty key can be neither filtered nor sorted on."),
    Difference("Every entry", ("videos.clientMetadata.keyframes",), ("a negative or fractional frame number", "null", "a boolean", "a number", "a word", "an object"), R, A,
               "keyframes is a reserved key of a video's clientMetadata that Encord reads (documented: a list of frame numbers); the model keeps clientMetadata as an untyped object."),
    Difference("Every entry", ("videos.clientMetadata.config",), ("a negative sampling_rate or another keyframe_mode", "null", "a boolean", "a number", "a word", "a list"), R, A,
               "config is a reserved key of a video's clientMetadata that Encord reads (documented: sampling_rate >= 0, keyframe_mode frame or seconds); the model keeps clientMetadata untyped."),
    Difference("Every entry", at(SINGLE + GROUPS + NEW, "<unknown key>"), ("any value",), R, A,
               "The model ignores keys it does not know, without a word: a misspelt key (objectURL, Title, url) would lose its value silently."),
    Difference("Every entry", _FIELD_NAMES, ("instead of the camelCase key", "next to the camelCase key"), R, A,
               "The model also takes its Python field names (object_url, client_metadata, create_video, video_metadata), and ignores them next to the camelCase key; Encord documents only the camelCase keys. The finding names the documented key, and --fix renames a field name where the key is not there already."),
    Difference("Every entry", at(SINGLE + GROUPS + NEW, "externalFileType"), ("the entry's own type",), R, A,
               "Set by the SDK when it builds its typed form (DataUploadItems.to_dict()); a manifest written by hand does not carry it (any other value the model rejects too)."),
    Difference("Every entry", at(SINGLE + ("scenes",), "placeholderItemUuid"), ("a UUID", "null"), R, A,
               "For system use only, says the SDK: it points at a placeholder item Encord created itself."),
    Difference("Every entry", at(GROUPS + ("time_series",), "placeholderItemUuid"), ("a UUID", *_NOT_JSON), R, A,
               "For system use only, says the SDK; the group (and time series) models have no such field and ignore it."),
    Difference("Every entry", at(SINGLE + GROUPS + NEW, "clusterByResolution"), ("any value",), R, A,
               "Named a system field by earlier SDK releases; 0.1.211 has no such field and ignores it. The linter keeps reporting it as set by Encord."),
    # --- media metadata --------------------------------------------------------------------
    Difference("Media metadata", _METADATA_KEYS, ("null",), R, A,
               "The model reads null as no media metadata. Leave the key out instead: null is what a script writes when probing the file failed, and a strict client-only integration needs the metadata."),
    Difference("Media metadata", metadata("number") + metadata("integer"), ("zero or negative",), R, A,
               "A file has a positive size, frame rate, duration and dimensions; Encord uses these values instead of reading the file, so a zero reaches the label editor."),
    Difference("Media metadata", metadata("number") + metadata("integer"), ("a number in a string", "a boolean"), R, A,
               "The model converts \"25\" to 25 and true to 1 (pydantic's lax mode); JSON numbers are required here: a quoted number is spreadsheet debris, and true is never meant as 1."),
    Difference("Media metadata", metadata("integer"), ("a whole number from 2^63 up",), R, A,
               "The model refuses the same number written as a float (1e20) and no file has 2^63 bytes, pixels or samples: the schema's maximum is 2^63-1."),
    Difference("Media metadata", metadata("number"), ("infinity (1e400 in the file)",), R, A,
               "JSON has no infinity; Python's JSON reader turns 1e400 into it. The schema's maximum is the largest double."),
    Difference("Media metadata", metadata("mime"), ("another family's type", "an empty string"), R, A,
               "Encord renders the file by this type: a video's must be video/..., an image's image/..., an audio file's audio/..."),
    Difference("Media metadata", metadata("text"), ("an empty string",), R, A,
               "An empty MIME type or codec says nothing; Encord uses these values instead of reading the file."),
    Difference("Media metadata", twins(), ("invalid, next to a valid camelCase spelling",), R, A,
               "With both spellings the model reads only the camelCase one (its alias) and ignores the documented one; which one Encord's import reads is not documented, so both must be valid (and M203 asks for one spelling)."),
    Difference("Media metadata", tuple(f"{k}.<unknown key>" for k in _METADATA_KEYS), ("any value",), R, A,
               "The model drops unknown keys silently: a misspelt field (frame_rate, size) loses its value."),
    # --- groups and DICOM series -----------------------------------------------------------
    Difference("Image groups and DICOM series", ("image_groups.createVideo",), ("a word the model reads as a boolean (true, no, off, 1...)", "0 or 1"), R, A,
               "createVideo chooses between an image group and an image sequence (which needs write permission); only true and false are unambiguous: a reader that does not convert \"false\" takes it as true."),
    Difference("Image groups and DICOM series", at(GROUPS, "objectUrl_N"), ("none at all",), R, A,
               "The model takes an empty list of files; a group without files is nothing to import."),
    Difference("Image groups and DICOM series", at(GROUPS, "objectUrl", "objectUrl_<not a position>"), ("beside objectUrl_N",), R, A,
               "Only objectUrl_0, objectUrl_1, ... are files (the test maps them to the model's images / dicomFiles); a bare objectUrl or objectUrl_01 in a group is not read as a file, and that file would be lost."),
    # --- the top level ---------------------------------------------------------------------
    Difference("Top level", ("manifest.skip_duplicate_urls", "manifest.upsert_metadata"), ("a word the model reads as a boolean (true, no, off, 1...)", "0 or 1"), R, A,
               "Only true and false are unambiguous; a reader that does not convert \"false\" takes it as true, and skip_duplicate_urls decides whether a retry duplicates every item."),
    Difference("Top level", ("manifest.imageGroups", "manifest.dicomSeries", "manifest.skipDuplicateUrls", "manifest.upsertMetadata"), ("instead of the snake_case key",), R, A,
               "camelCase top-level keys are the SDK's typed form (DataUploadItems.to_dict()); the import file's keys, as Encord documents them, are snake_case."),
    Difference("Top level", ("manifest.image_groups_from_items",), ("a list of image items",), R, A,
               "Groups made of items already in Encord, named by UUID: an SDK call, not part of an import file."),
    Difference("Top level", ("manifest.<unknown key>",), ("any value",), R, A,
               "The model ignores unknown top-level keys; their entries would be lost without a word."),
    # --- scenes and time series (expected verdicts: checked once the schema has them) ------
    Difference("Point-cloud scenes and time series", ("scenes.scene.<stream>.events[].timestamp",), ("missing",), A, R,
               "Encord's documentation shows events without timestamps (numbered 1, 2, 3); the SDK's scene model (what its SceneBuilder writes) requires one. The schema follows the documentation."),
    Difference("Point-cloud scenes and time series", ("scenes.scene.<stream>.events[].timestamp",), ("a number in a string", "a boolean"), R, A,
               "The model converts \"1\" and true to numbers; a timestamp is a JSON number of seconds."),
    Difference("Point-cloud scenes and time series", ("scenes.scene.<stream>.events[].uri",), ("an empty string",), R, A,
               "An empty URI names no point cloud: the scene would fail on it."),
    Difference("Point-cloud scenes and time series", ("scenes.scene.<stream>.events[].<unknown key>", "time_series.settings.channels.<header>.<unknown key>"), ("any value",), R, A,
               "The model drops unknown keys of an event or a channel silently: a misspelt key loses its value."),
    Difference("Point-cloud scenes and time series", ("time_series.settings",), ("null",), R, A,
               "The model reads null as no settings; leave the key out instead."),
    Difference("Point-cloud scenes and time series", ("scenes.scene",), ("an empty object",), A, R,
               "The linter reports it, as P910, a rule: a scene needs a point_cloud or image stream, and a schema cannot ask that of one of a map's values."),
)
# fmt: on

LOOKUP = {(p, c): row for row in POLICY for p in row.paths for c in row.cases}


@cache
def _changes(list_key: str) -> tuple[Change, ...]:
    makers = {
        "manifest": more.manifest_changes,
        "time_series": more.time_series_changes,
        "scenes": more.scene_changes,
    }
    return tuple(makers[list_key]() if list_key in makers else shapes.changes(list_key))


@cache
def _valid(list_key: str) -> st.SearchStrategy[Entry]:
    makers = {
        "manifest": more.valid_manifest,
        "time_series": more.valid_time_series,
        "scenes": more.valid_scene,
    }
    return makers[list_key]() if list_key in makers else shapes.valid_entry(list_key)


def _example(list_key: str) -> Entry:
    makers = {
        "manifest": more.example_manifest,
        "time_series": more.example_time_series,
        "scenes": more.example_scene,
    }
    return makers[list_key]() if list_key in makers else shapes.example_entry(list_key)


def _in_schema(list_key: str) -> bool:
    return list_key not in NEW or list_key in schema.schema()["properties"]


def _pending(list_key: str) -> pytest.MarkDecorator:
    reason = f"the schema has no {list_key!r} yet (issue 16 item 1): enable after merging it"
    return pytest.mark.skipif(not _in_schema(list_key), reason=reason)


#: One sweep per entry list. The hypothesis tests draw the list from all the schema has, so
#: that the run stays bounded (200 examples a test); a new type the schema lacks yet stands
#: apart, skipped, and joins the others once the schema defines it.
EACH = [pytest.param(k, marks=_pending(k)) for k in (*ALL, "manifest")]
FORMAT = (*SINGLE, *GROUPS, "manifest", *(k for k in NEW if _in_schema(k)))
KINDS = [
    pytest.param(FORMAT, id="file-format"),
    *(pytest.param((k,), id=k, marks=_pending(k)) for k in NEW if not _in_schema(k)),
]


def mismatch(list_key: str, change: Change, entry: Entry) -> str | None:
    """What is wrong with the two verdicts on ``entry``, as the table reads them; None if nothing."""
    try:
        s = schema_error(list_key, entry)
    except AssertionError as disagreement:
        return f"{change.path} = {change.case}: {disagreement}"
    m = model_error(list_key, entry)
    observed = (verdict(s), verdict(m))
    row = LOOKUP.get((change.path, change.case))
    said = f"{change.path} = {change.case}: the schema {observed[0]} ({s}), the model {observed[1]} ({m}); entry {entry!r}"
    if row is None and observed[0] != observed[1]:
        return (
            f"a difference POLICY does not list: {said}. Fix the schema, or add a row saying why."
        )
    if row is not None and observed != (row.schema, row.model):
        return (
            f"POLICY ({row.section}: {row.why[:60]}...) says the schema {row.schema} and the model {row.model}, "
            f"but {said}. A new SDK release or a schema change moved a verdict: update the row and the docs."
        )
    return None


@pytest.mark.parametrize("list_key", EACH)
def test_every_change_of_an_example_entry_gets_the_verdicts_of_the_table(list_key: str) -> None:
    base = _example(list_key)
    verdicts = schema_error(list_key, base), model_error(list_key, base)
    assert verdicts == (None, None), f"the example {list_key} entry is refused: {verdicts}"
    found = [m for c in _changes(list_key) if (m := mismatch(list_key, c, apply(base, c.example)))]
    assert not found, "\n".join(found)


def test_every_row_of_the_table_names_changes_that_are_made() -> None:
    made = {(c.path, c.case) for k in (*ALL, "manifest") for c in _changes(k)}
    dead = sorted(key for key in LOOKUP if key not in made)
    assert not dead, f"POLICY names changes no test makes: {dead}"
    assert len(LOOKUP) == sum(len(r.paths) * len(r.cases) for r in POLICY), (
        "a change is in two rows"
    )


_BOUNDED = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("kinds", KINDS)
@_BOUNDED
@given(data=st.data())
def test_one_change_of_any_valid_entry_gets_the_verdicts_of_the_table(
    kinds: tuple[str, ...], data: st.DataObject
) -> None:
    list_key = data.draw(st.sampled_from(kinds), label="list")
    base = data.draw(_valid(list_key), label="valid entry")
    verdicts = schema_error(list_key, base), model_error(list_key, base)
    assert verdicts == (None, None), f"a valid {list_key} entry is refused: {verdicts}; {base!r}"
    change = data.draw(st.sampled_from(_changes(list_key)), label="change")
    entry = apply(base, data.draw(change.edits, label="edit"))
    assert (found := mismatch(list_key, change, entry)) is None, found


@pytest.mark.parametrize("kinds", KINDS)
@_BOUNDED
@given(data=st.data())
def test_what_the_schema_accepts_the_model_accepts(
    kinds: tuple[str, ...], data: st.DataObject
) -> None:
    """Several changes at once: an entry the schema passes never fails the model, but where
    POLICY records that the schema accepts what the model rejects."""
    list_key = data.draw(st.sampled_from(kinds), label="list")
    entry = data.draw(_valid(list_key), label="valid entry")
    picked = data.draw(
        st.lists(st.sampled_from(_changes(list_key)), min_size=1, max_size=4), label="changes"
    )
    for change in picked:
        entry = apply(entry, data.draw(change.edits, label=change.path))
    if schema_error(list_key, entry) is not None:
        return
    allowed = [
        c
        for c in picked
        if (row := LOOKUP.get((c.path, c.case))) and (row.schema, row.model) == (A, R)
    ]
    error = model_error(list_key, entry)
    assert error is None or allowed, (
        f"the schema accepts what the model rejects ({error}): {entry!r}"
    )


# --- the same table, for users -------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs" / "sdk-model-differences.md"
START, END = "<!-- table: generated by tests/test_sdk_models.py -->", "<!-- end of table -->"


def _fields(paths: tuple[str, ...]) -> str:
    """How a row's paths read in the docs: `objectUrl` (every single-file entry);
    `videoMetadata`: `fps`, `file_size` / `fileSize`."""
    lists_of: dict[str, list[str]] = {}
    for path in paths:
        lst, rest = path.split(".", 1)
        if lst == "manifest" or _in_schema(lst):
            lists_of.setdefault(rest, []).append(lst)
    parts: list[str] = []
    fields_of: dict[str, list[str]] = {}
    for rest, lists in lists_of.items():
        head, _, name = rest.partition(".")
        if name and head in _METADATA_NAMES:
            fields_of.setdefault(head, []).append(name)
        else:
            parts.append(f"`{rest}`" + (f" ({_lists(lists)})" if lists != ["manifest"] else ""))
    for head, names in fields_of.items():
        spelt = [n for n in names if n not in _CAMEL_OF.values()]
        listed = ", ".join(
            f"`{n}`" + (f" / `{_CAMEL_OF[n]}`" if _CAMEL_OF.get(n) in names else "") for n in spelt
        )
        parts.append(f"`{head}`: {listed}" if listed else f"`{head}`")
    return "; ".join(parts)


_METADATA_NAMES = frozenset(key for key, _ in shapes.METADATA.values())
_CAMEL_OF = {f.name: f.camel for _, fields in shapes.METADATA.values() for f in fields if f.camel}


def _lists(lists: list[str]) -> str:
    active = [k for k in ALL if _in_schema(k)]
    single = [k for k in (*SINGLE, "time_series") if _in_schema(k)]
    if lists == active:
        return "every entry"
    if lists == single:
        return "every single-file entry"
    return ", ".join(lists)


def render() -> str:
    lines, section = [START], ""
    for row in POLICY:
        if not (fields := _fields(row.paths)):
            continue
        if row.section != section:
            section = row.section
            lines += [
                "",
                f"### {section}",
                "",
                "| Field | Value | Linter | SDK model | Why |",
                "|---|---|---|---|---|",
            ]
        cases = "; ".join(row.cases).replace("|", "\\|")
        lines.append(f"| {fields} | {cases} | {row.schema} | {row.model} | {row.why} |")
    return "\n".join([*lines, "", END])


def _documented() -> str:
    text = DOCS.read_text(encoding="utf-8")
    return text[text.index(START) : text.index(END) + len(END)]


def test_the_docs_show_the_table() -> None:
    assert _documented() == render(), (
        "docs/sdk-model-differences.md is out of date: run PYTHONPATH=src python -m tests.test_sdk_models"
    )


def test_what_the_linter_accepts_the_model_accepts_but_for_one_documented_row() -> None:
    """docs/sdk-model-differences.md promises this in its first paragraph; a new row where the
    schema is the more lenient one must change that paragraph too."""
    lenient = [(row.paths, row.cases) for row in POLICY if (row.schema, row.model) == (A, R)]
    # An empty scene passes the schema, and a rule (P910) rejects it: the linter, not the
    # schema alone, is what the promise is about.
    assert sorted(lenient) == [
        (("scenes.scene",), ("an empty object",)),
        (("scenes.scene.<stream>.events[].timestamp",), ("missing",)),
    ]
    assert run_lint_codes({"scenes": [{"title": "s", "scene": {}}]}) == ["P910"]
    assert "The one place is a scene event without a `timestamp`" in DOCS.read_text(
        encoding="utf-8"
    )


def run_lint_codes(manifest: dict[str, object]) -> list[str]:
    raw = json.dumps(manifest).encode()
    return [d.code for d in lint_bytes("m.json", raw, LintSettings()).diagnostics]


if __name__ == "__main__":
    text = DOCS.read_text(encoding="utf-8")
    DOCS.write_text(text.replace(_documented(), render()), encoding="utf-8")
    sys.exit(0)
