"""URL rules: the exact analysis, and proof that the fast scans never skip a URL it would flag."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.model import spec
from encord_manifest._internal.rules import urls
from tests.helpers import codes, lint

B = "https://media.obs.eu-de.otc.t-systems.com"


def test_whitespace_class_is_exactly_what_python_calls_space() -> None:
    import re

    pattern = re.compile(f"[{urls.WHITESPACE_CLASS}]")
    every_space = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    matched = {chr(c) for c in range(sys.maxunicode + 1) if pattern.match(chr(c))}
    assert matched == every_space


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{B}/a b.jpg", ["U301"]),
        (f"{B}/a\u00a0b.jpg", ["U301"]),
        (f"{B}/a\tb.jpg", ["U301"]),
        (f"<{B}/a.jpg>", ["U302"]),
        (f"{B}/{{bucket}}/a.jpg", ["U302"]),
        (f"{B}/100%.jpg", ["U302"]),
        (f"{B}/100%2.jpg", ["U302"]),
        (f"{B}/DALL%C2%B7E.jpg", []),
        (f"{B}/1+(32).jpg", []),
        ("s3://bucket/a.jpg", ["U303"]),
        ("gs://bucket/a.jpg", ["U303"]),
        ("obs://bucket/a.jpg", ["U303"]),
        ("file:///home/me/a.jpg", ["U303"]),
        ("bucket/a.jpg", ["U303"]),
        ("/a.jpg", ["U303"]),
        ("https:///a.jpg", ["U303"]),
        ("https://bucket.s3.amazonaws.com", ["U303"]),
        ("https://bucket.s3.amazonaws.com?list-type=2", ["U303"]),
        ("https://bucket.s3.amazonaws.com/", []),
        ("http://bucket.s3.amazonaws.com/a.jpg", ["U304"]),
        ("HTTPS://bucket.s3.amazonaws.com/a.jpg", []),
        (f"{B}/{'a' * 297}.jpg", ["U306"]),
        (
            f"{B}/{'%41' * 297}.jpg",
            [],
        ),  # 297 decoded characters + ".jpg" = 301? no: 301 encoded is fine
        (f"{B}/" + "d/" * 8200 + "a.jpg", ["U305"]),
    ],
)
def test_url_problems(url: str, expected: list[str]) -> None:
    found = [code for code, _ in urls.url_problems(url)]
    if url.endswith("%41" * 297 + ".jpg"):
        expected = ["U306"]  # decoded: 297 + 4 = 301 characters
    assert found == expected


@pytest.mark.parametrize(
    ("list_key", "url", "expected"),
    [
        ("images", f"{B}/clip.mp4", "U308"),
        ("images", f"{B}/scan.dcm", "U308"),
        ("videos", f"{B}/a.JPG", "U308"),
        ("images", f"{B}/a.JPG", None),
        ("images", f"{B}/a.jpg?X-Amz-Signature=abc", None),
        ("images", f"{B}/a.mp4?x=.jpg", "U308"),
        ("images", f"{B}/scan-0001", "U309"),
        ("images", f"{B}/a.xyz", "U309"),
        ("dicom_series", f"{B}/IM0001", None),
        ("dicom_series", f"{B}/IM0001.DCM", None),
        ("dicom_series", f"{B}/IM0001.jpg", "U308"),
        ("nifti", f"{B}/brain.nii.gz", None),
        ("nifti", f"{B}/brain.gz", "U309"),
        ("audio", f"{B}/a.mp4", None),
        ("text", f"{B}/notes.md", None),
        ("images", f"{B}/.jpg", None),  # a name that is only an extension has it
        ("images", "https://bucket.s3.amazonaws.com.jpg", None),  # no object path: U303's
        ("images", f"{B}/", "U309"),
    ],
)
def test_extension_problem(list_key: str, url: str, expected: str | None) -> None:
    problem = urls.extension_problem(list_key, url)
    assert (problem[0] if problem else None) == expected


def _exact(list_key: str, values: list[str]) -> set[tuple[int, str]]:
    found = set()
    kind = spec.POINT_CLOUD if list_key == spec.SCENE_KEY else list_key
    for i, url in enumerate(values):
        found |= {(i, code) for code, _ in urls.url_problems(url)}
        problem = urls.extension_problem(kind, url)
        if problem:
            found.add((i, problem[0]))
    return found


pieces = st.sampled_from(
    [
        "https://",
        "http://",
        "s3://",
        "b.s3.amazonaws.com",
        "/",
        "a",
        ".",
        "jpg",
        "JPG",
        "dcm",
        "pcd",
        "csv",
        "mp4",
        "nii",
        "gz",
        "%",
        "%20",
        "%2",
        " ",
        "\u00a0",
        "<",
        ">",
        "{",
        "?",
        "#",
        "x=1",
        "\t",
        "+",
        "é",
        "tif",
        "@",
        ":",
        "u@",
        "\n",
        "\r\n",
        # hosts that U311 reads exactly
        "127.1",
        "0x7f",
        "1.2.3.4",
        ":0",
        ":443",
        ":65536",
        "-",
        "_",
        "[::1]",
        "%41",
        "\\",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(spec.ENTRY_KEYS),
    st.lists(st.lists(pieces, max_size=8).map("".join), min_size=1, max_size=12),
)
def test_fast_scans_find_everything_the_exact_analysis_finds(
    list_key: str, values: list[str]
) -> None:
    """The column scans only preselect; the findings must equal URL-by-URL exact analysis."""
    if list_key in spec.GROUP_KEYS:
        entry: dict[str, object] = {"title": "t", "createVideo": False}
        entry.update({f"objectUrl_{i}": url for i, url in enumerate(values)})
        manifest: dict[str, object] = {list_key: [entry]}
    elif list_key == spec.SCENE_KEY:
        events = [{"uri": url} for url in values]
        scene = {"lidar": {"type": "point_cloud", "events": events}}
        manifest = {list_key: [{"title": "t", "scene": scene}]}
    else:
        manifest = {list_key: [{"objectUrl": url} for url in values]}
    url_codes = {"U301", "U302", "U303", "U304", "U305", "U306", "U308", "U309", "U311", "P907"}
    found = {
        (
            int(d.pointer.rsplit("_", 1)[1])
            if list_key in spec.GROUP_KEYS
            else int(d.pointer.split("/")[6])
            if list_key == spec.SCENE_KEY
            else int(d.pointer.split("/")[2]),
            d.code,
        )
        for d in lint(json.dumps(manifest))
        if d.code in url_codes
    }
    assert found == _exact(list_key, values)


def test_a_line_break_inside_a_url_does_not_hide_another_urls_extension() -> None:
    # Counting ".jpg\n" in the joined column would count this URL's inner line break.
    manifest = {"images": [{"objectUrl": f"{B}/a.jpg\nb"}, {"objectUrl": f"{B}/c.jpg"}]}
    assert sorted(codes(json.dumps(manifest))) == ["U301", "U309"]


def test_duplicate_urls_across_types_point_at_the_first() -> None:
    text = json.dumps(
        {
            "images": [{"objectUrl": f"{B}/a.jpg"}],
            "image_groups": [
                {
                    "title": "g",
                    "createVideo": False,
                    "objectUrl_0": f"{B}/b.jpg",
                    "objectUrl_1": f"{B}/a.jpg",
                }
            ],
        },
        indent=2,
    )
    (found,) = [d for d in lint(text) if d.code == "U307"]
    assert (
        found.pointer == "/image_groups/0/objectUrl_1"
        and found.related_pointer == "/images/0/objectUrl"
    )
    assert found.related_span is not None and found.related_span.line == 4


def test_presigned_query_strings_never_appear_in_messages() -> None:
    secret = "X-Amz-Signature=deadbeefcafe"
    text = json.dumps(
        {"images": [{"objectUrl": f"{B}/a b.mp4?{secret}"}, {"objectUrl": f"{B}/a b.mp4?{secret}"}]}
    )
    for diagnostic in lint(text):
        assert "deadbeef" not in diagnostic.message and "deadbeef" not in (diagnostic.hint or "")


def test_provider_hosts() -> None:
    from encord_manifest._internal.model.settings import LintSettings, Provider

    cases = {
        Provider.OTC: [
            "https://b.obs.eu-de.otc.t-systems.com/k",
            "https://obs.eu-nl.otc.t-systems.com/b/k",
            "https://b.obs.eu-ch2.sc.otc.t-systems.com/k",
        ],
        Provider.AWS: [
            "https://b.s3.eu-west-1.amazonaws.com/k",
            "https://b.s3.amazonaws.com/k",
            "https://s3.us-east-2.amazonaws.com/b/k",
        ],
        Provider.GCP: [
            "https://storage.googleapis.com/b/k",
            "https://storage.cloud.google.com/b/k",
        ],
        Provider.AZURE: ["https://acct.blob.core.windows.net/c/k"],
    }
    for provider in cases:
        for other, urls_of_other in cases.items():
            text = json.dumps({"images": [{"objectUrl": u + ".jpg"} for u in urls_of_other]})
            found = codes(text, LintSettings(provider=provider))
            assert found.count("U310") == (0 if other is provider else len(urls_of_other)), (
                provider,
                other,
            )
    assert (
        codes(
            json.dumps({"images": [{"objectUrl": f"{B}/a.jpg"}]}),
            LintSettings(provider=Provider.ANY),
        )
        == []
    )


@pytest.mark.parametrize("at", [0, 1, 500, 998, 999])
def test_a_suspect_character_among_urls_of_one_host_is_found_at_its_url(at: int) -> None:
    """A chunk of URLs of one host is decided from the bytes that are left once every
    harmless character is deleted: the newlines that join the URLs and the suspects. The
    URL of each suspect is counted there, at the start of a URL, inside it and at its end."""
    urls = [f"{B}/images/img_{n:05}.jpg" for n in range(1000)]
    urls[at] = urls[at].replace("img_", "img ") if at % 2 else urls[at] + " "
    urls[(at + 7) % 1000] = urls[(at + 7) % 1000].replace("/images/", "/images/<")
    manifest = {"images": [{"objectUrl": url} for url in urls]}
    found = sorted((d.pointer, d.code) for d in lint(json.dumps(manifest)) if d.code[0] == "U")
    assert found == sorted(
        [(f"/images/{at}/objectUrl", "U301"), (f"/images/{(at + 7) % 1000}/objectUrl", "U302")]
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from("abcdefghij"), max_size=25), max_size=4),
    st.sampled_from([1, 2, 3, 7, urls.REPEAT_CHUNK]),
)
def test_repeated_urls_are_those_a_counter_finds_more_than_once(
    lists: list[list[str]], chunk: int
) -> None:
    """Chunks that repeat nothing join the set whole; a repeat inside a chunk, across two
    chunks or across two lists is found whatever the chunk size."""
    from collections import Counter

    from encord_manifest._internal.rules.view import Column

    columns = [Column("images", values, None, None, "objectUrl") for values in lists]
    counted = Counter(url for values in lists for url in values)
    original = urls.REPEAT_CHUNK
    urls.REPEAT_CHUNK = chunk
    try:
        found = urls.repeated_urls(columns)
    finally:
        urls.REPEAT_CHUNK = original
    assert found == {url for url, times in counted.items() if times > 1}
