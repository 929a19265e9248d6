"""Document -> JSON text and -> CSV text (spec 4.1): deterministic, and lossless or refused.

A CSV source already builds the entries exactly as the JSON manifest holds them, so CSV -> JSON
is the document written out. JSON -> CSV writes what CSV can express (videos, images, image
groups and sequences, DICOM series with their titles) and refuses, entry by entry, anything
it would drop: metadata, other data types, flags, or titles that CSV would read back
differently (blank, or shared by two groups, which CSV would merge).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Pointer
from encord_manifest._internal.text.formulas import describe, formula_cells

#: Header rows the converter writes, per entry list.
_CSV_HEADERS: dict[str, tuple[str, ...]] = {
    "videos": ("objecturl", "video title"),
    "images": ("objecturl", "image title"),
    "image_groups": ("objecturl", "image group title", "create video"),
    "dicom_series": ("objecturl", "series title"),
}
_SINGLE_FIELDS = frozenset({"objectUrl", "title"})


def to_json_bytes(data: dict[str, Any]) -> bytes:
    """2-space indentation, UTF-8 without escapes, a final newline; key order as built.

    Exactly ``json.dumps(data, indent=2, ensure_ascii=False)`` (a property test holds it to
    that), written by orjson: the standard library's indenting encoder is pure Python, four
    times slower on a million-row conversion, and the bytes are written as they are.
    """
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # what orjson does not take (integers beyond 64 bits)
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Refusal:
    """Something in a JSON manifest that CSV cannot carry."""

    pointer: Pointer
    message: str


def csv_refusals(data: Any, allow_formulas: bool = False) -> list[Refusal]:
    """Everything that stops a lossless conversion to CSV; empty when there is nothing.

    Without ``allow_formulas``, also every URL or title a spreadsheet would run as a formula
    (``formulas``): refused, never rewritten (a quote put before it would change the data).
    """
    if not isinstance(data, dict):
        return [Refusal((), "the manifest is not a JSON object")]
    refusals = list(_refusals(data))
    if not allow_formulas:
        refusals.extend(
            Refusal(pointer, f"{describe(value)}; --allow-formulas writes it as it is")
            for pointer, value in formula_cells(data)
        )
    return refusals


def _refusals(data: dict[str, Any]) -> Iterator[Refusal]:
    for key, value in data.items():
        if key in spec.FLAG_KEYS:
            if value is not False:
                yield Refusal((key,), f"{key} is {json.dumps(value)}; CSV has no flags")
        elif key not in spec.CSV_ENTRY_KEYS:
            if value:
                yield Refusal((key,), f"{key!r} entries cannot be written as CSV")
        elif not isinstance(value, list):
            yield Refusal((key,), f"{key!r} is not a list of entries")
        elif key in spec.GROUP_KEYS:
            yield from _group_refusals(key, value)
        else:
            for index, entry in enumerate(value):
                yield from _single_refusals(key, index, entry)


def _single_refusals(key: str, index: int, entry: Any) -> Iterator[Refusal]:
    pointer: Pointer = (key, index)
    if not isinstance(entry, dict):
        yield Refusal(pointer, "the entry is not an object")
        return
    yield from _extra_keys(pointer, entry, _SINGLE_FIELDS)
    yield from _url_refusals(pointer + ("objectUrl",), entry.get("objectUrl"))
    if "title" in entry:
        yield from _title_refusals(pointer, entry["title"])


def _group_refusals(key: str, entries: list[Any]) -> Iterator[Refusal]:
    first_with_title: dict[str, int] = {}
    for index, entry in enumerate(entries):
        pointer: Pointer = (key, index)
        if not isinstance(entry, dict):
            yield Refusal(pointer, "the entry is not an object")
            continue
        allowed = {"title", "createVideo"} if key == "image_groups" else {"title"}
        urls = [k for k in entry if _is_positional(k)]
        yield from _extra_keys(pointer, entry, allowed, positional=True)
        if not urls:
            yield Refusal(pointer, "the entry has no objectUrl_N files")
        for url_key in urls:
            yield from _url_refusals(pointer + (url_key,), entry[url_key])
        if key == "image_groups" and not isinstance(entry.get("createVideo"), bool):
            yield Refusal(
                pointer + ("createVideo",),
                "createVideo must be true or false: CSV would read a blank as true",
            )
        title = entry.get("title")
        if title is None and key == "dicom_series" and len(urls) == 1:
            continue  # a blank Series title: a one-file series titled by the server
        yield from _title_refusals(pointer, title)
        if isinstance(title, str):
            if title in first_with_title:
                yield Refusal(
                    pointer + ("title",),
                    f"title {title!r} is also the title of entry {first_with_title[title]}; "
                    "CSV would merge the two into one",
                )
            first_with_title.setdefault(title, index)


def _extra_keys(
    pointer: Pointer,
    entry: dict[str, Any],
    allowed: set[str] | frozenset[str],
    positional: bool = False,
) -> Iterator[Refusal]:
    for name in entry:
        if name not in allowed and not (positional and _is_positional(name)):
            yield Refusal(pointer + (name,), f"CSV cannot carry {name!r}")


def _url_refusals(pointer: Pointer, url: Any) -> Iterator[Refusal]:
    if not isinstance(url, str) or not url.strip():
        yield Refusal(pointer, "the URL is missing or blank; a CSV row needs one")
    elif url.strip().lower() == spec.CSV_URL_COLUMN:
        yield Refusal(pointer, f"the URL {url!r} would be read back as a header row")


def _title_refusals(pointer: Pointer, title: Any) -> Iterator[Refusal]:
    if title is None:
        yield Refusal(pointer, "the entry has no title; CSV groups files by title")
    elif title is not None and (not isinstance(title, str) or not title.strip()):
        yield Refusal(
            pointer + ("title",),
            f"title {json.dumps(title)} would be read back as a blank title",
        )


def _is_positional(key: str) -> bool:
    suffix = key[len(spec.POSITIONAL_PREFIX) :]
    return key.startswith(spec.POSITIONAL_PREFIX) and suffix.isdigit()


def to_csv_text(data: dict[str, Any]) -> str:
    """The CSV manifest of a document that ``csv_refusals`` accepted: one section per type."""
    rows: list[list[str]] = []
    for key in spec.CSV_ENTRY_KEYS:
        entries = data.get(key)
        if not entries:
            continue
        rows.append([spec.CSV_HEADER_NAMES[name] for name in _CSV_HEADERS[key]])
        for entry in entries:
            rows.extend(_csv_rows(key, entry))
    return "".join(",".join(_csv_cell(cell) for cell in row) + "\n" for row in rows)


def _csv_rows(key: str, entry: dict[str, Any]) -> Iterator[list[str]]:
    title = entry.get("title", "")
    if key not in spec.GROUP_KEYS:
        yield [entry["objectUrl"], title]
        return
    positions = sorted(
        (int(k[len(spec.POSITIONAL_PREFIX) :]), k) for k in entry if _is_positional(k)
    )
    for _, url_key in positions:
        if key == "image_groups":
            yield [entry[url_key], title, "true" if entry["createVideo"] else "false"]
        else:
            yield [entry[url_key], title]


def _csv_cell(cell: str) -> str:
    """Quoted only when it must be (the csv module would not quote a lone CR here)."""
    if any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def not_generated_reason(raw: bytes) -> str | None:
    """Why ``raw``, a JSON file beside a CSV, is not what conversion of a CSV writes; None
    when it is (``convert --sync`` then may replace it).

    No marker is needed: the converter's output is canonical, so a JSON it wrote is one that
    CSV can carry in full and that comes back byte for byte from JSON -> CSV -> JSON. A
    hand-written file (metadata, other data types, its own layout) does not.
    """
    try:
        data = json.loads(raw)
    except ValueError:  # UnicodeDecodeError included
        return "it is not valid JSON"
    if not isinstance(data, dict):
        return "it is not a JSON object"
    # The one flag conversion writes (--skip-duplicate-urls), always last.
    flagged = data.get("skip_duplicate_urls") is True and list(data)[-1] == "skip_duplicate_urls"
    if flagged:
        del data["skip_duplicate_urls"]
    refusals = csv_refusals(data, allow_formulas=True)
    if refusals:
        from encord_manifest._internal.model.diagnostics import format_pointer

        first = refusals[0]
        more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
        return f"it holds what CSV cannot carry: {format_pointer(first.pointer)}: {first.message}{more}"
    from encord_manifest._internal.sources.csv_source import load_csv

    again = load_csv("<round trip>", to_csv_text(data).encode("utf-8")).data
    if isinstance(again, dict) and flagged:
        again["skip_duplicate_urls"] = True
    if again is None or to_json_bytes(again) != raw:
        return "its text is not what conversion writes (written or edited by hand)"
    return None
