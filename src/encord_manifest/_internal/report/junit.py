"""`junit`: JUnit XML, one test suite per file and one failing test case per finding.

A clean file is one passing test case, so that CI test views list every file checked. A test
case is named by what the finding is about (code and JSON pointer), never by its line: CI
services follow a test across runs by its name, and a line moves with every edit above it;
the place is in the failure's text. An input that could not be read is a test suite whose
one case is an <error>, so that no test view shows such a run as clean.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence

from encord_manifest._internal.model.diagnostics import Diagnostic
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.report import ReportOptions, Unread

#: Characters XML 1.0 cannot hold at all, not even escaped (a title with a control character).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: The name and type of an input that could not be read (no rule of the registry).
UNREADABLE = "input-unreadable"


def _safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def case_names(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """Each finding's test case name: "CODE /pointer", and " (2)", " (3)"... for the later
    findings of the same name (a key repeated three times), so that each name is unique."""
    seen: dict[str, int] = {}
    names = []
    for diagnostic in diagnostics:
        name = f"{diagnostic.code} {diagnostic.pointer or '/'}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def _suite(
    root: ElementTree.Element, name: str, tests: int, failures: int, errors: int
) -> ElementTree.Element:
    return ElementTree.SubElement(
        root,
        "testsuite",
        name=_safe(name),
        tests=str(tests),
        failures=str(failures),
        errors=str(errors),
    )


def _file_suite(root: ElementTree.Element, result: FileResult) -> int:
    """The file's suite; how many test cases it has."""
    suite = _suite(root, result.path, max(len(result.diagnostics), 1), len(result.diagnostics), 0)
    if not result.diagnostics:
        ElementTree.SubElement(suite, "testcase", name="manifest", classname=_safe(result.path))
    for diagnostic, name in zip(result.diagnostics, case_names(result.diagnostics), strict=True):
        span = diagnostic.span
        case = ElementTree.SubElement(
            suite, "testcase", name=_safe(name), classname=_safe(result.path)
        )
        failure = ElementTree.SubElement(
            case, "failure", message=_safe(diagnostic.message), type=diagnostic.code
        )
        failure.text = _safe(
            f"{diagnostic.path}:{span.line}:{span.column}: {diagnostic.severity.value}: "
            f"{diagnostic.code} {diagnostic.message}"
            + (f" ({diagnostic.hint})" if diagnostic.hint else "")
        )
    return max(len(result.diagnostics), 1)


def _unread_suite(root: ElementTree.Element, unread: Unread) -> None:
    suite = _suite(root, unread.path, 1, 0, 1)
    case = ElementTree.SubElement(suite, "testcase", name=UNREADABLE, classname=_safe(unread.path))
    message = f"cannot read {unread.path}: {unread.reason}"
    error = ElementTree.SubElement(case, "error", message=_safe(message), type=UNREADABLE)
    error.text = _safe(message)


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    root = ElementTree.Element("testsuites", name="encord-manifest")
    total = sum(_file_suite(root, result) for result in results)
    unread = options.unread_inputs if options else ()
    for item in unread:
        _unread_suite(root, item)
    root.set("tests", str(total + len(unread)))
    root.set("failures", str(sum(len(r.diagnostics) for r in results)))
    root.set("errors", str(len(unread)))
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )
