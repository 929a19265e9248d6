"""S: the shape of the manifest (spec section 2). Mostly found by the JSON Schema."""

from __future__ import annotations

from collections.abc import Iterator

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Severity
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_check, register
from encord_manifest._internal.rules.view import ManifestView

ROOT_NOT_OBJECT = register(
    "S100",
    "root-not-object",
    Severity.ERROR,
    "The manifest is not a JSON object",
    origin="schema",
    explanation="""
        A manifest is one JSON object whose keys are the data types ("videos", "images", ...).
        A bare list of URLs or entries is not a manifest.
    """,
    failing='[{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}',
)

UNKNOWN_TOP_LEVEL_KEY = register(
    "S101",
    "unknown-top-level-key",
    Severity.ERROR,
    "A top-level key Encord does not know",
    origin="schema",
    explanation="""
        The import job ignores top-level keys it does not know, so every entry under a
        misspelt key ("imageGroups", "Videos", "image_group", "pdfs") is silently lost. The
        known keys are videos, images, image_groups, dicom_series, audio, nifti, text, pdf,
        time_series, scenes, skip_duplicate_urls and upsert_metadata; near misses come with a
        "did you mean".
    """,
    failing='{"imageGroups": [{"title": "g", "createVideo": false, "objectUrl_0": "https://b.s3.amazonaws.com/a.jpg"}]}',
    passing='{"image_groups": [{"title": "g", "createVideo": false, "objectUrl_0": "https://b.s3.amazonaws.com/a.jpg"}]}',
    fix="Renamed to the known key it most likely meant, unless that key is there already.",
)

INVALID_TOP_LEVEL_VALUE = register(
    "S102",
    "invalid-top-level-value",
    Severity.ERROR,
    "A top-level value of the wrong type",
    origin="schema",
    explanation="""
        Each data-type key holds a list of entries; skip_duplicate_urls and upsert_metadata
        hold true or false (not the string "true").
    """,
    failing='{"images": {"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}, "skip_duplicate_urls": "true"}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}], "skip_duplicate_urls": true}',
)

NO_ENTRIES = register(
    "S103",
    "no-entries",
    Severity.ERROR,
    "The manifest lists no files at all",
    explanation="""
        A manifest whose lists are all empty (or that has no list) starts an import job that
        does nothing; usually the generator wrote the wrong key or an empty query result.
    """,
    failing='{"images": [], "skip_duplicate_urls": true}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}',
)

ENTRY_NOT_OBJECT = register(
    "S104",
    "entry-not-object",
    Severity.ERROR,
    "An entry that is not an object",
    origin="schema",
    explanation="""
        Every entry is an object with at least its URL: {"objectUrl": "https://..."}. A bare
        URL string in the list is not accepted.
    """,
    failing='{"images": ["https://b.s3.amazonaws.com/a.jpg"]}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}',
)

UNKNOWN_ENTRY_KEY = register(
    "S105",
    "unknown-entry-key",
    Severity.ERROR,
    "An entry key Encord does not know",
    origin="schema",
    explanation="""
        Entry keys are camelCase: objectUrl, title, clientMetadata, createVideo,
        videoMetadata, ... A misspelt key ("objectURL", "object_url", "client_metadata",
        "create_video", "Title") is ignored by the server, so the value it holds is lost or,
        for the URL, the entry fails. Near misses come with a "did you mean".
    """,
    failing='{"images": [{"objectURL": "https://b.s3.amazonaws.com/a.jpg"}]}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}',
    fix="Renamed to the known key it most likely meant (objectURL -> objectUrl), unless that key is there already.",
)

SYSTEM_FIELD = register(
    "S106",
    "system-field",
    Severity.ERROR,
    "A field the SDK reserves for system use",
    origin="schema",
    explanation="""
        placeholderItemUuid, externalFileType and clusterByResolution are marked "for system
        use" in the SDK: Encord sets them itself, and a hand-written value breaks the import.
    """,
    failing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg", "externalFileType": "image"}]}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}',
)

MISSING_REQUIRED_FIELD = register(
    "S107",
    "missing-required-field",
    Severity.ERROR,
    "An entry without a key it must have",
    origin="schema",
    explanation="""
        Single-file entries need "objectUrl"; image groups and DICOM series need "title",
        the name that groups their files.
    """,
    failing='{"image_groups": [{"createVideo": false, "objectUrl_0": "https://b.s3.amazonaws.com/a.jpg"}]}',
    passing='{"image_groups": [{"title": "g", "createVideo": false, "objectUrl_0": "https://b.s3.amazonaws.com/a.jpg"}]}',
)

INVALID_FIELD_VALUE = register(
    "S108",
    "invalid-field-value",
    Severity.ERROR,
    "An entry field with a value of the wrong type",
    origin="schema",
    explanation="""
        objectUrl and title are non-empty strings and createVideo is true or false. A URL
        given as a list, an empty title or "createVideo": "yes" fails on the server.
    """,
    failing='{"image_groups": [{"title": "g", "createVideo": "yes", "objectUrl_0": "https://b.s3.amazonaws.com/a.jpg"}]}',
    passing='{"image_groups": [{"title": "g", "createVideo": true, "objectUrl_0": "https://b.s3.amazonaws.com/a.jpg"}]}',
)

UPSERT_WITHOUT_SKIP = register(
    "S109",
    "upsert-without-skip",
    Severity.WARNING,
    "upsert_metadata without skip_duplicate_urls",
    explanation="""
        upsert_metadata updates the metadata of items that are already in the dataset, which
        only happens when skip_duplicate_urls is true; on its own it does nothing and the
        import creates duplicates instead.
    """,
    failing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}], "upsert_metadata": true}',
    passing='{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}], "upsert_metadata": true, "skip_duplicate_urls": true}',
)


@family_check("document")
def check(view: ManifestView, settings: LintSettings) -> Iterator[Finding]:
    if not view.is_object:
        return  # S100 already says it all
    if view.entry_count == 0 and not view.rows_dropped and not _explained_elsewhere(view):
        yield Finding(
            NO_ENTRIES, (), "the manifest lists no files: every entry list is empty or absent"
        )
    if (
        view.data.get("upsert_metadata") is True
        and view.data.get("skip_duplicate_urls") is not True
    ):
        yield Finding(
            UPSERT_WITHOUT_SKIP,
            ("upsert_metadata",),
            "upsert_metadata has no effect unless skip_duplicate_urls is true",
            target="key",
        )


def _explained_elsewhere(view: ManifestView) -> bool:
    """An unknown key or a list that is not a list is the reason there are no entries (S101, S102)."""
    return any(
        key not in spec.TOP_LEVEL_KEYS or (key in spec.ENTRY_KEYS and not isinstance(value, list))
        for key, value in view.data.items()
    )
