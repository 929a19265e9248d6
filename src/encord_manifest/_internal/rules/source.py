"""F: the file itself. Found by the loader (``sources/json_source.py``) before any rule runs."""

from __future__ import annotations

from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.rules import register

INVALID_JSON = register(
    "F001",
    "invalid-json",
    Severity.ERROR,
    "The file is not valid JSON",
    origin="source",
    explanation="""
        The manifest must be one JSON document. A syntax error (a trailing comma, a missing
        quote, a comment, NaN) is reported once, at the line and column where parsing stopped;
        nothing else in the file can be checked until it is fixed. An empty file is reported
        here too.
    """,
    failing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"},]}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}',
)

INVALID_ENCODING = register(
    "F002",
    "invalid-encoding",
    Severity.ERROR,
    "The file is not UTF-8",
    origin="source",
    explanation="""
        JSON manifests are UTF-8. A byte sequence that is not UTF-8 (a file saved as Latin-1
        or Windows-1252 with an umlaut in a title) or a UTF-16 file (as some Windows editors
        save) is reported at the first offending byte.
    """,
    failing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg", "title": "M\\xfcller"}]}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg", "title": "Müller"}]}',
    example_is_literal=False,
)

DUPLICATE_KEY = register(
    "F003",
    "duplicate-key",
    Severity.ERROR,
    "The same key twice in one object",
    origin="source",
    explanation="""
        JSON parsers, Encord's included, keep the last value of a repeated key and silently
        drop the others: two "image_groups" lists in one manifest import only the second.
        Every occurrence is reported, with the places of the others in the message. Merge
        the values under one key.
    """,
    failing="""
        {"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}],
         "images": [{"objectUrl": "https://b.s3.amazonaws.com/b.jpg"}]}
    """,
    passing="""
        {"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"},
                    {"objectUrl": "https://b.s3.amazonaws.com/b.jpg"}]}
    """,
)

BYTE_ORDER_MARK = register(
    "F004",
    "byte-order-mark",
    Severity.WARNING,
    "The file starts with a UTF-8 byte order mark",
    origin="source",
    explanation="""
        Some editors write an invisible byte order mark (EF BB BF) at the start of UTF-8
        files. Python's json.load, which the SDK uses on a manifest path, rejects it with
        "Unexpected UTF-8 BOM". Save the file as UTF-8 without BOM.
    """,
    failing='\ufeff{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}',
)

NESTING_TOO_DEEP = register(
    "F005",
    "nesting-too-deep",
    Severity.ERROR,
    "Objects or lists nested more than 1024 levels deep",
    origin="source",
    explanation="""
        No manifest needs more than a few levels; thousands of nested brackets are a
        generator gone wrong (and a way to crash parsers). Reported where the limit is hit.
    """,
    failing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg", "clientMetadata": {"a": [[[[ ... 1025 levels ... ]]]]}}]}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg", "clientMetadata": {"a": [[1]]}}]}',
    example_is_literal=False,
)
