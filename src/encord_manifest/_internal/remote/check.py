"""`lint --remote`: probe every distinct URL of a manifest concurrently; findings in manifest order.

Each distinct URL is probed once (a URL listed twice is one object), and every object starts
with one request: a ranged GET of the bytes its check reads first. For most objects that is
the first 4 KiB (``SNIFF_BYTES``, ``Range: bytes=0-4095``), which tell at once whether the
object exists (the status), its size (``Content-Range: bytes 0-4095/TOTAL``, or Content-Length
where a server ignores Range and answers 200: then only those bytes are read and the
connection is dropped), whether it is empty (a 416: not even byte 0 exists), and what the file
is (``sniff``: an HTML page, an XML error document or zero bytes listed as an image is R805).
DICOM files start with the first read of their header, image-sequence frames with the first
16 KiB (their size is read too); both read on only as far as their checks need. HEAD is asked
only where a server refuses GET (405, 501), and then nothing is known of the bytes.

What the answers say becomes R8xx findings at every place the URL is listed, then the
per-series and per-sequence rules compare the files of each entry. URLs that the offline rules
already reject as malformed are not probed: the request could only fail for the reason already
reported. With a cache, the first request carries the conditions of what was learnt
(If-None-Match, If-Modified-Since): an unchanged object answers 304 without a body and is
judged from the cache; a changed one answers with its bytes, which are judged at once.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Pointer
from encord_manifest._internal.remote.cache import ResultCache
from encord_manifest._internal.remote.dicom import FIRST_READ, DicomHeader, read_header
from encord_manifest._internal.remote.http import (
    GET_REFUSED,
    Answer,
    Fetcher,
    FetchError,
    FetchSettings,
)
from encord_manifest._internal.remote.images import READS as IMAGE_READS
from encord_manifest._internal.remote.images import frame_verdicts, read_size
from encord_manifest._internal.remote.safety import AddressPolicy
from encord_manifest._internal.remote.sniff import (
    SNIFF_BYTES,
    contradiction,
    describe,
    expected,
    first_bytes,
    mismatch,
    sniff,
)
from encord_manifest._internal.rules import remote as rules
from encord_manifest._internal.rules.placeholders import never_requested
from encord_manifest._internal.rules.scene_walk import scene_files
from encord_manifest._internal.rules.urls import url_problems
from encord_manifest._internal.rules.view import positional_suffix

#: Offline findings that make a URL not worth a request.
_MALFORMED = frozenset({"U301", "U302", "U303", "U305", "U311"})
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


@dataclass(frozen=True)
class RemoteSettings:
    jobs: int = 32
    fetch: FetchSettings = field(default_factory=FetchSettings)
    #: R807 above this many bytes per object; None: no limit configured.
    max_object_bytes: int | None = None
    #: Where to draw a progress bar; None: no progress shown.
    progress: TextIO | None = None
    #: Results of earlier runs (revalidated with conditional requests); None: no cache.
    cache: ResultCache | None = None
    #: Which addresses may be contacted for this manifest (the fetcher's own when None:
    #: a configuration file's ``allow-hosts`` make each manifest's policy its own).
    policy: AddressPolicy | None = None


@dataclass(frozen=True)
class Target:
    url: str
    list_key: str
    pointers: tuple[Pointer, ...]
    #: A frame of an image sequence (its size is read too).
    frame: bool = False


def targets(data: Any) -> list[Target]:
    """The distinct, well-formed URLs of a manifest, each with every place it is listed."""
    places: dict[str, list[Pointer]] = {}
    kinds: dict[str, str] = {}
    frames: set[str] = set()
    for list_key, index, entry in spec.entries_of(data):
        if list_key == spec.SCENE_KEY:
            for tail, value, kind in scene_files(entry.get("scene")):
                if _probeable(value):
                    places.setdefault(value, []).append((list_key, index, "scene", *tail))
                    # A scene's images are probed as images; its other files as scene files.
                    kinds.setdefault(value, kind if kind in spec.ENTRY_KEYS else list_key)
            continue
        for key, value in entry.items():
            if key != "objectUrl" and positional_suffix(key) is None:
                continue
            if not isinstance(value, str) or not _probeable(value):
                continue
            places.setdefault(value, []).append((list_key, index, key))
            kinds.setdefault(value, list_key)
            if list_key == "image_groups" and entry.get("createVideo") is not False:
                frames.add(value)
    return [
        Target(url, kinds[url], tuple(pointers), url in frames) for url, pointers in places.items()
    ]


def _probeable(url: str) -> bool:
    if not url.lower().startswith(("https://", "http://")):
        return False
    if any(code in _MALFORMED for code, _ in url_problems(url)):
        return False
    return not never_requested(url)  # U312: a bucket of a placeholder's name may be anyone's


Verdict = tuple[str, str]


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


def check(data: Any, settings: RemoteSettings, fetcher: Fetcher) -> list[Finding]:
    """Findings about the objects of a manifest: each object's, then each DICOM series'."""
    wanted = targets(data)
    if not wanted:
        return []
    progress = _Progress(len(wanted), settings.progress)
    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:

        def probe_one(target: Target) -> Probe:
            try:
                if fetcher.run_deadline_passed:
                    late = fetcher.late_error()
                    return Probe(target, [_fetch_error(late)], shared_by=_shared_by(late))
                with fetcher.object_deadline(settings.policy):
                    return probe(target, settings, fetcher)
            except Exception as error:
                # A hostile answer no rule foresaw costs its own object, never the run.
                verdict = (
                    rules.OBJECT_UNREACHABLE,
                    f"the object could not be read: its answer could not be handled "
                    f"({type(error).__name__})",
                )
                return Probe(target, [verdict])
            finally:
                progress.advance()

        probes = list(pool.map(probe_one, wanted))
    progress.finish()
    findings = list(_object_findings(probes))
    headers = {result.target.url: result.header for result in probes if result.header}
    findings.extend(series_findings(data, headers))
    sizes = {result.target.url: result.dimensions for result in probes if result.dimensions}
    findings.extend(sequence_findings(data, sizes))
    return findings


def _object_findings(probes: list[Probe]) -> Iterator[Finding]:
    """Each object's verdicts at every place it is listed; a verdict that is the host's
    (down, refused) or the run's (deadline) is given once, at its first place, with the count
    and the next few places (``Finding.also``)."""
    shared: dict[tuple[str, str, str], list[Pointer]] = {}
    for result in probes:
        for code, message in result.verdicts:
            if result.shared_by is not None and code in _SHARED_CODES:
                shared.setdefault((result.shared_by, code, message), []).extend(
                    result.target.pointers
                )
                continue
            for pointer in result.target.pointers:
                yield Finding(code, pointer, message)
    for (who, code, message), pointers in shared.items():
        pointers.sort(key=_pointer_order)
        count = len(pointers)
        if count > 1:
            message = f"{message}; one finding for the {count:,} URLs {who}"
        yield Finding(code, pointers[0], message, also=tuple(pointers[1:]))


_SHARED_CODES = frozenset({rules.OBJECT_UNREACHABLE, rules.OBJECT_NOT_CHECKED})


def _pointer_order(pointer: Pointer) -> tuple[str, ...]:
    return tuple(f"{part:>12}" if isinstance(part, int) else str(part) for part in pointer)


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
        return Probe(target, [_fetch_error(error)], shared_by=_shared_by(error))
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
    refusal = _status_verdict(answer)
    if refusal is not None:
        result.verdicts.append(refusal)
        return result
    result.size = answer.size
    etag, modified = answer.headers.get("etag"), answer.headers.get("last-modified")
    result.validators = (etag, modified) if etag or modified else None
    result.verdicts.extend(_size_findings(answer.size, settings))
    if answer.size == 0:
        return result
    if dicom:
        result.header = read_header(fetcher, target.url, first=answer)
        result.verdicts.extend(_dicom_findings(result.header, answer))
        return result
    type_verdicts = list(_type_findings(target, answer))
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
    result = Probe(target, list(_size_findings(entry.get("size"), settings)))
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


def _status_verdict(answer: Answer) -> Verdict | None:
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


def _dicom_findings(header: DicomHeader, first: Answer) -> Iterator[Verdict]:
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


def sequence_findings(data: Any, sizes: dict[str, tuple[int, int]]) -> Iterator[Finding]:
    """Frames of an image sequence whose size differs from the first frame's."""
    for files in _entry_files(data, "image_groups", sequences_only=True):
        known = [(pointer, sizes[url]) for pointer, url in files if url in sizes]
        for pointer, size, first, first_size in _unlike_first(known):
            yield Finding(
                rules.SEQUENCE_FRAME_SIZE_DIFFERS,
                pointer,
                f"frame is {size[0]}x{size[1]}, the sequence's first frame is "
                f"{first_size[0]}x{first_size[1]}; it will be resized",
                related=first,
            )


def series_findings(data: Any, headers: dict[str, DicomHeader]) -> Iterator[Finding]:
    """The per-series rules of spec 6: one study, distinct instances, one size."""
    for files in _entry_files(data, "dicom_series"):
        read = [
            (pointer, headers[url].values)
            for pointer, url in files
            if url in headers and headers[url].status == "ok"
        ]
        studies = [(p, str(v["StudyInstanceUID"])) for p, v in read if v.get("StudyInstanceUID")]
        for pointer, _, first, _ in _unlike_first(studies):
            yield Finding(
                rules.DICOM_STUDY_DIFFERS,
                pointer,
                "StudyInstanceUID differs from the series' first file's",
                related=first,
            )
        instances: dict[str, Pointer] = {}
        for pointer, values in read:
            sop = str(values.get("SOPInstanceUID") or "")
            if sop and sop in instances:
                yield Finding(
                    rules.DICOM_DUPLICATE_INSTANCE,
                    pointer,
                    "SOPInstanceUID repeats another file's of the series",
                    related=instances[sop],
                )
            elif sop:
                instances[sop] = pointer
        dimensions = [
            (p, (v["Rows"], v["Columns"])) for p, v in read if "Rows" in v and "Columns" in v
        ]
        for pointer, size, first, first_size in _unlike_first(dimensions):
            yield Finding(
                rules.DICOM_SIZE_DIFFERS,
                pointer,
                f"{size[0]}x{size[1]} (Rows x Columns), the series' first file is "
                f"{first_size[0]}x{first_size[1]}",
                related=first,
            )


def _entry_files(
    data: Any, list_key: str, sequences_only: bool = False
) -> Iterator[list[tuple[Pointer, str]]]:
    """Per group or series entry, its files in the order of their positions."""
    entries = data.get(list_key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        if sequences_only and entry.get("createVideo") is False:
            continue
        files = sorted(
            (number, key, value)
            for key, value in entry.items()
            if (number := positional_suffix(key)) is not None and isinstance(value, str)
        )
        yield [((list_key, index, key), url) for _, key, url in files]


T = TypeVar("T")


def _unlike_first(
    values: list[tuple[Pointer, T]],
) -> Iterator[tuple[Pointer, T, Pointer, T]]:
    """Each (place, value) whose value differs from the first's, with the first's."""
    if not values:
        return
    first, first_value = values[0]
    for pointer, value in values[1:]:
        if value != first_value:
            yield pointer, value, first, first_value


def _fetch_error(error: FetchError) -> Verdict:
    if error.kind in ("refused-host", "refused-url", "run-deadline"):
        return rules.OBJECT_NOT_CHECKED, f"not checked: {error}"
    if error.kind == "redirects":
        return rules.OBJECT_REDIRECTS, f"the URL never reaches an object: {error}"
    return rules.OBJECT_UNREACHABLE, f"the object could not be read: {error}"


def _shared_by(error: FetchError) -> str | None:
    if error.host is not None:
        return f"on {error.host}"
    if error.kind == "run-deadline":
        return "left when it passed"
    return None


def _size_findings(size: int | None, settings: RemoteSettings) -> Iterator[Verdict]:
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


def _type_findings(target: Target, answer: Answer) -> Iterator[Verdict]:
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


class _Progress:
    """`checked 1,234/5,000 objects` on one line of stderr, redrawn at most 10 times a second."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.stream, self.done = total, stream, 0
        self._lock = threading.Lock()
        self._last = 0.0

    def advance(self) -> None:
        if self.stream is None:
            return
        with self._lock:
            self.done += 1
            now = time.monotonic()
            if now - self._last >= 0.1 or self.done == self.total:
                self._last = now
                self.stream.write(f"\rchecked {self.done:,}/{self.total:,} objects")
                self.stream.flush()

    def finish(self) -> None:
        if self.stream is not None and self.done:
            self.stream.write("\r\033[K")
            self.stream.flush()


def progress_stream() -> TextIO | None:
    """stderr when it is a terminal (a progress bar in a log is noise)."""
    return sys.stderr if sys.stderr.isatty() else None
