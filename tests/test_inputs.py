"""Inputs: read exactly once (pipes, FIFOs, /dev/stdin, process substitution), within a size
limit, positions always of the text that was checked; and every input that cannot be read
is named, never skipped in silence nor counted as passed."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from encord_manifest._internal.cli.app import app
from encord_manifest._internal.engine import linter
from encord_manifest._internal.engine.linter import InputError, lint_file, load_file
from encord_manifest._internal.files import paths
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.report import OutputFormat, ReportOptions, reporter
from encord_manifest._internal.report.statistics import render as render_statistics
from encord_manifest._internal.sources import reading
from encord_manifest._internal.sources.reading import format_size, parse_size, read_input
from tests.helpers import CSV_EXAMPLES, EXAMPLES, ROOT, run_cli

JSON_EXAMPLE = EXAMPLES[0]
CSV_EXAMPLE = CSV_EXAMPLES[0]
CLEAN = sorted((ROOT / "fixtures" / "json" / "valid").glob("*.json"))[0].read_text()
#: Generous: a process that reads a FIFO twice waits for a second writer forever.
NO_HANG = 20


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "encord_manifest", *args]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env.update(NO_COLOR="1", COLUMNS="100", PYTHONPATH=str(ROOT / "src"))
    return env


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command(*args),
        input=stdin,
        capture_output=True,
        env=environment(),
        cwd=ROOT,
        timeout=NO_HANG,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def relabelled(output: str, old: str, new: str) -> str:
    return output.replace(old, new)


# -- read once ------------------------------------------------------------------------------


@pytest.fixture
def fifo_writer() -> Iterator[Any]:
    """``start(fifo, data)``: a thread that opens the FIFO, writes, closes (once)."""
    threads: list[threading.Thread] = []

    def start(fifo: Path, data: bytes) -> None:
        def write() -> None:
            try:
                with open(fifo, "wb") as stream:
                    stream.write(data)
            except BrokenPipeError:  # the reader stopped early (the size limit)
                pass

        thread = threading.Thread(target=write, daemon=True)
        thread.start()
        threads.append(thread)

    yield start
    for thread in threads:
        thread.join(timeout=NO_HANG)


@pytest.mark.parametrize("example", [JSON_EXAMPLE, CSV_EXAMPLE], ids=["json", "csv"])
def test_a_fifo_is_read_once_with_the_positions_of_a_file(
    tmp_path: Path, example: Path, fifo_writer: Any
) -> None:
    fifo = tmp_path / f"m{example.suffix}"
    os.mkfifo(fifo)
    fifo_writer(fifo, example.read_bytes())
    through_fifo = run("lint", "--output-format", "full", str(fifo))
    from_file = run("lint", "--output-format", "full", str(example))
    assert through_fifo.stderr == ""
    assert (through_fifo.returncode, through_fifo.stdout) == (
        from_file.returncode,
        relabelled(from_file.stdout, str(example), str(fifo)),
    )
    assert " | " in through_fifo.stdout  # source lines shown, from the text read once


def test_a_fifo_in_process_opens_once(tmp_path: Path, fifo_writer: Any) -> None:
    fifo = tmp_path / "m.json"
    os.mkfifo(fifo)
    fifo_writer(fifo, JSON_EXAMPLE.read_bytes())
    results: list[Any] = []
    reader = threading.Thread(
        target=lambda: results.append(lint_file(str(fifo), LintSettings())), daemon=True
    )
    reader.start()
    reader.join(timeout=NO_HANG)
    if reader.is_alive():  # waiting for a second writer: release it, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("the FIFO was opened twice")
    (result,) = results
    expected = lint_file(str(JSON_EXAMPLE), LintSettings())
    assert [(d.code, d.span) for d in result.diagnostics] == [
        (d.code, d.span) for d in expected.diagnostics
    ]


def bash(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env=environment(),
        cwd=ROOT,
        timeout=NO_HANG,
        check=False,
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="process substitution needs bash")
def test_process_substitution_has_the_positions_of_the_file() -> None:
    python = f"{sys.executable} -m encord_manifest"
    for example, forced in ((JSON_EXAMPLE, ""), (CSV_EXAMPLE, "--format csv")):
        substituted = bash(f"{python} lint {forced} <(cat {example})")
        from_file = run("lint", *forced.split(), str(example))
        assert substituted.stderr == ""
        name = substituted.stdout.split(":", 1)[0]
        assert name.startswith("/dev/fd/")
        assert substituted.stdout == relabelled(from_file.stdout, str(example), name)
        assert substituted.returncode == from_file.returncode == 1


@pytest.mark.skipif(shutil.which("bash") is None, reason="process substitution needs bash")
def test_convert_of_process_substitution(tmp_path: Path) -> None:
    clean = ROOT / "fixtures" / "csv" / "convert"
    example = sorted(clean.glob("*.csv"))[0]
    python = f"{sys.executable} -m encord_manifest"
    substituted = bash(f"{python} convert --format csv <(cat {example})")
    from_file = run("convert", str(example))
    assert (substituted.returncode, substituted.stdout) == (0, from_file.stdout)
    broken = bash(f"{python} convert --format csv <(cat {CSV_EXAMPLE})")
    assert broken.returncode == 1 and "internal error" not in broken.stderr
    assert "not converted" in broken.stderr


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_standard_input_is_read_once_and_shown_in_full(name: str) -> None:
    piped = run("lint", "--output-format", "full", name, stdin=JSON_EXAMPLE.read_bytes())
    from_file = run("lint", "--output-format", "full", str(JSON_EXAMPLE))
    shown = "<stdin>" if name == "-" else name
    assert piped.stdout == relabelled(from_file.stdout, str(JSON_EXAMPLE), shown)


# -- a file that changes while it is linted ------------------------------------------------


def rewrite_after_reading(
    monkeypatch: pytest.MonkeyPatch, path: Path, new: bytes, times: list[int]
) -> None:
    """The seam: the file is rewritten the moment its bytes have been read."""
    original = reading.read_opened  # the real one, never an earlier seam

    def read_then_rewrite(opened: reading.Opened, max_bytes: int) -> bytes:
        raw = original(opened, max_bytes)
        path.write_bytes(new)
        times.append(1)
        return raw

    monkeypatch.setattr(linter, "read_opened", read_then_rewrite)


def shifted(raw: bytes) -> bytes:
    """The same manifest three lines down, with one more key: every position moves."""
    return b"\n\n\n" + raw.replace(b"{", b'{"x": 1, ', 1)


@pytest.mark.parametrize("example", [JSON_EXAMPLE, CSV_EXAMPLE], ids=["json", "csv"])
def test_positions_are_of_the_text_that_was_checked(
    tmp_path: Path, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / example.name
    raw = example.read_bytes()
    path.write_bytes(raw)
    expected = [(d.code, d.span) for d in lint_file(str(path), LintSettings()).diagnostics]
    rewritten: list[int] = []
    rewrite_after_reading(
        monkeypatch, path, shifted(raw) if example.suffix == ".json" else b"", rewritten
    )
    result = lint_file(str(path), LintSettings())
    assert rewritten and [(d.code, d.span) for d in result.diagnostics] == expected
    full = reporter(OutputFormat.FULL)([result], ReportOptions())
    first_line = raw.decode().split("\n")[expected[0][1].line - 1].rstrip("\r")
    assert first_line.strip() and first_line[:40] in full  # the source line as checked


def test_a_large_file_is_read_again_only_if_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "KEEP_TEXT_BYTES", 0)  # every file takes the large-file path
    path = tmp_path / "m.json"
    raw = JSON_EXAMPLE.read_bytes()
    path.write_bytes(raw)
    expected = [(d.code, d.span) for d in lint_file(str(path), LintSettings()).diagnostics]
    rewritten: list[int] = []
    rewrite_after_reading(monkeypatch, path, raw, rewritten)  # same bytes: read again, used
    same = lint_file(str(path), LintSettings())
    assert rewritten and [(d.code, d.span) for d in same.diagnostics] == expected
    for changed in (shifted(raw), raw.replace(b"https", b"hXXps"), raw + b" "):
        path.write_bytes(raw)
        rewrite_after_reading(monkeypatch, path, changed, rewritten)
        with pytest.raises(InputError, match=r"m\.json: changed while it was being linted"):
            lint_file(str(path), LintSettings())


def test_a_large_file_that_changed_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "KEEP_TEXT_BYTES", 0)
    path = tmp_path / "m.json"
    path.write_bytes(JSON_EXAMPLE.read_bytes())
    rewrite_after_reading(monkeypatch, path, shifted(JSON_EXAMPLE.read_bytes()), [])
    done = CliRunner().invoke(app, ["lint", str(path)])
    assert done.exit_code == 2, done.output
    assert done.stderr == (
        f"encord-manifest: error: cannot read {path}: changed while it was being linted; "
        "lint it again\n"
    )
    assert "All checks passed" not in done.stdout


def test_the_two_process_path_still_maps_large_regular_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts path is decided on the one opened file; a FIFO never goes there."""
    monkeypatch.setattr(linter, "PARTS_MIN_BYTES", 0)
    taken: list[bool] = []
    original = linter._lint_in_parts

    def spy(*args: Any) -> Any:
        result = original(*args)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(linter, "_lint_in_parts", spy)
    clean = sorted((ROOT / "fixtures" / "json" / "valid").glob("*.json"))[0]
    assert lint_file(str(clean), LintSettings()).diagnostics == []
    assert taken == [True]


