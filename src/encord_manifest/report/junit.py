"""`junit`: JUnit XML, one test suite per file and one failing test case per finding.

A clean file is one passing test case, so that CI test views list every file checked. A test
case is named by what it is about, "CODE at POINTER", never by its line, so that test views
that follow cases from run to run (flaky and new-failure tracking) see the same finding as
the same case; the position is in the failure's text. A file that could not be read is a
suite with one case in error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence

from encord_manifest.linter import FileResult
from encord_manifest.report import ReportOptions, Unreadable
from encord_manifest.report.identity import report_path

#: Characters XML 1.0 cannot hold at all, not even escaped (a title with a control character).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _unreadable_suite(root: ElementTree.Element, unreadable: Unreadable) -> None:
    path = _safe(report_path(unreadable.path))
    suite = ElementTree.SubElement(
        root, "testsuite", name=path, tests="1", failures="0", errors="1"
    )
    case = ElementTree.SubElement(suite, "testcase", name="readable", classname=path)
    error = ElementTree.SubElement(
        case, "error", message=_safe(unreadable.reason), type="unreadable-input"
    )
    error.text = _safe(f"cannot read {unreadable.path}: {unreadable.reason}")


def _case_names(result: FileResult) -> list[str]:
    """ "CODE at POINTER" for each finding; a second of the same gets " (2)"."""
    seen: dict[str, int] = {}
    names = []
    for diagnostic in result.diagnostics:
        name = f"{diagnostic.code} at {diagnostic.pointer or '/'}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def render(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
    root = ElementTree.Element("testsuites", name="encord-manifest")
    total = failed = 0
    for result in results:
        cases = max(len(result.diagnostics), 1)
        suite = ElementTree.SubElement(
            root,
            "testsuite",
            name=_safe(result.path),
            tests=str(cases),
            failures=str(len(result.diagnostics)),
            errors="0",
        )
        total += cases
        failed += len(result.diagnostics)
        if not result.diagnostics:
            ElementTree.SubElement(suite, "testcase", name="manifest", classname=_safe(result.path))
        for diagnostic, name in zip(result.diagnostics, _case_names(result), strict=True):
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
    unreadable = options.unreadable if options else ()
    for each in unreadable:
        _unreadable_suite(root, each)
    root.set("tests", str(total + len(unreadable)))
    root.set("failures", str(failed))
    root.set("errors", str(len(unreadable)))
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )
