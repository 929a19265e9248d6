"""L: the size of one manifest (spec section 3). Reported at the top of the file."""

from __future__ import annotations

from collections.abc import Iterator

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Severity
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_check, register
from encord_manifest._internal.rules.view import ManifestView

_ENTRY = '{"objectUrl": "https://b.s3.amazonaws.com/0.jpg"}'

TOO_MANY_URLS = register(
    "L601",
    "too-many-urls",
    Severity.ERROR,
    f"More than {spec.MAX_URLS_PER_FILE:,} URLs in one manifest",
    explanation=f"""
        One import job takes at most {spec.MAX_URLS_PER_FILE:,} URLs (counting every file of
        every group and series). Split the manifest.
    """,
    failing=f'{{"images": [{_ENTRY}, ... {spec.MAX_URLS_PER_FILE + 1:,} entries ...]}}',
    passing=f'{{"images": [{_ENTRY}, ... 1,000 entries ...]}}',
    example_is_literal=False,
)

TOO_MANY_ITEMS = register(
    "L602",
    "too-many-items",
    Severity.ERROR,
    f"More than {spec.MAX_ITEMS_PER_FILE:,} items in one manifest",
    explanation=f"""
        One import job creates at most {spec.MAX_ITEMS_PER_FILE:,} data units (entries).
        Split the manifest.
    """,
    failing=f'{{"images": [{_ENTRY}, ... {spec.MAX_ITEMS_PER_FILE + 1:,} entries ...]}}',
    passing=f'{{"images": [{_ENTRY}, ... 1,000 entries ...]}}',
    example_is_literal=False,
)

MANY_ENTRIES = register(
    "L603",
    "many-entries",
    Severity.WARNING,
    f"More entries than a plan allows in one upload (default {spec.DEFAULT_MAX_ENTRIES:,})",
    explanation=f"""
        Plans limit the items of one upload (Free 1,000, Team 2,500, Enterprise 10,000). The
        threshold defaults to {spec.DEFAULT_MAX_ENTRIES:,} and is configurable.
    """,
    failing=f'{{"images": [{_ENTRY}, ... {spec.DEFAULT_MAX_ENTRIES + 1:,} entries ...]}}',
    passing=f'{{"images": [{_ENTRY}, ... 1,000 entries ...]}}',
    example_is_literal=False,
)

LARGE_FILE = register(
    "L604",
    "large-file",
    Severity.WARNING,
    "Manifest file larger than a plan allows (default 100 MB)",
    explanation="""
        Plans limit the size of one manifest file (Free 10 MB). The threshold defaults to
        100 MB and is configurable.
    """,
    failing=f'{{"images": [{_ENTRY}, ... 100 MB of entries ...]}}',
    passing=f'{{"images": [{_ENTRY}]}}',
    example_is_literal=False,
)


@family_check("document")
def check(view: ManifestView, settings: LintSettings) -> Iterator[Finding]:
    urls, entries = view.url_count, view.entry_count
    if urls > spec.MAX_URLS_PER_FILE:
        yield Finding(
            TOO_MANY_URLS,
            (),
            f"{urls:,} URLs; one manifest takes at most {spec.MAX_URLS_PER_FILE:,}",
        )
    if entries > spec.MAX_ITEMS_PER_FILE:
        yield Finding(
            TOO_MANY_ITEMS,
            (),
            f"{entries:,} items; one manifest takes at most {spec.MAX_ITEMS_PER_FILE:,}",
        )
    if entries > settings.max_entries:
        yield Finding(
            MANY_ENTRIES,
            (),
            f"{entries:,} entries; plans allow up to {settings.max_entries:,} items per upload",
        )
    if view.size > settings.max_file_bytes:
        yield Finding(
            LARGE_FILE,
            (),
            f"file is {view.size / 1e6:,.1f} MB; plans allow manifests up to "
            f"{settings.max_file_bytes / 1e6:,.0f} MB",
        )