# -- the size limit -------------------------------------------------------------------------


def test_dev_zero_is_refused_at_the_limit() -> None:
    done = run("lint", "--max-input-size", "64KiB", "/dev/zero")
    assert done.returncode == 2
    assert done.stderr == (
        "encord-manifest: error: cannot read /dev/zero: larger than 64KiB, the input size "
        "limit (raise it with --max-input-size or max-input-size in the configuration)\n"
    )
    assert done.stdout == "No files linted; 1 file could not be read.\n"


def test_reading_stops_one_byte_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    with open("/dev/zero", "rb") as zero:

        class Counting:
            def read(self, size: int) -> bytes:
                asked.append(size)
                return zero.read(size)

        opened = reading.Opened("/dev/zero", "/dev/zero", Counting(), None)  # type: ignore[arg-type]
        with pytest.raises(InputError, match="larger than 1000 bytes"):
            reading.read_opened(opened, 1000)
    assert sum(asked) == 1001


def test_a_fifo_over_the_limit_is_refused(tmp_path: Path, fifo_writer: Any) -> None:
    fifo = tmp_path / "m.json"
    os.mkfifo(fifo)
    fifo_writer(fifo, b" " * 100_000)
    done = run("lint", "--max-input-size", "4KiB", str(fifo))
    assert (done.returncode, done.stderr.count("\n")) == (2, 1)
    assert f"cannot read {fifo}: larger than 4KiB" in done.stderr


