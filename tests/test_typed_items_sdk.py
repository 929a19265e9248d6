"""The typed form as the installed SDK writes it: the fixtures, the field tables, and every
DataUploadItems hypothesis builds converted to a manifest without errors (skipped, saying so,
where the ``encord`` SDK is not installed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encord_manifest._internal.engine.fixes import fix_text
from encord_manifest._internal.model import spec
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.sources import sdk_models, typed_items
from encord_manifest._internal.sources.convert import to_json_bytes
from tests import sdk_samples
from tests.test_typed_items import remaining

storage = pytest.importorskip(
    "encord.orm.storage", reason="the encord SDK is not installed: nothing to compare with"
)
H = sdk_samples.H


@pytest.mark.parametrize("path", sorted(sdk_samples.SAMPLES), ids=lambda p: p.name)
def test_the_fixtures_are_what_the_sdk_writes(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == sdk_samples.SAMPLES[path]()


def _fields(model: Any) -> set[str]:
    return set(model.model_fields)


def _model_of(annotation: Any) -> Any:
    """The model of ``Optional[X]`` or ``List[X]``."""
    (model,) = [a for a in annotation.__args__ if a is not type(None)]
    return model


@pytest.mark.parametrize("key", sorted(sdk_models.MODELS))
def test_the_field_tables_are_the_sdk_models(key: str) -> None:
    model = sdk_models.MODELS[key]
    sdk = getattr(storage, model.sdk_class)
    own = {*model.fields, *model.metadata, *([model.files.name] if model.files else [])}
    assert _fields(sdk) - set(sdk_models.SYSTEM_FIELDS) == own
    assert sdk.model_fields["external_file_type"].default == model.file_type
    for name, documented in model.metadata.items():
        assert _fields(_model_of(sdk.model_fields[name].annotation)) == set(documented)
    if model.files is not None:
        file_class = _model_of(sdk.model_fields[model.files.name].annotation)
        assert file_class.__name__ == model.files.sdk_class
        assert _fields(file_class) == {"url", "placeholder_item_uuid", *model.files.lossy}


def test_the_top_level_table_is_data_upload_items() -> None:
    names = _fields(storage.DataUploadItems)
    assert names == {*sdk_models.MODELS, *sdk_models.NO_EQUIVALENT, *spec.FLAG_KEYS}
    aliases = {field.alias or name for name, field in storage.DataUploadItems.model_fields.items()}
    assert aliases <= set(sdk_models.TOP_LEVEL)


def test_the_system_fields_are_the_specs() -> None:
    assert {sdk_models.camel(name) for name in sdk_models.SYSTEM_FIELDS} == spec.SYSTEM_FIELDS


# -- generated items ------------------------------------------------------------------------

_words = st.text(alphabet="abcdefghij-_", min_size=1, max_size=8)
_positive = st.integers(1, 10**9)
_seconds = st.floats(0.01, 1e5, allow_nan=False)
_client_metadata = st.dictionaries(st.sampled_from(["site", "batch", "ward"]), st.integers(0, 99))


def _urls(draw: st.DrawFn, key: str, count: int, extension: str, entry: int = 0) -> list[str]:
    """Distinct URLs: one folder per list and entry."""
    folder = draw(_words)
    return [f"{H}/{key}/{entry}/{folder}/{n}{extension}" for n in range(count)]


def _title(draw: st.DrawFn, key: str, n: int, extension: str = "") -> str | None:
    return draw(st.none() | st.just(f"{key}-{n}{extension}"))


def _metadata(draw: st.DrawFn, model: Any, mime: str) -> Any:
    values: dict[str, Any] = {
        "fps": draw(_seconds),
        "duration": draw(_seconds),
        "width": draw(_positive),
        "height": draw(_positive),
        "file_size": draw(_positive),
        "mime_type": mime,
        "sample_rate": draw(_positive),
        "bit_depth": draw(st.sampled_from([8, 16, 24])),
        "codec": "pcm",
        "num_channels": draw(st.integers(1, 8)),
        "num_pages": draw(_positive),
    }
    return draw(st.none() | st.just(model(**{k: values[k] for k in model.model_fields})))


@st.composite
def singles(draw: st.DrawFn, key: str) -> list[Any]:
    """Entries of one single-file list, with their media metadata where the model has it."""
    model = sdk_models.MODELS[key]
    sdk = getattr(storage, model.sdk_class)
    extension, mime, metadata_class = {
        "videos": (".mp4", "video/mp4", storage.CustomerProvidedVideoMetadata),
        "images": (".png", "image/png", storage.CustomerProvidedImageMetadata),
        "audio": (".wav", "audio/wav", storage.CustomerProvidedAudioMetadata),
        "text": (".txt", "text/plain", storage.CustomerProvidedTextMetadata),
        "pdf": (".pdf", "application/pdf", storage.CustomerProvidedPdfMetadata),
        "nifti": (".nii.gz", "", None),
        "time_series": (".csv", "", None),
    }[key]
    entries = []
    for n, url in enumerate(_urls(draw, key, draw(st.integers(0, 3)), extension)):
        fields: dict[str, Any] = {
            "object_url": url,
            "title": _title(draw, key, n, extension),
            "client_metadata": draw(_client_metadata),
        }
        for name in model.metadata:
            fields[name] = _metadata(draw, metadata_class, mime)
        entries.append(sdk(**fields))
    return entries


@st.composite
def groups(draw: st.DrawFn, key: str) -> list[Any]:
    entries = []
    for n in range(draw(st.integers(0, 3))):
        count = draw(st.integers(1, 4))
        if key == "image_groups":
            images = [
                storage.DataUploadImageGroupImage(url=u) for u in _urls(draw, key, count, ".jpg", n)
            ]
            entries.append(
                storage.DataUploadImageGroup(
                    title=f"group-{n}",
                    images=images,
                    create_video=draw(st.booleans()),
                    client_metadata=draw(_client_metadata),
                )
            )
        else:
            files = [
                storage.DataUploadDicomSeriesDicomFile(url=u, title=None)
                for u in _urls(draw, key, count, ".dcm", n)
            ]
            entries.append(storage.DataUploadDicomSeries(title=f"series-{n}", dicom_files=files))
    return entries


@st.composite
def typed_manifests(draw: st.DrawFn) -> str:
    """A DataUploadItems with at least one entry, written the ways the SDK writes it."""
    lists = {
        key: draw(singles(key)) for key in ("videos", "images", "audio", "text", "pdf", "nifti")
    }
    lists.update({key: draw(groups(key)) for key in ("image_groups", "dicom_series")})
    if draw(st.booleans()):
        lists["time_series"] = draw(singles("time_series"))
    if not any(lists.values()):
        lists["images"] = [storage.DataUploadImage(object_url=f"{H}/one.jpg")]
    skip = draw(st.booleans())
    items = storage.DataUploadItems(
        **lists, skip_duplicate_urls=skip, upsert_metadata=skip and draw(st.booleans())
    )
    written = draw(
        st.sampled_from(
            [items.to_dict(), items.to_dict(exclude_none=False), items.model_dump(mode="json")]
        )
    )
    return json.dumps(written, indent=draw(st.sampled_from([None, 2, 4])))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed_manifests())
def test_every_generated_typed_manifest_converts_to_one_without_errors(text: str) -> None:
    before = fix_text("m.json", text, LintSettings(), "json")
    assert before.applied == {"S110": 1}
    # Not an error left, nor a warning: the items are all valid, and so is their file.
    assert remaining(before.result.diagnostics) == []
    assert before.fixed.encode() == to_json_bytes(typed_items.to_file_format(json.loads(text)))
