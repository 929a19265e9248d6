"""JSON bytes -> Document. Syntax, encoding and duplicate keys are findings here, never errors.

The codes reported here (F001-F005) are documented with the other rules in
``encord_manifest.rules.source``.
"""

from __future__ import annotations

import gc
from typing import Any

import orjson

from encord_manifest.diagnostics import Finding, Span
from encord_manifest.document import Document
from encord_manifest.sources.json_duplicates import find_duplicate_keys, may_have_duplicate_keys
from encord_manifest.sources.json_locator import JsonLocator, position_of_offset

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def load_json(path: str, raw: bytes) -> Document:
    findings: list[Finding] = []
    text = raw
    if text.startswith(UTF8_BOM):
        findings.append(
            Finding(
                "F004",
                (),
                "file starts with a UTF-8 byte order mark; the SDK reads manifests "
                "with json.load, which rejects it",
                span=Span(1, 1, 1, 2),
            )
        )
        text = text[len(UTF8_BOM) :]

    encoding_problem = _wrong_encoding(text)
    if encoding_problem is not None:
        findings.append(encoding_problem)
        return Document(path, "json", len(raw), None, None, findings)

    data, syntax_problem = _parse(text)
    if syntax_problem is not None:
        findings.append(syntax_problem)
        return Document(path, "json", len(raw), None, None, findings)

    if may_have_duplicate_keys(text, data):
        for duplicate in find_duplicate_keys(text):
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
    return Document(path, "json", len(raw), data, JsonLocator(text, data), findings)


def _parse(text: bytes) -> tuple[Any, Finding | None]:
    # The collector has nothing to free while a fresh tree is being built, and walking
    # millions of new containers again and again roughly doubles the load time.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError as error:
        return None, _syntax_finding(text, error)
    finally:
        if gc_was_enabled:
            gc.enable()


def _syntax_finding(text: bytes, error: orjson.JSONDecodeError) -> Finding:
    message = str(error.msg)
    if not text.strip():
        return Finding(
            "F001", (), "file is empty; a manifest is one JSON object", span=Span(1, 1, 1, 1)
        )
    if "not valid UTF-8" in message:
        return _invalid_utf8(text)
    line, column = error.lineno, error.colno
    span = Span(line, column, line, column + 1)
    if "depth limit" in message or "recursion" in message.lower():
        return Finding(
            "F005", (), "nesting deeper than 1024 levels; no manifest needs it", span=span
        )
    return Finding("F001", (), f"invalid JSON: {message}", span=span)


def _wrong_encoding(text: bytes) -> Finding | None:
    if text.startswith(_UTF16_32_BOMS) or (len(text) >= 2 and (text[0] == 0 or text[1] == 0)):
        return Finding(
            "F002",
            (),
            "file is UTF-16 or UTF-32 encoded; save it as UTF-8",
            span=Span(1, 1, 1, 1),
        )
    return None


def _invalid_utf8(text: bytes) -> Finding:
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = position_of_offset(text, error.start)
        byte = text[error.start]
        return Finding(
            "F002",
            (),
            f"invalid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8",
            span=Span(line, column, line, column + 1),
        )
    # orjson also calls lone surrogate escapes (\ud800) invalid UTF-8.
    return Finding("F002", (), "string holds a lone UTF-16 surrogate escape", span=Span(1, 1, 1, 1))
