"""The SDK's typed models (``encord.orm.storage``, 0.1.211) as tables: what each field of a
DataUploadItems list is called, and where it goes in the import file format.

Data only, for ``typed_items``; nothing here imports the SDK. A test holds the tables to the
installed SDK's models where it is importable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from encord_manifest._internal.model import spec


def camel(name: str) -> str:
    """The SDK's alias of a field name (``snake_to_camel``): ``object_url`` -> ``objectUrl``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass(frozen=True)
class FileList:
    """The field of a group or series that lists its files, each written as ``objectUrl_N``."""

    name: str
    sdk_class: str
    #: Fields of one file that the file format cannot carry: only a null or absent one converts.
    lossy: tuple[str, ...]


@dataclass(frozen=True)
class ItemModel:
    """The SDK model of one list's entries, and where each of its fields goes in the file."""

    sdk_class: str
    #: The ``externalFileType`` the SDK writes on these entries (a Literal in the model).
    file_type: str
    #: Field (snake_case, the model's name) -> its key in the file format.
    fields: Mapping[str, str]
    #: Media metadata field -> the fields of its object (snake_case, as documented).
    metadata: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    files: FileList | None = None

    def key_of(self, model_name: str) -> str:
        """The file format's key of a field that is kept (media metadata: the SDK alias)."""
        return self.fields.get(model_name) or camel(model_name)

    def names(self) -> dict[str, str]:
        """Every spelling an entry may use (model name, SDK alias, file key) -> model name."""
        models = [*self.fields, *self.metadata, *SYSTEM_FIELDS]
        if self.files is not None:
            models.append(self.files.name)
        names = {camel(name): name for name in models}
        names.update({name: name for name in models})
        names.update({key: name for name, key in self.fields.items()})
        return names


#: spec.SYSTEM_FIELDS as the models name them: dropped wherever they appear.
SYSTEM_FIELDS: Final = ("external_file_type", "placeholder_item_uuid", "cluster_by_resolution")

_COMMON: Final = {"title": "title", "client_metadata": "clientMetadata"}
_SINGLE: Final = {"object_url": "objectUrl", **_COMMON}

#: The CustomerProvided*Metadata models' fields.
_VIDEO: Final = ("fps", "duration", "width", "height", "file_size", "mime_type")
_IMAGE: Final = ("mime_type", "file_size", "height", "width")
_AUDIO: Final = (
    "duration",
    "file_size",
    "mime_type",
    "sample_rate",
    "bit_depth",
    "codec",
    "num_channels",
)

#: DataUploadItems' lists, by the file format's name of each.
MODELS: Final = {
    "videos": ItemModel("DataUploadVideo", "VIDEO", _SINGLE, {"video_metadata": _VIDEO}),
    "images": ItemModel("DataUploadImage", "IMAGE", _SINGLE, {"image_metadata": _IMAGE}),
    "image_groups": ItemModel(
        "DataUploadImageGroup",
        "IMG_GROUP",
        {**_COMMON, "create_video": "createVideo"},
        files=FileList("images", "DataUploadImageGroupImage", ("title", "image_metadata")),
    ),
    "dicom_series": ItemModel(
        "DataUploadDicomSeries",
        "DICOM",
        _COMMON,
        files=FileList(
            "dicom_files", "DataUploadDicomSeriesDicomFile", ("title", "dicom_metadata")
        ),
    ),
    "audio": ItemModel("DataUploadAudio", "AUDIO", _SINGLE, {"audio_metadata": _AUDIO}),
    "nifti": ItemModel("DataUploadNifti", "NIFTI", _SINGLE),
    "text": ItemModel(
        "DataUploadText", "PLAIN_TEXT", _SINGLE, {"text_metadata": ("file_size", "mime_type")}
    ),
    "pdf": ItemModel("DataUploadPDF", "PDF", _SINGLE, {"pdf_metadata": ("file_size", "num_pages")}),
    # Their file-format fields are those of the SDK models; settings and scene are kept as
    # the SDK writes them.
    "time_series": ItemModel(
        "DataUploadTimeSeries", "TIMESERIES", {**_SINGLE, "settings": "settings"}
    ),
    "scenes": ItemModel("DataUploadScene", "SCENE", {**_COMMON, "scene": "scene"}),
}

#: DataUploadItems lists with no file-format equivalent: they convert only when empty.
NO_EQUIVALENT: Final = {
    "image_groups_from_items": "image groups made of items already in Encord "
    "(imageGroupsFromItems) have no file-format equivalent",
}

#: The order the file-format keys are written in: the converter's, the two newer lists, flags.
ORDER: Final = tuple(dict.fromkeys((*spec.ENTRY_KEYS, *MODELS, *spec.FLAG_KEYS)))

#: Every top-level name of DataUploadItems (model name, SDK alias) -> its file-format key.
TOP_LEVEL: Final = {
    spelling: key
    for key in (*MODELS, *spec.FLAG_KEYS, *NO_EQUIVALENT)
    for spelling in (key, camel(key))
}

NAMES: Final = {key: model.names() for key, model in MODELS.items()}
FILE_FIELDS: Final = ("url", "placeholder_item_uuid")
