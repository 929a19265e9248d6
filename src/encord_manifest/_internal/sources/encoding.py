"""Bytes -> text for every source: UTF-8, with one finding at the first byte that is not."""

from __future__ import annotations

from encord_manifest._internal.model.diagnostics import Finding, Span
from encord_manifest._internal.sources.json_locator import position_of_offset

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def decode(raw: bytes, *, bom_is_finding: bool) -> tuple[str | None, list[Finding]]:
    """The text of a manifest, or None with the finding that says why there is none.

    ``bom_is_finding``: a UTF-8 byte order mark is a warning (F004) in JSON, which the SDK
    reads with json.load, and allowed in CSV, which spreadsheets write with one.

    Separate from parsing so that a caller can let go of the bytes before the parse: on a
    500 MB manifest, holding both the bytes and the text costs 500 MB of peak memory.
    """
    findings: list[Finding] = []
    bom = raw.startswith(UTF8_BOM)
    if bom and bom_is_finding:
        findings.append(
            Finding(
                "F004",
                (),
                "file starts with a UTF-8 byte order mark; the SDK reads manifests "
                "with json.load, which rejects it",
                span=Span(1, 1, 1, 2),
            )
        )
    encoding_problem = _wrong_encoding(raw[3:] if bom else raw)
    if encoding_problem is not None:
        return None, findings + [encoding_problem]
    try:
        return raw.decode("utf-8-sig" if bom else "utf-8"), findings
    except UnicodeDecodeError as error:
        return None, findings + [_invalid_utf8(raw, error, len(UTF8_BOM) if bom else 0)]


def has_encoding_signature(start: bytes) -> bool:
    """Whether a file's first bytes make ``decode`` report something (a byte order mark, or
    UTF-16/32): files that do not are decoded by a plain UTF-8 decode, or fail at it."""
    return start.startswith(UTF8_BOM) or _wrong_encoding(start) is not None


def _wrong_encoding(text: bytes) -> Finding | None:
    if text.startswith(_UTF16_32_BOMS) or (len(text) >= 2 and (text[0] == 0 or text[1] == 0)):
        return Finding(
            "F002",
            (),
            "file is UTF-16 or UTF-32 encoded; save it as UTF-8",
            span=Span(1, 1, 1, 1),
        )
    return None


def _invalid_utf8(raw: bytes, error: UnicodeDecodeError, skipped: int) -> Finding:
    line, column = position_of_offset(raw[skipped:], error.start - skipped)
    return Finding(
        "F002",
        (),
        f"invalid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
        span=Span(line, column, line, column + 1),
    )
