"""`junit`: JUnit XML, one test suite per file and one failing test case per finding.

A clean file is one passing test case, so that CI test views list every file checked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence

from encord_manifest.linter import FileResult
from encord_manifest.report import ReportOptions

#: Characters XML 1.0 cannot hold at all, not even escaped (a title with a control character).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


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
        for diagnostic in result.diagnostics:
            span = diagnostic.span
            case = ElementTree.SubElement(
                suite,
                "testcase",
                name=f"{diagnostic.code} at {span.line}:{span.column}",
                classname=_safe(result.path),
            )
            failure = ElementTree.SubElement(
                case, "failure", message=_safe(diagnostic.message), type=diagnostic.code
            )
            failure.text = _safe(
                f"{diagnostic.path}:{span.line}:{span.column}: {diagnostic.severity.value}: "
                f"{diagnostic.code} {diagnostic.message}"
                + (f" ({diagnostic.hint})" if diagnostic.hint else "")
            )
    root.set("tests", str(total))
    root.set("failures", str(failed))
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )
