"""The SDK's typed form of a manifest, and its conversion to the import file format.

``encord.orm.storage.DataUploadItems(...).to_dict()`` writes a dict that looks like a manifest
and is not one: camelCase list keys (``imageGroups``, ``dicomSeries``, ``timeSeries``), the
files of a group as ``images: [{"url": ...}]`` and of a series as ``dicomFiles``, the system
field ``externalFileType`` on every entry, camelCase media metadata (``fileSize``), every list
even when empty, and with ``exclude_none=False`` (or ``model_dump()``: snake_case field names)
nulls for everything unset. The import job reads a JSON *file* in another shape, and ignores or
rejects most of that.

``to_file_format`` converts the typed form completely or not at all: where something has no
place in the file format (a title on one frame of a group, ``imageGroupsFromItems``, a field the
SDK does not have), nothing is converted and ``NotConvertible`` lists what stands in the way.
``first_sign`` recognises the form, and ``rewrites`` tells which of its places a conversion
changes (what the linter reports once, as S110, instead of one finding each).

The SDK's models, as tables, are in ``sdk_models``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Pointer
from encord_manifest._internal.sources.sdk_models import (
    FILE_FIELDS,
    MODELS,
    NAMES,
    NO_EQUIVALENT,
    ORDER,
    SYSTEM_FIELDS,
    TOP_LEVEL,
    FileList,
    ItemModel,
    camel,
)


@dataclass(frozen=True)
class Obstacle:
    """What stops a lossless conversion, at its place in the typed dict."""

    pointer: Pointer
    reason: str


class NotConvertible(ValueError):
    """The typed dict holds something the file format cannot carry (``obstacles``)."""

    def __init__(self, obstacles: list[Obstacle]) -> None:
        super().__init__(obstacles[0].reason if obstacles else "not convertible")
        self.obstacles = obstacles


@dataclass
class Conversion:
    """The file-format dict, and what stands in the way of using it (nothing: use it)."""

    data: dict[str, Any]
    obstacles: list[Obstacle] = field(default_factory=list)
    #: Top-level keys renamed or dropped, in the order they were met: typed key -> new key
    #: ("" when dropped).
    renamed: dict[str, str] = field(default_factory=dict)
    #: What kinds of change were made, for messages: "files", "system", "spelling", "null".
    kinds: set[str] = field(default_factory=set)


def to_file_format(items: Mapping[str, Any]) -> dict[str, Any]:
    """The import file format of a DataUploadItems dict (``to_dict()`` or ``model_dump()``).

    Top-level keys become snake_case, the files of a group or series ``objectUrl_0``,
    ``objectUrl_1``, ... in their order, media metadata keys their documented snake_case;
    system fields (``externalFileType``, ``placeholderItemUuid``), nulls and empty lists are
    dropped. Everything else (titles, clientMetadata, createVideo, the flags) is kept as it is.
    Raises NotConvertible, converting nothing, when anything has no place in the file format.
    """
    conversion = convert(items)
    if conversion.obstacles:
        raise NotConvertible(conversion.obstacles)
    return conversion.data


def convert(items: Mapping[str, Any]) -> Conversion:
    """Convert as far as it goes; ``obstacles`` says where it is not lossless."""
    conversion = Conversion({})
    _Converter(conversion).top_level(items)
    return conversion


def first_sign(data: Any, places: Iterable[Pointer] | None = None) -> Pointer | None:
    """The first place that only the typed form has, or None: a manifest that is not in it.

    The signs: ``externalFileType`` with the value the SDK writes in that list, a group's
    ``images`` or a series' ``dicomFiles`` list, an ``imageGroupsFromItems`` key. camelCase
    list keys alone are not a sign (a near miss, ``imageGroups`` of file-format entries, is
    a misspelt key). With ``places``, only the lists and entries they point into are read
    (every sign is a key the schema reports, so its findings say where to look).
    """
    if not isinstance(data, dict):
        return None
    wanted = [(key,) for key in data] if places is None else places
    seen: set[Pointer] = set()
    for place in wanted:
        if not place or place[0] not in data:
            continue
        key = str(place[0])
        target = TOP_LEVEL.get(key)
        if target in NO_EQUIVALENT:
            return (key,)
        entries = data[key]
        if target not in MODELS or not isinstance(entries, list):
            continue
        if len(place) >= 2 and isinstance(place[1], int) and place[1] < len(entries):
            indexes: Iterable[int] = (place[1],)
        else:
            indexes = range(len(entries))
        for index in indexes:
            if (key, index) not in seen:
                seen.add((key, index))
                sign = _sign_in_entry(target, entries[index])
                if sign is not None:
                    return (key, index, sign)
    return None


def _sign_in_entry(target: str, entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return None
    model, names = MODELS[target], NAMES[target]
    for name, value in entry.items():
        model_name = names.get(name)
        if (model_name == "external_file_type" and value == model.file_type) or (
            model.files is not None and model_name == model.files.name and isinstance(value, list)
        ):
            return str(name)
    return None


def rewrites(data: Any, pointer: Pointer) -> bool:
    """Whether converting ``data`` changes the place ``pointer`` (or a place holding it)."""
    if not pointer or not isinstance(data, dict):
        return False
    key = pointer[0]
    target = TOP_LEVEL.get(str(key))
    if target is None:
        return False  # an unknown key is no part of the form: reported as it is
    if target != key or target in NO_EQUIVALENT or data.get(target) in (None, []):
        return True  # renamed, or dropped
    if len(pointer) == 1 or target not in MODELS:
        return False
    entries, index = data.get(target), pointer[1]
    if not isinstance(entries, list) or not isinstance(index, int) or index >= len(entries):
        return False
    entry = entries[index]
    if not isinstance(entry, dict):
        return False
    if len(pointer) == 2:
        return any(_field_changes(target, entry, (name,)) for name in entry)
    return _field_changes(target, entry, pointer[2:])


def _field_changes(target: str, entry: dict[str, Any], path: Pointer) -> bool:
    name = str(path[0])
    if name not in entry:
        return False
    model, model_name = MODELS[target], NAMES[target].get(name)
    value = entry[name]
    if model_name is None:
        return False  # a positional key, or a field the model lacks (an obstacle)
    if value is None or model_name in SYSTEM_FIELDS:
        return True
    if model.files is not None and model_name == model.files.name:
        return True
    if name != model.key_of(model_name):
        return True
    if model_name in model.metadata and isinstance(value, dict):
        documented = model.metadata[model_name]
        inner = value.keys() if len(path) == 1 else [path[1]] if path[1] in value else []
        return any(
            value[key] is None or spec.CAMEL_TO_DOCUMENTED.get(str(key)) in documented
            for key in inner
        )
    return False


class _Converter:
    """One walk over the typed dict, building the file-format dict and noting obstacles."""

    def __init__(self, conversion: Conversion) -> None:
        self.conversion = conversion

    def obstacle(self, pointer: Pointer, reason: str) -> None:
        self.conversion.obstacles.append(Obstacle(pointer, reason))

    def top_level(self, items: Mapping[str, Any]) -> None:
        if not isinstance(items, Mapping):
            self.obstacle((), "the manifest is not an object")
            return
        built: dict[str, Any] = {}
        spelled: dict[str, str] = {}
        for key, value in items.items():
            target = TOP_LEVEL.get(key)
            if target is None:
                self.obstacle(
                    (key,), f"{key!r} is neither a DataUploadItems field nor a manifest key"
                )
                continue
            if target in spelled:
                self.obstacle((key,), f"{key!r} and {spelled[target]!r} are the same list")
                continue
            spelled[target] = key
            kept = self.top_level_value(key, target, value)
            if key != target:
                self.conversion.renamed[key] = target if kept is not None else ""
            if kept is not None:
                built[target] = kept
        self.conversion.data.update((key, built[key]) for key in ORDER if key in built)

    def top_level_value(self, key: str, target: str, value: Any) -> Any:
        """The value to write under ``target``; None: nothing (null, or an empty list)."""
        if value is None:
            return None
        if target in NO_EQUIVALENT:
            if value != []:
                self.obstacle((key,), NO_EQUIVALENT[target])
            return None
        if target in spec.FLAG_KEYS:
            return value
        if not isinstance(value, list):
            self.obstacle((key,), f"{key!r} is not a list of items")
            return None
        # The SDK writes every list; an empty one registers nothing.
        return [
            self.entry(target, (key, index), entry) for index, entry in enumerate(value)
        ] or None

    def entry(self, target: str, pointer: Pointer, entry: Any) -> Any:
        model, names = MODELS[target], NAMES[target]
        if not isinstance(entry, dict):
            self.obstacle(pointer, f"the {model.sdk_class} is not an object")
            return entry
        has_files = model.files is not None and any(
            names.get(name) == model.files.name for name in entry
        )
        built: dict[str, Any] = {}
        for name, value in entry.items():
            self.field(model, pointer + (name,), names.get(name), value, built, has_files)
        return built

    def field(
        self,
        model: ItemModel,
        where: Pointer,
        model_name: str | None,
        value: Any,
        built: dict[str, Any],
        has_files: bool,
    ) -> None:
        name = str(where[-1])
        if model_name is None:
            if model.files is not None and not has_files and _is_positional(name):
                built[name] = value  # already in the file format
            elif model.files is not None and _is_positional(name):
                self.obstacle(where, f"{name!r} beside a list of {model.files.sdk_class} files")
            else:
                self.obstacle(where, f"{name!r} is not a field of {model.sdk_class}")
            return
        if value is None:
            self.conversion.kinds.add("null")
            return
        if model_name in SYSTEM_FIELDS:
            self.conversion.kinds.add("system")
            if model_name == "external_file_type" and value != model.file_type:
                self.obstacle(where, f"{name} {value!r} where the SDK writes {model.file_type!r}")
            return
        if model.files is not None and model_name == model.files.name:
            self.files(model.files, where, value, built)
            return
        key = model.key_of(model_name)
        if key in built:
            self.obstacle(where, f"{name!r} is a second spelling of {key!r}")
            return
        if key != name:
            self.conversion.kinds.add("spelling")
        if model_name in model.metadata:
            value = self.metadata(model.metadata[model_name], where, value)
        built[key] = value

    def files(self, files: FileList, where: Pointer, value: Any, built: dict[str, Any]) -> None:
        self.conversion.kinds.add("files")
        if not isinstance(value, list):
            self.obstacle(where, f"{where[-1]!r} is not a list of {files.sdk_class} files")
            return
        for position, item in enumerate(value):
            here = where + (position,)
            url = self.file_url(files, here, item)
            if url is not None:
                built[f"{spec.POSITIONAL_PREFIX}{position}"] = url

    def file_url(self, files: FileList, here: Pointer, item: Any) -> str | None:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            self.obstacle(here, f"a {files.sdk_class} without a url string")
            return None
        for name, value in item.items():
            model_name = name if name in files.lossy else _snake_of(name, files)
            if model_name in files.lossy and value is not None:
                self.obstacle(
                    here + (name,),
                    f"the file format has no {name!r} for one file of a group or series",
                )
            elif model_name not in files.lossy and model_name not in FILE_FIELDS:
                self.obstacle(here + (name,), f"{name!r} is not a field of {files.sdk_class}")
        return str(item["url"])

    def metadata(self, fields: tuple[str, ...], where: Pointer, value: Any) -> Any:
        if not isinstance(value, dict):
            self.obstacle(where, f"{where[-1]!r} is not an object")
            return value
        built: dict[str, Any] = {}
        for name, inner in value.items():
            documented = name if name in fields else spec.CAMEL_TO_DOCUMENTED.get(name)
            if documented not in fields:
                self.obstacle(where + (name,), f"{name!r} is not a media metadata field here")
            elif inner is None:
                self.conversion.kinds.add("null")
            elif documented in built:
                self.obstacle(where + (name,), f"{name!r} is a second spelling of {documented!r}")
            else:
                if documented != name:
                    self.conversion.kinds.add("spelling")
                built[str(documented)] = inner
        return built


def _snake_of(name: str, files: FileList) -> str:
    """The model name of a file's field spelt either way (``imageMetadata`` -> image_metadata)."""
    for model_name in (*files.lossy, *FILE_FIELDS):
        if camel(model_name) == name:
            return model_name
    return name


def _is_positional(key: str) -> bool:
    suffix = key[len(spec.POSITIONAL_PREFIX) :]
    return key.startswith(spec.POSITIONAL_PREFIX) and suffix.isdigit()
