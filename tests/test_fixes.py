"""`lint --fix` and `--diff`: every fix against a before/after fixture, and the guarantees.

Each `fixtures/{json,csv}/fix/NAME.EXT` sits beside `NAME.fixed.EXT`, the exact bytes `--fix`
must write. The name starts with the codes the fixture fixes (or says what it shows).
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encord_manifest._internal.engine.fixes import fix_bytes, fix_text
from encord_manifest._internal.engine.linter import lint_bytes
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import all_rules
from tests.helpers import CSV_FIXTURES, FIXTURES, apply_unified_diff, run_cli

FIX_FIXTURES = sorted(
    p
    for p in [*(FIXTURES / "fix").glob("*.json"), *(CSV_FIXTURES / "fix").glob("*.csv")]
    if ".fixed." not in p.name
)
FIXABLE = {code for code, rule in all_rules().items() if rule.fix}
H = "https://ward-cams.obs.eu-de.otc.t-systems.com"


def fixed_twin(fixture: Path) -> Path:
    return fixture.with_name(f"{fixture.stem}.fixed{fixture.suffix}")


def codes(raw: bytes, path: str) -> list[str]:
    return [d.code for d in lint_bytes(path, raw, LintSettings()).diagnostics]


def text_of(raw: bytes) -> str:
    return raw.decode("utf-8").removeprefix("\ufeff")


def test_every_fixable_rule_has_a_fixture() -> None:
    named = {part for f in FIX_FIXTURES for part in f.name.split("-") if part in FIXABLE}
    assert named == FIXABLE


@pytest.mark.parametrize("fixture", FIX_FIXTURES, ids=lambda p: p.name)
def test_fix_writes_exactly_the_fixed_fixture(fixture: Path, tmp_path: Path) -> None:
    target = tmp_path / fixture.name
    target.write_bytes(fixture.read_bytes())
    done = run_cli("lint", "--fix", str(target))
    assert target.read_bytes() == fixed_twin(fixture).read_bytes()
    assert f"{target}: fixed " in done.stderr
    # What is reported afterwards is the lint of the fixed file, with nothing fixable left.
    after = codes(fixed_twin(fixture).read_bytes(), str(target))
    assert done.stdout.count(f"{target}:") == len(after)
    assert "[*]" not in done.stdout


@pytest.mark.parametrize("fixture", FIX_FIXTURES, ids=lambda p: p.name)
def test_the_fixed_file_lints_clean_of_what_was_fixed(fixture: Path) -> None:
    name = f"m{fixture.suffix}"
    before = lint_bytes(name, fixture.read_bytes(), LintSettings()).diagnostics
    fixed = fixed_twin(fixture).read_bytes()
    after = lint_bytes(name, fixed, LintSettings()).diagnostics
    # Every finding that offered a fix is gone; what stays offered none (a placeholder in a
    # URL, a rename whose new name is taken, a copy that differs in its title).
    offered = {(d.code, d.pointer) for d in before if d.fix is not None}
    assert offered
    assert not [d for d in after if d.fix is not None]
    named = {code for code in FIXABLE if code in fixture.name}
    for code in named:
        assert sum(d.code == code for d in after) < sum(d.code == code for d in before)
    # A fixed file has nothing more to fix: fixing is idempotent.
    assert not fix_text(name, text_of(fixed), LintSettings()).changed


@pytest.mark.parametrize("fixture", FIX_FIXTURES, ids=lambda p: p.name)
def test_diff_shows_the_fix_and_writes_nothing(fixture: Path, tmp_path: Path) -> None:
    target = tmp_path / fixture.name
    original = fixture.read_bytes()
    target.write_bytes(original)
    done = run_cli("lint", "--diff", str(target))
    assert (done.returncode, target.read_bytes()) == (1, original)
    assert done.stdout.startswith(f"--- a/{str(target).lstrip('/')}\n+++ b/")
    assert done.stderr.endswith("apply with --fix.\n")
    # The diff is the change: applying it gives the fixed fixture.
    patched = apply_unified_diff(text_of(original), done.stdout)
    assert patched == text_of(fixed_twin(fixture).read_bytes())


def test_nothing_to_fix_exits_0_and_says_so(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    target.write_text(json.dumps({"images": [{"objectUrl": f"{H}/a.jpg"}]}))
    done = run_cli("lint", "--diff", str(target))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "Nothing to fix.\n")
    before = target.stat().st_mtime_ns
    fixed = run_cli("lint", "--fix", str(target))
    assert fixed.returncode == 0 and target.stat().st_mtime_ns == before


def test_fix_keeps_the_mode_and_the_byte_order_mark(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    target.write_bytes(b"\xef\xbb\xbf" + f'{{"images": [{{"objectUrl": "{H}/a b.jpg"}}]}}'.encode())
    os.chmod(target, 0o640)
    done = run_cli("lint", "--fix", str(target))
    assert (
        target.read_bytes()
        == b"\xef\xbb\xbf" + f'{{"images": [{{"objectUrl": "{H}/a%20b.jpg"}}]}}'.encode()
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    # The BOM is still reported (the fix is about URLs, and the report is of the file as written).
    assert done.returncode == 0 and "F004" in done.stdout and "U301" not in done.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]  # no temporary file left


def test_fix_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text(json.dumps({"images": [{"objectUrl": f"{H}/a b.jpg"}]}))
    link = tmp_path / "link.json"
    link.symlink_to(real)
    run_cli("lint", "--fix", str(link))
    assert link.is_symlink() and "a%20b.jpg" in real.read_text()


def test_a_file_that_cannot_be_written_is_a_one_line_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "m.json"
    text = json.dumps({"images": [{"objectUrl": f"{H}/a b.jpg"}]})
    target.write_text(text)
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root ignores permissions
            pytest.skip("this user can write anywhere")
        done = run_cli("lint", "--fix", str(target))
    finally:
        folder.chmod(0o700)
    assert done.returncode == 2 and target.read_text() == text
    assert done.stderr.startswith(f"encord-manifest: error: cannot write {target}: ")
    assert "Traceback" not in done.stderr


def test_a_failed_replace_leaves_the_file_and_no_temporary_file_and_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root may write anywhere, so the refusal of a real file system is simulated here.
    import io as _io

    from encord_manifest._internal.cli.fix import FixTally, fix_file

    target = tmp_path / "m.json"
    text = json.dumps({"images": [{"objectUrl": f"{H}/a b.jpg"}]})
    target.write_text(text)

    def refuse(source: str, destination: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    err, tally = _io.StringIO(), FixTally()
    result = fix_file(
        str(target), LintSettings(), None, write=True, out=_io.StringIO(), err=err, tally=tally
    )
    assert err.getvalue() == f"encord-manifest: error: cannot write {target}: Permission denied\n"
    # Nothing was written, so the findings are the file's own, the fixable one included.
    assert [d.code for d in result.diagnostics] == ["U301"]
    assert (tally.failed, tally.fixes) == (1, 0)
    assert target.read_text() == text and [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_remaining_errors_set_the_exit_code_after_fixing(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    target.write_text(json.dumps({"images": [{"objectUrl": f"<{H}/a.mp4>"}]}))
    done = run_cli("lint", "--fix", str(target))
    assert done.returncode == 1 and "U308" in done.stdout and "U302" not in done.stdout
    assert json.loads(target.read_text()) == {"images": [{"objectUrl": f"{H}/a.mp4"}]}


def test_configuration_decides_what_is_fixed(tmp_path: Path) -> None:
    (tmp_path / "encord-manifest.toml").write_text('ignore = ["U301"]\n')
    target = tmp_path / "m.json"
    text = json.dumps({"images": [{"objectURL": f"{H}/a b.jpg"}]})
    target.write_text(text)
    run_cli("lint", "--fix", str(target))
    assert target.read_text() == text.replace("objectURL", "objectUrl")  # the space stays


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fix", "--diff", "m.json"], "--fix writes the fixes, --diff shows them; choose one"),
        (["--fix", "-"], "--fix cannot write standard input back; use --diff"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "m.json").write_text(json.dumps({"images": [{"objectUrl": f"{H}/a b.jpg"}]}))
    done = run_cli("lint", *args, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr


def test_diff_reads_standard_input() -> None:
    text = json.dumps({"images": [{"objectUrl": f"{H}/a b.jpg"}]})
    done = run_cli("lint", "--diff", "-", stdin=text.encode())
    assert done.returncode == 1 and "+{" in done.stdout and "a%20b.jpg" in done.stdout


def test_unreadable_files_are_linted_not_fixed(tmp_path: Path) -> None:
    broken = tmp_path / "b.json"
    broken.write_bytes(b'{"images": [\xff')
    done = run_cli("lint", "--diff", str(broken))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "Nothing to fix.\n")
    fixed = run_cli("lint", "--fix", str(broken))
    assert fixed.returncode == 1 and "F002" in fixed.stdout
    assert broken.read_bytes() == b'{"images": [\xff'


def test_in_csv_only_cell_fixes_are_offered(tmp_path: Path) -> None:
    # A copy of a row is U307 with a fix in JSON (remove the entry); a CSV row is not
    # removed, so the finding is not marked [*] there: nothing is promised that --fix skips.
    csv = tmp_path / "m.csv"
    text = f"ObjectUrl,Image title\n{H}/a.jpg,a.jpg\n{H}/a.jpg,a.jpg\n{H}/b c.jpg,b.jpg\n"
    csv.write_text(text)
    done = run_cli("lint", str(csv))
    assert f"{csv}:3:1: U307 URL listed" in done.stdout and f"{csv}:4:1: U301 [*] " in done.stdout
    run_cli("lint", "--fix", str(csv))
    assert csv.read_text() == text.replace("b c.jpg", "b%20c.jpg")


def test_a_rename_that_would_repeat_a_key_is_not_offered() -> None:
    text = json.dumps({"images": [{"objectUrl": f"{H}/a.jpg", "objectURL": f"{H}/b.jpg"}]})
    outcome = fix_text("m.json", text, LintSettings())
    assert not outcome.changed and "S105" in [d.code for d in outcome.result.diagnostics]


def test_a_pass_that_would_make_the_file_worse_is_thrown_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from encord_manifest._internal.engine import fixes

    text = json.dumps({"images": [{"objectUrl": f"{H}/a b.jpg"}]})
    # A broken edit (as a bug in a rule's fix would produce): the guard must catch it.
    monkeypatch.setattr(fixes, "_string_token", lambda value, original: '"unterminated')
    outcome = fix_text("m.json", text, LintSettings())
    assert outcome.fixed == text and outcome.stopped and "unreadable" in outcome.stopped


def test_undecodable_bytes_are_left_alone() -> None:
    assert fix_bytes("m.json", b"\xff\xfe{", LintSettings()) is None


# -- properties -----------------------------------------------------------------------------

_names = st.text(alphabet="abc /<>", min_size=1, max_size=6)


@st.composite
def messy_manifests(draw: st.DrawFn) -> dict[str, Any]:
    """Manifests full of the mistakes --fix repairs, and some it must leave alone."""
    images = []
    for _ in range(draw(st.integers(1, 6))):
        url = f"{H}/{draw(_names)}.jpg"
        if draw(st.booleans()):
            url = f"<{url}>"
        key = draw(st.sampled_from(["objectUrl", "objectURL", "object_url", "objectUrl"]))
        entry: dict[str, Any] = {key: url}
        if draw(st.booleans()):
            entry[draw(st.sampled_from(["title", "Title"]))] = "t.jpg"
        images.append(entry)
        if draw(st.integers(0, 3)) == 0:
            images.append(dict(entry))
    groups = []
    for g in range(draw(st.integers(0, 2))):
        positions = draw(st.lists(st.integers(0, 6), min_size=1, max_size=4, unique=True))
        group: dict[str, Any] = {"title": f"g{g}", "createVideo": False}
        for n in positions:
            group[draw(st.sampled_from([f"objectUrl_{n}", f"objectUrl_0{n}"]))] = (
                f"{H}/g{g}/{n}.jpg"
            )
        groups.append(group)
    data: dict[str, Any] = {draw(st.sampled_from(["images", "Images"])): images}
    if groups:
        data["image_groups"] = groups
    return data


@settings(max_examples=150, deadline=None)
@given(messy_manifests(), st.sampled_from([None, 2, "\t"]))
def test_fixing_never_adds_problems_and_leaves_nothing_fixable(
    data: dict[str, Any], indent: int | str | None
) -> None:
    text = json.dumps(data, indent=indent)
    before = [d.code for d in fix_text("m.json", text, LintSettings(), "json").result.diagnostics]
    outcome = fix_text("m.json", text, LintSettings())
    after = [d.code for d in outcome.result.diagnostics]
    assert outcome.stopped is None
    json.loads(outcome.fixed)  # still JSON
    assert not [d for d in outcome.result.diagnostics if d.fix is not None]
    for code in set(after):
        # A fix may only remove findings; a rename can make a key known and so reveal
        # the checks of its value (S107 goes, U3xx of the URL now seen may come).
        if code not in ("U307", "U308", "U309", "T402", "S107", "S103", "G505", "G503"):
            assert after.count(code) <= before.count(code), code
    assert not fix_text("m.json", outcome.fixed, LintSettings()).changed


URL_PIECES = "ab ,<>%\u00a0"


@st.composite
def messy_csv(draw: st.DrawFn) -> str:
    rows = []
    for i in range(draw(st.integers(1, 6))):
        name = draw(st.text(alphabet=URL_PIECES, max_size=6))
        url = f"{H}/{i}{name}.jpg"
        if draw(st.booleans()):
            url = f"<{url}>"
        if draw(st.booleans()):
            url = f" {url} "
        rows.append([url, f"t{i}.jpg"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(["ObjectUrl", "Image title"])
    writer.writerows(rows)
    return buffer.getvalue()


@settings(max_examples=150, deadline=None)
@given(messy_csv())
def test_fixing_a_csv_gives_what_fixing_its_json_gives(text: str) -> None:
    from encord_manifest._internal.sources.convert import to_json_bytes
    from encord_manifest._internal.sources.csv_source import load_csv

    fixed_csv = fix_text("m.csv", text, LintSettings())
    assert fixed_csv.stopped is None
    as_json = to_json_bytes(load_csv("m.csv", text.encode("utf-8")).data).decode("utf-8")
    fixed_json = fix_text("m.json", as_json, LintSettings())
    assert load_csv("m.csv", fixed_csv.fixed.encode("utf-8")).data == json.loads(fixed_json.fixed)
    assert not [d for d in fixed_csv.result.diagnostics if d.fix is not None]


def test_a_refused_file_does_not_stop_the_others_and_keeps_its_findings(tmp_path: Path) -> None:
    text = json.dumps({"images": [{"objectUrl": f"{H}/a b.jpg"}]})
    locked, free = tmp_path / "a-locked.json", tmp_path / "b-free.json"
    locked.write_text(text)
    free.write_text(text)
    locked.chmod(0o444)  # refused by its mode bits, also for root
    done = run_cli("lint", "--fix", str(tmp_path))
    assert done.returncode == 2
    assert f"cannot write {locked}: read-only (mode 0444)" in done.stderr
    assert f"{free}: fixed 1 (U301)" in done.stderr and "a%20b.jpg" in free.read_text()
    assert locked.read_text() == text
    assert f"{locked}:1:" in done.stdout and f"{free}:" not in done.stdout  # what remains
