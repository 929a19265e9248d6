"""T: titles (spec section 3)."""

from __future__ import annotations

from collections.abc import Iterator

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Severity
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_check, register
from encord_manifest._internal.rules.view import Column, ManifestView
from encord_manifest._internal.text.lazy_pattern import LazyPattern

_B = "https://b.s3.amazonaws.com"

TITLE_TOO_LONG = register(
    "T401",
    "title-too-long",
    Severity.ERROR,
    f"Title longer than {spec.MAX_FILE_NAME_CHARS} characters",
    explanation=f"""
        The {spec.MAX_FILE_NAME_CHARS}-character limit on file names applies to a custom
        title too: it becomes the data unit's name.
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg", "title": "{"t" * 301}"}}]}}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg", "title": "{"t" * 300}"}}]}}',
)

DUPLICATE_TITLE = register(
    "T402",
    "duplicate-title",
    Severity.WARNING,
    "The same title twice within one data type",
    explanation="""
        Two data units of one type with one title cannot be told apart in the Encord app,
        and two image groups or DICOM series with one title were usually meant to be one.
        Reported at every repetition, with the place of the first.
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg", "title": "x.jpg"}}, {{"objectUrl": "{_B}/b.jpg", "title": "x.jpg"}}]}}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/a.jpg", "title": "a.jpg"}}, {{"objectUrl": "{_B}/b.jpg", "title": "b.jpg"}}]}}',
)

TITLE_WITHOUT_EXTENSION = register(
    "T403",
    "title-without-extension",
    Severity.WARNING,
    "Custom title of a video, audio or NIfTI entry without a file extension",
    explanation="""
        The SDK documentation asks that custom titles of videos, audio files and NIfTI
        volumes keep the file's extension ("clip.mp4", not "clip"): it is how the type of
        the data unit is shown and exported.
    """,
    failing=f'{{"videos": [{{"objectUrl": "{_B}/clip.mp4", "title": "clip"}}]}}',
    passing=f'{{"videos": [{{"objectUrl": "{_B}/clip.mp4", "title": "clip.mp4"}}]}}',
)

_HAS_EXTENSION = LazyPattern(r"\.[A-Za-z0-9]{1,5}$")


@family_check("entries")
def check(view: ManifestView, settings: LintSettings) -> Iterator[Finding]:
    for list_key in spec.ENTRY_KEYS:
        titles = view.titles(list_key)
        if not titles.values:
            continue
        if max(map(len, titles.values)) > spec.MAX_FILE_NAME_CHARS:
            for i, title in enumerate(titles.values):
                if len(title) > spec.MAX_FILE_NAME_CHARS:
                    yield Finding(
                        TITLE_TOO_LONG,
                        titles.pointer(i),
                        f"title is {len(title)} characters long; the limit is {spec.MAX_FILE_NAME_CHARS}",
                    )
        if list_key in spec.TITLE_EXTENSION_KEYS:
            for i, title in enumerate(titles.values):
                if not _HAS_EXTENSION.search(title):
                    yield Finding(
                        TITLE_WITHOUT_EXTENSION,
                        titles.pointer(i),
                        f"title of {_a(spec.ENTRY_NOUN[list_key])} {spec.ENTRY_NOUN[list_key]} has no file extension; "
                        "keep the file's extension in custom titles",
                    )
        yield from _duplicates(titles)


def _duplicates(titles: Column) -> Iterator[Finding]:
    if len(set(titles.values)) == len(titles.values):
        return
    first: dict[str, int] = {}
    for i, title in enumerate(titles.values):
        seen = first.setdefault(title, i)
        if seen != i:
            yield Finding(
                DUPLICATE_TITLE,
                titles.pointer(i),
                f"title {title!r} already used by another {spec.ENTRY_NOUN[titles.list_key]} entry",
                related=titles.pointer(seen),
            )


def _a(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"