def test_a_regular_file_is_refused_on_its_size_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as stream:
        stream.truncate(3 * 1024**3)  # sparse: reading it would take seconds and 3 GiB
    done = run("lint", str(huge))
    assert done.returncode == 2
    assert done.stderr.startswith(f"encord-manifest: error: cannot read {huge}: larger than 2GiB")
    with pytest.raises(InputError, match="larger than 512 bytes"):
        read_input(str(JSON_EXAMPLE), 512)
    with pytest.raises(InputError, match="larger than"):
        load_file(str(JSON_EXAMPLE), max_bytes=100)


def test_the_limit_from_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "encord-manifest.toml").write_text('max-input-size = "512 bytes"\n')
    target = tmp_path / "m.json"
    target.write_bytes(JSON_EXAMPLE.read_bytes())
    done = run("lint", str(target))
    assert done.returncode == 2 and "invalid" not in done.stderr
    (tmp_path / "encord-manifest.toml").write_text("max-input-size = 512\n")
    done = run("lint", str(target))
    assert done.returncode == 2 and "larger than 512 bytes" in done.stderr
    overridden = run("lint", "--max-input-size", "1MiB", str(target))
    assert overridden.returncode == 1 and overridden.stderr == ""


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("2GiB", 2 * 1024**3),
        ("2 GiB", 2 * 1024**3),
        ("500MB", 500_000_000),
        ("64k", 65536),
        ("1.5MiB", 1572864),
        ("1000", 1000),
        (4096, 4096),
        ("0", None),
        (0, None),
        (-5, None),
        (True, None),
        ("2XB", None),
        ("", None),
        ([1], None),
    ],
)
def test_sizes(text: object, size: int | None) -> None:
    assert parse_size(text) == size


def test_sizes_read_back() -> None:
    for size in (2 * 1024**3, 1024, 3 * 1024**2, 1000):
        assert parse_size(format_size(size).replace(" bytes", "")) == size


# -- every failure named --------------------------------------------------------------------


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_a_missing_file_is_named_and_not_passed(tmp_path: Path) -> None:
    done = run_cli("lint", str(tmp_path / "missing.json"))
    assert done.returncode == 2
    assert done.stdout == "No files linted; 1 file could not be read.\n"
    assert done.stderr.count("\n") == 1 and "missing.json: No such file" in done.stderr


