"""A DICOM file's header from the first bytes of the object, read with HTTP Range requests.

Spec section 6.1 is the ground here. pydicom parses a cut buffer without complaint and returns
values cut short, so a value is trusted only when parsing went past the last element needed
(``stop_when`` fired) or the whole object is in hand; otherwise more bytes are fetched (the next
range, four times as long) up to a cap. ``force=True`` "parses" anything, so the DICOM signature
is checked first. A deflated data set is inflated here, as far as the bytes go and never past
``MAX_INFLATED`` bytes, because pydicom inflates the whole rest of the file (a deflate bomb
whole) and fails on a prefix.

What a hostile file can make pydicom do is bounded: at most ``MAX_BYTES`` read (or
``MAX_INFLATED`` inflated) and parsed, and no value longer than ``MAX_VALUE_BYTES`` converted
(an implicit VR element's 4-byte length lets one DS hold millions of numbers: 8 MB of them
took 19 s and 900 MiB to convert). Whatever pydicom raises makes the header unreadable.

Where the tags live: at top level in classic objects; in the Shared and Per-frame Functional
Groups sequences in enhanced multi-frame objects (geometry), which come after group 0028, so
parsing goes on to them only when the top level lacks the 3D tags.
"""

from __future__ import annotations

import struct
import warnings
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from encord_manifest._internal.remote.answers import Answer
from encord_manifest._internal.remote.fetch_errors import FetchError
from encord_manifest._internal.remote.http import Fetcher

#: Tags every file needs (spec 6), by keyword and (group << 16 | element).
REQUIRED: dict[str, int] = {
    "SOPInstanceUID": 0x00080018,
    "PatientID": 0x00100020,
    "StudyInstanceUID": 0x0020000D,
    "SeriesInstanceUID": 0x0020000E,
    "Rows": 0x00280010,
    "Columns": 0x00280011,
}
#: Tags 3D rendering needs.
THREE_D: dict[str, int] = {
    "SliceThickness": 0x00180050,
    "ImagePositionPatient": 0x00200032,
    "ImageOrientationPatient": 0x00200037,
    "PixelSpacing": 0x00280030,
}
SHARED_GROUPS = 0x52009229
PER_FRAME_GROUPS = 0x52009230
#: Where each 3D tag sits inside a functional group item (enhanced objects).
_FUNCTIONAL: dict[str, tuple[str, ...]] = {
    "SliceThickness": ("PixelMeasuresSequence",),
    "PixelSpacing": ("PixelMeasuresSequence",),
    "ImagePositionPatient": ("PlanePositionSequence",),
    "ImageOrientationPatient": ("PlaneOrientationSequence",),
}
_LAST_CLASSIC = max(REQUIRED.values()) | max(THREE_D.values())
_PIXEL_DATA_GROUP = 0x7FE00000
_DEFLATED = b"1.2.840.10008.1.2.1.99"

#: The first read: most headers are 1-10 KB (spec 6.1); 3 KiB keeps the bytes read within
#: twice the header on average (benchmarks/remote.py). Longer ones are read on from where
#: parsing stopped: to the end of the element it was in, plus a margin, or twice as far.
FIRST_READ = 3 * 1024
_MARGIN = 4 * 1024
MAX_REQUESTS = 6
MAX_BYTES = 16 * 1024 * 1024
#: Inflated bytes of a deflated data set handed to pydicom, at most. The elements checked come
#: first (groups 0008-0028, then the functional groups): 4 MiB holds the per-frame groups of
#: some 10,000 frames at about 400 bytes each (the 2,000-frame test object with a 200 KB
#: private block is 540 KB), and bounds pydicom's work on a bomb to one parse of 4 MiB
#: (0.9 s of zeros) where 250 MB of zeros took 39 s and 250 MB. The compressed bytes read stay
#: within ``MAX_BYTES`` and stop once this much is inflated.
MAX_INFLATED = 4 * 1024 * 1024
#: The longest value converted: a UID or PatientID holds at most 64 characters, Rows 2 bytes,
#: the 3D tags a few numbers of 16 characters. Longer ones make the header unreadable.
MAX_VALUE_BYTES = 1024


