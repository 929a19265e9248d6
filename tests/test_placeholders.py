"""U312: placeholder hosts, names and variables; one finding per problem beside U302, U303,
U310 and U311; the scans never skip a URL the exact analysis flags; what --remote leaves alone."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.model.settings import LintSettings, Provider
from encord_manifest._internal.remote.targets import targets
from encord_manifest._internal.rules import placeholders, urls
from encord_manifest._internal.rules.placeholders import never_requested, placeholder_problem
from tests.helpers import codes, lint, run_cli

S3 = "https://scans.s3.eu-central-1.amazonaws.com"


def u312(url: str, settings: LintSettings | None = None) -> list[str]:
    """The U312 messages for one image URL, linted as a whole manifest."""
    manifest = json.dumps({"images": [{"objectUrl": url}]})
    return [d.message for d in lint(manifest, settings) if d.code == "U312"]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://bucket/object1.jpeg", "single-label"),
        ("https://storage/frame1.jpg", "single-label"),
        ("https://minio:9000/scans/a.jpg", "single-label"),
        ("https://bucket./a.jpg", "single-label"),
        ("https://localhost/a.jpg", "single-label"),
        ("http://bucket/a.jpg", "single-label"),
        ("https://example.com/a.jpg", "documentation-domain"),
        ("https://cdn.example.org/a.jpg", "documentation-domain"),
        ("https://EXAMPLE.NET/a.jpg", "documentation-domain"),
        ("https://objects.test/a.jpg", "reserved"),
        ("https://bucket.example/a.jpg", "reserved"),
        ("https://x.invalid/a.jpg", "reserved"),
        ("https://app.localhost/a.jpg", "reserved"),
        ("https://YOUR_BUCKET.s3.eu-central-1.amazonaws.com/a.jpg", "name"),
        ("https://your-bucket.s3.amazonaws.com/a.jpg", "name"),
        ("https://yourbucket.s3.amazonaws.com/a.jpg", "name"),
        ("https://your-company.example-corp.io/a.jpg", "name"),
        ("https://scans.s3.REGION.amazonaws.com/a.jpg", "name"),
        ("https://BUCKET.obs.eu-de.otc.t-systems.com/a.jpg", "name"),
        ("https://bucket.s3.amazonaws.com/a.jpg", "name"),
        ("https://my-bucket.storage.googleapis.com/a.jpg", "name"),
        ("https://doc-example-bucket.s3.amazonaws.com/a.jpg", "name"),
        ("https://amzn-s3-demo-bucket.s3.amazonaws.com/a.jpg", "name"),
        ("https://myaccount.blob.core.windows.net/mycontainer/myblob.jpg", "name"),
        ("https://storage.googleapis.com/BUCKET_NAME/OBJECT_NAME", "path-name"),
        (f"{S3}/OBJECT_KEY.jpg", "path-name"),
        (f"{S3}/YOUR_PREFIX/a.jpg", "path-name"),
        (f"{S3}/$PREFIX/a.jpg", "variable"),
        (f"{S3}/$(bucket)/a.jpg", "variable"),
    ],
)
def test_placeholders_are_found_and_named(url: str, kind: str) -> None:
    reason = placeholder_problem(url)
    assert reason is not None and reason.kind == kind
    assert u312(url) == [reason.message]


@pytest.mark.parametrize(
    "url",
    [
        f"{S3}/a.jpg",
        # A bucket's own folders in capitals are real names (review of issue 16).
        f"{S3}/VIDEO_DATA/IMG_0001.JPG",
        f"{S3}/images/KEY",
        f"{S3}/REGION/PREFIX/a.jpg",
        f"{S3}/PATH_TO_FILE.jpg",
        "https://127.0.0.1:8443/a.jpg",
        "https://[::1]/a.jpg",
        "https://10.0.0.7/a.jpg",
        "https://my-bucket-2024.s3.eu-central-1.amazonaws.com/a.jpg",
        "https://bucket-2024.s3.amazonaws.com/a.jpg",
        "https://bucket.example-corp.com/a.jpg",  # a company's own name, not a provider's
        "https://your-photos.s3.amazonaws.com/a.jpg",
        "https://storage.googleapis.com/scans/a.jpg",
        "https://acct.blob.core.windows.net/container-1/a.jpg",
        "https://example.co/a.jpg",
        "https://myexample.com/a.jpg",
        "https://test.acme.io/a.jpg",
        f"{S3}/IMG_0001.JPG",
        f"{S3}/DSC_0042.JPG",
        f"{S3}/dicom/series-1/IM00001",
        f"{S3}/IMAGES/a.jpg",
        f"{S3}/DATA/a.jpg",
        f"{S3}/bucket-name/a.jpg",  # lower case in a path: an ordinary word
        f"{S3}/logs_$folder$",  # the marker some tools leave for a folder
        f"{S3}/price$5.jpg",
    ],
)
def test_real_names_are_not_placeholders(url: str) -> None:
    assert placeholder_problem(url) is None
    assert u312(url) == []


# --- one problem, one finding ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Characters a URL cannot hold are U302's, with a message that says what they are.
        ("https://b.s3.amazonaws.com/{bucket}/a.jpg", ["U302"]),
        ("https://b.s3.amazonaws.com/${BUCKET}/a.jpg", ["U302"]),
        ("https://b.s3.amazonaws.com/{{ key }}.jpg", ["U301", "U302"]),
        ("https://b.s3.amazonaws.com/<bucket>/a.jpg", ["U302"]),
        ("https://b.s3.amazonaws.com/%BUCKET%/a.jpg", ["U302"]),
        ("https://b.s3.amazonaws.com/%ACCOUNT%/a.jpg", ["U302"]),
        # ... and a placeholder host beside them is a second problem.
        ("https://bucket/{key}.jpg", ["U302", "U312"]),
        # An ambiguous host is U311's; a URL without http(s) is U303's.
        ("https://u:p@bucket/a.jpg", ["U311"]),
        ("https://bucket:0/a.jpg", ["U311"]),
        ("s3://bucket/a.jpg", ["U303"]),
        ("gs://BUCKET_NAME/a.jpg", ["U303"]),
        # Plain http is its own problem.
        ("http://example.com/a.jpg", ["U304", "U312"]),
    ],
)
def test_each_problem_is_reported_once(url: str, expected: list[str]) -> None:
    assert sorted(codes(json.dumps({"images": [{"objectUrl": url}]}))) == expected


def test_a_percent_placeholder_is_named_by_u302() -> None:
    (diagnostic,) = lint(json.dumps({"images": [{"objectUrl": f"{S3}/%ACCOUNT%/a.jpg"}]}))
    assert diagnostic.code == "U302" and "'%ACCOUNT%'" in diagnostic.message


def test_with_a_provider_a_foreign_placeholder_host_is_u310_alone() -> None:
    otc = LintSettings(provider=Provider.OTC)
    for url in ("https://bucket/a.jpg", "https://example.com/a.jpg", f"{S3}/a.jpg"):
        assert codes(json.dumps({"images": [{"objectUrl": url}]}), otc) == ["U310"]
    # A placeholder in the path is a problem of its own, host or not.
    both = "https://storage.googleapis.com/BUCKET_NAME/a.jpg"
    assert sorted(codes(json.dumps({"images": [{"objectUrl": both}]}), otc)) == ["U310", "U312"]
    own = "https://radiology.obs.eu-de.otc.t-systems.com/BUCKET_NAME/a.jpg"
    assert codes(json.dumps({"images": [{"objectUrl": own}]}), otc) == ["U312"]
    # The provider's own host with a placeholder bucket: U310 has nothing to say, U312 has.
    aws = LintSettings(provider=Provider.AWS)
    assert codes(
        json.dumps({"images": [{"objectUrl": "https://bucket.s3.amazonaws.com/a.jpg"}]}), aws
    ) == ["U312"]


def test_positions_are_the_strings_in_json_and_the_cells_in_csv() -> None:
    lines = [
        '{"images": [',
        '  {"objectUrl": "https://bucket/a.jpg"},',
        f'  {{"objectUrl": "{S3}/a.jpg"}}',
        "]}",
    ]
    text = "\n".join(lines)
    assert [(d.code, d.span.line, d.span.column) for d in lint(text)] == [("U312", 2, 17)]
    groups = f"ObjectUrl,Image group title,Create video\n{S3}/g/0.jpg,g,false\nhttps://storage/g/1.jpg,g,false\n"
    found = lint(groups, format="csv")
    assert [(d.code, d.span.line, d.span.column, d.pointer) for d in found] == [
        ("U312", 3, 1, "/image_groups/0/objectUrl_1")
    ]


# --- the scans preselect, the exact analysis decides -----------------------------------------

_pieces = st.sampled_from(
    [
        "https://",
        "http://",
        "HTTPS://",
        "s3://",
        S3,
        "bucket",
        "storage",
        "example.com",
        "x.test",
        "localhost",
        "127.0.0.1",
        "[::1]",
        ":9000",
        "u@",
        ".",
        "/",
        "BUCKET",
        "_NAME",
        "YOUR_",
        "your-",
        "Your",
        "my-bucket",
        "IMG",
        "IM",
        "REGION",
        "KEY",
        "$",
        "$(b)",
        "a",
        "jpg",
        "-",
        "?x=1",
        "#",
        "é",
        "\n",
        "{",
        "%",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.lists(_pieces, max_size=7).map("".join), min_size=1, max_size=14),
    st.sampled_from([None, Provider.OTC, Provider.AWS]),
)
def test_the_scans_find_exactly_what_the_exact_analysis_finds(
    values: list[str], provider: Provider | None
) -> None:
    """Chunks of 3 URLs and at most two host passes, so that every branch of the scan runs:
    shared origins, runs of hosts, the fall-back, capitals, variables, line breaks."""
    settings_ = LintSettings(provider=provider) if provider else LintSettings()
    pattern = urls.PROVIDER_HOSTS.get(provider) if provider else None
    expected = {i for i, url in enumerate(values) if placeholder_problem(url, pattern)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(urls, "_CHUNK", 3)
        patch.setattr(placeholders, "_MAX_HOST_PASSES", 2)
        found = lint(json.dumps({"images": [{"objectUrl": url} for url in values]}), settings_)
    assert {int(d.pointer.split("/")[2]) for d in found if d.code == "U312"} == expected


def test_a_chunk_of_one_host_is_judged_once_and_every_url_of_a_bad_one_is_found() -> None:
    good = [f"{S3}/IM{i:05d}" for i in range(1000)]
    assert (
        u312(good[0]) == []
        and codes(json.dumps({"images": [{"objectUrl": u} for u in good]})) == ["U309"] * 1000
    )
    bad = json.dumps({"images": [{"objectUrl": f"https://bucket/{i}.jpg"} for i in range(1000)]})
    assert codes(bad) == ["U312"] * 1000
    # The capitals of every URL alike ("BUCKETNAME"): judged once, and found in every URL.
    same = json.dumps({"images": [{"objectUrl": f"{S3}/BUCKET_NAME/{i}.jpg"} for i in range(1000)]})
    assert codes(same) == ["U312"] * 1000


# --- --remote ---------------------------------------------------------------------------------


def test_remote_requests_no_placeholder_a_stranger_could_answer() -> None:
    """A bucket named like a placeholder may exist and be someone else's, who would see the
    request (and, signed, whose credentials made it); example.com is a real host on the
    internet. Names that resolve nowhere on the internet are left to name resolution, which
    fails without a request, unless an intranet or --allow-host gives them a meaning."""
    asked = {
        "https://your-bucket.s3.amazonaws.com/a.jpg": False,
        "https://bucket.s3.amazonaws.com/a.jpg": False,
        f"{S3}/$PREFIX/a.jpg": False,
        "https://example.com/a.jpg": False,
        "https://bucket/a.jpg": True,
        "https://objects.test/a.jpg": True,
        "https://localhost/a.jpg": True,
        f"{S3}/a.jpg": True,
    }
    assert {url: not never_requested(url) for url in asked} == asked
    manifest = {"images": [{"objectUrl": url} for url in asked]}
    assert [target.url for target in targets(manifest)] == [u for u, ok in asked.items() if ok]


@pytest.mark.parametrize(
    "manifest",
    ['{"image_groups": [1]}', '{"image_groups": [null, "x"]}', '{"dicom_series": ["x", 1, null]}'],
)
def test_entries_of_groups_that_are_not_objects_are_s104_not_an_internal_error(
    manifest: str,
) -> None:
    """Found by the review of issue 16: the schema's translation asked a number for keys."""
    done = run_cli("lint", "--format", "json", "-", stdin=manifest.encode())
    assert done.returncode == 1, done.stderr
    assert "S104" in done.stdout and "internal error" not in done.stderr
