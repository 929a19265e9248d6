"""Words for JSON types in schema messages, shared by the schema's translators."""

from __future__ import annotations

from typing import Final

#: A JSON Schema type, as a message names what was expected or found.
JSON_TYPE_NAMES: Final = {
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}
