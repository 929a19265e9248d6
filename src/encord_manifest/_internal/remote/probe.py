"""One object of `lint --remote`: its first request, and what is learnt of it.

Every object starts with one request: a ranged GET of the bytes its check reads first. For most
objects that is the first 4 KiB (``SNIFF_BYTES``, ``Range: bytes=0-4095``), which tell at once
whether the object exists (the status), its size (``Content-Range: bytes 0-4095/TOTAL``, or
Content-Length where a server ignores Range and answers 200: then only those bytes are read and
the connection is dropped), whether it is empty (a 416: not even byte 0 exists), and what the
file is (``sniff``: an HTML page, an XML error document or zero bytes listed as an image is
R805). DICOM files start with the first read of their header, image-sequence frames with the
first 16 KiB (their size is read too); both read on only as far as their checks need. HEAD is
asked only where a server refuses GET (405, 501), and then nothing is known of the bytes.

With a cache, the first request carries the conditions of what was learnt (If-None-Match,
If-Modified-Since): an unchanged object answers 304 without a body and is judged from the cache;
a changed one answers with its bytes, which are judged at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from encord_manifest._internal.remote.answers import GET_REFUSED, Answer
from encord_manifest._internal.remote.dicom import FIRST_READ, DicomHeader, read_header
from encord_manifest._internal.remote.fetch_errors import FetchError
from encord_manifest._internal.remote.http import Fetcher
from encord_manifest._internal.remote.images import READS as IMAGE_READS
from encord_manifest._internal.remote.images import frame_verdicts, read_size
from encord_manifest._internal.remote.sniff import SNIFF_BYTES
from encord_manifest._internal.remote.targets import Target
from encord_manifest._internal.remote.verdicts import (
    Verdict,
    dicom_findings,
    fetch_error_shared_by,
    fetch_error_verdict,
    size_findings,
    status_verdict,
    type_findings,
)
from encord_manifest._internal.rules import remote as rules

if TYPE_CHECKING:
    from encord_manifest._internal.remote.check import RemoteSettings


@dataclass
class Probe:
    """What was learnt of one object."""

    target: Target
    verdicts: list[Verdict]
    header: DicomHeader | None = None
    #: (width, height) of a sequence frame.
    dimensions: tuple[int, int] | None = None
    size: int | None = None
    #: (ETag, Last-Modified) of a 2xx answer, when it had either: what makes it cacheable.
    validators: tuple[str | None, str | None] | None = None
    #: Who the verdict is shared with ("on HOST", "left when the deadline passed"): set when
    #: it is not the object's own but its host's or the run's.
    shared_by: str | None = None


def probe(target: Target, settings: RemoteSettings, fetcher: Fetcher) -> Probe:
    """One object: one first request, conditional when the cache knows the object; from the
    cache when the server says it is unchanged (304, no body), else judged from that answer."""
    cache = settings.cache
    entry = cache.load(target.url) if cache is not None else None
    if entry is not None and (entry.get("list_key"), entry.get("frame")) != (
        target.list_key,
        target.frame,
    ):
        entry = None
    try:
        answer = _first_answer(target, fetcher, _conditions(entry))
    except FetchError as error:
        return Probe(target, [fetch_error_verdict(error)], shared_by=fetch_error_shared_by(error))
    if entry is not None and _unchanged(answer, entry):
        return _from_cache(target, settings, entry)
    result = _judged(target, settings, fetcher, answer)
    if (
        cache is not None
        and result.validators is not None
        and not ({code for code, _ in result.verdicts} & _NOT_CACHED)
    ):
        cache.store(target.url, _entry(result))
    return result


def _first_answer(target: Target, fetcher: Fetcher, conditions: dict[str, str]) -> Answer:
    """The request every object starts with: a ranged GET of what its check reads first (a
    DICOM header's first read, a frame's header, else the first ``SNIFF_BYTES``: existence,
    size and what the file is, in one request). HEAD only where GET is refused (405, 501),
    and not for DICOM files and frames, whose checks need their bytes."""
    if target.list_key == "dicom_series":
        stop = FIRST_READ
    elif target.frame:
        stop = IMAGE_READS[0]
    else:
        stop = SNIFF_BYTES
    answer = fetcher.read_prefix(target.url, 0, stop, extra=conditions)
    if answer.status in GET_REFUSED and stop == SNIFF_BYTES:
        answer = fetcher.request("HEAD", target.url, extra=conditions)
    return answer


def _conditions(entry: dict[str, Any] | None) -> dict[str, str]:
    conditions: dict[str, str] = {}
    if entry is not None and entry.get("etag"):
        conditions["If-None-Match"] = str(entry["etag"])
    if entry is not None and entry.get("last_modified"):
        conditions["If-Modified-Since"] = str(entry["last_modified"])
    return conditions


#: Verdicts about the answer rather than the object: asked again every run.
_NOT_CACHED = frozenset(
    {
        rules.OBJECT_NOT_FOUND,
        rules.OBJECT_ACCESS_DENIED,
        rules.OBJECT_REDIRECTS,
        rules.OBJECT_UNREACHABLE,
        rules.OBJECT_NOT_CHECKED,
        rules.DICOM_UNREADABLE,
    }
)
#: Verdicts worked out from the size each run (the limit may have changed).
_SIZE_CODES = frozenset({rules.OBJECT_EMPTY, rules.OBJECT_TOO_LARGE})


def _judged(target: Target, settings: RemoteSettings, fetcher: Fetcher, answer: Answer) -> Probe:
    """One object, from its first answer (and the further reads of DICOM headers and frames)."""
    result = Probe(target, [])
    dicom = target.list_key == "dicom_series"
    refusal = status_verdict(answer)
    if refusal is not None:
        result.verdicts.append(refusal)
        return result
    result.size = answer.size
    etag, modified = answer.headers.get("etag"), answer.headers.get("last-modified")
    result.validators = (etag, modified) if etag or modified else None
    result.verdicts.extend(size_findings(answer.size, settings))
    if answer.size == 0:
        return result
    if dicom:
        result.header = read_header(fetcher, target.url, first=answer)
        result.verdicts.extend(dicom_findings(result.header, answer))
        return result
    type_verdicts = list(type_findings(target, answer))
    result.verdicts.extend(type_verdicts)
    if target.frame and not type_verdicts:
        result.dimensions = read_size(fetcher, target.url, answer)
        result.verdicts.extend(frame_verdicts(result.dimensions))  # R818
    return result


def _entry(result: Probe) -> dict[str, Any]:
    from encord_manifest._internal.remote.cache import digest

    compared = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID")

    def kept(name: str, value: Any) -> Any:
        # No patient data on disk: the UIDs the series rules compare as digests (equal stays
        # equal), numbers (Rows, Columns) as they are, the rest (PatientID...) only as present;
        # the verdicts worked out from the values (UID lengths) are cached whole.
        if isinstance(value, int):
            return value
        return digest(str(value)) if name in compared else True

    header = result.header
    etag, modified = result.validators or (None, None)
    return {
        "list_key": result.target.list_key,
        "frame": result.target.frame,
        "etag": etag,
        "last_modified": modified,
        "size": result.size,
        "verdicts": [list(v) for v in result.verdicts if v[0] not in _SIZE_CODES],
        "header": None
        if header is None
        else {
            "status": header.status,
            "detail": header.detail,
            "values": {k: kept(k, v) for k, v in header.values.items()},
        },
        "dimensions": list(result.dimensions) if result.dimensions else None,
    }


def _unchanged(answer: Answer, entry: dict[str, Any]) -> bool:
    """Whether the answer to the conditional request says the cached object is unchanged."""
    etag = entry.get("etag")
    return answer.status == 304 or (
        200 <= answer.status < 300 and etag is not None and answer.headers.get("etag") == etag
    )


def _from_cache(target: Target, settings: RemoteSettings, entry: dict[str, Any]) -> Probe:
    """The cached result of an unchanged object (the size rules worked out again)."""
    result = Probe(target, list(size_findings(entry.get("size"), settings)))
    result.verdicts.extend((str(code), str(message)) for code, message in entry["verdicts"])
    result.size = entry.get("size")
    if entry.get("header") is not None:
        cached = entry["header"]
        result.header = DicomHeader(
            values=dict(cached["values"]), status=cached["status"], detail=cached["detail"]
        )
    if entry.get("dimensions"):
        width, height = entry["dimensions"]
        result.dimensions = (int(width), int(height))
    return result
