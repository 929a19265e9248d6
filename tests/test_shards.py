"""A large JSON manifest is linted in two parts by two processes (``parts``): never a
different report from the whole-file lint, only a faster one when there is nothing to locate.

Here the parts start at any size and pieces are a few hundred characters, so small manifests
exercise every path: the cut, the pieces, the list's end inside a piece, the fallbacks.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encord_manifest._internal.engine import linter
from encord_manifest._internal.engine.linter import lint_document, lint_file, load_file
from encord_manifest._internal.engine.parts import checking, children, cutting, parsing
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.model.settings import LintSettings
from tests.helpers import EXAMPLES, INVALID, VALID

_B = "https://scans.s3.eu-central-1.amazonaws.com"


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linter, "PARTS_MIN_BYTES", 0)
    monkeypatch.setattr(children, "PIECE_CHARACTERS", 300)


def _alone_or_fail(patience: float = 10.0) -> None:
    """The parts are forked only in a process with one thread; a thread another test left
    behind (a server, a watchdog) would silently turn these tests into whole-file lints."""
    deadline = time.monotonic() + patience
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    assert not others, f"threads left by earlier tests keep lint_file from forking: {others}"


@pytest.fixture
def parts_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One flag per lint_file call: whether the two-part path gave the result."""
    _alone_or_fail()
    taken: list[bool] = []
    original = linter._lint_in_parts

    def spy(*args: Any, **kwargs: Any) -> FileResult | None:
        result = original(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(linter, "_lint_in_parts", spy)
    return taken


def whole_and_parts(path: Path, lint_settings: LintSettings | None = None) -> tuple[Any, Any]:
    """The diagnostics of the ordinary lint and of lint_file (which may go in parts)."""
    lint_settings = lint_settings or LintSettings()
    whole = lint_document(load_file(str(path)), lint_settings).diagnostics
    return whole, lint_file(str(path), lint_settings).diagnostics


def _image(n: int, **extra: Any) -> dict[str, Any]:
    return {"objectUrl": f"{_B}/images/img_{n:05}.jpg", **extra}


def _group(n: int, files: int) -> dict[str, Any]:
    urls = {f"objectUrl_{i}": f"{_B}/groups/g{n}/frame_{i:03}.png" for i in range(files)}
    return {"title": f"group_{n}", "createVideo": False, **urls}


def _series(n: int, files: int) -> dict[str, Any]:
    urls = {f"objectUrl_{i}": f"{_B}/dicom/s{n}/IM{i:05}" for i in range(files)}
    return {"title": f"series_{n}", **urls}


def _scene(n: int, frames: int) -> dict[str, Any]:
    events = [{"uri": f"{_B}/scenes/d{n}/{i:04}.pcd", "timestamp": i / 10} for i in range(frames)]
    frame = {"uri": f"{_B}/scenes/d{n}/cam.jpg", "timestamp": 0.0}
    camera = {"type": "image", "camera": "cam/parameters", "events": [frame]}
    parameters = {
        "type": "camera_parameters",
        "events": [
            {"time": 0, "width": 8, "height": 6, "intrinsics": {"fx": 1, "fy": 1, "ox": 4, "oy": 3}}
        ],
    }
    streams = {"lidar": {"type": "point_cloud", "events": events}, "cam": camera}
    return {"title": f"drive_{n}", "scene": {**streams, "cam/parameters": parameters}}


def _time_series(n: int) -> dict[str, Any]:
    channels = {"speed": {"color": "#00f"}, "rpm": {"style": "points", "pointRadius": 2}}
    return {"objectUrl": f"{_B}/series/s{n}.csv", "settings": {"channels": channels}}


def scene_manifest(scenes: int = 60, images: int = 10) -> dict[str, Any]:
    """Scenes and time series first, then images: with many images the cut falls among them."""
    return {
        "scenes": [_scene(n, 2 + n % 6) for n in range(scenes)],
        "time_series": [_time_series(n) for n in range(10)],
        "images": [_image(n) for n in range(images)],
    }


def clean_manifest(images: int = 120) -> dict[str, Any]:
    return {
        "videos": [{"objectUrl": f"{_B}/videos/clip_{n}.mp4"} for n in range(5)],
        "images": [
            _image(n, clientMetadata={"site": "berlin", "batch": n}) if n % 3 == 0 else _image(n)
            for n in range(images)
        ],
        "image_groups": [_group(n, 3 + n % 5) for n in range(20)],
        "dicom_series": [_series(n, 1 + n % 7) for n in range(20)],
    }


def write(path: Path, manifest: Any, indent: int | str | None = 2) -> Path:
    path.write_bytes(_utf8(json.dumps(manifest, indent=indent, ensure_ascii=False)))
    return path


def _utf8(text: str) -> bytes:
    """UTF-8, where a lone surrogate (which it cannot hold) is written as a JSON escape."""
    return text.encode("utf-8", "backslashreplace")


def test_a_clean_manifest_is_linted_in_parts(tmp_path: Path, parts_taken: list[bool]) -> None:
    for indent in (2, None, "\t"):
        path = write(tmp_path / "clean.json", clean_manifest(), indent)
        whole, in_parts = whole_and_parts(path)
        assert in_parts == whole == []
    assert parts_taken == [True, True, True]


def test_document_findings_come_from_the_combined_counts(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    path = write(tmp_path / "many.json", clean_manifest())
    whole, in_parts = whole_and_parts(path, LintSettings(max_entries=100, max_file_bytes=1000))
    assert parts_taken == [True]
    assert [(d.code, d.message) for d in in_parts] == [
        ("L603", "165 entries; plans allow up to 100 items per upload"),
        ("L604", f"file is {path.stat().st_size / 1e6:,.1f} MB; plans allow manifests up to 0 MB"),
    ]
    assert in_parts == whole


def test_a_document_finding_with_a_place_is_reported_by_the_whole_lint(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    """Findings that need a place in the text (here S109 at its key) come from the whole lint."""
    manifest = {"upsert_metadata": True, **clean_manifest()}
    whole, in_parts = whole_and_parts(write(tmp_path / "upsert.json", manifest))
    assert parts_taken == [False]
    assert [d.code for d in in_parts] == ["S109"] and in_parts == whole


def _straddling(tmp_path: Path, change: Any, marker: str) -> tuple[list[Any], list[Any]]:
    """The reports of a manifest where ``marker`` is written once before the cut and once after."""
    manifest = clean_manifest()
    change(manifest)
    path = write(tmp_path / "straddling.json", manifest)
    raw = path.read_bytes()
    cut = cutting.find_cut(raw, cutting.FIRST_SHARE)
    assert raw.index(marker.encode()) < cut.first_end < raw.rindex(marker.encode())
    return whole_and_parts(path)


@pytest.mark.parametrize(
    ("change", "marker", "code"),
    [
        (
            lambda m: m["images"][0].update(objectUrl=m["image_groups"][-1]["objectUrl_0"]),
            "frame_000.png",
            "U307",
        ),
        (
            lambda m: [m["images"][i].update(title="twice.jpg") for i in (0, -1)],
            '"twice.jpg"',
            "T402",
        ),
        (
            lambda m: m["dicom_series"][-1].update(clientMetadata={"batch": "seven"}),
            '"batch"',
            "M205",
        ),
        (
            # Two types on both sides: each part's first use differs from the whole file's.
            lambda m: [
                m[key][i].update(clientMetadata={"k": value})
                for key, i, value in [
                    ("images", 1, "a"),
                    ("images", 2, 1),
                    ("dicom_series", -2, 3),
                    ("dicom_series", -1, "b"),
                ]
            ],
            '"k"',
            "M205",
        ),
    ],
    ids=["url", "title", "metadata-type", "metadata-types-on-both-sides"],
)
def test_what_repeats_across_the_parts_is_reported_by_the_whole_lint(
    tmp_path: Path, parts_taken: list[bool], change: Any, marker: str, code: str
) -> None:
    whole, in_parts = _straddling(tmp_path, change, marker)
    assert [d.code for d in in_parts] == [code, code][: len(in_parts)] and in_parts
    assert in_parts == whole
    assert parts_taken == [False]


def test_scenes_before_the_cut_are_checked_in_their_part(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    manifest = scene_manifest(scenes=10, images=400)
    whole, in_parts = whole_and_parts(write(tmp_path / "scenes.json", manifest))
    assert in_parts == whole == [] and parts_taken == [True]
    # A scene's file listed again among the images of the second part: the URL hashes meet.
    manifest["images"][-1]["objectUrl"] = manifest["scenes"][0]["scene"]["cam"]["events"][0]["uri"]
    whole, in_parts = whole_and_parts(write(tmp_path / "scenes.json", manifest))
    assert [d.code for d in in_parts] == ["U307"] and in_parts == whole
    assert parts_taken == [True, False]


def test_a_cut_among_scenes_is_reported_alike(tmp_path: Path, parts_taken: list[bool]) -> None:
    """Scenes nest their events ("}, {" inside an entry): a place guessed between two events is
    proved wrong by the parse, and the whole file is linted; the report is always the whole's."""
    for indent in (2, None):
        whole, in_parts = whole_and_parts(write(tmp_path / "scenes.json", scene_manifest(), indent))
        assert in_parts == whole == []
    assert len(parts_taken) == 2


@pytest.mark.parametrize(
    ("change", "code", "split"),
    [
        (
            lambda m: m["scenes"][-1]["scene"]["cam"]["events"][0].update(
                uri=m["images"][0]["objectUrl"]
            ),
            "U307",
            True,
        ),
        # The first scene's title, in the first part: a title both parts hold.
        (lambda m: m["scenes"][-1].update(title="drive_0"), "T402", False),
        (
            lambda m: m["scenes"][-1]["scene"]["lidar"]["events"][0].update(uri=f"{_B}/x.bin"),
            "P907",
            True,
        ),
        (
            lambda m: m["time_series"][-1]["settings"]["channels"].update({"Speed": {}}),
            "P913",
            True,
        ),
    ],
    ids=["url-in-a-scene", "scene-title", "point-cloud-extension", "channel"],
)
def test_scene_findings_are_the_whole_lints(
    tmp_path: Path, parts_taken: list[bool], change: Any, code: str, split: bool
) -> None:
    """Scenes nest their events ("}, {" inside an entry): a piece guessed to end between two
    events does not parse and is extended to a farther guess, so the parts take these too."""
    manifest = scene_manifest()
    change(manifest)
    whole, in_parts = whole_and_parts(write(tmp_path / "scenes.json", manifest))
    assert code in [d.code for d in in_parts] and in_parts == whole
    assert parts_taken == [split]


def test_a_top_level_key_in_both_parts_is_a_repeated_key(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    manifest = clean_manifest()
    text = json.dumps(manifest, indent=2)
    path = tmp_path / "repeated.json"
    # "videos" once more at the end: the second part sees the key the first part has.
    path.write_text(text[:-2] + ',\n  "videos": []\n}', encoding="utf-8")
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [True]
    assert [d.code for d in in_parts] == ["F003", "F003"] and in_parts == whole


def _with_text(manifest: dict[str, Any], edit: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(edit(json.dumps(manifest, indent=2, ensure_ascii=False)), encoding="utf-8")
    return path


_BAD_VIDEO = '{"objectUrl": "s3://b/dropped.mp4"}'


@pytest.mark.parametrize(
    ("edit", "split"),
    [
        # The first value of "videos" has a finding; the last, at the end, is kept: the
        # finding is in what the parser dropped, so only the repeated key is reported.
        (
            lambda t: (
                t.replace('"videos": [', f'"videos": [{_BAD_VIDEO}, ', 1)[:-2]
                + ',\n  "videos": [{"objectUrl": "https://b.s3.amazonaws.com/v.mp4"}]\n}'
            ),
            True,
        ),
        # The other way round: the kept value, at the end, has the finding.
        (lambda t: t[:-2] + f',\n  "videos": [{_BAD_VIDEO}]\n}}', True),
        # Twice in the first part, at the start.
        (lambda t: '{\n  "videos": [' + _BAD_VIDEO + "],\n" + t[2:], True),
        # Twice in the second part, at the end.
        (
            lambda t: t[:-2] + ',\n  "skip_duplicate_urls": true, "skip_duplicate_urls": false\n}',
            True,
        ),
        # Below the top level, in an entry of each part, and in a value the parser dropped.
        (
            lambda t: (
                t.replace(
                    '"objectUrl": "https://scans',
                    '"objectUrl": "x", "objectUrl": "https://scans',
                    2,
                )
                .replace('"title": "series_19"', '"title": "t", "title": "series_19"')
                .replace('"videos": [', '"videos": [{"a": 1, "a": 2}], "videos": [', 1)
            ),
            True,
        ),
        # The cut list's key again after it: both parts' entries are dropped.
        (lambda t: t[:-2] + ',\n  "images": []\n}', False),
    ],
    ids=[
        "dropped-value-has-findings",
        "kept-value-has-findings",
        "twice-in-the-first-part",
        "twice-in-the-second-part",
        "below-the-top-level",
        "the-cut-list-again",
    ],
)
def test_repeated_keys_are_reported_by_the_parts(
    tmp_path: Path, parts_taken: list[bool], edit: Any, split: bool
) -> None:
    """A parser keeps a repeated key's last value: the parts check only that one, and report
    every occurrence of the key where it is, as the whole lint does."""
    for name, manifest in [("ascii.json", clean_manifest()), ("unicode.json", _unicode())]:
        path = _with_text(manifest, edit, tmp_path, name)
        whole, in_parts = whole_and_parts(path)
        assert "F003" in {d.code for d in whole}
        assert in_parts == whole, name
    # A repeated top-level key in a part that is not ASCII is left to the whole lint.
    assert parts_taken == [split, False]


def test_keys_repeated_in_entries_of_a_file_that_is_not_ascii(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    """Below the top level, each part places its repeated keys in its own text."""
    text = json.dumps(_unicode(), indent=2, ensure_ascii=False)
    text = text.replace('"site": "Zürich', '"site": 0, "site": "Zürich')
    path = tmp_path / "unicode.json"
    path.write_text(text, encoding="utf-8")
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [True]
    assert [d.code for d in whole].count("F003") > 100 and in_parts == whole


def _unicode() -> dict[str, Any]:
    manifest = clean_manifest()
    for entry in manifest["images"] + manifest["dicom_series"]:
        entry["clientMetadata"] = {"site": "Zürich 東京 🏥", "batch": 1}
    return manifest


def _broken_on_both_sides() -> dict[str, Any]:
    """Findings before and after the cut, in the list that is cut and in lists on either side,
    with a related place (a repeated URL), a fix whose text names an entry's index (the copy
    of an entry) and a key finding (objectURL)."""
    manifest = clean_manifest()
    manifest["videos"][1]["objectUrl"] = "s3://b/a.mp4"
    images = manifest["images"]
    images[3]["objectUrl"] = " https://b.s3.amazonaws.com/a b.jpg"
    images[4]["objectURL"] = images[4].pop("objectUrl")
    images[-2] = dict(images[-3])  # an exact copy, after the cut
    images[-1]["objectUrl"] = images[-1]["objectUrl"].replace(".jpg", ".mp4")
    manifest["dicom_series"][-1]["objectUrl_0"] = "<https://b/x>"
    manifest["dicom_series"][-1]["title"] = "t" * 301
    return manifest


@pytest.mark.parametrize("indent", [2, None, "\t"], ids=["indented", "one-line", "tabs"])
def test_each_part_reports_and_places_its_own_findings(
    tmp_path: Path, parts_taken: list[bool], indent: int | str | None
) -> None:
    """No whole-file lint: the second part's places move down by the first part's lines (and
    right, on its first line: in a one-line file every place is there), its pointers into the
    cut list up by the first part's entries."""
    path = write(tmp_path / "bad.json", _broken_on_both_sides(), indent)
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [True]
    assert in_parts == whole
    cut = cutting.find_cut(path.read_bytes(), cutting.FIRST_SHARE)
    cut_line = path.read_bytes()[: cut.second_start].count(b"\n") + 1
    codes = {d.code for d in in_parts}
    assert codes == {"U301", "U302", "U303", "U307", "U308", "T401", "S105"}, codes
    before = [d for d in in_parts if (d.span.line, d.span.column) < (cut_line, 10**9)]
    after = [d for d in in_parts if d.span.line >= cut_line]
    assert before and after and len(before) + len(after) >= len(in_parts)
    copy = next(d for d in in_parts if d.code == "U307")
    assert copy.fix is not None and copy.fix.description.endswith(
        f"entry {len(_broken_on_both_sides()['images']) - 3}"
    )


def test_findings_in_one_part_only(tmp_path: Path, parts_taken: list[bool]) -> None:
    for index in (1, -1):
        manifest = clean_manifest()
        manifest["images"][index]["objectUrl"] = "s3://b/a.jpg"
        whole, in_parts = whole_and_parts(write(tmp_path / "one.json", manifest))
        assert [d.code for d in in_parts] == ["U303"] and in_parts == whole
    assert parts_taken == [True, True]


def test_the_text_of_findings_found_in_parts_is_read_again_and_proved(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    """`full` shows source lines: the parts' text is read again on demand, and only if it
    holds the bytes the parts checked (each part's CRC)."""
    path = write(tmp_path / "bad.json", _broken_on_both_sides())
    result = lint_file(str(path), LintSettings())
    assert parts_taken == [True] and result.source is not None
    assert result.source.get() == path.read_text(encoding="utf-8")
    again = lint_file(str(path), LintSettings())
    raw = bytearray(path.read_bytes())
    raw[-10:-9] = b" " if raw[-10:-9] != b" " else b"\n"  # same size, other bytes
    path.write_bytes(bytes(raw))
    assert again.source is not None
    with pytest.raises(linter.InputError, match="changed while it was being linted"):
        again.source.get()


_MISTAKES: list[Any] = [
    lambda e, rng: e.update(objectUrl=" " + e["objectUrl"]),
    lambda e, rng: e.update(objectUrl=e["objectUrl"].replace(".jpg", ".mp4")),
    lambda e, rng: e.update(objectURL=e.pop("objectUrl")),
    lambda e, rng: e.update(title="x" * 301),
    lambda e, rng: e.update(clientMetadata={"site": 1}),
    lambda e, rng: e.update(title=f"t{rng.randrange(3)}.jpg"),
    lambda e, rng: e.update(objectUrl=f"{_B}/images/img_{rng.randrange(120):05}.jpg"),
    lambda e, rng: e.update(objectUrl="<" + e["objectUrl"] + ">"),
]


def _randomly_broken(seed: int) -> dict[str, Any]:
    """Mistakes at random places of the list that is cut and of the lists around it; some are
    relations (a repeated title or URL, a metadata type) that may cross the cut."""
    import random

    rng = random.Random(seed)
    manifest = clean_manifest()
    for _ in range(rng.randrange(1, 8)):
        key = rng.choice(["images", "images", "videos", "image_groups", "dicom_series"])
        entry = rng.choice(manifest[key])
        if key in ("images", "videos"):
            rng.choice(_MISTAKES)(entry, rng)
        else:
            entry["title"] = "y" * 301
    return manifest


def test_random_findings_on_both_sides_of_the_cut(tmp_path: Path, parts_taken: list[bool]) -> None:
    """The parts take most of them, and their report is always the whole lint's."""
    for seed in range(24):
        for indent in (2, None):
            path = write(tmp_path / "random.json", _randomly_broken(seed), indent)
            whole, in_parts = whole_and_parts(path)
            assert in_parts == whole and whole, seed
    assert sum(parts_taken) >= len(parts_taken) * 2 // 3, parts_taken


@pytest.mark.parametrize("decode", [cutting.first_text, cutting.second_text])
@pytest.mark.parametrize("field", ["pointer", "related"])
def test_a_place_that_is_the_cut_list_as_a_whole_is_left_to_the_whole_lint(
    decode: Any, field: str
) -> None:
    """The cut list begins in the first part's text and ends in the second's: neither part
    can place it, so a finding that points at it (or refers to it) sends the file whole."""
    from encord_manifest._internal.model.diagnostics import Finding

    raw = json.dumps(clean_manifest(), indent=2).encode()
    cut = cutting.find_cut(raw, cutting.FIRST_SHARE)
    parse = parsing.parse_first if decode is cutting.first_text else parsing.parse_second
    text, local_cut = decode(raw, cut)
    parsed = parse(text, local_cut, 300)
    pointer = ("videos", 0) if field == "related" else (cut.list_key,)
    related = (cut.list_key,) if field == "related" else None
    finding = Finding("U303", pointer, "a message", related=related)
    with pytest.raises(cutting.NotSplit):
        checking._placed([finding], decode, raw, cut, parsed)


def test_text_that_looks_like_a_place_between_entries(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    """'}, {' in strings and in lists of objects inside metadata: the guessed cut is proved
    or refused, never believed."""
    decoy = 'x"}, {"objectUrl": "y'
    manifest = {
        "images": [
            _image(n, clientMetadata={"note": decoy * 20, "boxes": [{"a": n}, {"b": n}] * 10})
            for n in range(60)
        ]
    }
    for indent in (2, None):
        whole, in_parts = whole_and_parts(write(tmp_path / "decoy.json", manifest, indent))
        assert in_parts == whole == []
    assert len(parts_taken) == 2


@pytest.mark.parametrize("part", [parsing.parse_first, parsing.parse_second])
def test_a_cut_inside_a_string_is_refused(part: Any) -> None:
    text = json.dumps({"images": [_image(0, clientMetadata={"note": "a}, {b"}), _image(1)]})
    inside = cutting.Cut("images", text.index("}, {b") + 1, text.index("{b"))
    with pytest.raises(cutting.NotSplit):
        part(text, inside, 50)


def _fail(*args: Any, **kwargs: Any) -> Any:
    raise MemoryError("the child ran out")


def _fail_to_send(self: checking.Part, to_send: bool = False) -> Any:
    if to_send:
        raise MemoryError("the child ran out")
    return _summary(self, to_send)


_summary = checking.Part.summary


@pytest.mark.parametrize(
    ("where", "replacement"),
    [
        ("parse_first", _fail),  # the first child, at once
        ("parse_second", _fail),  # the second child, at once
        ("_receive_hashes", _fail),  # the first child, in the middle of its checks
        ("Part.summary", _fail_to_send),  # the second child, once its URL hashes are sent
    ],
)
def test_a_failing_child_means_the_whole_file_is_linted(
    tmp_path: Path,
    parts_taken: list[bool],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    replacement: Any,
) -> None:
    if where == "Part.summary":
        monkeypatch.setattr(checking.Part, "summary", replacement)
    else:
        monkeypatch.setattr(children, where, replacement)
    whole, in_parts = whole_and_parts(write(tmp_path / "clean.json", clean_manifest()))
    assert parts_taken == [False] and in_parts == whole == []
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # both children were waited for


def test_no_fork_while_other_threads_run(tmp_path: Path, parts_taken: list[bool]) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        whole, in_parts = whole_and_parts(write(tmp_path / "clean.json", clean_manifest()))
    finally:
        stop.set()
        other.join()
    assert parts_taken == [False] and in_parts == whole == []


def test_characters_of_several_bytes_before_and_after_the_cut(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    """The cut is found in bytes; each part decodes its own, and counts in characters."""
    manifest = clean_manifest()
    for entry in manifest["images"] + manifest["dicom_series"]:
        entry["clientMetadata"] = {"site": "Zürich 東京 🏥", "batch": 1}
    whole, in_parts = whole_and_parts(write(tmp_path / "unicode.json", manifest))
    assert parts_taken == [True] and in_parts == whole == []


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (lambda raw: raw[: len(raw) * 3 // 4] + b"\xff" + raw[len(raw) * 3 // 4 :], "F002"),
        (lambda raw: raw.replace(b"s19/IM00005", b"s19/IM00005\\udc00"), "F002"),
        (lambda raw: b"\xef\xbb\xbf" + raw, "F004"),
    ],
    ids=["invalid-utf8-in-the-second-part", "lone-surrogate-in-the-second-part", "bom"],
)
def test_what_the_bytes_hold_is_reported_by_the_whole_lint(
    tmp_path: Path, parts_taken: list[bool], damage: Any, code: str
) -> None:
    path = write(tmp_path / "damaged.json", clean_manifest())
    path.write_bytes(damage(path.read_bytes()))
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [False]
    assert code in {d.code for d in in_parts} and in_parts == whole


def test_a_file_that_cannot_be_mapped_is_linted_whole(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")  # mmap refuses an empty file
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [False]
    assert [d.code for d in in_parts] == ["F001"] and in_parts == whole


def test_standard_input_is_linted_whole(
    parts_taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    raw = json.dumps(clean_manifest()).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert lint_file("-", LintSettings()).diagnostics == []
    assert parts_taken == []


def _fixtures() -> Iterator[Path]:
    yield from VALID + INVALID + EXAMPLES


@pytest.mark.parametrize("fixture", list(_fixtures()), ids=lambda p: p.name)
def test_every_fixture_is_reported_alike(fixture: Path) -> None:
    whole, in_parts = whole_and_parts(fixture)
    assert in_parts == whole


# --- any manifest --------------------------------------------------------------------------

_urls = st.sampled_from([f"{_B}/a/{n}.jpg" for n in range(40)] + ["s3://b/x.jpg", f"{_B}/v.mp4"])
_titles = st.sampled_from([None, "t.jpg", "u.jpg", "v"])
_metadata = st.dictionaries(
    st.sampled_from(["site", "batch", "note"]),
    st.one_of(
        st.integers(0, 3),
        st.sampled_from(["a", "}, {", "[", '"images": [', "Zürich", "東京 🏥", "\ud83c"]),
    ),
    max_size=2,
)


@st.composite
def _entry(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {"objectUrl": draw(_urls)}
    title = draw(_titles)
    if title is not None:
        entry["title"] = title
    metadata = draw(_metadata)
    if metadata:
        entry["clientMetadata"] = metadata
    return entry


_manifests = st.fixed_dictionaries(
    {"images": st.lists(_entry(), min_size=2, max_size=30)},
    optional={
        "videos": st.lists(st.builds(lambda n: {"objectUrl": f"{_B}/c{n}.mp4"}, st.integers(0, 9))),
        "scenes": st.lists(st.builds(_scene, st.integers(0, 5), st.integers(1, 4)), max_size=6),
        "time_series": st.lists(st.builds(_time_series, st.integers(0, 3)), max_size=4),
        "skip_duplicate_urls": st.booleans(),
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(manifest=_manifests, indent=st.sampled_from([None, 0, 2]))
def test_any_manifest_is_reported_alike(
    tmp_path: Path, manifest: dict[str, Any], indent: int | None
) -> None:
    path = write(tmp_path / "any.json", manifest, indent)
    whole, in_parts = whole_and_parts(path)
    assert in_parts == whole


def _parts(raw: bytes) -> tuple[dict[str, Any], bool, dict[str, Any], bool, cutting.Cut]:
    """Each part decoded and parsed from the file's bytes, as the two children do it."""
    cut = cutting.find_cut(raw)
    first_text, first_cut = cutting.first_text(raw, cut)
    second_text, second_cut = cutting.second_text(raw, cut)
    first = parsing.parse_first(first_text, first_cut, piece=50)
    second = parsing.parse_second(second_text, second_cut, piece=50)
    for text, parsed in ((first_text, first), (second_text, second)):
        assert cut.list_key in parsed.checkpoints
        for key, marks in parsed.checkpoints.items():
            _assert_true_starts(text, parsed.data[key], marks)
    return first.data, first.repeated, second.data, second.repeated, cut


def _assert_true_starts(text: str, entries: list[Any], checkpoints: list[tuple[int, int]]) -> None:
    """Every checkpoint is where its entry starts: the entry parses from there."""
    assert checkpoints == sorted(checkpoints)
    decoder = json.JSONDecoder()
    for index, offset in checkpoints:
        assert decoder.raw_decode(text, offset)[0] == entries[index]


@settings(max_examples=60, deadline=None)
@given(manifest=_manifests, indent=st.sampled_from([None, 2]))
def test_the_two_parts_make_the_whole(manifest: dict[str, Any], indent: int | None) -> None:
    raw = _utf8(json.dumps(manifest, indent=indent, ensure_ascii=False))
    try:
        first, repeated_first, second, repeated_second, cut = _parts(raw)
    except cutting.NotSplit:
        return
    assert not repeated_first and not repeated_second
    combined = {**first, **second, cut.list_key: first[cut.list_key] + second[cut.list_key]}
    assert combined == manifest
    assert list(combined) == list(manifest)


@pytest.mark.parametrize("indent", [None, 2])
def test_the_parts_of_a_manifest_make_it_whole(indent: int | None) -> None:
    manifest = clean_manifest()
    first, _, second, _, cut = _parts(json.dumps(manifest, indent=indent).encode())
    assert len(first[cut.list_key]) > 0 and len(second[cut.list_key]) > 0
    assert {**first, **second, cut.list_key: first[cut.list_key] + second[cut.list_key]} == manifest


def test_a_parts_findings_cross_the_pipe_whole() -> None:
    """A part's findings go to the other process as tuples: every field of every record comes
    back (a field added to a record and not to the tuples fails here)."""
    import dataclasses
    import pickle

    from encord_manifest._internal.engine.parts.findings import PartFindings
    from encord_manifest._internal.model.diagnostics import Change, Finding, Fix, Span

    span = Span(3, 4, 5, 6, field=7)
    finding = Finding(
        "S105",
        ("images", 4, "objectURL"),
        "unknown key",
        target="key",
        hint="a hint",
        span=span,
        related=("images", 1),
        fix=Fix("rename", (Change(("images", 4, "objectURL"), "key", "objectUrl"),)),
        also=(("images", 5), ("images", 6)),
    )
    assert all(getattr(finding, f.name) not in (None, ()) for f in dataclasses.fields(Finding))
    assert [f.name for f in dataclasses.fields(Span)][-1] == "field"
    found = PartFindings([finding], {((("images", 4), "value")): span}, crc=12)
    assert pickle.loads(pickle.dumps(found)) == found


def test_pieces_guessed_inside_an_entry_are_extended() -> None:
    """'}, {' inside strings and in lists of objects inside entries, five times as often as
    between entries: each failed guess is followed by one twice as far; the entries and the
    checkpoints are still exact, and the list parses whole."""
    decoy = 'x"}, {"objectUrl": "y'
    manifest = {
        "images": [
            _image(n, clientMetadata={"note": decoy, "boxes": [{"a": n}, {"b": n}] * 3})
            for n in range(80)
        ]
    }
    text = json.dumps(manifest)
    entries = text[text.index("[") + 1 :]
    parsed = parsing.parse_second(entries, cutting.Cut("images", 0, 0), 40)
    assert parsed.data["images"] == manifest["images"]
    assert len(parsed.checkpoints["images"]) > 1
    _assert_true_starts(entries, manifest["images"], parsed.checkpoints["images"])


# --- found in review: a repeated list key's pieces, document findings' text, the root's schema ---


def _videos(n: int, tag: str, bad: int | None = None) -> str:
    v = [{"objectUrl": f"{_B}/videos/{tag}_{i}.mp4"} for i in range(n)]
    if bad is not None:
        v[bad]["objectUrl"] = "s3://b/a.mp4"
    return json.dumps(v, indent=2).replace("\n", "\n  ")


def _rest() -> str:
    m = clean_manifest(400)
    del m["videos"]
    return json.dumps(m, indent=2)[1:]  # '\n  "images": ...}'


def test_list_key_repeated_in_first_part(tmp_path: Path, parts_taken: list[bool]) -> None:
    # "videos" twice before the cut list: both values' pieces go into one checkpoint list
    text = (
        '{\n  "videos": '
        + _videos(40, "a")
        + ',\n  "videos": '
        + _videos(20, "b", 15)
        + ","
        + _rest()
    )
    path = tmp_path / "m.json"
    path.write_text(text)
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [True]
    assert in_parts == whole  # U303 /videos/15/objectUrl placed in the dropped first value


def test_list_key_repeated_in_second_part(tmp_path: Path, parts_taken: list[bool]) -> None:
    m = clean_manifest(400)
    del m["videos"]
    t = json.dumps(m, indent=2)[:-2]
    text = (
        t + ',\n  "videos": ' + _videos(40, "a") + ',\n  "videos": ' + _videos(20, "b", 15) + "\n}"
    )
    path = tmp_path / "m.json"
    path.write_text(text)
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [True]
    assert in_parts == whole


def test_nested_repeat_in_kept_value_of_repeated_list_key(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    url = f'"objectUrl": "{_B}/videos/b_15.mp4"'
    kept = _videos(20, "b").replace(url, '"objectUrl": "x", ' + url)
    text = '{\n  "videos": ' + _videos(40, "a") + ',\n  "videos": ' + kept + "," + _rest()
    path = tmp_path / "m.json"
    path.write_text(text)
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [True]
    assert in_parts == whole  # the two F003 of /videos/15/objectUrl are missing


def test_document_findings_only_source_text(tmp_path: Path, parts_taken: list[bool]) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(clean_manifest(200), indent=2))
    result = lint_file(str(path), LintSettings(max_entries=10))
    assert parts_taken == [True] and [d.code for d in result.diagnostics] == ["L603"]
    assert result.source is not None
    assert result.source.get() == path.read_text()  # raises InputError: checksums == []


def test_rename_fix_onto_a_key_of_the_other_part(tmp_path: Path, parts_taken: list[bool]) -> None:
    t = json.dumps(clean_manifest(200), indent=2)
    path = tmp_path / "m.json"
    path.write_text(t[:-2] + ',\n  "Videos": []\n}')
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [False]  # a top-level schema finding: the whole lint's
    assert in_parts == whole  # parts offer "rename 'Videos' to 'videos'"; whole: fix None


def test_unknown_top_level_keys_cap_split_between_parts(
    tmp_path: Path, parts_taken: list[bool]
) -> None:
    t = json.dumps(clean_manifest(200), indent=2)
    first = "".join(f'  "zfirst{i}": 1,\n' for i in range(6))
    second = "".join(f',\n  "zsecond{i}": 1' for i in range(6))
    path = tmp_path / "m.json"
    path.write_text("{\n" + first + t[2:-2] + second + "\n}")
    whole, in_parts = whole_and_parts(path)
    assert parts_taken == [False]  # a top-level schema finding: the whole lint's
    assert in_parts == whole  # whole: 10 + "and 2 more unknown keys"; parts: 12 one by one
