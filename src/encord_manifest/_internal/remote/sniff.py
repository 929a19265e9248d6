"""What a file is, from its first bytes (magic numbers), and whether that contradicts its list.

`lint --remote` reads the first ``SNIFF_BYTES`` of every object (one ranged GET). Two tables
decide what that shows:

- ``magic._SIGNATURES``: the kinds of file recognised, each by a test of its first bytes, in
  order (``KINDS`` here says what a reader calls each kind, and its family);
- ``EXPECTED`` and ``BY_EXTENSION``: which kinds each data type accepts. Lists whose files are
  of several kinds (a scene's streams: point clouds, camera images, calibration and model
  files) are judged by the URL's extension (``expected``).

The policy is conservative, because a false R805 is worse than a miss:

- bytes that match no signature contradict nothing (a format not known here is no finding),
  except that plain text is never an image, video, audio file, PDF, NIfTI volume or binary
  point cloud (all their formats are binary, and all have signatures);
- zero bytes (the whole prefix read) are wrong everywhere: a file never written;
- where a media file or point cloud is listed, an HTML page, an XML or JSON document (error
  answers saved as the file) and a signature of another known type (a PNG listed as a video)
  are wrong;
- text lists (``text``, and ``time_series`` CSV files) accept HTML, XML and JSON, which are text
  types Encord imports: there only zeros, a known binary signature, or binary data that no
  text encoding makes (``magic.looks_binary``: UTF-16 text without a byte-order mark, Latin-1
  and Shift-JIS are text) are wrong;
- a scene's other files (calibration, models: some are JSON or XML) are wrong only as HTML
  pages, XML error documents or zeros.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from encord_manifest._internal.remote.magic import SNIFF_BYTES, inflate, looks_binary, sniff

__all__ = [
    "BY_EXTENSION",
    "DOCUMENT_KINDS",
    "EXPECTED",
    "KINDS",
    "SNIFF_BYTES",
    "Expected",
    "contradiction",
    "describe",
    "expected",
    "first_bytes",
    "inflate",
    "mismatch",
    "sniff",
]
#: Where a PDF reader looks for "%PDF-" (PDF 2.0, annex H: junk before the header is allowed).
PDF_WINDOW = 1024


@dataclass(frozen=True)
class Kind:
    description: str
    #: "image", "video", "audio", "document", "text", "point cloud", "medical", "other".
    family: str


KINDS: dict[str, Kind] = {
    "jpeg": Kind("a JPEG image", "image"),
    "png": Kind("a PNG image", "image"),
    "gif": Kind("a GIF image", "image"),
    "bmp": Kind("a BMP image", "image"),
    "tiff": Kind("a TIFF image", "image"),
    "webp": Kind("a WebP image", "image"),
    "avif": Kind("an AVIF image", "image"),
    "heic": Kind("a HEIC image", "image"),
    "heif": Kind("a HEIF image", "image"),
    "mp4": Kind("an MP4 video", "video"),
    "quicktime": Kind("a QuickTime video", "video"),
    "matroska": Kind("a Matroska/WebM video", "video"),
    "avi": Kind("an AVI video", "video"),
    "mp4-audio": Kind("an MP4 audio file", "audio"),
    "mp3": Kind("an MP3 file", "audio"),
    "wav": Kind("a WAV file", "audio"),
    "flac": Kind("a FLAC file", "audio"),
    "eac3": Kind("a Dolby (E-)AC-3 file", "audio"),
    "dicom": Kind("a DICOM file", "medical"),
    "nifti": Kind("a NIfTI file", "medical"),
    "nifti-gzip": Kind("a gzip-compressed NIfTI file", "medical"),
    "pdf": Kind("a PDF", "document"),
    "gzip": Kind("a gzip file", "other"),
    "zip": Kind("a ZIP archive", "other"),
    "pcd": Kind("a PCD point cloud", "point cloud"),
    "ply": Kind("a PLY point cloud", "point cloud"),
    "las": Kind("a LAS/LAZ point cloud", "point cloud"),
    "mcap": Kind("an MCAP recording", "point cloud"),
    "rosbag": Kind("a ROS bag", "point cloud"),
    "sqlite": Kind("an SQLite database", "point cloud"),
    "html": Kind("an HTML page", "text"),
    "xml-error": Kind("an XML error document", "text"),
    "xml": Kind("an XML document", "text"),
    "svg": Kind("an SVG image", "image"),
    "json": Kind("a JSON document", "text"),
    "text": Kind("plain text", "text"),
    "zeros": Kind("all zero bytes", "other"),
    "binary": Kind("binary data", "other"),
}

#: Kinds that suggest an error answer saved as the file (a finding's message says so).
DOCUMENT_KINDS = frozenset({"html", "xml-error", "xml", "json", "text"})
#: Kinds wrong in every list, text lists included.
_NEVER_RIGHT = frozenset({"zeros"})
#: Wrong in a list that accepts files of any kind (a scene's calibration or model files,
#: some of which are JSON or XML): pages and error documents.
_WRONG_ANYWHERE = frozenset({"zeros", "html", "xml-error"})
_TEXT = frozenset({"html", "xml-error", "xml", "svg", "json", "text", "pcd", "ply"})


@dataclass(frozen=True)
class Expected:
    """What a list wants of a file."""

    noun: str
    #: The kinds that are right; None: any kind but ``_WRONG_ANYWHERE``.
    accepted: frozenset[str] | None
    #: Text is wanted: binary data that is no known kind is wrong too.
    textual: bool = False
    #: A marker that also makes the file right when it is found this far in (a PDF's header).
    marker: tuple[bytes, int] | None = None


_IMAGES = frozenset({"jpeg", "png", "webp", "avif", "heif", "bmp", "tiff", "gif"})
_VIDEOS = frozenset({"mp4", "quicktime", "matroska", "avi"})
_TEXT_FILE = Expected("text file", _TEXT, textual=True)

#: What each data type (entry list) accepts.
EXPECTED: dict[str, Expected] = {
    "images": Expected("image", _IMAGES),
    "image_groups": Expected("image", _IMAGES),
    "videos": Expected("video", _VIDEOS),
    "audio": Expected("audio file", frozenset({"mp3", "wav", "flac", "mp4-audio", "mp4", "eac3"})),
    "dicom_series": Expected("DICOM file", frozenset({"dicom"})),
    "nifti": Expected("NIfTI volume", frozenset({"nifti", "nifti-gzip", "gzip"})),
    "pdf": Expected("PDF document", frozenset({"pdf"}), marker=(b"%PDF-", PDF_WINDOW)),
    "text": _TEXT_FILE,
    # Time series are CSV files: text, judged as text.
    "time_series": _TEXT_FILE,
}

#: Lists judged by the URL's extension (their files are of several kinds), with what a file of
#: no extension below must not be.
_BY_EXTENSION_LISTS: dict[str, Expected] = {"scenes": Expected("scene file", None)}

#: What a URL's extension says its file must be, in lists judged by extension. Point clouds:
#: the extensions of Encord's point-cloud import; ASCII PCD and PLY are text as well.
BY_EXTENSION: dict[str, Expected] = {
    ".pcd": Expected("PCD point cloud", frozenset({"pcd", "text"})),
    ".ply": Expected("PLY point cloud", frozenset({"ply", "text"})),
    ".las": Expected("LAS point cloud", frozenset({"las"})),
    ".laz": Expected("LAZ point cloud", frozenset({"las"})),
    ".mcap": Expected("MCAP recording", frozenset({"mcap"})),
    ".bag": Expected("ROS bag", frozenset({"rosbag"})),
    ".db3": Expected("ROS 2 bag", frozenset({"sqlite"})),
    ".csv": _TEXT_FILE,
    **{ext: EXPECTED["images"] for ext in (".jpg", ".jpeg", ".png", ".webp", ".avif", ".bmp")},
    **{ext: EXPECTED["images"] for ext in (".tif", ".tiff")},
    **{ext: EXPECTED["videos"] for ext in (".mp4", ".mov", ".webm", ".mkv")},
}


def expected(list_key: str, url: str) -> Expected | None:
    """What a file listed in ``list_key`` at ``url`` must be; None: nothing is known."""
    if list_key in _BY_EXTENSION_LISTS:
        path = urlsplit(url).path.lower()
        extension = "." + path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
        return BY_EXTENSION.get(extension, _BY_EXTENSION_LISTS[list_key])
    return EXPECTED.get(list_key)


def contradiction(wanted: Expected, head: bytes) -> str | None:
    """The kind ``head`` shows when that is not what ``wanted`` accepts; None when the bytes
    agree or do not tell."""
    if not head:
        return None
    if wanted.marker is not None and wanted.marker[0] in head[: wanted.marker[1]]:
        return None
    kind = sniff(head)
    if kind is None:
        return "binary" if wanted.textual and looks_binary(head) else None
    if kind in _NEVER_RIGHT:
        return kind
    if wanted.accepted is None:
        return kind if kind in _WRONG_ANYWHERE else None
    return None if kind in wanted.accepted else kind


def describe(kind: str) -> str:
    """A reader's name for a kind."""
    known = KINDS.get(kind)
    return known.description if known else kind


def family(kind: str) -> str:
    known = KINDS.get(kind)
    return known.family if known else "other"


def first_bytes(headers: Mapping[str, str], body: bytes) -> bytes:
    """The first bytes of the object itself: a body the server compressed on the way
    (Content-Encoding, although identity was asked for) is inflated, at most ``SNIFF_BYTES``
    of it; one in another encoding (br, zstd) says nothing."""
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip", "deflate"):
        return inflate(body)
    return b""


def mismatch(kind: str, noun: str, read: int) -> str:
    """R805's message: the object is ``kind`` (of which ``read`` bytes were read), not a
    ``noun``."""
    what, a = describe(kind), "an" if noun[:1].lower() in "aeiou" else "a"
    if kind == "zeros":
        return (
            f"the object is {what} (all {read:,} read), not {a} {noun} "
            "(a file whose data was never written?)"
        )
    if family(kind) == noun:
        return f"the object is {what}, a format Encord does not import as {a} {noun}"
    why = "an error page?" if kind in DOCUMENT_KINDS else "by its first bytes"
    return f"the object is {what}, not {a} {noun} ({why})"
