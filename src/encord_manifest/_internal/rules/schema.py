"""The JSON Schema: where structure is checked, and how its errors become coded findings.

The schema (``schemas/manifest.schema.json``) is the single source of structure; rules never
re-check it. Validation runs in two steps:

1. the compiled validator (jsonschema-rs) checks the whole document; on a valid document that
   is all, and it is fast;
2. otherwise it names the failing entries, and the reference implementation (jsonschema)
   validates a copy of the document that holds only those entries. Its errors carry the
   failing keyword and subschema, which ``translate`` (``schema_errors``) turns into codes
   and messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from itertools import compress
from itertools import count as numbers_from
from operator import not_
from pathlib import Path
from typing import Any

from encord_manifest._internal.model.diagnostics import Finding, Pointer
from encord_manifest._internal.rules.schema_errors import translate

SCHEMA_FILE = "manifest.schema.json"


def schema_text() -> str:
    """The schema as shipped: schemas/ in a checkout (an editable install's packaged copy is
    the one of the day it was installed), else the copy inside the package of a wheel."""
    checkout = Path(__file__).resolve().parents[4] / "schemas" / SCHEMA_FILE
    if checkout.is_file():
        return checkout.read_text(encoding="utf-8")
    packaged = resources.files("encord_manifest").joinpath("schemas").joinpath(SCHEMA_FILE)
    return packaged.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


@lru_cache(maxsize=1)
def _fast_validator() -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without the wheel: the reference only
        return None
    return jsonschema_rs.validator_for(schema())


@lru_cache(maxsize=1)
def _entry_validators() -> dict[str, tuple[Any, Any]]:
    """Per entry list, compiled validators of one entry (its ``items`` schema) and of a run
    of entries (an array of those)."""
    import jsonschema_rs

    shared = _definitions()
    return {
        key: (
            jsonschema_rs.validator_for({**shared, **items}),
            jsonschema_rs.validator_for({**shared, "type": "array", "items": items}),
        )
        for key, items in _entry_schemas()
    }


def _definitions() -> dict[str, Any]:
    """What a schema of its own needs to be read like the manifest schema: its dialect and
    its definitions, which references point into."""
    whole = schema()
    return {"$schema": whole["$schema"], "$defs": whole["$defs"]}


def _entry_schemas() -> Iterator[tuple[str, dict[str, Any]]]:
    """Each entry list's key and the schema of one of its entries (its ``items``)."""
    for key, definition in schema()["properties"].items():
        if "items" in definition:
            yield key, definition["items"]


#: Entries checked at once before one by one: a run that passes needs no more calls (one call
#: per entry was 0.5 s of a 1M-entry manifest with 40 findings).
_RUN = 512


def _failing_indexes(entries: list[Any], one: Any, run: Any) -> list[int]:
    """The indexes of the entries that fail, found a run of entries at a time."""
    failing: list[int] = []
    for start in range(0, len(entries), _RUN):
        chunk = entries[start : start + _RUN]
        if not _passes(run.is_valid, chunk):
            failing += _failing_in_run(chunk, start, one.is_valid)
    return failing


def _failing_in_run(chunk: list[Any], start: int, is_valid: Any) -> list[int]:
    """The indexes of a failing run's entries that fail on their own. Mapped in C, with no
    Python call per entry; entry by entry only if the validator raises on one (a run of a
    1M-entry file with 10,000 findings fails almost every time: 800,000 calls, 0.3 s)."""
    try:
        return list(compress(numbers_from(start), map(not_, map(is_valid, chunk))))
    except (ValueError, OverflowError):
        return [start + i for i, entry in enumerate(chunk) if not _passes(is_valid, entry)]


@lru_cache(maxsize=1)
def _reference_class() -> Any:
    import jsonschema
    from jsonschema.validators import extend

    # The stock additionalProperties check builds a set of every extra key and a message
    # naming them all: 60 MB for an entry of 1M unknown keys. The finding needs neither
    # (``_unknown_keys`` lists the extras itself, the first few of them), only the error.
    return extend(
        jsonschema.Draft202012Validator, validators={"additionalProperties": _any_additional}
    )


