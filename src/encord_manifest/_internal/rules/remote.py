"""R: what the objects behind the URLs say (`lint --remote`, spec sections 3, 5 and 6).

These rules are checked only with `--remote`, by ``encord_manifest._internal.remote.check``, which reads
each object's headers and first bytes with one ranged GET (a DICOM header and a sequence
frame's size further, as far as needed). Their
examples describe an object's state rather than a manifest, so the test suite runs them
against a real HTTP server instead of through the offline linter.
"""

from __future__ import annotations

from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.rules import register

_URL = '{"images": [{"objectUrl": "https://b.s3.eu-central-1.amazonaws.com/cat.jpg"}]}'


def _remote(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    explanation: str,
    failing: str,
    passing: str,
    manifest: str = _URL,
) -> str:
    """Register a remote rule: its examples are a manifest and what the object answers."""
    return register(
        code,
        name,
        severity,
        summary,
        explanation=explanation,
        failing=f"{manifest}\n# {failing}",
        passing=f"{manifest}\n# {passing}",
        origin="remote",
        example_is_literal=False,
    )


OBJECT_NOT_FOUND = _remote(
    "R801",
    "object-not-found",
    Severity.ERROR,
    "The object does not exist (HTTP 404 or 410)",
    """
        The server says there is no object at this URL: a typo in the key, a file not yet
        uploaded, or one deleted since. The import would fail this file.
    """,
    "the object's URL answers 404",
    "the object's URL answers 206 with Content-Range: bytes 0-4095/48213",
)

OBJECT_ACCESS_DENIED = _remote(
    "R802",
    "object-access-denied",
    Severity.ERROR,
    "Reading the object is not allowed (HTTP 401 or 403)",
    """
        The object cannot be read with the credentials given (or without any). Encord reads it
        through your storage integration, so check that its role or access key may read this
        bucket (s3:GetObject / OBS read permission) and that the bucket policy allows it. S3 and
        OBS also answer 403 instead of 404 for a missing key when listing the bucket is not
        allowed: the key may simply not exist.
    """,
    "a ranged GET answers 403",
    "a ranged GET answers 206",
)

OBJECT_EMPTY = _remote(
    "R803",
    "object-empty",
    Severity.ERROR,
    "The object is empty (0 bytes)",
    """
        A zero-byte object is no image, video or scan: usually an upload that failed half-way.
    """,
    "a ranged GET answers 416 (not even byte 0 exists), or 200 with Content-Length: 0",
    "a ranged GET answers 206 with Content-Range: bytes 0-4095/48213",
)

OBJECT_REDIRECTS = _remote(
    "R804",
    "object-redirects",
    Severity.ERROR,
    "The URL redirects in a loop, or too many times",
    """
        Following the URL's redirects never reaches an object (a loop, or more than ten hops).
        Use the object's final URL.
    """,
    "a 302 to a URL that redirects back",
    "a 200, or one redirect to the object",
)

OBJECT_TYPE_MISMATCH = _remote(
    "R805",
    "object-type-mismatch",
    Severity.ERROR,
    "The object's bytes are not of the data type it is listed as",
    """
        The first bytes of the object (its first 4 KiB, read with the one request every object
        gets) show another kind of file than the list it is in: an HTML login or error page, an
        XML error document (S3, GCS, OBS, Azure) or JSON saved under a media name, a file of
        nothing but zero bytes, a video listed as an image, a JPEG listed as DICOM, a PNG as a
        point cloud. The import fails it ("Expected a video, got a file of type ..."). Text lists
        accept HTML, XML and JSON; bytes of a format not known here are no finding.
    """,
    "the first bytes are '<!DOCTYPE html>'",
    "the first bytes are FF D8 FF (a JPEG)",
)

OBJECT_CONTENT_TYPE_MISMATCH = _remote(
    "R806",
    "object-content-type-mismatch",
    Severity.WARNING,
    "The server's Content-Type contradicts the data type",
    """
        The object is served as another type (text/html for an image, an image type for a
        video). Generic types (application/octet-stream, binary/octet-stream) say nothing and
        are accepted. A wrong type can make browsers and the Encord viewer refuse the file; set
        the object's content type when uploading.
    """,
    "the server answers Content-Type: text/html",
    "the server answers Content-Type: image/jpeg",
)

OBJECT_TOO_LARGE = _remote(
    "R807",
    "object-too-large",
    Severity.WARNING,
    "The object is larger than the configured plan limit",
    """
        The object is larger than `max-object-mb` in the configuration (your plan's limit for
        one file). Off unless configured.
    """,
    "Content-Length above max-object-mb",
    "Content-Length within it",
)

OBJECT_UNREACHABLE = _remote(
    "R808",
    "object-unreachable",
    Severity.ERROR,
    "The object could not be read (connection, timeout, server error)",
    """
        No answer could be had: the host does not resolve, refuses or drops connections, does not
        answer in time, or answers with a server error (5xx, 429) even after retries, or with
        another client error. Each object gets 3 x `--timeout` for all its requests, retries
        and redirects together, however slowly a server drips its answer. A host that does not
        resolve or accept connections is asked once per run: its URLs are reported in one
        finding, at the first, with the count and the next few places. Encord's import would
        meet the same.
    """,
    "the server answers 503 to every retry",
    "the server answers 200",
)