@dataclass
class DicomHeader:
    """What was read of one file: the values found, or why there are none."""

    values: dict[str, Any] = field(default_factory=dict)
    #: "ok", "not-dicom", "unreadable" (parse failed on the whole object or within the cap),
    #: or, from ``parse`` only, "more"
    status: str = "ok"
    detail: str = ""
    #: With "more": the offset the next read should reach at least (the end of the element
    #: parsing was in), when known.
    needed: int = 0
    bytes_read: int = 0
    requests: int = 0

    @property
    def missing_required(self) -> list[str]:
        return [name for name in REQUIRED if _blank(self.values.get(name))]

    @property
    def missing_3d(self) -> list[str]:
        return [name for name in THREE_D if _blank(self.values.get(name))]


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def read_header(fetcher: Fetcher, url: str, first: Answer | None = None) -> DicomHeader:
    """Fetch as much of the object as its header needs, and parse it. ``first``: the answer
    to a ranged GET of the first ``FIRST_READ`` bytes, when the caller made it already."""
    buffer = b""
    whole = False
    requests = 0
    want = FIRST_READ
    size = None
    while True:
        if first is not None:
            answer, first = first, None
        else:
            try:
                answer = fetcher.read_prefix(url, len(buffer), want)
            except FetchError as error:
                return DicomHeader(
                    status="unreadable",
                    detail=str(error),
                    bytes_read=len(buffer),
                    requests=requests,
                )
        requests += 1
        if answer.status == 206:
            buffer += answer.body
        elif answer.status == 200:  # Range ignored: the body from 0, read up to `want`
            buffer = answer.body
        elif answer.status == 416:  # asked past the end: what we have is all there is
            whole = True
        else:
            return DicomHeader(
                status="unreadable",
                detail=f"HTTP {answer.status}",
                bytes_read=len(buffer),
                requests=requests,
            )
        total = size = answer.size if answer.size is not None else size
        if (total is not None and len(buffer) >= total) or (
            answer.status == 200 and len(answer.body) < want
        ):
            whole = True
        header = parse(buffer, whole)
        header.bytes_read, header.requests = len(buffer), requests
        if header.status != "more":
            return header
        if requests >= MAX_REQUESTS or len(buffer) >= MAX_BYTES:
            return DicomHeader(
                status="unreadable",
                detail=f"the header is not complete within {len(buffer):,} bytes",
                bytes_read=len(buffer),
                requests=requests,
            )
        want = max(header.needed + _MARGIN, len(buffer) * 2)
        want = min(want, MAX_BYTES, total if total is not None else MAX_BYTES)


def parse(buffer: bytes, whole: bool) -> DicomHeader:
    """The header in ``buffer``: status "ok", "more" (a longer prefix is needed), "not-dicom"
    or "unreadable"."""
    if not looks_like_dicom(buffer):
        if not whole and len(buffer) < 132:
            return DicomHeader(status="more")
        return DicomHeader(status="not-dicom")
    stopped = _StopRule()
    capped = False
    try:  # zlib.error on a corrupt deflated data set, too
        stream, deflated, capped = _data_set_stream(buffer)
        dataset = _read(stream, stopped, deflated)
    except Exception as error:  # pydicom raises many types; the structure decides (6.1)
        if capped and not stopped.fired:
            return _not_within_the_cap()
        if whole or capped:
            return DicomHeader(status="unreadable", detail=f"{type(error).__name__}: {error}")
        return DicomHeader(status="more", needed=stopped.furthest)
    if capped and not stopped.fired:  # cut at the cap, even when the object is whole
        return _not_within_the_cap()
    if not (stopped.fired or whole):
        return DicomHeader(status="more", needed=stopped.furthest)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # values are converted (and validated) when read
            return DicomHeader(values=_values(dataset))
    except Exception as error:  # a value too long, or one pydicom cannot convert
        return DicomHeader(status="unreadable", detail=f"{type(error).__name__}: {error}")


def _not_within_the_cap() -> DicomHeader:
    return DicomHeader(
        status="unreadable",
        detail=f"the deflated data set's header is not complete within {MAX_INFLATED:,} "
        "bytes inflated",
    )


def _data_set_stream(buffer: bytes) -> tuple[BytesIO, bool, bool]:
    """The bytes pydicom parses: ``buffer``, or its data set inflated up to ``MAX_INFLATED``
    bytes; whether it was deflated; whether inflation stopped at the cap with input left."""
    deflated_at = _deflated_data_set_offset(buffer)
    if deflated_at is None:
        return BytesIO(buffer), False, False
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    # max_length bounds the output; the input beyond it is left in unconsumed_tail.
    inflated = inflater.decompress(memoryview(buffer)[deflated_at:], MAX_INFLATED)
    capped = len(inflated) >= MAX_INFLATED and not inflater.eof
    return BytesIO(inflated), True, capped


