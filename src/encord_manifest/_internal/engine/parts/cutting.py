"""Where a large JSON manifest is cut in two, and each part's text, decoded from the file's bytes.

Where the cut goes: at the first ``}``, comma, ``{`` after the estimated place, in the list
whose key most nearly precedes it. That is a guess (those characters can sit in a string or in
nested metadata); it is proved by the first child, which parses its part from the start and
must arrive exactly there, between two entries of that list.
"""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass

from encord_manifest._internal.model import spec
from encord_manifest._internal.sources.json_locator import BETWEEN_OBJECTS

#: How the work is estimated (``_place_of_share``): so many samples of so many characters.
_SAMPLES = 256
_SAMPLE_BYTES = 32_768
_QUOTE_WEIGHT = 2.5

#: Between two entries: the first one's closing brace, a comma, the next one's opening brace.
#: Looked for in the file's bytes (the cut) and in the text (pieces: ``parsing``).
_BETWEEN_ENTRIES_IN_BYTES = re.compile(BETWEEN_OBJECTS.encode())


class NotSplit(Exception):
    """The manifest cannot be linted in parts here; lint it whole."""


@dataclass(frozen=True)
class Cut:
    """Where the second part starts: an entry of ``list_key``."""

    list_key: str
    #: Just past the closing brace of the last entry of the first part.
    first_end: int
    #: The opening brace of the first entry of the second part.
    second_start: int


#: A manifest file's bytes, read or mapped.
Source = bytes | mmap.mmap

#: The share of the work given to the first part: its process also compares the two parts
#: (tuned at 1M entries: the two children then finish within about 0.2 s of each other).
FIRST_SHARE = 0.44


def find_cut(source: Source, share: float = 0.5) -> Cut:
    """A guessed place to cut (see the module's documentation), about ``share`` of the work
    into the file. Its offsets count bytes: the file is decoded by the parts, each its own."""
    between = _BETWEEN_ENTRIES_IN_BYTES.search(source, _place_of_share(source, share))
    if between is None:
        raise NotSplit("no place between two entries after the middle")
    first_end, second_start = between.start() + 1, between.end()
    return Cut(_list_key_before(source, first_end), first_end, second_start)


def _place_of_share(source: Source, share: float) -> int:
    """The offset before which about ``share`` of the parsing and checking work lies.

    That work follows the characters, and the strings somewhat more: the lists of one manifest
    differ (an image entry is a few short strings, a DICOM series mostly long URLs). Quotes
    are counted in samples spread evenly over the file, each weighing as much as 2.5
    characters (fitted to the two parts' times at 1M entries).
    """
    stride = len(source) / _SAMPLES
    weights = []
    for i in range(_SAMPLES):
        sample = source[int(i * stride) : int(i * stride) + _SAMPLE_BYTES]
        weights.append(_SAMPLE_BYTES + _QUOTE_WEIGHT * sample.count(b'"'))
    remaining = share * sum(weights)
    for i, weight in enumerate(weights):
        if remaining <= weight:
            return int((i + remaining / weight) * stride)
        remaining -= weight
    return len(source)


#: The key of an entry list, just before its opening bracket.
_LIST_KEY = re.compile(b'"(' + "|".join(spec.ENTRY_KEYS).encode() + rb')"[ \t\n\r]*:[ \t\n\r]*\Z')


def _list_key_before(source: Source, place: int) -> str:
    """The key of the nearest entry list that opens before ``place``.

    Brackets are rare in a manifest (entry lists, and lists inside metadata), and looking for
    one character runs at memchr speed, where a search for each key would read the whole
    first half of the file for every key that is not there.
    """
    while True:
        place = source.rfind(b"[", 0, place)
        if place < 0:
            raise NotSplit("no entry list before the middle")
        key = _LIST_KEY.search(source[max(0, place - 64) : place])
        if key is not None:
            return key.group(1).decode()


def first_text(source: Source, cut: Cut) -> tuple[str, Cut]:
    """The first part's text (up to the second part's start) and the cut in its characters.

    Each part decodes its own bytes, at the same time as the other. A cut between two
    entries is never inside a character: UTF-8 sequences hold no ASCII bytes.
    """
    with memoryview(source) as whole, whole[: cut.second_start] as part:
        text = str(part, "utf-8")
    separator = cut.second_start - cut.first_end  # ASCII: as many characters as bytes
    return text, Cut(cut.list_key, len(text) - separator, len(text))


def second_text(source: Source, cut: Cut) -> tuple[str, Cut]:
    """The second part's text (from its first entry) and the cut in its characters."""
    with memoryview(source) as whole, whole[cut.second_start :] as part:
        text = str(part, "utf-8")
    return text, Cut(cut.list_key, 0, 0)


def _release(source: Source) -> None:  # pragma: no cover - in the child
    """Drop the pages of the mapping this process has read: they count as its memory, and
    reading them again, if needed, comes from the page cache."""
    if isinstance(source, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        source.madvise(mmap.MADV_DONTNEED)
