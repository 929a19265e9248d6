"""`sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Rules carry their documentation from the registry (summary, explanation, default level) and a
link to their section of docs/rules.md; columns count Unicode code points, as every other
format does, and the run says so. A file is named by a percent-encoded URI relative to
``%SRCROOT%``, the working directory (``originalUriBaseIds``), or by its absolute ``file:``
URI when it lies outside. Each result has a fingerprint that no line move changes
(``identity``).

An input that could not be read is a result of its own (``input-unreadable``, an error),
because a result is what code scanning shows; it is also a tool execution notification of
the run's invocation. ``executionSuccessful`` stays true all the same: code scanning takes a
run that says false as an "unsuccessful execution" and processes none of its results
(github/codeql-action#1316, #1393), which would hide every finding of the files that were read.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from encord_manifest import __version__
from encord_manifest._internal.model.diagnostics import Diagnostic, Severity
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import ReportOptions, Unread
from encord_manifest._internal.report.identity import (
    FINGERPRINT_VERSION,
    fingerprints,
    report_path,
    unread_fingerprint,
    working_directory,
)
from encord_manifest._internal.rules import Rule, all_rules

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: The repository ([project.urls] Homepage in pyproject.toml; a test keeps them equal).
HOMEPAGE = "https://github.com/encord-manifest/encord-manifest"
#: Where the rules are documented: docs/rules.md as the repository shows it.
RULES_DOC = f"{HOMEPAGE}/blob/main/docs/rules.md"
#: The base the relative URIs are resolved against (the working directory).
SRCROOT = "%SRCROOT%"
#: The key of our own fingerprint; code scanning computes its line hash beside it.
FINGERPRINT_KEY = f"encordManifest/v{FINGERPRINT_VERSION}"
#: Not a rule of the registry: the descriptor of an input that could not be read.
UNREADABLE = "input-unreadable"


def _rule(rule: Rule) -> dict[str, Any]:
    explanation = " ".join(rule.explanation.split())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": explanation},
        "help": {
            "text": f"{explanation}\n\nFails:\n{rule.failing}\n\nPasses:\n{rule.passing}",
        },
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": [rule.origin]},
    }


def help_uri(rule: Rule) -> str:
    """The rule's section of docs/rules.md: GitHub's anchor of "### C701 `invalid-csv`"."""
    return f"{RULES_DOC}#{rule.code.lower()}-{rule.name}"


def _unreadable_descriptor() -> dict[str, Any]:
    text = "The input could not be read, so nothing in it was checked."
    return {
        "id": UNREADABLE,
        "name": UNREADABLE,
        "shortDescription": {"text": "An input that could not be read"},
        "fullDescription": {"text": text},
        "help": {"text": f"{text} The message says why (missing, a directory, too large...)."},
        "defaultConfiguration": {"level": "error"},
    }


def srcroot_uri(root: str) -> str:
    """The working directory as an absolute ``file:`` URI ending in '/', as a base must."""
    uri = Path(os.path.abspath(root)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def artifact_location(path: str, root: str | None) -> dict[str, str]:
    """A file as SARIF names it: a percent-encoded relative reference (RFC 3986) against
    ``%SRCROOT%``, or the ``file:`` URI of a path outside the working directory."""
    named = report_path(path, root)  # redacted there, before it is encoded here
    if root is not None and os.path.isabs(named):
        return {"uri": Path(named).as_uri()}
    # Only unreserved characters and '/' stay: a ':' (which would read as a scheme in a first
    # segment), '#', '?', '%', spaces and non-ASCII are all encoded.
    encoded = urllib.parse.quote(named, safe="/", errors="surrogateescape")
    return {"uri": encoded, "uriBaseId": SRCROOT} if root is not None else {"uri": encoded}


def _result(
    diagnostic: Diagnostic, rule_index: int, fingerprint: str, root: str | None
) -> dict[str, Any]:
    span = diagnostic.span
    message = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[diagnostic.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(diagnostic.path, root),
                    "region": {
                        "startLine": span.line,
                        "startColumn": span.column,
                        "endLine": span.end_line,
                        "endColumn": max(span.end_column, 1),
                    },
                },
                "logicalLocations": [{"fullyQualifiedName": diagnostic.pointer or "/"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if diagnostic.related_span is not None:
        related = diagnostic.related_span
        result["relatedLocations"] = [
            {
                "id": 1,
                "message": {"text": "first occurrence"},
                "physicalLocation": {
                    "artifactLocation": artifact_location(diagnostic.path, root),
                    "region": {"startLine": related.line, "startColumn": related.column},
                },
            }
        ]
    return result


def _unread_result(unread: Unread, rule_index: int, root: str | None) -> dict[str, Any]:
    return {
        "ruleId": UNREADABLE,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": f"cannot read {unread.path}: {unread.reason}"},
        # A line, as code scanning wants one to show a result in the file.
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(unread.path, root),
                    "region": {"startLine": 1},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: unread_fingerprint(unread.path, root)},
    }


def _invocation(unread: Sequence[Unread], root: str | None) -> dict[str, Any]:
    """Whether the run succeeded, and what went wrong on the way (inputs it could not read)."""
    invocation: dict[str, Any] = {"executionSuccessful": True}  # see the module's docstring
    if unread:
        invocation["toolExecutionNotifications"] = [
            {
                "descriptor": {"id": UNREADABLE},
                "level": "error",
                "message": {"text": f"cannot read {u.path}: {u.reason}"},
                "locations": [
                    {"physicalLocation": {"artifactLocation": artifact_location(u.path, root)}}
                ],
            }
            for u in unread
        ]
    return invocation


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    rules = list(all_rules().values())
    index = {rule.code: i for i, rule in enumerate(rules)}
    root = working_directory()
    diagnostics = [d for result in results for d in result.diagnostics]
    unread = options.unread_inputs if options else ()
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "encord-manifest",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": HOMEPAGE,
                "rules": [*(_rule(rule) for rule in rules), _unreadable_descriptor()],
                "notifications": [_unreadable_descriptor()],
            }
        },
        "invocations": [_invocation(unread, root)],
        "columnKind": "unicodeCodePoints",
        "results": [
            *(
                _result(d, index[d.code], fingerprint, root)
                for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, root), strict=True)
            ),
            *(_unread_result(u, len(rules), root) for u in unread),
        ],
    }
    if root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": srcroot_uri(root)}}
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return orjson.dumps(log, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
