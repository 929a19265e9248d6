"""`lint --remote` against a real HTTP server on 127.0.0.1, every fault switched on in turn."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from encord_manifest._internal.remote.check import RemoteSettings, check
from encord_manifest._internal.remote.http import Fetcher, FetchSettings
from encord_manifest._internal.remote.sniff import sniff
from encord_manifest._internal.text.authority import HostPattern
from tests.helpers import run_cli, use_proxy
from tests.object_server import ObjectServer, object_server

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100
HTML = b"<!DOCTYPE html><html><body>AccessDenied</body></html>"


@pytest.fixture(scope="module")
def server() -> Iterator[ObjectServer]:
    with object_server() as running:
        yield running


def manifest(tmp_path: Path, data: dict[str, object], name: str = "m.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def remote_lint(path: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    # The test server speaks plain http (U304 is not what these tests are about).
    done = run_cli(
        "lint",
        "--remote",
        "--allow-private-hosts",
        "--ignore",
        "U304",
        "--output-format",
        "json",
        *args,
        str(path),
    )
    assert done.stderr == "" or done.returncode == 2, done.stderr
    return done.returncode, json.loads(done.stdout)["diagnostics"]


def codes_for(
    server: ObjectServer, tmp_path: Path, list_key: str, *urls: str, args: tuple[str, ...] = ()
) -> list[str]:
    key = "objectUrl"
    data = {list_key: [{key: url} for url in urls]}
    _, diagnostics = remote_lint(manifest(tmp_path, data), *args)
    return [str(d["code"]) for d in diagnostics if str(d["code"]).startswith("R")]


def in_process(
    server: ObjectServer, urls: list[str], list_key: str = "images", **fetch: object
) -> tuple[list[str], Fetcher]:
    sleeps: list[float] = []
    settings = FetchSettings(allow_private_hosts=True, **fetch)  # type: ignore[arg-type]
    fetcher = Fetcher(settings, sleep=sleeps.append)
    fetcher.sleeps = sleeps  # type: ignore[attr-defined]
    findings = check(
        {list_key: [{"objectUrl": u} for u in urls]},
        RemoteSettings(jobs=4, fetch=settings),
        fetcher,
    )
    return [f"{f.code} {f.message}" for f in findings], fetcher


# -- answers ----------------------------------------------------------------------------------


def test_scene_files_and_time_series_are_probed_at_their_places(
    server: ObjectServer, tmp_path: Path
) -> None:
    frame = server.put(
        "/scene/lidar/0000.pcd", b"# .PCD v0.7\n" + b"\x00" * 64, "application/octet-stream"
    )
    missing = server.url("/scene/lidar/0001.pcd")
    front = server.put("/scene/front/0000.jpg", b"", "image/jpeg")
    series = server.url("/scene/can-bus.csv")
    scene = {
        "lidar": {"type": "point_cloud", "events": [{"uri": frame}, {"uri": missing}]},
        "cam": {
            "type": "camera_parameters",
            "events": [
                {
                    "timestamp": 0,
                    "width_px": 8,
                    "height_px": 6,
                    "intrinsics": {"fx": 1, "fy": 1, "ox": 4, "oy": 3},
                }
            ],
        },
        "front": {"type": "image", "camera": "cam", "events": [{"uri": front}]},
    }
    data = {"scenes": [{"title": "drive", "scene": scene}], "time_series": [{"objectUrl": series}]}
    _, diagnostics = remote_lint(manifest(tmp_path, data))
    assert [(d["code"], d["pointer"]) for d in diagnostics] == [
        ("R801", "/scenes/0/scene/lidar/events/1/uri"),
        ("R803", "/scenes/0/scene/front/events/0/uri"),
        ("R801", "/time_series/0/objectUrl"),
    ]


def test_an_existing_object_of_the_right_type_is_clean(
    server: ObjectServer, tmp_path: Path
) -> None:
    url = server.put("/ok/cat.jpg", JPEG, "image/jpeg")
    status, diagnostics = remote_lint(manifest(tmp_path, {"images": [{"objectUrl": url}]}))
    assert (status, diagnostics) == (0, [])
    # One ranged GET of the first 4 KiB: existence, size and the bytes, no HEAD.
    requests = server.requests_for("/ok/cat.jpg")
    assert [(r.method, r.range, r.sent) for r in requests] == [("GET", "bytes=0-4095", len(JPEG))]


def test_missing_object_is_reported_at_its_url(server: ObjectServer, tmp_path: Path) -> None:
    url = server.url("/nope/cat.jpg")
    status, diagnostics = remote_lint(manifest(tmp_path, {"images": [{"objectUrl": url}]}))
    (finding,) = diagnostics
    assert status == 1
    assert (finding["code"], finding["line"], finding["column"]) == ("R801", 4, 20)
    assert finding["message"] == "object not found (HTTP 404)"


def test_access_denied_to_head_and_get(server: ObjectServer, tmp_path: Path) -> None:
    server.put("/private/cat.jpg", JPEG, "image/jpeg", "head-403")
    # Refused for GET too: an object server answering 403 to both.
    server.objects["/private/cat.jpg"].faults.append("status:403:99")
    found = codes_for(server, tmp_path, "images", server.url("/private/cat.jpg"))
    assert found == ["R802"]


def test_a_presigned_get_url_is_read_with_its_one_get(server: ObjectServer) -> None:
    # Pre-signed GET URLs refuse HEAD (S3 answers 403): no HEAD is asked, the GET sniffs.
    good = server.put("/presigned/cat.jpg", JPEG, "image/jpeg", "head-403")
    page = server.put("/presigned/dog.jpg", HTML, "image/jpeg", "head-405")
    messages, _ = in_process(server, [good, page])
    assert messages == ["R805 the object is an HTML page, not an image (an error page?)"]
    requests = server.requests_for("/presigned/cat.jpg")
    assert [(r.method, r.range) for r in requests] == [("GET", "bytes=0-4095")]


def test_empty_object(server: ObjectServer, tmp_path: Path) -> None:
    assert codes_for(server, tmp_path, "images", server.put("/empty.jpg", b"", "image/jpeg")) == [
        "R803"
    ]


def test_bytes_of_another_type(server: ObjectServer) -> None:
    video = server.put("/sniff/clip.jpg", MP4, "image/jpeg", "head-405")
    image = server.put("/sniff/still.mp4", PNG, "video/mp4", "head-405")
    messages, _ = in_process(server, [video])
    assert messages == ["R805 the object is an MP4 video, not an image (by its first bytes)"]
    messages, _ = in_process(server, [image], "videos")
    assert messages == ["R805 the object is a PNG image, not a video (by its first bytes)"]


def test_content_type_that_contradicts_the_list(server: ObjectServer) -> None:
    page = server.put("/ctype/cat.jpg", JPEG, "text/html; charset=utf-8")
    generic = server.put("/ctype/dog.jpg", JPEG, "binary/octet-stream")
    messages, _ = in_process(server, [page, generic])
    assert messages == ["R806 the server says the object is text/html, not an image"]


def test_size_above_the_configured_limit(server: ObjectServer, tmp_path: Path) -> None:
    url = server.put("/big/scan.jpg", JPEG * 600, "image/jpeg")  # 1.2 MB
    (tmp_path / "encord-manifest.toml").write_text("max-object-mb = 1\n")
    _, diagnostics = remote_lint(manifest(tmp_path, {"images": [{"objectUrl": url}]}))
    assert [(d["code"], d["message"]) for d in diagnostics] == [
        ("R807", "the object is 1.2 MB; the configured limit is 1.0 MB")
    ]


# -- faults -----------------------------------------------------------------------------------


def test_redirects_are_followed_and_loops_caught(server: ObjectServer) -> None:
    server.put("/real/cat.jpg", JPEG, "image/jpeg")
    moved = server.put("/moved/cat.jpg", b"", "text/plain", "redirect:/real/cat.jpg")
    server.put("/loop/a.jpg", b"", "text/plain", "redirect:/loop/b.jpg")
    server.put("/loop/b.jpg", b"", "text/plain", "redirect:/loop/a.jpg")
    messages, _ = in_process(server, [moved, server.url("/loop/a.jpg")])
    assert messages == ["R804 the URL never reaches an object: redirect loop (2 hops)"]


def test_server_errors_are_retried_then_reported(server: ObjectServer) -> None:
    flaky = server.put("/flaky/cat.jpg", JPEG, "image/jpeg", "status:500:2")
    broken = server.put("/broken/cat.jpg", JPEG, "image/jpeg", "status:503:99")
    messages, fetcher = in_process(server, [flaky, broken], retries=3)
    assert messages == ["R808 the server answers HTTP 503 after retries"]
    assert [r.method for r in server.requests_for("/flaky/cat.jpg")] == ["GET"] * 3
    assert len(server.requests_for("/broken/cat.jpg")) == 4  # the first try and 3 retries
    assert len(fetcher.sleeps) == 2 + 3  # type: ignore[attr-defined]


def test_429_honours_retry_after(server: ObjectServer) -> None:
    url = server.put("/throttled/cat.jpg", JPEG, "image/jpeg", "retry-after:7:1")
    messages, fetcher = in_process(server, [url])
    assert messages == [] and fetcher.sleeps == [7.0]  # type: ignore[attr-defined]


def test_dropped_connections_and_timeouts(server: ObjectServer) -> None:
    dropped = server.put("/drop/cat.jpg", JPEG, "image/jpeg", "drop")
    slow = server.put("/slow/cat.jpg", JPEG, "image/jpeg", "slow:2")
    messages, _ = in_process(server, [dropped, slow], retries=1, timeout=0.5)
    assert messages == [
        "R808 the object could not be read: the connection was dropped",
        "R808 the object could not be read: no answer in time",
    ]
    assert len(server.requests_for("/drop/cat.jpg")) == 2


def test_a_server_that_ignores_range_is_read_only_as_far_as_needed(server: ObjectServer) -> None:
    url = server.put(
        "/norange/film.mp4", MP4 + b"\x00" * 50_000_000, "video/mp4", "head-405", "ignore-range"
    )
    messages, fetcher = in_process(server, [url], "videos")
    assert messages == []
    assert fetcher.counters.body_bytes <= 4096 + 65536


def test_requests_go_through_the_proxy_the_environment_names(
    server: ObjectServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.put("/proxied/cat.jpg", JPEG, "image/jpeg")
    use_proxy(monkeypatch, server.base)
    # A host name that resolves nowhere: only the proxy can answer for it, and it is handed
    # to the proxy only when named (it could be an intranet name the proxy reaches).
    messages, _ = in_process(server, ["http://objects.invalid/cat.jpg"], retries=0)
    assert messages == [
        "R809 not checked: objects.invalid does not resolve here, so it is not handed to the "
        "proxy (an intranet name?); name it with --allow-host objects.invalid to let the proxy "
        "look it up"
    ]
    assert server.requests_for("/proxied/cat.jpg") == []
    allowed = (HostPattern.parse("objects.invalid"),)
    messages, _ = in_process(
        server, ["http://objects.invalid/cat.jpg"], retries=0, allow_hosts=allowed
    )
    assert messages == []
    assert [r.method for r in server.requests_for("/proxied/cat.jpg")] == ["GET"]
    assert server.requests_for("/proxied/cat.jpg")[0].host == "objects.invalid"
    monkeypatch.setenv("NO_PROXY", "objects.invalid")
    messages, _ = in_process(server, ["http://objects.invalid/cat.jpg"], retries=0)
    assert messages == ["R808 the object could not be read: the host name does not resolve"]


# -- safety -----------------------------------------------------------------------------------


def test_private_hosts_are_not_contacted_without_permission(
    server: ObjectServer, tmp_path: Path
) -> None:
    path = "/guarded/cat.jpg"
    url = server.put(path, JPEG, "image/jpeg")
    done = run_cli(
        "lint",
        "--remote",
        "--output-format",
        "json",
        str(manifest(tmp_path, {"images": [{"objectUrl": url}]})),
    )
    (finding,) = [d for d in json.loads(done.stdout)["diagnostics"] if d["code"] != "U304"]
    assert finding["code"] == "R809" and "--allow-private-hosts" in str(finding["message"])
    assert server.requests_for(path) == []
    assert done.returncode == 0  # a warning: nothing was found wrong with the object


@pytest.mark.parametrize(
    "output_format", ["concise", "full", "json", "github", "sarif", "junit", "gitlab"]
)
def test_a_presigned_query_string_never_appears(
    server: ObjectServer, tmp_path: Path, output_format: str
) -> None:
    secret = "X-Amz-Signature=0123456789abcdefSECRET"
    loop = server.put("/secret/a.jpg", b"", "text/plain", "redirect:/secret/b.jpg?" + secret)
    server.put("/secret/b.jpg", b"", "text/plain", "redirect:/secret/a.jpg?" + secret)
    urls = [
        f"{loop}?{secret}",
        server.url("/secret/missing.jpg?" + secret),
        server.put("/secret/page.jpg", HTML, "text/html", "head-405") + "?" + secret,
    ]
    done = run_cli(
        "lint",
        "--remote",
        "--allow-private-hosts",
        "--output-format",
        output_format,
        str(manifest(tmp_path, {"images": [{"objectUrl": u} for u in urls]})),
    )
    assert "SECRET" not in done.stdout + done.stderr
    assert "R804" in done.stdout and "R801" in done.stdout and "R805" in done.stdout


# -- the run ----------------------------------------------------------------------------------


def test_every_remote_rule_is_reported_by_some_object(server: ObjectServer) -> None:
    from encord_manifest._internal.rules import all_rules

    urls = [
        server.url("/all/missing.jpg"),
        server.put("/all/denied.jpg", JPEG, "image/jpeg", "head-403", "status:403:99"),
        server.put("/all/empty.jpg", b"", "image/jpeg"),
        server.put("/all/loop.jpg", b"", "text/plain", "redirect:/all/loop.jpg"),
        server.put("/all/page.jpg", HTML, "image/jpeg", "head-405"),
        server.put("/all/typed.jpg", JPEG, "text/html"),
        server.put("/all/big.jpg", JPEG * 10, "image/jpeg"),
        server.put("/all/down.jpg", JPEG, "image/jpeg", "status:503:99"),
    ]
    settings = FetchSettings(allow_private_hosts=True, retries=1)
    fetcher = Fetcher(settings, sleep=lambda seconds: None)
    findings = check(
        {"images": [{"objectUrl": u} for u in urls]},
        RemoteSettings(fetch=settings, max_object_bytes=10_000),
        fetcher,
    )
    refused = check(
        {"images": [{"objectUrl": server.url("/all/x.jpg")}]}, RemoteSettings(), Fetcher()
    )
    seen = {f.code for f in findings + refused}
    objects = {
        c for c, r in all_rules().items() if r.origin == "remote" and r.name.startswith("object-")
    }
    assert seen == objects  # the dicom- rules: test_remote_dicom
    # In manifest order, one verdict per object (the empty one is also under the limit).
    assert [f.pointer[1] for f in findings] == list(range(len(urls)))


def test_each_distinct_url_is_probed_once_and_reported_at_every_place(
    server: ObjectServer, tmp_path: Path
) -> None:
    url = server.url("/twice/gone.jpg")
    _, diagnostics = remote_lint(
        manifest(tmp_path, {"images": [{"objectUrl": url}, {"objectUrl": url}]})
    )
    assert [(d["code"], d["line"]) for d in diagnostics] == [("R801", 4), ("R801", 7), ("U307", 7)]
    assert len(server.requests_for("/twice/gone.jpg")) == 1


def test_malformed_urls_are_not_requested(server: ObjectServer, tmp_path: Path) -> None:
    _, diagnostics = remote_lint(
        manifest(tmp_path, {"images": [{"objectUrl": server.url("/a b.jpg")}]})
    )
    assert [d["code"] for d in diagnostics] == ["U301"]
    assert server.requests_for("/a b.jpg") == [] and server.requests_for("/a%20b.jpg") == []


def test_group_files_are_checked_by_position(server: ObjectServer, tmp_path: Path) -> None:
    present = server.put("/seq/0.jpg", JPEG, "image/jpeg")
    data = {
        "image_groups": [
            {
                "title": "g",
                "createVideo": False,
                "objectUrl_0": present,
                "objectUrl_1": server.url("/seq/1.jpg"),
            }
        ]
    }
    _, diagnostics = remote_lint(manifest(tmp_path, data))
    assert [(d["code"], d["pointer"]) for d in diagnostics] == [
        ("R801", "/image_groups/0/objectUrl_1")
    ]


def test_remote_codes_can_be_ignored(server: ObjectServer, tmp_path: Path) -> None:
    status, diagnostics = remote_lint(
        manifest(tmp_path, {"images": [{"objectUrl": server.url("/x.jpg")}]}), "--ignore", "R801"
    )
    assert (status, diagnostics) == (0, [])


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (JPEG, "jpeg"),
        (PNG, "png"),
        (MP4, "mp4"),
        (HTML, "html"),
        (b"<?xml version='1.0'?><Error/>", "xml-error"),
        (b"<?xml version='1.0'?><feed/>", "xml"),
        (b"\x00\x00\x00\x1cftypavif", "avif"),
        (b"\x00\x00\x00\x14ftypqt  ", "quicktime"),
        (b"\x1aE\xdf\xa3", "matroska"),
        (b"%PDF-1.7", "pdf"),
        (b"\x00" * 128 + b"DICM", "dicom"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav"),
        (b"II*\x00", "tiff"),
        (b"GIF89a", "gif"),
        (b"fLaC\x00\x00\x00\x22", "flac"),
        (b'  {"error": 1}', "json"),
        (b"\x5c\x01\x00\x00" + b"\x00" * 340 + b"n+1\x00", "nifti"),
        (b"\x1f\x8b\x08", "gzip"),
        (b"plain words", "text"),
        (b"\x01\x02binary", None),
        (b"", None),
    ],
)
def test_sniffing(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


def test_progress_is_drawn_on_the_stream_given(server: ObjectServer) -> None:
    import io

    stream = io.StringIO()
    urls = [server.put(f"/progress/{i}.jpg", JPEG, "image/jpeg") for i in range(3)]
    settings = FetchSettings(allow_private_hosts=True)
    check(
        {"images": [{"objectUrl": u} for u in urls]},
        RemoteSettings(fetch=settings, progress=stream),
        Fetcher(settings),
    )
    drawn = stream.getvalue()
    assert "\rchecked 3/3 objects" in drawn and drawn.endswith("\r\x1b[K")  # cleared at the end


def test_no_progress_when_stderr_is_not_a_terminal(server: ObjectServer, tmp_path: Path) -> None:
    url = server.put("/progress/cli.jpg", JPEG, "image/jpeg")
    done = run_cli(
        "lint",
        "--remote",
        "--allow-private-hosts",
        str(manifest(tmp_path, {"images": [{"objectUrl": url}]})),
    )
    assert "checked" not in done.stderr
