"""Which files are Encord manifests: by name (the hooks' patterns) and by content.

A repository holds many JSON and CSV files that are not Encord manifests: web-app and build
manifests, package files, data tables. The hooks pick files by name (``FILES``, ``EXCLUDE``),
and ``lint --skip-non-manifests`` then leaves out, with an info line, a file whose content is
plainly something else. "Plainly" is deliberately narrow: a manifest with a misspelt key
(``image_group``, ``imageGroups``) or a bare list of entries must still be linted, or its
"did you mean" would be lost; so a file is skipped only when nothing in it is, or is near, what
a manifest holds. Decided in /work/notes/selection.md; the Action uses the same option.
"""

from __future__ import annotations

import re
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.document import Document
from encord_manifest._internal.text.lazy_pattern import LazyPattern
from encord_manifest._internal.text.suggest import suggest_key

#: The hooks' ``files``: under a manifest(s)/ directory, or named like a manifest or after
#: Encord, as JSON or CSV. Never matches package.json, composer.json, *.lock, *.webmanifest,
#: AndroidManifest.xml or MANIFEST.in. (.pre-commit-hooks.yaml holds the same text; a test
#: keeps the two equal.)
FILES = r"(?i)(^|/)(manifests?/.*|[^/]*(manifest|encord)[^/]*)\.(json|csv)$"
#: The hooks' ``exclude``: dependency and build output directories, where web and build
#: tools put their own manifest.json, and the build tools' *-manifest.json files.
EXCLUDE = (
    r"(?i)(^|/)(node_modules|bower_components|vendor|build|dist|out|public|static"
    r"|\.next|\.nuxt|\.vite|\.svelte-kit|coverage)/"
    r"|(^|/)(asset|mix|build|app-build|react-loadable|middleware|prerender|routes)"
    r"-manifest\.json$"
)

#: How many items of a list are looked at for an entry: an entry list shows one at once.
_SAMPLE = 100
_ENTRY_KEY = LazyPattern(r"objecturl(\d+)?")
_QUOTED_KEY = LazyPattern(r'"([^"\\\r\n]{1,64})"\s*:')
_CSV_URL_HEADER = LazyPattern(r"object[\s_\-]*url", re.IGNORECASE)
_CSV_HEADER_NAMES = tuple(spec.CSV_HEADER_NAMES.values())
#: Text of a JSON file that does not parse, searched for a key: a bound, so that a huge
#: broken file costs no more than a parse would.
_SNIFF_CHARS = 1_000_000
#: What a JSON file that does not parse may have found, and still be skipped: a syntax
#: error (F001), a byte order mark (F004); an encoding error (F002) or more is linted.
_SYNTAX_ONLY = frozenset({"F001", "F004"})


class NotAManifest(Exception):
    """A file that ``--skip-non-manifests`` leaves out; the message says why."""


def skip_reason(document: Document) -> str | None:
    """Why ``document`` is plainly not an Encord manifest, or None to lint it."""
    if document.format == "csv":
        text = document.source.get() if document.source is not None else None
        return _csv_reason(text) if text is not None else None
    if document.data is not None:
        return _json_reason(document.data)
    if {finding.code for finding in document.findings} - _SYNTAX_ONLY:
        return None  # undecodable, nested too deep...: lint says what
    text = document.source.get() if document.source is not None else None
    if not text or not text.strip() or _names_a_manifest_key(text[:_SNIFF_CHARS]):
        return None  # empty, or a manifest with a syntax error: lint it
    return "not valid JSON, and nothing in it names a manifest key"


def _json_reason(data: Any) -> str | None:
    if isinstance(data, dict):
        if not data or any(_is_top_level_key(key) for key in data):
            return None
        if any(_holds_entry(value) for value in data.values()):
            return None  # entries under an unknown key: S101 says so
        return "no top-level key of one"
    if isinstance(data, list):
        if not data or _holds_entry(data):
            return None  # a bare list of entries: S100 says so
        return "a JSON array of something else"
    return f"a JSON {_json_type(data)}"


def _is_top_level_key(key: str) -> bool:
    return key in spec.TOP_LEVEL_KEYS or suggest_key(key, spec.TOP_LEVEL_KEYS) is not None


def _holds_entry(value: Any) -> bool:
    """A list with an entry-like object (a key that is, or folds to, objectUrl or
    objectUrl_N) or a URL string among its first items."""
    if not isinstance(value, list):
        return False
    for item in value[:_SAMPLE]:
        if isinstance(item, str) and "://" in item:
            return True
        if isinstance(item, dict) and any(_is_entry_key(key) for key in item):
            return True
    return False


def _is_entry_key(key: str) -> bool:
    return _ENTRY_KEY.fullmatch(re.sub(r"[\s_\-]", "", key).lower()) is not None


def _names_a_manifest_key(text: str) -> bool:
    keys = set(_QUOTED_KEY.findall(text))
    return any(_is_top_level_key(key) or _is_entry_key(key) for key in keys)


def _json_type(data: Any) -> str:
    if isinstance(data, bool) or data is None:
        return "literal"
    return "string" if isinstance(data, str) else "number"


def _csv_reason(text: str) -> str | None:
    if _CSV_URL_HEADER.search(text):
        return None  # an ObjectUrl header (or a near miss of one) somewhere: lint it
    first = next((line for line in text.splitlines() if line.strip(" \t,;")), None)
    if first is None:
        return None  # empty: lint says so
    cells = [cell.strip(" \t\"'") for cell in re.split(r"[,;\t]", first)]
    if any("://" in cell for cell in cells):
        return None  # URLs without a header: C703 says so
    if any(suggest_key(cell, _CSV_HEADER_NAMES) for cell in cells if cell):
        return None  # a near miss of a header row
    return "no ObjectUrl header row"
