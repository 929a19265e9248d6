"""DICOM test files: pydicom's bundled samples (read from the installed package, never
downloaded), and files derived from them with tags removed, changed or added."""

from __future__ import annotations

import struct
import warnings
import zlib
from io import BytesIO
from pathlib import Path
from typing import Any

import pydicom
import pydicom.data
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

SAMPLES = Path(pydicom.data.__file__).parent / "test_files"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def sample_names() -> list[str]:
    return sorted(p.name for p in SAMPLES.glob("*.dcm"))


def derived(
    name: str, remove: tuple[str, ...] = (), pixels: int | None = None, **values: Any
) -> bytes:
    """A sample with tags removed or set; ``pixels``: replace Pixel Data with that many bytes
    (a large file whose header is small)."""
    dataset = pydicom.dcmread(SAMPLES / name)
    for keyword in remove:
        if keyword in dataset:
            delattr(dataset, keyword)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a UID of 70 characters is the point of some files
        for keyword, value in values.items():
            setattr(dataset, keyword, value)
    if pixels is not None:
        dataset.PixelData = b"\x00" * pixels
    out = BytesIO()
    dataset.save_as(out, enforce_file_format=False)
    return out.getvalue()


def enhanced(frames: int, private_bytes: int = 0) -> bytes:
    """An enhanced multi-frame object: the 3D tags only in the functional groups (shared pixel
    measures, a plane position and orientation per frame), optionally behind a private block."""
    dataset = pydicom.dcmread(SAMPLES / "CT_small.dcm")
    for keyword in (
        "ImagePositionPatient",
        "ImageOrientationPatient",
        "SliceThickness",
        "PixelSpacing",
    ):
        delattr(dataset, keyword)
    if private_bytes:
        block = dataset.private_block(0x0029, "ENCORD MANIFEST TEST", create=True)
        block.add_new(0x01, "OB", b"\x00" * private_bytes)
    measures = Dataset()
    measures.PixelSpacing = [0.5, 0.5]
    measures.SliceThickness = 1.0
    shared = Dataset()
    shared.PixelMeasuresSequence = Sequence([measures])
    dataset.SharedFunctionalGroupsSequence = Sequence([shared])
    per_frame = []
    for frame in range(frames):
        position, orientation, item = Dataset(), Dataset(), Dataset()
        position.ImagePositionPatient = [0.0, 0.0, float(frame)]
        orientation.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        item.PlanePositionSequence = Sequence([position])
        item.PlaneOrientationSequence = Sequence([orientation])
        per_frame.append(item)
    dataset.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    dataset.NumberOfFrames = frames
    dataset.PixelData = b"\x00" * (128 * 128 * 2 * min(frames, 4))
    out = BytesIO()
    dataset.save_as(out, enforce_file_format=False)
    return out.getvalue()


def header_values(raw: bytes) -> dict[str, str]:
    """The tags the checks read, from a full parse of the whole file (the reference)."""
    from encord_manifest._internal.remote.dicom import REQUIRED, THREE_D, parse

    whole = parse(raw, whole=True)
    assert whole.status == "ok"
    return {name: str(whole.values[name]) for name in (*REQUIRED, *THREE_D) if name in whole.values}


def deflated(data_set: bytes, zeros: int = 0) -> bytes:
    """A file of the deflated transfer syntax (1.2.840.10008.1.2.1.99) whose data set, after
    inflation, is ``data_set`` then ``zeros`` zero bytes: image_dfl.dcm's file meta, then the
    raw-deflated bytes. Zeros make a deflate bomb (1 MB of them deflates to about 1 KB); they
    are compressed a MiB at a time, so a bomb of 250 MB never exists in memory here."""
    raw = sample("image_dfl.dcm")
    group_length = int.from_bytes(raw[140:144], "little")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [raw[: 144 + group_length], compressor.compress(data_set)]
    block = bytes(1 << 20)
    while zeros > 0:
        parts.append(compressor.compress(block[:zeros]))
        zeros -= len(block)
    parts.append(compressor.flush())
    return b"".join(parts)


def explicit_element(group: int, element: int, vr: bytes, value: bytes) -> bytes:
    """One element in explicit VR little endian (the deflated syntax's, once inflated)."""
    tag = struct.pack("<HH", group, element)
    if vr in (b"OB", b"OW", b"OF", b"SQ", b"UN", b"UT", b"UC", b"UR", b"OD", b"OL", b"OV"):
        return tag + vr + b"\x00\x00" + struct.pack("<I", len(value)) + value
    return tag + vr + struct.pack("<H", len(value)) + value
