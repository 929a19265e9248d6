"""What the answers say of one object, as verdicts: (code, message) pairs of the R8xx rules.

From the status of the first answer, the size, what the first bytes and the Content-Type say
the file is, and a DICOM header; a request that failed (``FetchError``) is a verdict too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from encord_manifest._internal.model import spec
from encord_manifest._internal.remote.answers import Answer
from encord_manifest._internal.remote.dicom import DicomHeader
from encord_manifest._internal.remote.fetch_errors import FetchError
from encord_manifest._internal.remote.sniff import (
    contradiction,
    describe,
    expected,
    first_bytes,
    mismatch,
    sniff,
)
from encord_manifest._internal.remote.targets import Target
from encord_manifest._internal.rules import remote as rules

if TYPE_CHECKING:
    from encord_manifest._internal.remote.check import RemoteSettings

#: Content types that say nothing about the file.
_GENERIC_TYPES = frozenset(
    {"", "application/octet-stream", "binary/octet-stream", "application/x-www-form-urlencoded"}
)
_TYPE_PREFIXES: dict[str, tuple[str, ...]] = {
    "images": ("image/",),
    "image_groups": ("image/",),
    "videos": ("video/",),
    "audio": ("audio/", "video/mp4"),
    "dicom_series": ("application/dicom",),
    "nifti": ("application/gzip", "application/x-gzip", "application/nifti"),
    "pdf": ("application/pdf",),
    "text": ("text/", "application/json", "application/xml"),
}


Verdict = tuple[str, str]


def status_verdict(answer: Answer) -> Verdict | None:
    status = answer.status
    if status in (404, 410):
        return rules.OBJECT_NOT_FOUND, f"object not found (HTTP {status})"
    if status in (401, 403):
        return (
            rules.OBJECT_ACCESS_DENIED,
            f"reading the object is not allowed (HTTP {status}): check the bucket policy and "
            "the integration's permissions, or whether the key exists",
        )
    if status == 416 and answer.size == 0:
        return None  # a range of an empty object: the size says it
    if not 200 <= status < 300:
        retried = " after retries" if status == 429 or status >= 500 else ""
        return rules.OBJECT_UNREACHABLE, f"the server answers HTTP {status}{retried}"
    return None


def dicom_findings(header: DicomHeader, first: Answer) -> Iterator[Verdict]:
    if header.status == "not-dicom":
        kind = sniff(first.body)
        what = describe(kind) if kind else "not DICOM (no DICM signature, no DICOM element)"
        yield rules.OBJECT_TYPE_MISMATCH, f"the object is {what}, not a DICOM file"
        return
    if header.status != "ok":
        yield rules.DICOM_UNREADABLE, f"the DICOM header could not be read: {header.detail}"
        return
    if header.missing_required:
        yield (
            rules.DICOM_MISSING_TAG,
            f"DICOM file without {_names(header.missing_required)}; Encord needs it to import",
        )
    if header.missing_3d:
        yield (
            rules.DICOM_MISSING_3D_TAG,
            f"DICOM file without {_names(header.missing_3d)}; the series will not render in 3D",
        )
    for name in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"):
        value = str(header.values.get(name) or "")
        if len(value) > 64:
            yield (
                rules.DICOM_INVALID_UID,
                f"{name} is {len(value)} characters long; the limit is 64",
            )


def _names(names: list[str]) -> str:
    return ", ".join(names)


def fetch_error_verdict(error: FetchError) -> Verdict:
    if error.kind in ("refused-host", "refused-url", "run-deadline"):
        return rules.OBJECT_NOT_CHECKED, f"not checked: {error}"
    if error.kind == "redirects":
        return rules.OBJECT_REDIRECTS, f"the URL never reaches an object: {error}"
    return rules.OBJECT_UNREACHABLE, f"the object could not be read: {error}"


def fetch_error_shared_by(error: FetchError) -> str | None:
    if error.host is not None:
        return f"on {error.host}"
    if error.kind == "run-deadline":
        return "left when it passed"
    return None


def size_findings(size: int | None, settings: RemoteSettings) -> Iterator[Verdict]:
    if size == 0:
        yield rules.OBJECT_EMPTY, "the object is empty (0 bytes)"
    limit = settings.max_object_bytes
    if limit is not None and size is not None and size > limit:
        yield (
            rules.OBJECT_TOO_LARGE,
            f"the object is {size / 1e6:,.1f} MB; the configured limit is {limit / 1e6:,.1f} MB",
        )


#: What one file of each list is.
_FILE_NOUN = {
    **spec.ENTRY_NOUN,
    "image_groups": "image",
    "dicom_series": "DICOM file",
    "time_series": "time-series file",
    "scenes": "scene file",
}


def type_findings(target: Target, answer: Answer) -> Iterator[Verdict]:
    """R805 when the first bytes show a file the list does not accept, else R806 when the
    Content-Type names another type (a JPEG served as text/html still troubles browsers)."""
    wanted = expected(target.list_key, target.url)
    head = first_bytes(answer.headers, answer.body)
    kind = contradiction(wanted, head) if wanted is not None else None
    if wanted is not None and kind is not None:
        yield rules.OBJECT_TYPE_MISMATCH, mismatch(kind, wanted.noun, len(head))
        return
    noun = _FILE_NOUN.get(target.list_key, target.list_key)
    content_type = answer.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    prefixes = _TYPE_PREFIXES.get(target.list_key)
    if content_type in _GENERIC_TYPES or prefixes is None:
        return
    if not content_type.startswith(prefixes):
        yield (
            rules.OBJECT_CONTENT_TYPE_MISMATCH,
            f"the server says the object is {content_type}, not {_a(noun)} {noun}",
        )


def _a(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"
