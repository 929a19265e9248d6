"""The write guards (writing.py, write_guards.py): nothing lost, nothing replaced unasked.

The tests run as whatever user runs the suite, root included: a read-only file is made with
the mode bits, which root ignores, so the guard must (and here does) look at the bits.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from encord_manifest._internal.files import write_guards, writing
from encord_manifest._internal.files.writing import ABSENT, WriteRefused, snapshot, write_file
from tests.helpers import ROOT, run_cli

H = "https://ward-cams.obs.eu-de.otc.t-systems.com"
FIXABLE = json.dumps({"images": [{"objectUrl": f"{H}/a b.jpg"}]})
FIXED = json.dumps({"images": [{"objectUrl": f"{H}/a%20b.jpg"}]})
CSV = f"ObjectUrl,Image title\n{H}/a.jpg,A\n"


def manifest(path: Path, text: str = FIXABLE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def one_error_line(stderr: str, path: Path, reason: str) -> None:
    errors = [line for line in stderr.splitlines() if line.startswith("encord-manifest: error:")]
    assert errors == [f"encord-manifest: error: cannot write {path}: {reason}"], stderr


# --- unchanged since it was read ---------------------------------------------------------------


def test_a_file_changed_since_it_was_read_is_not_replaced(tmp_path: Path) -> None:
    target = manifest(tmp_path / "m.json")
    read = snapshot(target, target.read_bytes())
    target.write_text(FIXABLE + " ")  # the editor's save
    with pytest.raises(WriteRefused, match="changed on disk since it was read"):
        write_file(target, FIXED.encode(), read)
    assert target.read_text() == FIXABLE + " " and leftovers(tmp_path) == []


def test_an_edit_of_the_same_size_and_time_is_caught_by_the_digest(tmp_path: Path) -> None:
    target = manifest(tmp_path / "m.json")
    before = target.stat()
    read = snapshot(target, target.read_bytes())
    target.write_text(FIXABLE.replace("a b", "c d"))  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime_ns
    with pytest.raises(WriteRefused, match="changed on disk"):
        write_file(target, FIXED.encode(), read)
    assert "c d" in target.read_text()


def test_an_edit_after_the_digest_is_read_is_caught_by_the_last_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The edit lands between the re-read of the file and the rename: only the stat made with
    # signals held, right before the rename, can see it.
    target = manifest(tmp_path / "m.json")
    read = snapshot(target, target.read_bytes())
    real_snapshot = writing.snapshot

    def snapshot_then_edit(path: Path, content: bytes | None, status: os.stat_result) -> object:
        taken = real_snapshot(path, content, status)
        if content is not None:  # the full check: the editor saves just after it
            with open(target, "a") as stream:
                stream.write("\n")
        return taken

    monkeypatch.setattr(writing, "snapshot", snapshot_then_edit)
    with pytest.raises(WriteRefused, match="changed on disk"):
        write_file(target, FIXED.encode(), read)
    assert target.read_text() == FIXABLE + "\n" and leftovers(tmp_path) == []


def test_an_editor_that_saves_by_rename_is_noticed(tmp_path: Path) -> None:
    target = manifest(tmp_path / "m.json")
    read = snapshot(target, target.read_bytes())
    manifest(tmp_path / "new.json", FIXABLE).replace(target)  # same bytes, another inode
    with pytest.raises(WriteRefused, match="changed on disk"):
        write_file(target, FIXED.encode(), read)


def test_an_output_that_appears_meanwhile_or_a_removed_file_is_not_written(tmp_path: Path) -> None:
    output = manifest(tmp_path / "m.json", "someone else's")
    with pytest.raises(WriteRefused, match="created by another program meanwhile"):
        write_file(output, b"{}", ABSENT)
    assert output.read_text() == "someone else's"
    target = manifest(tmp_path / "gone.json")
    read = snapshot(target, target.read_bytes())
    target.unlink()
    with pytest.raises(WriteRefused, match="removed since it was read"):
        write_file(target, FIXED.encode(), read)
    assert not target.exists()


def test_lint_fix_refuses_when_an_editor_saves_during_the_write(tmp_path: Path) -> None:
    target = manifest(tmp_path / "m.json")
    release = tmp_path / "release"
    process = _start("lint", "--fix", str(target), pause_until=release)
    _wait_for_temporary(tmp_path, process)
    target.write_text(FIXABLE.replace("a b", "edited"))  # an editor, in place
    release.touch()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    one_error_line(
        stderr,
        target,
        "changed on disk since it was read (saved by another program?); nothing written, run again",
    )
    assert target.read_text() == FIXABLE.replace("a b", "edited") and leftovers(tmp_path) == []
    assert "U301" in stdout  # the file's findings are still reported


# --- what is not replaced without --force-write ------------------------------------------------


def test_a_read_only_file_is_refused_with_its_findings_and_forced_keeps_its_mode(
    tmp_path: Path,
) -> None:
    target = manifest(tmp_path / "m.json")
    target.chmod(0o444)
    done = run_cli("lint", "--fix", str(target))
    assert done.returncode == 2
    one_error_line(done.stderr, target, "read-only (mode 0444); not written without --force-write")
    assert f"{target}:1:" in done.stdout and "U301" in done.stdout  # findings still reported
    assert target.read_text() == FIXABLE
    forced = run_cli("lint", "--fix", "--force-write", str(target))
    assert forced.returncode == 0 and target.read_text() == FIXED
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_a_hard_linked_file_is_refused_and_forced_is_written_in_place(tmp_path: Path) -> None:
    target = manifest(tmp_path / "m.json")
    other = tmp_path / "copy.json"
    os.link(target, other)
    done = run_cli("lint", "--fix", str(target))
    assert done.returncode == 2
    one_error_line(
        done.stderr,
        target,
        "has 2 hard links, which replacing it would split; not written without --force-write",
    )
    inode = target.stat().st_ino
    forced = run_cli("lint", "--fix", "--force-write", str(target))
    assert forced.returncode == 0 and other.read_text() == FIXED  # still one file
    assert target.stat().st_ino == inode and target.stat().st_nlink == 2
    assert leftovers(tmp_path) == []


def test_a_symbolic_link_out_of_its_directory_is_refused_and_forced_is_written_through(
    tmp_path: Path,
) -> None:
    secret = manifest(tmp_path / "home" / ".ssh" / "keys.json")
    link = tmp_path / "clone" / "m.json"
    link.parent.mkdir()
    link.symlink_to(secret)
    done = run_cli("lint", "--fix", str(link))
    assert done.returncode == 2
    one_error_line(
        done.stderr,
        link,
        f"a symbolic link to {secret}, outside {link.parent}; not written without --force-write",
    )
    assert secret.read_text() == FIXABLE
    inode = secret.stat().st_ino
    forced = run_cli("lint", "--fix", "--force-write", str(link))
    assert forced.returncode == 0 and secret.read_text() == FIXED
    assert link.is_symlink() and secret.stat().st_ino == inode  # in place, the link kept


def test_in_a_repository_a_link_may_lead_anywhere_inside_it_and_nowhere_outside(
    tmp_path: Path,
) -> None:
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    shared = manifest(repository / "shared" / "m.json")
    inside = repository / "data" / "m.json"
    inside.parent.mkdir()
    inside.symlink_to(Path("..") / "shared" / "m.json")
    done = run_cli("lint", "--fix", str(inside), cwd=tmp_path)
    assert done.returncode == 0 and shared.read_text() == FIXED and inside.is_symlink()
    outside = manifest(tmp_path / "elsewhere.json")
    leaving = repository / "data" / "out.json"
    leaving.symlink_to(outside)
    refused = run_cli("lint", "--fix", str(leaving), cwd=repository)
    assert refused.returncode == 2 and f"outside {repository};" in refused.stderr
    assert outside.read_text() == FIXABLE


def test_sync_does_not_write_through_a_link_out_of_the_repository(tmp_path: Path) -> None:
    # A cloned repository: m.csv, and m.json -> a file outside it. The file holds what
    # conversion writes (else --sync already refuses it as hand-written): the link is refused.
    repository = tmp_path / "clone"
    (repository / ".git").mkdir(parents=True)
    manifest(repository / "m.csv", CSV.replace("/a.jpg", "/b.jpg"))
    generated = run_cli("convert", str(repository / "m.csv")).stdout
    keys = manifest(tmp_path / "home" / "authorized_keys", generated)
    manifest(repository / "m.csv", CSV)
    (repository / "m.json").symlink_to(keys)
    done = run_cli("convert", "--sync", str(repository / "m.csv"), cwd=repository)
    assert done.returncode == 2 and keys.read_text() == generated
    one_error_line(
        done.stderr,
        repository / "m.json",
        f"a symbolic link to {keys}, outside {repository}; not written without --force-write",
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_not_replaced_by_a_regular_file(tmp_path: Path) -> None:
    source = manifest(tmp_path / "m.csv", CSV)
    null = tmp_path / "null"  # a copy of /dev/null here: a broken guard replaces only this
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("no device nodes in this container")
    done = run_cli("convert", str(source), "-o", str(null))
    assert done.returncode == 2 and stat.S_ISCHR(null.stat().st_mode)
    one_error_line(
        done.stderr,
        null,
        "a character device, not a regular file; not written without --force-write",
    )
    forced = run_cli("convert", str(source), "-o", str(null), "--force-write")
    assert forced.returncode == 0 and stat.S_ISCHR(null.stat().st_mode)  # written into
    assert leftovers(tmp_path) == []


def test_a_fifo_is_refused_and_forced_is_written_into_or_refused_without_a_reader(
    tmp_path: Path,
) -> None:
    source = manifest(tmp_path / "m.csv", CSV)
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    done = run_cli("convert", str(source), "-o", str(fifo))
    assert done.returncode == 2 and stat.S_ISFIFO(fifo.stat().st_mode)
    one_error_line(
        done.stderr, fifo, "a FIFO, not a regular file; not written without --force-write"
    )
    nobody = run_cli("convert", str(source), "-o", str(fifo), "--force-write")  # and no hang
    assert nobody.returncode == 2
    one_error_line(nobody.stderr, fifo, "no program is reading from it")
    received: list[bytes] = []
    descriptor = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, before the writer
    reader = threading.Thread(target=lambda: received.append(_read_fifo(descriptor)))
    reader.start()
    forced = run_cli("convert", str(source), "-o", str(fifo), "--force-write")
    reader.join(60)
    assert forced.returncode == 0 and json.loads(received[0])["images"][0]["title"] == "A"
    assert stat.S_ISFIFO(fifo.stat().st_mode) and leftovers(tmp_path) == []


def test_a_socket_and_a_directory_are_refused(tmp_path: Path) -> None:
    source = manifest(tmp_path / "m.csv", CSV)
    path = tmp_path / "s.json"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        done = run_cli("convert", str(source), "-o", str(path))
    assert done.returncode == 2
    one_error_line(
        done.stderr, path, "a socket, not a regular file; not written without --force-write"
    )
    into = run_cli("convert", str(source), "-o", str(tmp_path), "--force-write")
    assert into.returncode == 2
    one_error_line(into.stderr, tmp_path, "is a directory")


def test_force_write_needs_fix_or_an_output_file() -> None:
    done = run_cli("lint", "--force-write", "x.json")
    assert (
        done.returncode == 2
        and "--force-write applies to --fix and --output-file only" in done.stderr
    )


def test_the_guards_look_at_the_mode_bits_not_at_access(tmp_path: Path) -> None:
    target = manifest(tmp_path / "m.json")
    target.chmod(0o444)
    assert write_guards.is_read_only(target.stat())
    target.chmod(0o644)
    assert not write_guards.is_read_only(target.stat())


# --- interrupted writes leave no temporary file ------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "returncode"), [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 130)]
)
def test_a_signal_during_the_write_leaves_no_temporary_file(
    tmp_path: Path, signum: int, returncode: int
) -> None:
    target = manifest(tmp_path / "m.json")
    process = _start("lint", "--fix", str(target), pause_until=tmp_path / "never")
    _wait_for_temporary(tmp_path, process)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == returncode, stderr
    assert leftovers(tmp_path) == [] and target.read_text() == FIXABLE
    assert "Traceback" not in stderr


def test_sigterm_while_a_large_file_is_written_leaves_the_old_or_the_new_file(
    tmp_path: Path,
) -> None:
    # No seam: the signal is sent the moment the temporary file appears, so it lands while
    # the bytes are written (or, on a fast disk, just after the rename). Either way: whole.
    entries = [{"objectUrl": f"{H}/{i}.jpg"} for i in range(200_000)]  # 18 MB
    entries[0] = {"objectUrl": f"{H}/a b.jpg"}  # one fix: the time goes to the write
    text = json.dumps({"images": entries}, indent=2)
    target = manifest(tmp_path / "m.json", text)
    process = _start("lint", "--fix", str(target))
    _wait_for_temporary(tmp_path, process, allow_end=True)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)
    assert leftovers(tmp_path) == []
    assert target.read_text() in (text, text.replace("a b.jpg", "a%20b.jpg"))


# --- helpers ------------------------------------------------------------------------------------


def _start(*args: str, pause_until: Path | None = None) -> subprocess.Popen[str]:
    """The command as a process; with ``pause_until``, its write waits for that file."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env.update(NO_COLOR="1", PYTHONPATH=str(ROOT / "src"))
    if pause_until is not None:
        env["ENCORD_MANIFEST_TEST_WRITE_PAUSE"] = str(pause_until)
    return subprocess.Popen(
        [sys.executable, "-m", "encord_manifest", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _wait_for_temporary(
    directory: Path, process: subprocess.Popen[str], allow_end: bool = False
) -> None:
    deadline = time.monotonic() + 60
    while not leftovers(directory):
        if process.poll() is not None:
            if allow_end:
                return
            raise AssertionError(f"ended before writing: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("no temporary file appeared")
        time.sleep(0.001)


def _read_fifo(descriptor: int) -> bytes:
    os.set_blocking(descriptor, True)
    chunks = []
    deadline = time.monotonic() + 30
    with os.fdopen(descriptor, "rb") as stream:
        while time.monotonic() < deadline:
            chunk = stream.read(65536)
            if chunk:
                chunks.append(chunk)
            elif chunks:
                break  # the writer closed it
            else:
                time.sleep(0.01)  # no writer yet: a FIFO reads as ended until one opens it
    return b"".join(chunks)
