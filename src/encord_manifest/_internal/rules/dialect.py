"""S110: a manifest in the SDK's typed form (``DataUploadItems.to_dict()``), reported once.

Such a file is not a manifest with mistakes but another format: left to the other rules it
gets a finding per camelCase key, per ``externalFileType``, per metadata spelling, and their
fixes, applied, rename half of it. Here it gets one finding, S110, and the findings that the
form itself explains (those about a place the conversion rewrites, ``typed_items.rewrites``)
are dropped; the others (a URL with a space, a title too long) stay. Its fix rewrites the whole
file in the file format, as ``convert`` writes JSON, or is not offered when the conversion
would lose anything, which the finding then names.

The check runs after the schema and the other families (``linter.lint_document``), and only
when the schema reported one of the keys that sign the form: a valid manifest costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from encord_manifest._internal.model.diagnostics import (
    Change,
    Finding,
    Fix,
    Pointer,
    Severity,
    format_pointer,
)
from encord_manifest._internal.rules import register
from encord_manifest._internal.rules.source import DUPLICATE_KEY
from encord_manifest._internal.rules.structure import (
    SYSTEM_FIELD,
    UNKNOWN_ENTRY_KEY,
    UNKNOWN_TOP_LEVEL_KEY,
)

if TYPE_CHECKING:
    from encord_manifest._internal.sources import typed_items
_URL = "https://b.s3.amazonaws.com/a.jpg"

SDK_TYPED_FORM = register(
    "S110",
    "sdk-typed-form",
    Severity.ERROR,
    "A manifest in the SDK's typed form (DataUploadItems.to_dict()), not the file format",
    explanation="""
        The SDK's DataUploadItems.to_dict() writes the typed form of an import: camelCase
        list keys (imageGroups, dicomSeries), a group's files as "images": [{"url": ...}]
        and a series' as "dicomFiles", "externalFileType" on every entry, camelCase media
        metadata. The import job reads a JSON file in another shape: it ignores the
        camelCase lists and rejects the system fields. Give the DataUploadItems object
        itself to the SDK (add_private_data_to_folder_start takes one), or write the file
        format: snake_case list keys, each file of a group or series as objectUrl_0,
        objectUrl_1, ..., no externalFileType. The one finding stands for the many the other
        rules would report about the same shape.
    """,
    failing=(
        f'{{"imageGroups": [{{"images": [{{"url": "{_URL}"}}], "title": "g", '
        '"createVideo": false, "externalFileType": "IMG_GROUP"}]}'
    ),
    passing=f'{{"image_groups": [{{"objectUrl_0": "{_URL}", "title": "g", "createVideo": false}}]}}',
    fix=(
        "The whole file rewritten in the file format (as `convert` writes JSON): snake_case "
        "list keys, objectUrl_N for the files of groups and series, documented metadata keys; "
        "externalFileType, placeholderItemUuid, nulls and empty lists dropped; titles, "
        "clientMetadata and createVideo kept. Not offered when anything has no place in the "
        "file format (a title on one file of a group, imageGroupsFromItems, a field the SDK "
        "does not have) or the file repeats a key: then nothing changes, and the finding "
        "says why."
    ),
)

#: What the schema reports about the keys that sign the typed form (typed_items.first_sign).
SIGN_CODES = frozenset({UNKNOWN_TOP_LEVEL_KEY, UNKNOWN_ENTRY_KEY, SYSTEM_FIELD})


def ignorable(disabled: Iterable[str]) -> frozenset[str]:
    """Of the disabled codes, those whose findings may be dropped unseen: not the signs of
    the typed form while S110 is on (a file showing them must reach ``recognise``)."""
    codes = frozenset(disabled)
    return codes if SDK_TYPED_FORM in codes else codes - SIGN_CODES


def recognise(data: object, findings: list[Finding], source: Iterable[Finding]) -> list[Finding]:
    """``findings`` as they are, or for the typed form: S110 and those it does not explain.

    ``findings`` are the schema's and the rules'; ``source`` the loader's (a repeated key
    stops the conversion: the parsed data has only one of its values).
    """
    places = [f.pointer for f in findings if f.code in SIGN_CODES]
    if not places:
        return findings
    # Loaded for a file that shows a sign only: the conversion is most of a lint's imports.
    from encord_manifest._internal.sources import typed_items

    sign = typed_items.first_sign(data, places)
    if sign is None or not isinstance(data, dict):
        return findings
    kept = [f for f in findings if not typed_items.rewrites(data, f.pointer)]
    return [_finding(data, sign, [f for f in source if f.code == DUPLICATE_KEY]), *kept]


def _finding(data: dict[str, object], sign: Pointer, repeated: list[Finding]) -> Finding:
    from encord_manifest._internal.sources import typed_items

    conversion = typed_items.convert(data)
    renamed = next((key for key, new in conversion.renamed.items() if new), None)
    # At the first typed key: a renamed list key, else the first sign in the file's order.
    pointer: Pointer = (renamed,) if renamed is not None else typed_items.first_sign(data) or sign
    message = (
        "written by the SDK's DataUploadItems.to_dict(): its typed form, not the import file format"
    )
    changes = _changes(conversion)
    obstacles = [
        typed_items.Obstacle(f.pointer, "the file repeats a key: only one of its values was read")
        for f in repeated
    ] + conversion.obstacles
    if obstacles:
        first = obstacles[0]
        where = format_pointer(first.pointer) or "/"
        more = f"; and {len(obstacles) - 1} more" if len(obstacles) > 1 else ""
        message += f"; --fix cannot convert it without loss: {first.reason} ({where}{more})"
        hint = f"change that in the typed items, or write the file format: {changes}"
        return Finding(SDK_TYPED_FORM, pointer, message, target="key", hint=hint)
    from encord_manifest._internal.sources.convert import to_json_bytes
    from encord_manifest._internal.sources.nesting import parser_room

    # Past orjson's depth the standard library writes it, a frame a level: up to F005's limit.
    with parser_room():
        text = to_json_bytes(conversion.data).decode("utf-8")
    fix = Fix("convert it to the file format", (Change((), "document", text),))
    hint = f"--fix converts it: {changes}"
    return Finding(SDK_TYPED_FORM, pointer, message, target="key", hint=hint, fix=fix)


def _changes(conversion: typed_items.Conversion) -> str:
    """The changes the conversion makes, in a few words: those this file needs."""
    changes = [f"{old!r} -> {new!r}" for old, new in conversion.renamed.items() if new][:2]
    if "files" in conversion.kinds:
        changes.append("each file of a group or series as objectUrl_0, objectUrl_1, ...")
    if "system" in conversion.kinds:
        changes.append("no externalFileType")
    if "spelling" in conversion.kinds:
        changes.append("the documented spelling of every key (fileSize -> file_size)")
    return ", ".join(changes) or "snake_case list keys"