def looks_like_dicom(buffer: bytes) -> bool:
    """`DICM` after the 128-byte preamble, or a first element of group 0002 or 0008 with a
    plausible VR (explicit) or length (implicit)."""
    if len(buffer) >= 132 and buffer[128:132] == b"DICM":
        return True
    if len(buffer) < 8:
        return False
    vr = buffer[4:6]
    explicit = vr.isalpha() and vr.isupper()
    if buffer[:2] in (b"\x00\x02", b"\x00\x08") and explicit:  # explicit VR big endian
        return True
    group = struct.unpack("<H", buffer[:2])[0]
    if group not in (0x0002, 0x0008):
        return False
    if explicit:
        return True
    length: int = struct.unpack("<I", buffer[4:8])[0]  # implicit VR little endian
    return 0 < length < 1024


class _StopRule:
    """Stop at the first top-level element past everything needed; remember that we did."""

    def __init__(self) -> None:
        self.fired = False
        self.seen: set[int] = set()
        #: The stream being parsed, and the end of the furthest element seen in it.
        self.stream: BytesIO | None = None
        self.offset = 0
        self.furthest = 0

    def __call__(self, tag: Any, vr: Any, length: int) -> bool:
        number = int(tag)
        self.seen.add(number)
        if self.stream is not None and length != 0xFFFFFFFF:
            # Called with the stream just past the element's header: its value ends here.
            self.furthest = max(self.furthest, self.offset + self.stream.tell() + length)
        done = (
            number >= _PIXEL_DATA_GROUP
            or number > PER_FRAME_GROUPS
            or (number > _LAST_CLASSIC and all(t in self.seen for t in THREE_D.values()))
        )
        self.fired = self.fired or done
        return done


def _read(stream: BytesIO, stop: _StopRule, deflated: bool) -> Any:
    from pydicom.filereader import read_dataset, read_partial
    from pydicom.tag import BaseTag, Tag

    wanted = (*REQUIRED.values(), *THREE_D.values(), SHARED_GROUPS, PER_FRAME_GROUPS)
    # Tag objects: pydicom silently matches nothing when given keywords (spec 6.1).
    tags: list[BaseTag | int] = [Tag(t) for t in wanted]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom warns about what a prefix lacks
        if not deflated:
            stop.stream = stream
            return read_partial(stream, stop_when=stop, force=True, specific_tags=tags)
        # Offsets in the inflated stream say nothing about compressed bytes: no hint there.
        return read_dataset(
            stream,
            is_implicit_VR=False,
            is_little_endian=True,
            stop_when=stop,
            specific_tags=tags,
        )


def _deflated_data_set_offset(buffer: bytes) -> int | None:
    """Where the (deflated) data set starts, if the file meta names the deflated syntax."""
    if buffer[128:132] != b"DICM" or _DEFLATED not in buffer[132:1024]:
        return None
    # (0002,0000) UL group length: explicit VR little endian, value at 140.
    if buffer[132:136] != b"\x02\x00\x00\x00" or len(buffer) < 144:
        return None
    group_length: int = struct.unpack("<I", buffer[140:144])[0]
    return 144 + group_length


_TAGS = {**REQUIRED, **THREE_D}


def _get(dataset: Any, name: str) -> Any:
    """A value, converted only when its raw bytes are no longer than ``MAX_VALUE_BYTES``."""
    raw = getattr(dataset.get_item(_TAGS[name]), "value", None)
    if isinstance(raw, bytes) and len(raw) > MAX_VALUE_BYTES:
        raise ValueError(f"{name} is {len(raw):,} bytes long; at most {MAX_VALUE_BYTES:,} is read")
    return dataset.get(name)


def _values(dataset: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in (*REQUIRED, *THREE_D):
        value = _get(dataset, name)
        if _blank(value):
            value = _functional_value(dataset, name)
        if not _blank(value):
            values[name] = value
    return values


def _functional_value(dataset: Any, name: str) -> Any:
    """A 3D tag of an enhanced object, from the shared groups or the first frame's."""
    for groups in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
        items = dataset.get(groups)
        if not items:
            continue
        item = items[0]
        for sequence in _FUNCTIONAL.get(name, ()):
            inner = item.get(sequence)
            if inner:
                value = _get(inner[0], name)
                if not _blank(value):
                    return value
    return None
