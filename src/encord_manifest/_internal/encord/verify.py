"""``verify``: which manifest entries a dataset holds, which it lacks, and which of its rows the
manifest does not name.

How an entry is matched to a dataset row (the dataset keeps no manifest position, so this is
the best evidence it has):

- a single-file entry (videos, images, audio, nifti, text, pdf, time_series): a row whose ``file_link`` is the
  entry's ``objectUrl`` (query strings aside: a pre-signed URL's signature changes); failing
  that, when the entry has a ``title``, a row of the entry's data type with that title;
- an image group, image sequence, DICOM series or scene: a row of its data type with its
  ``title`` (the server keeps one row per group, titled by the manifest).

An entry matched by more than one row was registered more than once (a resubmission without
``skip_duplicate_urls``): reported, and failing like a missing one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from encord_manifest._internal.encord.jobs import DatasetRow
from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Pointer, Span, format_pointer
from encord_manifest._internal.model.exit_codes import EXIT_CLEAN, EXIT_FINDINGS
from encord_manifest._internal.report.full import mask_query_strings
from encord_manifest._internal.rules.scene_walk import scene_files
from encord_manifest._internal.rules.view import positional_suffix


@dataclass(frozen=True)
class ExpectedItem:
    """One manifest entry: the dataset row it should become."""

    pointer: Pointer
    urls: tuple[str, ...]
    title: str | None
    data_type: str
    grouped: bool

    def describe(self) -> str:
        noun = spec.ENTRY_NOUN[str(self.pointer[0])]
        if self.data_type == spec.IMAGE_SEQUENCE_ROW_DATA_TYPE and self.grouped:
            noun = "image sequence"
        if self.grouped:
            return f"{noun} {self.title!r} ({len(self.urls)} files)"
        return f"{noun} {mask_query_strings(self.urls[0])}"


@dataclass
class Comparison:
    present: list[ExpectedItem] = field(default_factory=list)
    missing: list[ExpectedItem] = field(default_factory=list)
    #: entries registered more than once, with their rows
    repeated: list[tuple[ExpectedItem, list[DatasetRow]]] = field(default_factory=list)
    unnamed: list[DatasetRow] = field(default_factory=list)


def expected_items(data: Any) -> Iterator[ExpectedItem]:
    """The rows a manifest (JSON form, as CSV converts to) asks for; malformed entries skipped
    (``lint`` reports them)."""
    if not isinstance(data, dict):
        return
    for key in spec.ENTRY_KEYS:
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            title = entry.get("title") if isinstance(entry.get("title"), str) else None
            if key in spec.GROUP_KEYS:
                numbered = sorted(
                    (number, value)
                    for name, value in entry.items()
                    if (number := positional_suffix(name)) is not None and isinstance(value, str)
                )
                data_type = spec.ROW_DATA_TYPE[key]
                if key == "image_groups" and entry.get("createVideo") is True:
                    data_type = spec.IMAGE_SEQUENCE_ROW_DATA_TYPE
                if title:
                    urls = tuple(url for _, url in numbered)
                    yield ExpectedItem((key, index), urls, title, data_type, grouped=True)
            elif key == spec.SCENE_KEY:
                # One row per scene, titled by the manifest, like a group.
                urls = tuple(url for _, url, _ in scene_files(entry.get("scene")))
                if title:
                    yield ExpectedItem((key, index), urls, title, spec.ROW_DATA_TYPE[key], True)
            elif isinstance(entry.get("objectUrl"), str):
                url = entry["objectUrl"]
                yield ExpectedItem((key, index), (url,), title, spec.ROW_DATA_TYPE[key], False)


def _without_query(url: str) -> str:
    return url.split("?", 1)[0]


def compare(items: list[ExpectedItem], rows: list[DatasetRow]) -> Comparison:
    by_link: dict[str, list[DatasetRow]] = defaultdict(list)
    by_title: dict[tuple[str, str], list[DatasetRow]] = defaultdict(list)
    for row in rows:
        if row.file_link:
            by_link[_without_query(row.file_link)].append(row)
        by_title[(row.data_type.upper(), row.title)].append(row)
    result = Comparison()
    named: set[str] = set()
    for item in items:
        matched: list[DatasetRow] = []
        if not item.grouped:
            matched = by_link.get(_without_query(item.urls[0]), [])
        if not matched and item.title:
            matched = by_title.get((item.data_type, item.title), [])
        named.update(row.id for row in matched)
        if not matched:
            result.missing.append(item)
        elif len(matched) > 1:
            result.repeated.append((item, matched))
        else:
            result.present.append(item)
    result.unnamed = [row for row in rows if row.id not in named]
    return result


def exit_code(comparison: Comparison, strict: bool) -> int:
    failing = comparison.missing or comparison.repeated or (strict and comparison.unnamed)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def render_text(
    path: str, dataset: str, title: str, comparison: Comparison, spans: dict[Pointer, Span]
) -> str:
    placed: list[tuple[tuple[int, int], str]] = []
    for item in comparison.missing:
        span = spans[item.pointer]
        text = f"missing from the dataset: {item.describe()} ({format_pointer(item.pointer)})"
        placed.append(((span.line, span.column), f"{path}:{span.line}:{span.column}: {text}"))
    for item, rows in comparison.repeated:
        span = spans[item.pointer]
        ids = ", ".join(row.id for row in rows)
        text = (
            f"registered {len(rows)} times: {item.describe()} "
            f"({format_pointer(item.pointer)}; rows {ids})"
        )
        placed.append(((span.line, span.column), f"{path}:{span.line}:{span.column}: {text}"))
    lines = [line for _, line in sorted(placed)]  # in the order of the file, as lint reports
    for row in comparison.unnamed:
        link = f" {mask_query_strings(row.file_link)}" if row.file_link else ""
        lines.append(f"not in the manifest: {row.data_type} {row.title!r}{link} (row {row.id})")
    checked = len(comparison.present) + len(comparison.missing) + len(comparison.repeated)
    lines.append(
        f"{path}: {checked} entries checked against dataset {dataset} ({title!r}): "
        f"{len(comparison.present)} present, {len(comparison.missing)} missing, "
        f"{len(comparison.repeated)} registered more than once; "
        f"{len(comparison.unnamed)} dataset row{'' if len(comparison.unnamed) == 1 else 's'} "
        "not in the manifest."
    )
    return "\n".join(lines) + "\n"


def render_json(
    path: str, dataset: str, title: str, comparison: Comparison, spans: dict[Pointer, Span]
) -> str:
    def entry(item: ExpectedItem) -> dict[str, Any]:
        span = spans[item.pointer]
        return {
            "pointer": format_pointer(item.pointer),
            "line": span.line,
            "column": span.column,
            "title": item.title,
            "urls": [mask_query_strings(url) for url in item.urls],
        }

    def row(row: DatasetRow) -> dict[str, Any]:
        link = mask_query_strings(row.file_link) if row.file_link else None
        return {"id": row.id, "title": row.title, "data_type": row.data_type, "file_link": link}

    document = {
        "manifest": path,
        "dataset": {"id": dataset, "title": title},
        "present": len(comparison.present),
        "missing": [entry(item) for item in comparison.missing],
        "repeated": [
            {**entry(item), "rows": [r.id for r in rows]} for item, rows in comparison.repeated
        ],
        "unnamed_rows": [row(r) for r in comparison.unnamed],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
