"""The per-series and per-sequence rules of `lint --remote`: the files of each entry compared.

A DICOM series' files (one study, distinct instances, one size) from their headers, and an
image sequence's frames (one size) from their dimensions, as the probes read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from encord_manifest._internal.model.diagnostics import Finding, Pointer
from encord_manifest._internal.remote.dicom import DicomHeader
from encord_manifest._internal.rules import remote as rules
from encord_manifest._internal.rules.view import positional_suffix


def sequence_findings(data: Any, sizes: dict[str, tuple[int, int]]) -> Iterator[Finding]:
    """Frames of an image sequence whose size differs from the first frame's."""
    for files in _entry_files(data, "image_groups", sequences_only=True):
        known = [(pointer, sizes[url]) for pointer, url in files if url in sizes]
        for pointer, size, first, first_size in _unlike_first(known):
            yield Finding(
                rules.SEQUENCE_FRAME_SIZE_DIFFERS,
                pointer,
                f"frame is {size[0]}x{size[1]}, the sequence's first frame is "
                f"{first_size[0]}x{first_size[1]}; it will be resized",
                related=first,
            )


def series_findings(data: Any, headers: dict[str, DicomHeader]) -> Iterator[Finding]:
    """The per-series rules of spec 6: one study, distinct instances, one size."""
    for files in _entry_files(data, "dicom_series"):
        read = [
            (pointer, headers[url].values)
            for pointer, url in files
            if url in headers and headers[url].status == "ok"
        ]
        studies = [(p, str(v["StudyInstanceUID"])) for p, v in read if v.get("StudyInstanceUID")]
        for pointer, _, first, _ in _unlike_first(studies):
            yield Finding(
                rules.DICOM_STUDY_DIFFERS,
                pointer,
                "StudyInstanceUID differs from the series' first file's",
                related=first,
            )
        instances: dict[str, Pointer] = {}
        for pointer, values in read:
            sop = str(values.get("SOPInstanceUID") or "")
            if sop and sop in instances:
                yield Finding(
                    rules.DICOM_DUPLICATE_INSTANCE,
                    pointer,
                    "SOPInstanceUID repeats another file's of the series",
                    related=instances[sop],
                )
            elif sop:
                instances[sop] = pointer
        dimensions = [
            (p, (v["Rows"], v["Columns"])) for p, v in read if "Rows" in v and "Columns" in v
        ]
        for pointer, size, first, first_size in _unlike_first(dimensions):
            yield Finding(
                rules.DICOM_SIZE_DIFFERS,
                pointer,
                f"{size[0]}x{size[1]} (Rows x Columns), the series' first file is "
                f"{first_size[0]}x{first_size[1]}",
                related=first,
            )


def _entry_files(
    data: Any, list_key: str, sequences_only: bool = False
) -> Iterator[list[tuple[Pointer, str]]]:
    """Per group or series entry, its files in the order of their positions."""
    entries = data.get(list_key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        if sequences_only and entry.get("createVideo") is False:
            continue
        files = sorted(
            (number, key, value)
            for key, value in entry.items()
            if (number := positional_suffix(key)) is not None and isinstance(value, str)
        )
        yield [((list_key, index, key), url) for _, key, url in files]


T = TypeVar("T")


def _unlike_first(
    values: list[tuple[Pointer, T]],
) -> Iterator[tuple[Pointer, T, Pointer, T]]:
    """Each (place, value) whose value differs from the first's, with the first's."""
    if not values:
        return
    first, first_value = values[0]
    for pointer, value in values[1:]:
        if value != first_value:
            yield pointer, value, first, first_value
