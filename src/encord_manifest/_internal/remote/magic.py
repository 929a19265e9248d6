"""What a file is, from its first bytes: magic numbers, tried in order (``_SIGNATURES``).

Only signatures that are unambiguous in the first few hundred bytes are used; two-byte ones
(BMP, MP3 frames, E-AC-3) with the fields that follow them checked too, so that text starting
with "BM" or "ID3" is not taken for a bitmap or an MP3. What the kinds are called, and which
data type accepts which, is ``sniff``'s business.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

#: Bytes a sniff reads: DICOM's signature sits at 128, NIfTI's magic at 344, a PDF's header
#: may come anywhere in the first 1024, an HTML page may start with a long comment.
SNIFF_BYTES = 4096


def sniff(head: bytes) -> str | None:
    """The kind of file whose first bytes are ``head``; None when they do not say."""
    if not head:
        return None
    if not head.strip(b"\x00"):
        return "zeros"
    for kind, matches in _SIGNATURES:
        if matches(head):
            return kind
    media = _iso_media(head)
    if media is not None:
        return media
    if head[:3] == b"\x1f\x8b\x08":
        return "nifti-gzip" if _looks_like_nifti(inflate(head)) else "gzip"
    return _text_kind(head)


def inflate(data: bytes, limit: int = SNIFF_BYTES) -> bytes:
    """The first ``limit`` bytes that gzip or zlib ``data`` (a prefix) inflate to: never more,
    however much they would inflate to (no bombs); b"" when they are not deflated data."""
    for wbits in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS):  # gzip or zlib header; raw deflate
        try:
            return zlib.decompressobj(wbits).decompress(data, limit)
        except zlib.error:
            continue
    return b""


def looks_binary(head: bytes) -> bool:
    """Binary data, which no text encoding makes: no byte-order mark; control bytes (C0, but
    tab, line breaks, form feed and escape) at least 1 in 20 (text in UTF-8, Latin-1,
    Windows-1252 or the East Asian legacy encodings has next to none); and not readable as
    UTF-16 or UTF-32 either (text in those, whose NULs are the control bytes, is 95% printable
    characters; binary data is not: NULs, controls, surrogates, private-use code points)."""
    if not head or head.startswith(_BOMS):
        return False
    controls = sum(1 for byte in head if byte in _CONTROLS)
    if controls * 20 < len(head):
        return False
    for codec, unit in (("utf-16-le", 2), ("utf-16-be", 2), ("utf-32-le", 4), ("utf-32-be", 4)):
        try:
            text = head[: len(head) - len(head) % unit].decode(codec, errors="surrogatepass")
        except UnicodeDecodeError:
            continue  # a code point past U+10FFFF: not UTF-32
        if _printable_share(text) >= 0.95:
            return False
    return True


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_CONTROLS = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B})


def _printable_share(text: str) -> float:
    printable = sum(1 for c in text if c.isprintable() or c in "\t\n\r\f")
    return printable / len(text) if text else 0.0


def _is_utf8(head: bytes) -> bool:
    # The prefix may end inside a character: up to 3 bytes of it.
    for cut in range(4):
        try:
            head[: len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


# -- signatures -------------------------------------------------------------------------------


def _starts(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(prefixes)


def _riff(form: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == form


def _bmp(head: bytes) -> bool:
    # "BM", then the size of the DIB header at 14: one of the versions that exist.
    dib = int.from_bytes(head[14:18], "little")
    return head[:2] == b"BM" and dib in (12, 16, 40, 52, 56, 64, 108, 124)


def _id3(head: bytes) -> bool:
    # ID3v2: version 2-4, and a size of four 7-bit bytes.
    return (
        len(head) >= 10
        and head[:3] == b"ID3"
        and head[3] in (2, 3, 4)
        and all(b < 0x80 for b in head[6:10])
    )


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header of layer III or II: 11 sync bits, then no reserved version,
    bitrate or sample rate. Layer I is left out: its FF FE is UTF-16's byte-order mark (and
    ADTS AAC, layer 0, is not taken for an MP3 either)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer in (1, 2) and bitrate != 15 and rate != 3


def _ac3(head: bytes) -> bool:
    # The sync word 0B 77, and a bitstream id of AC-3 (up to 10) or E-AC-3 (11-16).
    return len(head) >= 6 and head[:2] == b"\x0b\x77" and head[5] >> 3 <= 16


def _flac(head: bytes) -> bool:
    # "fLaC", then the STREAMINFO block (type 0), which is 34 bytes long and comes first.
    return (
        len(head) >= 8
        and head[:4] == b"fLaC"
        and head[4] & 0x7F == 0
        and head[5:8] == b"\x00\x00\x22"
    )


def _las(head: bytes) -> bool:
    # "LASF", and version 1.0-1.4 at 24 (LAZ files have the same header).
    return len(head) >= 26 and head[:4] == b"LASF" and head[24] == 1 and head[25] <= 4


def _ply(head: bytes) -> bool:
    for start in (b"ply\n", b"ply\r\n"):
        if head.startswith(start):
            return head[len(start) :].startswith((b"format ", b"comment ", b"obj_info "))
    return False


def _pcd(head: bytes) -> bool:
    if head.startswith(b"# .PCD"):
        return True
    lines = head[:512].splitlines()
    return (
        bool(lines)
        and lines[0].startswith(b"VERSION")
        and any(line.startswith(b"FIELDS ") for line in lines[1:4])
    )


def _dicom(head: bytes) -> bool:
    return len(head) >= 132 and head[128:132] == b"DICM"


def _looks_like_nifti(head: bytes) -> bool:
    """NIfTI-1 (348-byte header, magic at 344) or NIfTI-2 (540 bytes, magic at 4), either
    byte order; "ni1"/"ni2" are the header files of a .hdr/.img pair."""
    if len(head) < 12:
        return False
    size = {struct.unpack("<i", head[:4])[0], struct.unpack(">i", head[:4])[0]}
    if 540 in size and head[4:8] in (b"n+2\x00", b"ni2\x00"):
        return True
    return 348 in size and len(head) >= 348 and head[344:348] in (b"n+1\x00", b"ni1\x00")


def _looks_like_dicom_without_preamble(head: bytes) -> bool:
    """A first element in group 0002 or 0008 with a plausible explicit VR or length."""
    if len(head) < 8:
        return False
    group = struct.unpack("<H", head[:2])[0]
    if group not in (0x0002, 0x0008):
        return False
    vr = head[4:6]
    if vr.isalpha() and vr.isupper():
        return True
    length: int = struct.unpack("<I", head[4:8])[0]  # implicit VR little endian
    return 0 < length < 1024


#: (kind, test of the first bytes), tried in order; ISO media (ftyp), gzip and text after.
_SIGNATURES: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("jpeg", _starts(b"\xff\xd8\xff")),
    ("png", _starts(b"\x89PNG\r\n\x1a\n")),
    ("gif", _starts(b"GIF87a", b"GIF89a")),
    ("tiff", _starts(b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")),  # and BigTIFF
    ("webp", _riff(b"WEBP")),
    ("wav", _riff(b"WAVE")),
    ("avi", _riff(b"AVI ")),
    ("matroska", _starts(b"\x1a\x45\xdf\xa3")),  # EBML: Matroska and WebM
    ("pdf", _starts(b"%PDF-")),
    ("zip", _starts(b"PK\x03\x04")),
    ("mcap", _starts(b"\x89MCAP")),
    ("rosbag", _starts(b"#ROSBAG V")),
    ("sqlite", _starts(b"SQLite format 3\x00")),  # ROS 2 bags (.db3)
    ("las", _las),
    ("ply", _ply),
    ("pcd", _pcd),
    ("flac", _flac),
    ("mp3", _id3),
    ("bmp", _bmp),
    ("dicom", _dicom),
    ("nifti", _looks_like_nifti),
    ("dicom", _looks_like_dicom_without_preamble),
    ("mp3", _mpeg_audio_frame),
    ("eac3", _ac3),
)

#: ISO base media brands (the ftyp box) that say what the file is; any other is a video.
_BRANDS = {
    b"avif": "avif",
    b"avis": "avif",
    **dict.fromkeys((b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"), "heic"),
    # The generic HEIF brands: AVIF or HEIC, the codec brand tells (when it is there).
    **dict.fromkeys((b"mif1", b"msf1", b"miaf"), "heif"),
    b"qt  ": "quicktime",
    **dict.fromkeys((b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "), "mp4-audio"),
}
#: Box types a QuickTime file may start with (older files have no ftyp box).
_QUICKTIME_BOXES = frozenset({b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot"})


def _iso_media(head: bytes) -> str | None:
    if len(head) < 12:
        return None
    if head[4:8] == b"ftyp":
        major = _BRANDS.get(head[8:12])
        if major not in (None, "heif"):
            return major
        size = int.from_bytes(head[:4], "big")
        compatible = [head[i : i + 4] for i in range(16, min(size, len(head), 256) - 3, 4)]
        images = {_BRANDS.get(brand) for brand in compatible}
        for image in ("avif", "heic", "heif"):
            if image in images:
                return image
        return major or "mp4"
    size = int.from_bytes(head[:4], "big")
    if head[4:8] in _QUICKTIME_BOXES and (size in (0, 1) or size >= 8):  # 0: to the end, 1: 64-bit
        return "quicktime"
    return None


def _text_kind(head: bytes) -> str | None:
    text, marked = _as_text(head)
    if text is None:
        return None
    sample = text[:1024].lstrip(" \t\r\n")
    lowered = sample.lower()
    if lowered.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "html"
    if lowered.startswith("<"):
        return _markup_kind(lowered)
    if sample[:1] == "{" and sample[1:].lstrip()[:1] in ('"', "}"):
        return "json"
    if sample[:1] == "[" and sample[1:].lstrip()[:1] in (*'{["-]tfn', *"0123456789"):
        return "json"
    if marked or _printable(text):
        return "text"
    return None


def _markup_kind(lowered: str) -> str | None:
    if "<html" in lowered:
        return "html"  # XHTML, or a page behind a comment
    declared = lowered.startswith("<?xml")
    root = lowered[lowered.find("?>") + 2 :].lstrip() if declared else lowered
    if root.startswith("<error"):
        return "xml-error"  # S3, GCS, OBS and Azure answer <Error><Code>...</Code>
    if "<svg" in lowered:
        return "svg"
    if declared or lowered.startswith("<!doctype"):
        return "xml"
    return None  # "<" and something else: say nothing


def _as_text(head: bytes) -> tuple[str | None, bool]:
    """The text of ``head`` and whether a byte-order mark said it is text; None when it is
    not UTF-8 (nor UTF-16/32 with a mark)."""
    for mark, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(mark):
            return head[len(mark) :].decode(codec, errors="ignore"), True
    if not _is_utf8(head):
        return None, False
    return head.decode("utf-8", errors="ignore"), False


def _printable(text: str) -> bool:
    return bool(text) and all(c.isprintable() or c in "\t\n\r\f" for c in text)