def test_an_unreadable_file_by_a_seam(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "m.json"
    target.write_bytes(JSON_EXAMPLE.read_bytes())
    other = tmp_path / "clean.json"
    other.write_text(CLEAN)

    def denied(path: str, *args: Any, **kwargs: Any) -> Any:
        if str(path) == str(target):
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(reading, "open", denied, raising=False)
    done = invoke("lint", str(target), str(other))
    assert done.exit_code == 2
    assert done.stderr == f"encord-manifest: error: cannot read {target}: Permission denied\n"
    assert done.stdout == "No findings in 1 file; 1 file could not be read.\n"


def test_an_unsearchable_parent_by_a_seam(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lint locked/m.json`: the configuration search is the first to meet the locked
    directory; the file is named, the run goes on, nothing is 'internal'."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "m.json").write_text("{}")
    real_stat = Path.stat

    def stat_(self: Path, *args: Any, **kwargs: Any) -> os.stat_result:
        if self.parent == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat_)
    done = invoke("lint", str(locked / "m.json"), str(JSON_EXAMPLE))
    assert done.exit_code == 2, done.output
    assert done.stderr == (
        f"encord-manifest: error: cannot read {locked / 'm.json'}: Permission denied "
        f"(looking for its configuration in {locked})\n"
    )
    assert "Found" in done.stdout and "1 file could not be read" in done.stdout


def test_an_unlistable_subdirectory_by_a_seam(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "m.json").write_text(CLEAN)
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "hidden.json").write_text("{")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path).name == "secret":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    done = invoke("lint", str(tmp_path))
    assert done.exit_code == 2
    assert done.stderr == (
        f"encord-manifest: error: cannot read {tmp_path / 'secret'}: Permission denied\n"
    )
    assert done.stdout == "No findings in 1 file; 1 file could not be read.\n"
    with pytest.raises(PermissionError):  # without a handler, never an empty list
        paths.expand_paths([str(tmp_path)])


def test_an_empty_directory_is_no_files_linted(tmp_path: Path) -> None:
    done = run_cli("lint", str(tmp_path))
    assert (done.returncode, done.stdout, done.stderr) == (0, "No files linted.\n", "")


def _as_another_user() -> list[str] | None:
    """A command prefix that drops root; None where the mode bits cannot be tested."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    # An interpreter installed under a private home (pyenv in /root) cannot start as nobody.
    probe = subprocess.run([*prefix, sys.executable, "-c", ""], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


def test_real_permissions() -> None:
    prefix = _as_another_user()
    if prefix is None:
        pytest.skip(
            "running as root, which ignores mode bits, and no setpriv to drop it"
            " (or this interpreter cannot start as another user)"
        )
    top = Path(tempfile.mkdtemp(prefix="encord-manifest-perms-"))
    try:
        top.chmod(0o755)
        (top / "ok.json").write_text(CLEAN)
        locked = top / "locked"
        locked.mkdir()
        (locked / "m.json").write_text("{}")
        unlistable = top / "tree" / "sub"
        unlistable.mkdir(parents=True)
        (unlistable / "x.json").write_text("{}")
        (top / "tree" / "y.json").write_text(CLEAN)
        for directory in (top / "tree",):
            directory.chmod(0o755)
        locked.chmod(0)
        unlistable.chmod(0o311)  # may be entered, not listed
        env = environment() | {"HOME": str(top)}
        done = subprocess.run(
            [
                *prefix,
                *command("lint", str(locked / "m.json"), str(top / "tree"), str(top / "ok.json")),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=top,
            timeout=NO_HANG,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        # Directories are searched first, then every file is linted in turn.
        assert done.stderr.splitlines() == [
            f"encord-manifest: error: cannot read {unlistable}: Permission denied",
            f"encord-manifest: error: cannot read {locked / 'm.json'}: Permission denied "
            f"(looking for its configuration in {locked})",
        ]
        assert done.stdout == "No findings in 2 files; 2 files could not be read.\n"
    finally:
        for directory in (top / "locked", top / "tree" / "sub"):
            directory.chmod(stat.S_IRWXU)
        shutil.rmtree(top)


# -- the summary in every format ------------------------------------------------------------


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_no_summary_says_passed_when_nothing_was_linted(output_format: OutputFormat) -> None:
    for unread in (0, 1):
        output = reporter(output_format)([], ReportOptions(unread=unread))
        assert "All checks passed" not in output
        statistics = render_statistics([], ReportOptions(unread=unread), output_format)
        assert "All checks passed" not in statistics
    text = reporter(output_format)([], ReportOptions(unread=2))
    if output_format in (
        OutputFormat.CONCISE,
        OutputFormat.TEXT,
        OutputFormat.FULL,
        OutputFormat.GITHUB,
    ):
        assert text.endswith("No files linted; 2 files could not be read.\n")
    if output_format is OutputFormat.JSON:
        assert '"unread": 2' in text


def test_summary_wording() -> None:
    from encord_manifest._internal.report import Summary
    from encord_manifest._internal.report.text import summary_line

    assert summary_line(Summary(0, 0, 0, 0)) == "No files linted."
    assert summary_line(Summary(3, 0, 0, 0)) == "All checks passed (3 files)."
    assert summary_line(Summary(3, 0, 0, 0, unread=1)) == (
        "No findings in 3 files; 1 file could not be read."
    )
    assert summary_line(Summary(1, 1, 2, 0, fixable=1, unread=2)) == (
        "Found 1 error, 2 warnings in 1 file; 2 files could not be read. [*] 1 fixable with --fix."
    )
