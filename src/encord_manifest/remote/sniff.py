"""What a file is, from its first bytes (magic numbers), and which data types accept it.

Only signatures that are unambiguous in the first few hundred bytes are used; anything else is
"unknown" and contradicts nothing. Error pages (HTML, XML, JSON) are recognised because a bucket
or proxy that answers 200 with an error document saved under a media name is the mistake most
worth catching.
"""

from __future__ import annotations

import struct

#: Bytes a sniff needs: the DICOM signature sits at 128, NIfTI's magic at 344.
SNIFF_BYTES = 4096

#: What each data type (entry list) accepts, by sniffed kind.
ACCEPTED: dict[str, frozenset[str]] = {
    "images": frozenset({"jpeg", "png", "webp", "avif", "bmp", "tiff", "gif"}),
    "image_groups": frozenset({"jpeg", "png", "webp", "avif", "bmp", "tiff", "gif"}),
    "videos": frozenset({"mp4", "quicktime", "matroska"}),
    "audio": frozenset({"mp3", "wav", "flac", "mp4-audio", "mp4"}),
    "dicom_series": frozenset({"dicom"}),
    "nifti": frozenset({"nifti", "gzip"}),
    "pdf": frozenset({"pdf"}),
    # Any text is text; a binary media file is not.
    "text": frozenset({"html", "xml", "json", "text"}),
}

#: Kinds that are certainly not media: an error page or document where a file was expected.
DOCUMENT_KINDS = frozenset({"html", "xml", "json"})

_FTYP_BRANDS = {
    b"avif": "avif",
    b"avis": "avif",
    b"heic": "heic",
    b"mif1": "heic",
    b"qt  ": "quicktime",
    b"M4A ": "mp4-audio",
    b"M4B ": "mp4-audio",
}


def sniff(head: bytes) -> str | None:
    """The kind of file whose first bytes are ``head``; None when they do not say."""
    if not head:
        return None
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "mp4")
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return "webp" if head[8:12] == b"WEBP" else "wav"
    if len(head) >= 132 and head[128:132] == b"DICM":
        return "dicom"
    if _looks_like_nifti(head):
        return "nifti"
    if _looks_like_dicom_without_preamble(head):
        return "dicom"
    if head[:2] == b"\xff\xfb" or head[:2] == b"\xff\xf3" or head[:2] == b"\xff\xf2":
        return "mp3"
    return _text_kind(head)


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\x1a\x45\xdf\xa3", "matroska"),  # also WebM
    (b"%PDF-", "pdf"),
    (b"\x1f\x8b", "gzip"),
    (b"ID3", "mp3"),
    (b"fLaC", "flac"),
    (b"\xef\xbb\xbf", "text"),
)


def _looks_like_nifti(head: bytes) -> bool:
    if len(head) < 348:
        return False
    size_le, size_be = struct.unpack("<i", head[:4])[0], struct.unpack(">i", head[:4])[0]
    return 348 in (size_le, size_be) and head[344:348] in (b"n+1\x00", b"ni1\x00")


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


def _text_kind(head: bytes) -> str | None:
    sample = head[:512].lstrip(b" \t\r\n")
    lowered = sample[:64].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "html"
    if lowered.startswith(b"<?xml") or lowered.startswith(b"<error"):
        return "xml"
    if sample[:1] in (b"{", b"["):
        return "json"
    return None


def describe(kind: str) -> str:
    """A reader's name for a kind."""
    names = {
        "html": "an HTML page",
        "xml": "an XML document",
        "json": "a JSON document",
        "jpeg": "a JPEG image",
        "png": "a PNG image",
        "gif": "a GIF image",
        "bmp": "a BMP image",
        "tiff": "a TIFF image",
        "webp": "a WebP image",
        "avif": "an AVIF image",
        "heic": "a HEIC image",
        "mp4": "an MP4 video",
        "quicktime": "a QuickTime video",
        "matroska": "a Matroska/WebM video",
        "mp4-audio": "an MP4 audio file",
        "mp3": "an MP3 file",
        "wav": "a WAV file",
        "flac": "a FLAC file",
        "dicom": "a DICOM file",
        "nifti": "a NIfTI file",
        "gzip": "a gzip file",
        "pdf": "a PDF",
        "text": "text",
    }
    return names.get(kind, kind)