@lru_cache(maxsize=1)
def _reference_validator() -> Any:
    return _reference_class()(schema())


@lru_cache(maxsize=1)
def _entry_references() -> dict[str, Any]:
    """Per entry list, the reference validator of one entry, with the entry's definition as
    its root. An entry explained on its own skips the descent from the document's root and
    the lookup of the definition it refers to: 25,000 entries with an unknown key, 3.7 s
    inside the document, 1.6 s on their own."""
    shared = _definitions()
    return {
        key: _reference_class()({**shared, **_definition_referred_to(items, shared["$defs"])})
        for key, items in _entry_schemas()
    }


def _definition_referred_to(subschema: dict[str, Any], definitions: dict[str, Any]) -> Any:
    """The definition a schema that is only a local reference (``#/$defs/NAME``) stands
    for, else the schema itself."""
    reference = subschema.get("$ref", "")
    name = reference.removeprefix("#/$defs/")
    if len(subschema) == 1 and name != reference and name in definitions:
        return definitions[name]
    return subschema


def _any_additional(validator: Any, allowed: Any, instance: Any, subschema: Any) -> Any:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object") or allowed is not False:
        # Only ``false`` appears in the manifest schema; anything else, the stock check.
        import jsonschema

        stock = jsonschema.Draft202012Validator.VALIDATORS["additionalProperties"]
        yield from stock(validator, allowed, instance, subschema)
        return
    known = subschema.get("properties", {})
    patterns = [re.compile(p) for p in subschema.get("patternProperties", {})]
    for key in instance:
        if key not in known and not any(p.search(key) for p in patterns):
            yield ValidationError("Additional properties are not allowed")
            return


def validate(data: Any) -> list[Finding]:
    fast = _fast_validator()
    if fast is not None and _passes(fast.is_valid, data):
        return []
    findings: list[Finding] = []
    for error, path in _errors(data, fast):
        findings.extend(translate(error, path))
    unique = list(dict.fromkeys(findings))
    unique.sort(key=lambda f: [str(p) for p in f.pointer])
    return unique


def _passes(is_valid: Any, instance: Any) -> bool:
    """The compiled validator's verdict; False (the reference validator decides) when it
    cannot take the value: jsonschema-rs 0.20 raises ValueError on an integer beyond 64 bits.
    """
    try:
        return bool(is_valid(instance))
    except (ValueError, OverflowError):
        return False


def _errors(data: Any, fast: Any) -> Iterator[tuple[Any, Pointer]]:
    """The reference validator's errors, each with the pointer of the value it is about.

    With the compiled validator at hand, only the entries it fails are explained, each on
    its own (``_entry_references``), and the document without its entries: an error of the
    compiled validator carries a Python copy of the object that failed, which for an unknown
    top-level key is the whole document, and for an entry of 1M keys is 150 MB. No keyword
    of the schema but ``items`` looks into an entry list, so the document with its lists
    emptied has every error that is not an entry's.
    """
    reference = _reference_validator()
    if fast is None or not isinstance(data, dict):
        for error in reference.iter_errors(data):
            yield error, tuple(error.absolute_path)
        return
    validators, explainers = _entry_validators(), _entry_references()
    shell = dict(data)
    failing: dict[str, list[int]] = {}
    for key, value in data.items():
        if key in validators and isinstance(value, list):
            failing[key] = _failing_indexes(value, *validators[key])
            shell[key] = []
    for error in reference.iter_errors(shell):
        yield error, tuple(error.absolute_path)
    for key, indexes in failing.items():
        explain = explainers[key].iter_errors
        for index in indexes:
            for error in explain(data[key][index]):
                yield error, (key, index, *error.absolute_path)
