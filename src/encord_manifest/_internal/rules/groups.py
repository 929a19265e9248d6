"""G: image groups, image sequences and DICOM series (spec section 2.2)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Change, Finding, Fix, Severity
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_check, register
from encord_manifest._internal.rules.urls import extension_of
from encord_manifest._internal.rules.view import GroupTable, ManifestView
from encord_manifest._internal.text.lazy_pattern import LazyPattern

_TIF = LazyPattern(r"\.tif")

_U = "https://b.s3.amazonaws.com"

MISSING_CREATE_VIDEO = register(
    "G501",
    "missing-create-video",
    Severity.WARNING,
    "An image group without createVideo",
    explanation="""
        createVideo decides what an image_groups entry becomes: false keeps the images as an
        image group (mixed sizes fine, read permission enough); true encodes them into an
        image sequence (every frame resized to the first one's size; needs write permission
        on the bucket). The SDK's typed model defaults to false (create_video: bool = False),
        but the import page does not say what the JSON file format does without the key, and a
        CSV section without the column means true: say which one you mean.
    """,
    failing=f'{{"image_groups": [{{"title": "g", "objectUrl_0": "{_U}/a.jpg"}}]}}',
    passing=f'{{"image_groups": [{{"title": "g", "createVideo": false, "objectUrl_0": "{_U}/a.jpg"}}]}}',
)

INVALID_POSITIONAL_KEY = register(
    "G502",
    "invalid-positional-key",
    Severity.ERROR,
    "An objectUrl_N key whose N is not a plain number",
    origin="schema",
    explanation="""
        The files of a group or series are objectUrl_0, objectUrl_1, ...; N is a decimal
        number without sign or leading zeros. objectUrl_01, objectUrl_-1 or objectUrl_a are
        not positions, and the server drops or misorders them.
    """,
    failing=f'{{"dicom_series": [{{"title": "s", "objectUrl_0": "{_U}/1.dcm", "objectUrl_01": "{_U}/2.dcm"}}]}}',
    passing=f'{{"dicom_series": [{{"title": "s", "objectUrl_0": "{_U}/1.dcm", "objectUrl_1": "{_U}/2.dcm"}}]}}',
    fix="objectUrl_01 and the like are renamed to objectUrl_1, unless that key is there already.",
)

NO_POSITIONAL_KEYS = register(
    "G503",
    "no-positional-keys",
    Severity.ERROR,
    "A group or series without any objectUrl_N key",
    origin="schema",
    explanation="""
        An image group, image sequence or DICOM series lists its files as objectUrl_0,
        objectUrl_1, ...; an entry with none of them imports nothing.
    """,
    failing='{"dicom_series": [{"title": "s"}]}',
    passing=f'{{"dicom_series": [{{"title": "s", "objectUrl_0": "{_U}/1.dcm"}}]}}',
)

OBJECT_URL_IN_GROUP = register(
    "G504",
    "object-url-in-group",
    Severity.ERROR,
    "objectUrl in a group or series entry",
    origin="schema",
    explanation="""
        Groups and series take positional keys only. A plain objectUrl there, alone or next
        to objectUrl_N keys, is not one of the group's files; rename it objectUrl_0 (and
        number the others from 1).
    """,
    failing=f'{{"dicom_series": [{{"title": "s", "objectUrl": "{_U}/1.dcm"}}]}}',
    passing=f'{{"dicom_series": [{{"title": "s", "objectUrl_0": "{_U}/1.dcm"}}]}}',
    fix="Renamed to objectUrl_0 when the entry has no positional key yet.",
)

POSITIONAL_GAP = register(
    "G505",
    "positional-gap",
    Severity.WARNING,
    "objectUrl_N keys not contiguous from 0",
    explanation="""
        Positions should run 0, 1, 2, ... without gaps. A gap or a start above 0 usually
        means a file was deleted from the list by hand, or an off-by-one in a generator.
        Order is numeric: objectUrl_10 comes after objectUrl_9.
    """,
    failing=f'{{"dicom_series": [{{"title": "s", "objectUrl_0": "{_U}/1.dcm", "objectUrl_2": "{_U}/3.dcm"}}]}}',
    passing=f'{{"dicom_series": [{{"title": "s", "objectUrl_0": "{_U}/1.dcm", "objectUrl_1": "{_U}/3.dcm"}}]}}',
    fix="The files are renumbered 0, 1, 2, ... in the order of their positions.",
)

SEQUENCE_TOO_LONG = register(
    "G506",
    "sequence-too-long",
    Severity.ERROR,
    f"An image sequence of more than {spec.MAX_SEQUENCE_IMAGES:,} images",
    explanation=f"""
        An image sequence is encoded into a video of at most {spec.MAX_SEQUENCE_IMAGES:,}
        frames (about 21:50 at 25 fps); a longer one fails. Split it, or upload the video.
        Applies where createVideo is true or missing.
    """,
    failing=f'{{"image_groups": [{{"title": "s", "createVideo": true, "objectUrl_0": "{_U}/0.jpg", ..., "objectUrl_32767": "{_U}/32767.jpg"}}]}}',
    passing=f'{{"image_groups": [{{"title": "s", "createVideo": true, "objectUrl_0": "{_U}/0.jpg", ..., "objectUrl_9999": "{_U}/9999.jpg"}}]}}',
    example_is_literal=False,
)

SEQUENCE_LONG = register(
    "G507",
    "sequence-long",
    Severity.WARNING,
    f"An image sequence of more than {spec.RECOMMENDED_SEQUENCE_IMAGES:,} images",
    explanation=f"""
        Encord recommends at most 10,000-15,000 images per sequence for performance; above
        {spec.RECOMMENDED_SEQUENCE_IMAGES:,}, consider uploading a video instead.
        Applies where createVideo is true or missing.
    """,
    failing=f'{{"image_groups": [{{"title": "s", "createVideo": true, "objectUrl_0": "{_U}/0.jpg", ..., "objectUrl_15000": "{_U}/15000.jpg"}}]}}',
    passing=f'{{"image_groups": [{{"title": "s", "createVideo": true, "objectUrl_0": "{_U}/0.jpg", ..., "objectUrl_9999": "{_U}/9999.jpg"}}]}}',
    example_is_literal=False,
)

TIFF_IN_SEQUENCE = register(
    "G508",
    "tiff-in-sequence",
    Severity.ERROR,
    "A TIFF file in an image sequence",
    explanation="""
        Image sequences are encoded into a video, and TIFF frames are not supported there.
        Convert them, or make the entry an image group (createVideo: false), where TIFF is
        fine. Applies where createVideo is true or missing.
    """,
    failing=f'{{"image_groups": [{{"title": "s", "createVideo": true, "objectUrl_0": "{_U}/0.tif"}}]}}',
    passing=f'{{"image_groups": [{{"title": "s", "createVideo": false, "objectUrl_0": "{_U}/0.tif"}}]}}',
)


@family_check("entries")
def check(view: ManifestView, settings: LintSettings) -> Iterator[Finding]:
    for list_key in spec.GROUP_KEYS:
        table = view.groups(list_key)
        for group, numbers in table.gaps.items():
            yield _gap(list_key, table.indexes[group], table.files(group)[0], numbers)
    table = view.groups("image_groups")
    entries = view.entries("image_groups")
    for index in table.indexes:
        if "createVideo" not in entries[index]:
            yield Finding(
                MISSING_CREATE_VIDEO,
                ("image_groups", index),
                "image group without createVideo: say false (image group) or true "
                "(image sequence); the SDK defaults to false, the file format's default is "
                "not documented",
            )
    yield from _sequences(table, entries)


def _gap(list_key: str, index: int, keys: list[str], numbers: list[int]) -> Finding:
    """The first place where the positions stop counting 0, 1, 2, ..."""
    for expected, (key, number) in enumerate(zip(keys, numbers, strict=True)):
        if number == expected:
            continue
        if number == expected + 1:
            missing = f"objectUrl_{expected} is missing"
        else:
            missing = f"objectUrl_{expected} to objectUrl_{number - 1} are missing"
        after = f"follows {keys[expected - 1]}" if expected else "is the first position"
        return Finding(
            POSITIONAL_GAP,
            (list_key, index, key),
            f"{key} {after}; {missing}",
            target="key",
            fix=_renumbering(list_key, index, keys, numbers),
        )
    raise AssertionError("a group that is not contiguous has a gap")


def _renumbering(list_key: str, index: int, keys: list[str], numbers: list[int]) -> Fix:
    """Number the files 0, 1, 2, ... in the order of their positions: every rename at once,
    so no intermediate state has two keys of one name."""
    changes = tuple(
        Change((list_key, index, key), "key", f"{spec.POSITIONAL_PREFIX}{position}")
        for position, (key, number) in enumerate(zip(keys, numbers, strict=True))
        if number != position
    )
    return Fix("renumber objectUrl_N from 0 without gaps", changes)


def _sequences(table: GroupTable, entries: list[Any]) -> Iterator[Finding]:
    """Limits and TIFF for image groups whose createVideo is true or missing."""
    sequences = [
        (group, index)
        for group, index in enumerate(table.indexes)
        if entries[index].get("createVideo") is not False
    ]
    tiff_suspects = _groups_mentioning_tif(table, [group for group, _ in sequences])
    counts = table.counts()
    for group, index in sequences:
        created = entries[index].get("createVideo") is True
        where = "createVideo is true" if created else "createVideo is missing"
        count = counts[group]
        if count > spec.MAX_SEQUENCE_IMAGES:
            yield Finding(
                SEQUENCE_TOO_LONG,
                ("image_groups", index),
                f"image sequence of {count:,} images ({where}); at most "
                f"{spec.MAX_SEQUENCE_IMAGES:,} can be encoded into one video",
            )
        elif count > spec.RECOMMENDED_SEQUENCE_IMAGES:
            yield Finding(
                SEQUENCE_LONG,
                ("image_groups", index),
                f"image sequence of {count:,} images ({where}); above "
                f"{spec.RECOMMENDED_SEQUENCE_IMAGES:,}, upload a video instead",
            )
        if group in tiff_suspects:
            yield from _tiffs(table, group, index, where)


def _groups_mentioning_tif(table: GroupTable, groups: list[int]) -> set[int]:
    """Those of ``groups`` with ".tif" anywhere in a URL: the only ones worth the exact test.

    One C-level search over their URLs joined: the exact test costs microseconds per URL, and
    a manifest can hold a million sequence URLs without any TIFF.
    """
    starts, values = table.starts, table.values
    if not set(map(type, values)) <= {str}:  # the schema reports the others
        values = [v if isinstance(v, str) else "" for v in values]
    texts = ["\n".join(values[starts[g] : starts[g + 1]]) for g in groups]
    joined = "\0".join(texts).lower()
    if ".tif" not in joined:
        return set()
    text_starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
    return {groups[bisect_right(text_starts, m.start()) - 1] for m in _TIF.finditer(joined)}


def _tiffs(table: GroupTable, group: int, index: int, where: str) -> Iterator[Finding]:
    keys, values = table.files(group)
    for key, value in zip(keys, values, strict=True):
        if isinstance(value, str) and extension_of(value) in spec.TIFF_EXTENSIONS:
            yield Finding(
                TIFF_IN_SEQUENCE,
                ("image_groups", index, key),
                f"TIFF file in an image sequence ({where}); sequences cannot encode TIFF, "
                "use createVideo: false or convert the file",
            )