OBJECT_NOT_CHECKED = _remote(
    "R809",
    "object-not-checked",
    Severity.WARNING,
    "The object was not requested (a private or local address, or the run's deadline)",
    """
        A check never contacts an address that is not globally reachable (private, loopback,
        link-local, CGNAT, and such addresses inside IPv6 forms), whatever the spelling of the
        URL or of a redirect's Location, unless the user opens it: `--allow-host HOST[:PORT]`
        (or `allow-hosts` in the configuration) for one host, `--allow-private-hosts` for all.
        Cloud metadata endpoints (169.254.169.254, fd00:ec2::254, ...) are opened only by an
        `--allow-host` on the command line. Through a proxy, a name that does not resolve here
        is not handed to the proxy unless `--allow-host` names it. A redirect to a URL whose
        host parsers read differently is not followed. Objects left when `--deadline` passes
        are reported here too. Findings of one host (or of the deadline) are given once, with
        the count. Encord cannot reach a private address either.
    """,
    "a URL on 10.0.0.5 or 169.254.169.254",
    "a URL on a public host",
)

_SERIES = '{"dicom_series": [{"title": "ct", "objectUrl_0": "https://b.s3.amazonaws.com/ct/0.dcm", "objectUrl_1": "https://b.s3.amazonaws.com/ct/1.dcm"}]}'


DICOM_MISSING_TAG = _remote(
    "R810",
    "dicom-missing-tag",
    Severity.ERROR,
    "A DICOM file without a tag Encord needs to import it",
    """
        Encord needs Rows, Columns, StudyInstanceUID, SeriesInstanceUID, SOPInstanceUID and
        PatientID in every file of a series (read from the file's header with Range requests,
        never its pixels). A file without one fails the import.
    """,
    "1.dcm has no PatientID",
    "both files carry all six tags",
    _SERIES,
)

DICOM_MISSING_3D_TAG = _remote(
    "R811",
    "dicom-missing-3d-tag",
    Severity.WARNING,
    "A DICOM file without the tags 3D rendering needs",
    """
        To show a series in 3D, Encord needs ImagePositionPatient, ImageOrientationPatient,
        SliceThickness and PixelSpacing (at top level, or in the functional groups of an
        enhanced multi-frame object). Without them the series imports, in 2D only.
    """,
    "the files have no ImagePositionPatient",
    "the files carry all four",
    _SERIES,
)

DICOM_INVALID_UID = _remote(
    "R812",
    "dicom-invalid-uid",
    Severity.ERROR,
    "A DICOM UID longer than 64 characters",
    """
        DICOM UIDs (StudyInstanceUID, SeriesInstanceUID, SOPInstanceUID) hold 1 to 64
        characters; the server rejects longer ones.
    """,
    "SOPInstanceUID of 70 characters",
    "UIDs of up to 64 characters",
    _SERIES,
)

DICOM_STUDY_DIFFERS = _remote(
    "R813",
    "dicom-study-differs",
    Severity.ERROR,
    "Files of one DICOM series belong to different studies",
    """
        Every file of a series must carry the same StudyInstanceUID; the server refuses a
        series that mixes studies. Reported at each file whose study differs from the first's.
    """,
    "1.dcm has another StudyInstanceUID than 0.dcm",
    "one StudyInstanceUID throughout",
    _SERIES,
)

DICOM_DUPLICATE_INSTANCE = _remote(
    "R814",
    "dicom-duplicate-instance",
    Severity.ERROR,
    "Two files of one DICOM series with the same SOPInstanceUID",
    """
        SOPInstanceUID identifies one image; two files of a series with the same one are the
        same image twice (or a copy with a wrong UID), which the server rejects.
    """,
    "1.dcm repeats 0.dcm's SOPInstanceUID",
    "a distinct SOPInstanceUID per file",
    _SERIES,
)

DICOM_SIZE_DIFFERS = _remote(
    "R815",
    "dicom-size-differs",
    Severity.ERROR,
    "Files of one DICOM series with different Rows/Columns",
    """
        The images of a series must share their dimensions (Rows and Columns); the server
        refuses a series whose files differ.
    """,
    "0.dcm is 512x512, 1.dcm is 256x256",
    "every file is 512x512",
    _SERIES,
)

DICOM_UNREADABLE = _remote(
    "R816",
    "dicom-header-unreadable",
    Severity.WARNING,
    "The DICOM header could not be read",
    """
        The file's header could not be parsed, or did not end within the bytes a check reads
        (16 MiB over at most six ranged requests). Its tags were not checked.
    """,
    "a corrupt header",
    "a header that parses",
    _SERIES,
)

_SEQUENCE = '{"image_groups": [{"title": "walk", "createVideo": true, "objectUrl_0": "https://b.s3.amazonaws.com/w/0.jpg", "objectUrl_1": "https://b.s3.amazonaws.com/w/1.jpg"}]}'

SEQUENCE_FRAME_SIZE_DIFFERS = _remote(
    "R817",
    "sequence-frame-size-differs",
    Severity.WARNING,
    "A frame of an image sequence whose size differs from the first frame's",
    """
        An image sequence becomes a video whose size is the first frame's; frames of another
        size are resized to it (and distorted when the aspect ratio differs). Each frame's size
        is read from its first bytes, never the whole image.
    """,
    "0.jpg is 1920x1080, 1.jpg is 1280x720",
    "every frame is 1920x1080",
    _SEQUENCE,
)

SEQUENCE_FRAME_TOO_LARGE = _remote(
    "R818",
    "sequence-frame-too-large",
    Severity.ERROR,
    "A frame of an image sequence whose header claims more pixels than an image can sensibly have",
    """
        The frame's header claims more than 89,478,485 pixels (width x height; the message says
        both and the total). That is Pillow's default decompression-bomb limit, a 24-bit image of
        256 MiB: image libraries with default settings refuse or warn about such files, and a
        video cannot be made of frames this size. It is a corrupt or hostile file (a small file
        whose header promises a huge image) or a mistake. Only the header is read, never the
        pixels, so the check is safe on any file.
    """,
    "1.jpg's header says 65535x65535 (4,294,836,225 pixels)",
    "every frame is 1920x1080",
    _SEQUENCE,
)
