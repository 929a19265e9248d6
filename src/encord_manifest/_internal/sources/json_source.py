"""JSON bytes -> Document. Syntax, encoding and duplicate keys are findings here, never errors.

The codes reported here (F001-F005) are documented with the other rules in
``encord_manifest._internal.rules.source``.
"""

from __future__ import annotations

import gc
import json
from typing import TYPE_CHECKING, Any

import orjson

from encord_manifest._internal.model.diagnostics import Finding, Pointer, Span
from encord_manifest._internal.model.document import Document
from encord_manifest._internal.sources.encoding import decode
from encord_manifest._internal.sources.json_locator import (
    JsonLocator,
    Request,
    to_spans,
    top_level_members,
)
from encord_manifest._internal.sources.nesting import (
    MAX_DEPTH,
    offset_too_deep,
    parser_room,
    too_deep,
)
from encord_manifest._internal.sources.reading import SourceText, kept_text
from encord_manifest._internal.text.lazy_pattern import LazyPattern

if TYPE_CHECKING:  # the finder of repeated keys is loaded by a file that repeats one
    from encord_manifest._internal.sources.json_duplicates import DuplicateKey


def load_json(path: str, raw: bytes) -> Document:
    """Parse a JSON manifest held in memory."""
    text, findings = decode(raw, bom_is_finding=True)
    return load_json_text(path, text, len(raw), findings, kept_text("json", raw, text))


def load_json_text(
    path: str,
    text: str | None,
    size: int,
    findings: list[Finding],
    source: SourceText | None = None,
) -> Document:
    """A Document from decoded text; ``source`` says how the text is kept for locating
    findings (default: the text itself, in memory)."""
    source = source or SourceText("json", text)
    if text is None:
        return Document(path, "json", size, None, None, findings, source=source)
    parsed = _parse(text)
    if isinstance(parsed, Finding):
        return Document(path, "json", size, None, None, findings + [parsed], source=source)
    data, repeated = parsed
    lone = _lone_surrogate(text)
    if lone is not None:
        return Document(path, "json", size, None, None, findings + [lone], source=source)
    if repeated.seen:
        findings = findings + duplicate_findings(_duplicates(text, data, repeated.objects))
    locator = JsonLocator(source.get, data, repeated.seen)
    return Document(path, "json", size, data, locator, findings, source=source)


#: A \\uD800-\\uDFFF escape that is not half of a pair (and not itself escaped: an even
#: run of backslashes before it). Python's parser accepts it; UTF-8 cannot hold it, so no
#: output, Encord's included, can carry the string.
_LONE_SURROGATE = LazyPattern(
    r"(?<!\\)(?:\\\\)*(\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)


def has_lone_surrogate(text: str) -> bool:
    return _lone_surrogate(text) is not None


def _lone_surrogate(text: str) -> Finding | None:
    # A one-character search runs at memchr speed: ten times faster than looking for the
    # two characters "\\u" (measured on 530 MB: 0.05 s against 0.46 s), and most manifests
    # hold no backslash at all.
    if "\\" not in text or "\\u" not in text:
        return None
    match = _LONE_SURROGATE.search(text)
    if match is None:
        return None
    span = to_spans(text, {0: (match.start(1), match.end(1))})[0]
    return Finding(
        "F002",
        (),
        f"{match.group(1)} is half of a UTF-16 surrogate pair; UTF-8 cannot encode it",
        span=span,
    )


def _duplicates(text: str, data: Any, objects: list[dict[str, Any]]) -> list[DuplicateKey]:
    """Every occurrence of every repeated key, found by tokenizing only the objects the parser
    saw repeat a key (located in one walk) and, for the root, its members."""
    from encord_manifest._internal.sources.json_duplicates import (
        dropped_values,
        duplicates_of,
        outermost_places,
        repeats_in,
    )

    pointers, complete = outermost_places(data, objects)
    at_root = any(obj is data for obj in objects)
    members = (
        top_level_members(text) if isinstance(data, dict) and (at_root or not complete) else []
    )
    regions: list[tuple[Pointer, int, int]] = []
    if not complete:
        # Some repeating object is inside a value that a repeated top-level key dropped
        # (those inside a nested object's dropped value are in that object's text).
        regions += dropped_values(members)
    requests: set[Request] = {(pointer, "value") for pointer in pointers}
    offsets = JsonLocator(text, data, repeated_keys=True).offsets(requests) if requests else {}
    regions += [(pointer, *offsets[(pointer, "value")]) for pointer in pointers]
    top = [(key, start, end) for key, start, end, _, _ in members] if at_root else []
    return duplicates_of(text, repeats_in(text, regions, top))


def duplicate_findings(duplicates: list[DuplicateKey]) -> list[Finding]:
    """F003 at each occurrence of a repeated key, naming the places of the others."""
    findings = []
    for duplicate in duplicates:
        others = [s for s in duplicate.occurrences if s != duplicate.span]
        where = ", ".join(f"{s.line}:{s.column}" for s in others)
        findings.append(
            Finding(
                "F003",
                duplicate.pointer + (duplicate.key,),
                f"duplicate key {duplicate.key!r} (also at {where}); JSON parsers keep "
                "only the last value and silently drop the others",
                target="key",
                span=duplicate.span,
            )
        )
    return findings


class _NotJson(ValueError):
    """NaN, Infinity: accepted by Python's json module, not by JSON or Encord."""


def reject_constant(name: str) -> Any:
    """The parser's ``parse_constant``: NaN and Infinity are errors."""
    raise _NotJson(name)


class RepeatedKeys:
    """The parser's ``object_pairs_hook`` (``build``): it sees every object's key/value pairs
    before they become a dict, the one cheap moment to notice that an object repeats a key."""

    def __init__(self) -> None:
        self.seen = False
        #: The objects that repeated a key: their text is where the repeats are looked for.
        self.objects: list[dict[str, Any]] = []

    def build(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)
        if len(built) != len(pairs):
            self.seen = True
            self.objects.append(built)
        return built


def _parse(text: str) -> tuple[Any, RepeatedKeys] | Finding:
    """The data and whether any object repeated a key; or the finding that stops parsing.

    The standard library's C parser is the fastest here for valid manifests (measured
    against orjson on a 530 MB manifest: 1.5 s against 5.4 s on this kind of machine). Its
    pairs hook sees every object's key/value pairs before they become a dict, which is the
    one cheap moment to notice a repeated key. orjson only explains failures: its messages
    and positions are better, and it enforces what Python's parser lets through (NaN,
    nesting beyond 1024 levels).
    """
    repeated = RepeatedKeys()
    # The collector has nothing to free while a fresh tree is being built, and walking
    # millions of new containers again and again roughly doubles the load time. Once built,
    # the tree is frozen out of the collector's reach: otherwise its tens of millions of
    # objects, all still in the youngest generation, are traversed by the next collections
    # (measured: seconds on a 1M-entry manifest). Reference counting still frees it.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with parser_room():
            data = json.loads(
                text, object_pairs_hook=repeated.build, parse_constant=reject_constant
            )
    except (ValueError, RecursionError) as error:
        return _syntax_finding(text, error)
    finally:
        gc.freeze()
        if gc_was_enabled:
            gc.enable()
    if too_deep(data):
        return _too_deep_finding(text)
    return data, repeated


def _too_deep_finding(text: str) -> Finding:
    """F005 at the bracket that opens the first level too many."""
    offset = offset_too_deep(text)
    span = to_spans(text, {0: (offset, offset + 1)})[0]
    return Finding(
        "F005", (), f"nesting deeper than {MAX_DEPTH} levels; no manifest needs it", span=span
    )


def _syntax_finding(text: str, error: Exception) -> Finding:
    if not text.strip():
        return Finding(
            "F001", (), "file is empty; a manifest is one JSON object", span=Span(1, 1, 1, 1)
        )
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError as explained:
        message, line, column = str(explained.msg), explained.lineno, explained.colno
    else:  # orjson accepts what Python refused: say what Python said
        message = str(error) if not isinstance(error, RecursionError) else "nesting too deep"
        line, column = getattr(error, "lineno", 1), getattr(error, "colno", 1)
    span = Span(line, column, line, column + 1)
    if (
        isinstance(error, RecursionError)
        or "depth limit" in message
        or "recursion" in message.lower()
        or "too deep" in message
    ):
        # Deeper than the room the parser was given (nesting.py): beyond MAX_DEPTH.
        return _too_deep_finding(text)
    if "surrogate" in message:
        return _lone_surrogate(text) or Finding("F002", (), message, span=span)
    return Finding("F001", (), f"invalid JSON: {message}", span=span)
