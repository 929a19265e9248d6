"""The places findings need located: asked for alike by the whole-file lint and by each
part of a manifest linted in parts (``parts``), so both locate the same places.
"""

from __future__ import annotations

from collections.abc import Iterable

from encord_manifest._internal.model.diagnostics import ALSO_SHOWN, Finding
from encord_manifest._internal.sources.json_locator import Request


def location_requests(findings: Iterable[Finding]) -> set[Request]:
    """Every place the findings need: their own, a key's object, the related and the first
    few other places. Shared with the whole-file lint, so both ask for the same places."""
    requests: set[Request] = set()
    for finding in findings:
        if finding.span is None and finding.pointer:
            requests.add((finding.pointer, finding.target))
            if finding.target == "key" and len(finding.pointer) > 1:
                # Fallback: the object holding the key. Not the root: its span ends at the
                # last byte of the file, so asking for it walks the whole document.
                requests.add((finding.pointer[:-1], "value"))
        if finding.related is not None:
            requests.add((finding.related, "value"))
        requests.update((pointer, "value") for pointer in finding.also[:ALSO_SHOWN])
    return requests
