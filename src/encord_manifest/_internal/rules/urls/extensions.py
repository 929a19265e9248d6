"""U: file extensions, the kind of file a URL names (U308, U309), and their scan."""

from __future__ import annotations

import operator
from functools import cache
from itertools import compress
from operator import methodcaller

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.rules import register
from encord_manifest._internal.rules.scenes import POINT_CLOUD_EXTENSION, point_cloud_message
from encord_manifest._internal.rules.urls.syntax import _B, _DEBRIS, _path_of, file_name

EXTENSION_MISMATCH = register(
    "U308",
    "extension-mismatch",
    Severity.ERROR,
    "File extension of another data type",
    explanation="""
        A .mp4 in "images", a .jpg in "videos" or a .dcm in "images" fails on the server with
        "Expected a video, got a file of type ...". Move the entry to the list of its type.
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/clip.mp4"}}]}}',
    passing=f'{{"videos": [{{"objectUrl": "{_B}/clip.mp4"}}]}}',
)

UNKNOWN_EXTENSION = register(
    "U309",
    "unknown-extension",
    Severity.INFO,
    "Unknown or missing file extension",
    explanation="""
        URLs need not have extensions (DICOM files often have none, and that is not reported
        for dicom_series), but without a known one the file's type cannot be checked here.
    """,
    failing=f'{{"images": [{{"objectUrl": "{_B}/scan-0001"}}]}}',
    passing=f'{{"images": [{{"objectUrl": "{_B}/scan-0001.png"}}]}}',
)


def extension_of(url: str) -> str:
    """Lower-case extension of the file name ('.jpg', '.nii.gz'), or '' when it has none."""
    name = file_name(url).lower()
    if name.endswith(".nii.gz"):
        return ".nii.gz"
    dot = name.rfind(".")
    # A name that is only an extension (".jpg") counts as having it, as the URL's ending says.
    return name[dot:] if dot >= 0 else ""


def extension_problem(kind: str, url: str, list_key: str | None = None) -> tuple[str, str] | None:
    """(code, message) when the URL's extension does not fit the kind of file it names (its
    entry list's, or a scene stream's: ``spec.EXTENSIONS_BY_KEY``); the one definition."""
    url = url.strip(_DEBRIS)  # debris is U302's business
    if "://" in url and not _path_of(url):
        return None  # no object path at all: U303 says so
    extension = extension_of(url)
    if extension in spec.EXTENSIONS_BY_KEY[kind]:
        return None
    if kind == spec.POINT_CLOUD:
        # An empty URL has no file at all: U303 and the schema say so.
        return (POINT_CLOUD_EXTENSION, point_cloud_message(extension)) if url else None
    if not extension:
        if kind == "dicom_series":
            return None
        return UNKNOWN_EXTENSION, "file name has no extension; its type cannot be checked"
    other = spec.TYPE_OF_EXTENSION.get(extension)
    if other is None:
        return UNKNOWN_EXTENSION, f"unknown file extension '{extension}'"
    listed = spec.ENTRY_NOUN[kind]
    return EXTENSION_MISMATCH, (
        f"'{extension}' is {_article(other)} {other} file extension, but this is listed as {_article(listed)} {listed} "
        f"(in '{list_key or kind}')"
    )


def _article(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"


# --- the scan that preselects URLs for the exact check -----------------------------------


@cache
def _endings(list_key: str) -> tuple[str, ...]:
    """The list's extensions as a URL may end: lower, upper and capitalised spellings.

    Other mixed spellings (.jPg) are merely preselected for the exact check, which ignores case.
    """
    extensions = sorted(spec.EXTENSIONS_BY_KEY[list_key])
    # endswith() tries them in order and stops at the first match: lower case first.
    spellings = [e.lower() for e in extensions] + [e.upper() for e in extensions]
    spellings += ["." + e[1:].capitalize() for e in extensions]
    return tuple(dict.fromkeys(spellings))


def _all_end_well(list_key: str, urls: list[str], joined: str) -> bool:
    """Whether every URL ends in one of the list's extensions, in lower case: by counting.

    A manifest mostly uses one or two extensions, so this is a couple of substring counts per
    chunk instead of a test per URL. Exact because no extension of a list is the end of
    another one followed by the newline ('.tif\\n' is not inside '.tiff\\n'). False, for
    the caller to test every URL, also where counting on would cost more than that test:
    a count is half the time of testing every URL's ending, so at most two are made, and a
    second only when more than one URL in a hundred is left (fewer: likely mistakes, not
    another extension). A chunk of 250,000 URLs with 261 of the wrong kind: 218 ms counting
    every extension, 91 ms so (28 ms when clean).
    """
    remaining = len(urls) - 1  # URLs followed by a newline; the last one is tested alone
    if not urls[-1].endswith(tuple(sorted(spec.EXTENSIONS_BY_KEY[list_key]))):
        return False
    tally = _tallies.setdefault(list_key, {})
    ordered = sorted(spec.EXTENSIONS_BY_KEY[list_key], key=lambda e: -tally.get(e, 0))
    for counted, extension in enumerate(ordered):
        if remaining == 0:
            break
        if counted == _COUNTS or (counted and remaining * 100 <= len(urls)):
            return False
        found = joined.count(extension + "\n")
        tally[extension] = tally.get(extension, 0) + found
        remaining -= found
    return remaining == 0


#: Extensions counted at most per chunk before every URL is tested instead.
_COUNTS = 2
#: How often each extension was seen per list, so the likeliest is counted first.
_tallies: dict[str, dict[str, int]] = {}


#: Every byte but the slash, the dot and the newline that joins a column.
_NOT_SLASH_DOT_NEWLINE = bytes(c for c in range(256) if c not in b"/.\n")


def _some_name_dotted(joined: str) -> bool:
    """Whether a URL of a joined column has a dot after its last slash (or holds no slash).

    With only slashes, dots and newlines left (a translate, in C at memory speed), such a URL's
    line ends in a dot. Two method calls per URL decided this before: 0.45 s on 1.8M URLs,
    this 0.05 s. (UTF-8 sequences hold no ASCII bytes, so other characters leave no trace.)
    """
    kept = joined.encode("utf-8", "surrogatepass").translate(None, _NOT_SLASH_DOT_NEWLINE)
    return b".\n" in kept or kept.endswith(b".")


def _extension_suspects(list_key: str, urls: list[str], joined: str) -> set[int]:
    if "?" in joined or "#" in joined:
        # A query string or fragment hides the end of the path: the exact check for all.
        return set(range(len(urls)))
    if _all_end_well(list_key, urls, joined):
        return set()
    # One C-level pass per test over the URLs; no Python-level work per URL.
    if list_key == "dicom_series":
        # No extension is fine for DICOM: suspect only a dot in the last path segment.
        if not _some_name_dotted(joined):
            return set()
        dotted = list(
            map(
                operator.gt,
                map(methodcaller("rfind", "."), urls),
                map(methodcaller("rfind", "/"), urls),
            )
        )
        if True not in dotted:
            return set()
        flags = map(operator.gt, dotted, map(methodcaller("endswith", _endings(list_key)), urls))
    else:
        flags = map(operator.not_, map(methodcaller("endswith", _endings(list_key)), urls))
    return set(compress(range(len(urls)), flags))
