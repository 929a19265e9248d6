"""The two judges of test_sdk_models: the shipped schema, and the SDK's model of the same entry.

How the file format maps to the model's input (``model_input``):

- single-file entries (videos, images, audio, text, pdf, nifti, time_series, scenes) are the
  model's input as they are: the SDK's models (``BaseDTO``) take camelCase aliases
  (``objectUrl``, ``clientMetadata``, ``videoMetadata``, ``fileSize``) and, populating by
  name, the snake_case field names too (``object_url``, ``file_size``); unknown keys are
  ignored.
- image groups: the positional keys ``objectUrl_0``, ``objectUrl_1``, ... become
  ``images: [{"url": ...}, ...]`` in numeric order (DataUploadImageGroup); DICOM series:
  ``dicomFiles: [{"url": ..., "title": null}, ...]`` (DataUploadDicomSeries; a file's
  ``title`` has no default in the model, and the file format has no per-file title). Only
  the schema's positions (0, 1, 2... without sign or leading zero) are files; any other key,
  ``objectUrl_01`` or a bare ``objectUrl`` among them, stays a key of the group, which the
  model ignores. Every other key of the group passes through unchanged.
- the manifest: DataUploadItems, with each entry mapped as above; its snake_case field names
  are the file format's top-level keys.
- a scene is accepted when DataUploadScene accepts the entry and encord.beta.scene's
  InputScene (what the SDK's SceneBuilder writes) accepts its ``scene``.
"""

from __future__ import annotations

import copy
import re
import warnings
from typing import Any

from encord_manifest._internal.rules import schema

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from encord.beta.scene.internal.upload import InputScene
    from encord.orm import storage
import jsonschema_rs
from pydantic import BaseModel, ValidationError

MODELS: dict[str, type[BaseModel]] = {
    "videos": storage.DataUploadVideo,
    "images": storage.DataUploadImage,
    "audio": storage.DataUploadAudio,
    "text": storage.DataUploadText,
    "pdf": storage.DataUploadPDF,
    "nifti": storage.DataUploadNifti,
    "image_groups": storage.DataUploadImageGroup,
    "dicom_series": storage.DataUploadDicomSeries,
    "time_series": storage.DataUploadTimeSeries,
    "scenes": storage.DataUploadScene,
}
#: The schema's positional keys (its patternProperties): only these are files.
_POSITION = re.compile(r"objectUrl_(0|[1-9][0-9]*)")


def model_input(list_key: str, entry: Any) -> Any:
    if list_key not in ("image_groups", "dicom_series") or not isinstance(entry, dict):
        return entry
    files = sorted(
        (int(match.group(1)), value)
        for key, value in entry.items()
        if (match := _POSITION.fullmatch(key))
    )
    mapped = {key: value for key, value in entry.items() if not _POSITION.fullmatch(key)}
    if list_key == "image_groups":
        mapped["images"] = [{"url": url} for _, url in files]
    else:
        mapped["dicomFiles"] = [{"url": url, "title": None} for _, url in files]
    return mapped


#: The model's aliases of the group lists: entries under them are groups too.
_GROUP_ALIASES = {"imageGroups": "image_groups", "dicomSeries": "dicom_series"}


def manifest_input(manifest: Any) -> Any:
    if not isinstance(manifest, dict):
        return manifest
    return {
        key: [model_input(_GROUP_ALIASES.get(str(key), str(key)), e) for e in value]
        if isinstance(value, list)
        else value
        for key, value in manifest.items()
    }


def model_error(list_key: str, entry: Any) -> str | None:
    """Why the SDK's model rejects the entry (``list_key`` "manifest": the whole manifest);
    None when it accepts it."""
    given = copy.deepcopy(entry)  # InputScene's camera validator writes into its input
    try:
        if list_key == "manifest":
            storage.DataUploadItems.model_validate(manifest_input(given))
            return None
        MODELS[list_key].model_validate(model_input(list_key, given))
        if list_key == "scenes":
            InputScene.model_validate(given["scene"])
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
    return None


def schema_error(list_key: str, entry: Any) -> str | None:
    """The first finding of the linter's schema validation; None when it finds nothing."""
    document = entry if list_key == "manifest" else {list_key: [entry]}
    findings = schema.validate(document)
    # validate() trusts the compiled validator's "valid": the two must agree.
    try:
        compiled = _compiled().is_valid(document)
    except ValueError:  # jsonschema-rs 0.20 cannot take an integer beyond 64 bits; then
        compiled = not findings  # validate() asks the reference validator alone
    assert compiled == (not findings), f"the schema's two validators disagree on {document!r}"
    return f"{findings[0].code} {findings[0].message}" if findings else None


_compiled_validator: list[Any] = []


def _compiled() -> Any:
    if not _compiled_validator:
        _compiled_validator.append(jsonschema_rs.validator_for(schema.schema()))
    return _compiled_validator[0]


def verdict(error: str | None) -> str:
    return "accepts" if error is None else "rejects"
