"""One part's checks: the schema and the entry-scope rule families on its entries, its
findings placed in its own text, and its summary, what it tells the other part.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any

from encord_manifest._internal.engine.locations import location_requests
from encord_manifest._internal.engine.parts.cutting import (
    Cut,
    NotSplit,
    Source,
    _release,
    first_text,
)
from encord_manifest._internal.engine.parts.findings import PartFindings, crc_of, locate_in_part
from encord_manifest._internal.engine.parts.parsing import Parsed
from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Pointer
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_checks
from encord_manifest._internal.rules.dialect import SDK_TYPED_FORM, SIGN_CODES, ignorable
from encord_manifest._internal.rules.metadata import client_metadata_kinds
from encord_manifest._internal.rules.urls import URL_HASHES
from encord_manifest._internal.rules.view import ManifestView
from encord_manifest._internal.sources.json_duplicates import PlacedRepeat
from encord_manifest._internal.sources.json_locator import Member


@dataclass
class Summary:
    """What one part tells the other: small, whatever the part's size."""

    #: The top-level keys of the part, in order, with their values; entry lists left empty.
    top_level: dict[str, Any] = field(default_factory=dict)
    entries: int = 0
    urls: int = 0
    #: Hashes of the titles of the list that is cut, the only list both parts hold entries
    #: of: a set in the first child, to look the second's up in; the array the second sends.
    #: (URL hashes are compared apart, as soon as they arrive: ``_first_child``.)
    title_hashes: Collection[int] = ()
    metadata_kinds: dict[str, set[str]] = field(default_factory=dict)
    #: The part's findings, placed in its own text.
    found: PartFindings = field(default_factory=PartFindings)
    #: Where the part's top-level keys are, its repeated keys below the top level, placed,
    #: and whether its text is ASCII (then its character offsets are byte offsets).
    members: list[Member] = field(default_factory=list)
    repeats: list[PlacedRepeat] = field(default_factory=list)
    ascii: bool = True


class Part:
    """One part's checks: the schema and the entry-scope rule families, and its summary.

    The URL hashes are made first: the repeated-URL rule counts with their set, and the other
    part can be compared with it while the rules still run (``_first_child``). Set and array
    are both made from a list: faster than either from the hashes as they come (measured:
    0.55 s against 0.75 s for 2.2M URLs).
    """

    def __init__(self, data: dict[str, Any], cut: Cut, size: int, settings: LintSettings) -> None:
        self.data, self.cut, self.settings = data, cut, settings
        self.view = ManifestView(data, size)
        urls = chain.from_iterable(self.view.urls(key).values for key in spec.ENTRY_KEYS)
        self.url_hash_list = list(map(hash, urls))
        self.url_hashes = set(self.url_hash_list)
        self.view.memo[URL_HASHES] = self.url_hashes

    def check(self, between: Callable[[], None] = lambda: None) -> list[Finding]:
        """The part's findings; ``between`` runs after each family of checks.

        NotSplit for what only the whole file can report: nesting too deep (F005, placed in
        the text by the parser), and the SDK's typed form (S110 converts the whole document).
        """

        _refuse_deep_nesting(self.data)
        checks: list[Callable[[], Iterable[Finding]]] = [partial(_entry_schema, self.data)]
        checks += [partial(check, self.view, self.settings) for check in family_checks("entries")]
        ignored = ignorable(self.settings.disabled)
        found: list[Finding] = []
        for run in checks:
            found.extend(finding for finding in run() if finding.code not in ignored)
            between()
        if SDK_TYPED_FORM not in self.settings.disabled:
            self._refuse_typed_form([f.pointer for f in found if f.code in SIGN_CODES])
        return [finding for finding in found if finding.code not in self.settings.disabled]

    def _refuse_typed_form(self, places: list[Pointer]) -> None:
        """NotSplit if the findings show a sign of the SDK's typed form (``dialect``). A sign
        is read in the entry a finding points into, which is in this part, so the whole file
        shows one exactly when a part does; but a place that is the cut list as a whole would
        have the entries of both parts read."""
        from encord_manifest._internal.sources.typed_items import first_sign

        if any(place[:1] == (self.cut.list_key,) and len(place) < 2 for place in places):
            raise NotSplit("a sign of the SDK's typed form may be in the cut list")
        if places and first_sign(self.data, places) is not None:
            raise NotSplit("the SDK's typed form: S110 converts the whole document")

    def summary(self, to_send: bool = False, order: Iterable[str] = ()) -> Summary:
        """With the title hashes as a set, to look the other part's up in; or, to send, as an
        array (8 bytes a hash). ``order``: the part's top-level keys as parsed, those whose
        value the other part's replaces included (the combined top level keeps a repeated
        key where it first was, as a parser's dict does)."""
        view = self.view
        titles = map(hash, view.titles(self.cut.list_key).values)
        data = self.data
        return Summary(
            top_level={k: [] if k in spec.ENTRY_KEYS else data.get(k) for k in (order or data)},
            entries=view.entry_count,
            urls=view.url_count,
            title_hashes=array("q", titles) if to_send else set(titles),
            metadata_kinds=client_metadata_kinds(view),
        )


def _placed(  # pragma: no cover - in the child
    findings: list[Finding],
    decode: Callable[[Source, Cut], tuple[str, Cut]],
    source: Source,
    cut: Cut,
    parsed: Parsed,
) -> PartFindings:
    """A part's findings with their places in its text, decoded again for them (the text
    was let go of after the parse) and let go of again. The walk that finds them starts
    in the cut list at the piece before each place, not at the list's first entry."""
    if not findings:
        return PartFindings()
    requests = location_requests(findings)
    if any(pointer == (cut.list_key,) for pointer, _ in requests):
        # The cut list as a whole begins in one part and ends in the other.
        raise NotSplit("a place that is the cut list as a whole")
    text, _ = decode(source, cut)
    data, places, marks = parsed.data, parsed.places(), parsed.checkpoints
    spans = locate_in_part(text, data, requests, places, marks, parsed.repeated)
    start, end = (0, cut.second_start) if decode is first_text else (cut.second_start, len(source))
    del text
    found = PartFindings(findings, spans, crc_of(source, start, end))
    _release(source)
    return found


def _entry_schema(data: dict[str, Any]) -> list[Finding]:
    """The schema's findings in the part's entries. One about the top level (a key, the
    root) is the whole file's: a part holds only some of its keys (a rename to a key in the
    other part, the count of unknown keys), so the whole file is linted instead."""
    from encord_manifest._internal.rules.schema import validate

    found = validate(data)
    if any(len(finding.pointer) < 2 for finding in found):
        raise NotSplit("a schema finding about the top level")
    return found


def _refuse_deep_nesting(data: Any) -> None:
    """F005 is the whole file's finding (its place is found in the text): a part only
    notices it, and the whole file is linted instead."""
    from encord_manifest._internal.sources.nesting import too_deep

    if too_deep(data):
        raise NotSplit("nesting too deep")
