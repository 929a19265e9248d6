"""source -> document -> schema and rules -> located diagnostics. No I/O beyond reading input."""

from __future__ import annotations

import gc
import mmap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from encord_manifest._internal.model.diagnostics import (
    ALSO_SHOWN,
    FILE_START,
    Diagnostic,
    Finding,
    Fix,
    Pointer,
    Severity,
    Span,
    format_pointer,
)
from encord_manifest._internal.model.document import Document, Request
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.model.settings import DEFAULT_MAX_INPUT_BYTES, LintSettings
from encord_manifest._internal.rules import all_rules, family_checks
from encord_manifest._internal.rules.view import ManifestView
from encord_manifest._internal.sources.reading import InputError as InputError  # where callers look
from encord_manifest._internal.sources.reading import (
    Opened,
    SourceText,
    checked_source,
    open_input,
    read_opened,
    source_text,
)
from encord_manifest._internal.sources.reading import read_input as read_input

SourceFormat = Literal["json", "csv"]


def source_format(path: str, forced: SourceFormat | None = None) -> SourceFormat:
    """The format to read a file as: as told, else by its extension (JSON by default)."""
    if forced is not None:
        return forced
    return "csv" if path.lower().endswith(".csv") else "json"


def load(
    path: str, raw: bytes, format: SourceFormat | None = None, delimiter: str | None = None
) -> Document:
    """A document from bytes in memory."""
    if source_format(path, format) == "csv":
        from encord_manifest._internal.sources.csv_source import load_csv

        return load_csv(path, raw, delimiter)
    from encord_manifest._internal.sources.json_source import load_json

    return load_json(path, raw)


def load_file(
    path: str,
    format: SourceFormat | None = None,
    delimiter: str | None = None,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
) -> Document:
    """Read ('-': standard input) and load one input, reading it exactly once."""
    with open_input(path) as opened:
        return _load_opened(opened, format, delimiter, max_bytes)


def _load_opened(
    opened: Opened, format: SourceFormat | None, delimiter: str | None, max_bytes: int
) -> Document:
    chosen = source_format(opened.path, format)
    size, text, findings, source = _read_text(opened, chosen, max_bytes)
    if chosen == "csv":
        from encord_manifest._internal.sources.csv_source import load_csv_text

        return load_csv_text(opened.name, text, size, findings, delimiter, source)
    from encord_manifest._internal.sources.json_source import load_json_text

    return load_json_text(opened.name, text, size, findings, source)


def _read_text(
    opened: Opened, chosen: SourceFormat, max_bytes: int
) -> tuple[int, str | None, list[Finding], SourceText]:
    from encord_manifest._internal.sources.encoding import decode

    raw = read_opened(opened, max_bytes)
    bom_is_finding = chosen == "json"
    text, findings = decode(raw, bom_is_finding=bom_is_finding)
    source = source_text(
        opened, raw, text, chosen, lambda again: decode(again, bom_is_finding=bom_is_finding)[0]
    )
    return len(raw), text, findings, source  # `raw` dies with this frame


def lint_bytes(
    path: str, raw: bytes, settings: LintSettings, format: SourceFormat | None = None
) -> FileResult:
    return lint_document(load(path, raw, format), settings)


def lint_file(
    path: str,
    settings: LintSettings,
    format: SourceFormat | None = None,
    extra: Sequence[ExtraCheck] = (),
    name: str | None = None,
    skip_non_manifests: bool = False,
) -> FileResult:
    """Lint a file by name ('-' for standard input), opened and read once; ``name`` is what
    findings call it, if not its path (``--stdin-filename``). With ``skip_non_manifests``,
    raises ``selection.NotAManifest`` for a file that is plainly something else (a JSON file
    large enough to be linted in parts is taken as a manifest: it has an entry list)."""
    with open_input(path, name) as opened:
        if source_format(path, format) == "json" and not extra and path != "-":
            in_parts = _lint_in_parts(opened, settings)
            if in_parts is not None:
                return in_parts
        document = _load_opened(opened, format, None, settings.max_input_bytes)
    if skip_non_manifests:
        skip_unless_manifest(document)
    return lint_document(document, settings, extra)


def skip_unless_manifest(document: Document) -> None:
    """Raise ``selection.NotAManifest`` when the document is plainly not a manifest."""
    from encord_manifest._internal.files.selection import NotAManifest, skip_reason

    reason = skip_reason(document)
    if reason is not None:
        raise NotAManifest(reason)


#: Below this many bytes one process is as fast as two: forking and combining cost ~0.1 s.
#: (Here, not in ``parts``: a small file's lint does not import the two-process machinery.)
PARTS_MIN_BYTES = 32_000_000


def _lint_in_parts(opened: Opened, settings: LintSettings) -> FileResult | None:
    """A large JSON manifest linted by two processes (``parts``); None: lint it whole.

    The file is mapped, not read: the parts decode their halves of it themselves. Whatever
    stands in the way (an input that is not a large regular file, an encoding to report, a
    part with findings) is left to the whole-file lint, which reports it. (A file cut short
    by another program while mapped makes reading past its new end fatal. In a part, that
    is one more failure and the whole file is read again; here it is a risk for the few
    milliseconds of finding the cut.)
    """
    size = opened.size
    if size is None or size < PARTS_MIN_BYTES or size > settings.max_input_bytes:
        return None
    from encord_manifest._internal.engine import parts
    from encord_manifest._internal.sources.encoding import has_encoding_signature

    # The findings arrive as a few hundred thousand new objects, none in a cycle: with the
    # collector on, unpickling 100,000 of them took 3.0 s, with it paused 1.4 s.
    with collector_paused():
        try:
            with mmap.mmap(opened.stream.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                if has_encoding_signature(mapped[:4]):
                    return None
                combined = parts.lint_in_parts(mapped, size, settings)
        except (OSError, ValueError, parts.NotSplit):
            return None
        found = combined.found
        document = Document(opened.path, "json", size, None, None)
        severities = dict(settings.severities)
        diagnostics = _diagnostics(document, found.findings, severities, found.spans)
    if not diagnostics:
        return FileResult(opened.path, diagnostics)
    source = checked_source(opened, size, combined.checksums)
    return FileResult(opened.path, diagnostics, source)


#: A check beyond the offline rules (the remote checks): the manifest's data -> findings.
ExtraCheck = Callable[[Any], Iterable[Finding]]


def lint_document(
    document: Document, settings: LintSettings, extra: Sequence[ExtraCheck] = ()
) -> FileResult:
    findings = list(document.findings)
    if document.data is not None:
        from encord_manifest._internal.rules import dialect
        from encord_manifest._internal.rules.schema import validate

        with collector_paused():
            checked = validate(document.data)
            view = ManifestView(document.data, document.size, document.rows_dropped)
            for check in family_checks():
                checked.extend(check(view, settings))
            if dialect.SDK_TYPED_FORM not in settings.disabled:
                # One finding for a file in the SDK's typed form instead of its many.
                checked = dialect.recognise(document.data, checked, document.findings)
            findings.extend(checked)
        for extra_check in extra:
            findings.extend(extra_check(document.data))
    if settings.disabled:
        # Before locating: an ignored finding costs no position search.
        findings = [f for f in findings if f.code not in settings.disabled]
    diagnostics = _diagnostics(document, findings, dict(settings.severities))
    return FileResult(document.path, diagnostics, document.source if diagnostics else None)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Rules build millions of small lists and tuples, none of them in a reference cycle;
    left on, the cycle collector keeps re-traversing the large column lists (measured: a
    third of the rule time on a 1M-entry manifest)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _diagnostics(
    document: Document,
    findings: list[Finding],
    severities: dict[str, Severity],
    spans: dict[Request, Span] | None = None,
) -> list[Diagnostic]:
    """The findings as diagnostics, placed by ``spans`` when given (a manifest linted in
    parts places its findings itself), else located in the document's text."""
    rules = all_rules()
    if spans is None:
        spans = _locate(document, findings)

    diagnostics = []
    for finding in findings:
        rule = rules[finding.code]
        span = (
            finding.span
            or spans.get((finding.pointer, finding.target))
            or _nearest(spans, finding.pointer)
        )
        related_span = (
            spans.get((finding.related, "value")) if finding.related is not None else None
        )
        diagnostics.append(
            Diagnostic(
                path=document.path,
                code=rule.code,
                rule=rule.name,
                severity=severities.get(rule.code, rule.severity),
                message=_with_other_places(finding, spans),
                span=span,
                pointer=format_pointer(finding.pointer),
                hint=finding.hint,
                related_pointer=format_pointer(finding.related)
                if finding.related is not None
                else None,
                related_span=related_span,
                fix=finding.fix if _applicable(finding.fix, document.format) else None,
            )
        )
    diagnostics.sort(key=Diagnostic.sort_key)
    return diagnostics


def _with_other_places(finding: Finding, spans: dict[Request, Span]) -> str:
    """The message, with the first few of the other places a summary finding stands for."""
    if not finding.also:
        return finding.message
    shown = [
        f"{span.line}:{span.column}" if span is not None else format_pointer(pointer)
        for pointer in finding.also[:ALSO_SHOWN]
        for span in [spans.get((pointer, "value"))]
    ]
    more = len(finding.also) - len(shown)
    return f"{finding.message} (also at {', '.join(shown)}" + (
        f" and {more:,} more)" if more else ")"
    )


def _applicable(fix: Fix | None, format: str) -> bool:
    """Whether the source can make a fix as a text edit: JSON any; CSV only the string
    replacements that land in a cell (keys and entries have no text of their own there)."""
    if fix is None:
        return False
    if format == "json":
        return True
    return all(change.target == "value" and change.text is not None for change in fix.changes)


def _locate(document: Document, findings: Sequence[Finding]) -> dict[Request, Span]:
    """Spans for every finding that needs one: only files with findings pay for this."""
    if not findings:
        return {}
    from encord_manifest._internal.engine.locations import location_requests

    requests = location_requests(findings)
    if not requests or document.locator is None:
        return {}
    return document.locator.locate(requests)


def locate_pointers(document: Document, pointers: Iterable[Pointer]) -> dict[Pointer, Span]:
    """The span of each pointer's value, or of its nearest ancestor in the text."""
    wanted = list(pointers)
    requests: set[Request] = {
        (p[:depth], "value") for p in wanted for depth in range(1, len(p) + 1)
    }
    spans = document.locator.locate(requests) if document.locator is not None and requests else {}
    return {pointer: _nearest(spans, pointer + ("",)) for pointer in wanted}


def _nearest(spans: dict[Request, Span], pointer: Pointer) -> Span:
    """A place for a finding whose exact place is not in the text (a key that is absent)."""
    while pointer:
        pointer = pointer[:-1]
        span = spans.get((pointer, "value"))
        if span is not None:
            return span
    return FILE_START
