"""Conventions users expect of a command-line linter: --color and FORCE_COLOR/NO_COLOR,
--output-file, --stdin-filename and shell completion."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from encord_manifest._internal.report import use_color
from tests.helpers import ROOT, run_cli

SGR = "\x1b["
BAD = b'{"videos": [{"objectUrl": "https://b.s3.amazonaws.com/a b.mp4"}]}\n'
BAD_CSV = b"ObjectUrl\nhttps://b.s3.amazonaws.com/a b.mp4\n"


def _env(**extra: str) -> dict[str, str]:
    """A pipe's environment: no NO_COLOR, no FORCE_COLOR, not GitHub Actions; plus ``extra``."""
    drop = {"GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(COLUMNS="100", **extra)
    return env


@pytest.mark.parametrize(
    ("terminal", "environ", "choice", "expected"),
    [
        (True, {}, "auto", True),
        (False, {}, "auto", False),
        (True, {"NO_COLOR": "1"}, "auto", False),
        (False, {"FORCE_COLOR": "1"}, "auto", True),
        (False, {"FORCE_COLOR": "true"}, "auto", True),
        (False, {"FORCE_COLOR": "0"}, "auto", False),
        (False, {"FORCE_COLOR": ""}, "auto", False),
        (False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, "auto", False),  # the opt-out wins
        (False, {"NO_COLOR": ""}, "auto", False),
        (True, {"NO_COLOR": ""}, "auto", True),  # NO_COLOR counts only when not empty
        (False, {"NO_COLOR": "1"}, "always", True),
        (True, {"FORCE_COLOR": "1"}, "never", False),
    ],
)
def test_colour_is_decided_by_the_option_then_the_environment_then_the_stream(
    terminal: bool, environ: dict[str, str], choice: str, expected: bool
) -> None:
    assert use_color(terminal, environ, choice) is expected


def test_color_always_and_force_color_colour_a_pipe(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_bytes(BAD)
    plain = run_cli("lint", str(manifest), env=_env())
    assert plain.returncode == 1 and SGR not in plain.stdout
    for run in (
        run_cli("lint", "--color", "always", str(manifest), env=_env()),
        run_cli("lint", str(manifest), env=_env(FORCE_COLOR="1")),
    ):
        assert run.returncode == 1
        assert f"{SGR}1;31mU301" in run.stdout
    never = run_cli("lint", "--color", "never", str(manifest), env=_env(FORCE_COLOR="1"))
    assert SGR not in never.stdout and "U301" in never.stdout
    assert SGR not in run_cli("lint", str(manifest), env=_env(FORCE_COLOR="1", NO_COLOR="1")).stdout


def test_colour_never_lets_the_manifest_write_escapes(tmp_path: Path) -> None:
    """Colour is the tool's own sequences; an escape inside the manifest stays escaped."""
    manifest = tmp_path / "m.json"
    manifest.write_text(
        '{"videos": [{"objectUrl": "https://b.s3.amazonaws.com/\\u001b[2Ja b.mp4"}]}',
        encoding="utf-8",
    )
    run = run_cli("lint", "--color", "always", "--output-format", "full", str(manifest), env=_env())
    assert run.returncode == 1
    assert "\x1b[2J" not in run.stdout
    assert {chunk.split("m", 1)[0] for chunk in run.stdout.split(SGR)[1:]} <= {
        "0",
        "1",
        "1;31",
        "2",
        "33",
        "36",
        "1;33",
        "1;36",
        "31",
        "32",
    }


def test_unknown_color_choice_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli("lint", "--color", "sometimes", str(tmp_path))
    assert run.returncode == 2 and "sometimes" in run.stderr


def test_output_file_holds_the_report_and_the_exit_code_is_unchanged(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_bytes(BAD)
    report = tmp_path / "report.sarif"
    run = run_cli("lint", "--output-format", "sarif", "-o", str(report), str(manifest))
    assert run.returncode == 1
    assert run.stdout == ""
    sarif = json.loads(report.read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["U301"]
    # No colour in a file unless asked for, even with FORCE_COLOR (a file is read by tools).
    text = tmp_path / "report.txt"
    assert run_cli("lint", "-o", str(text), str(manifest), env=_env()).returncode == 1
    assert SGR not in text.read_text(encoding="utf-8")
    assert "U301" in text.read_text(encoding="utf-8")


def test_output_file_also_takes_statistics_settings_and_diffs(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_bytes(BAD)
    out = tmp_path / "out.txt"
    assert run_cli("lint", "--statistics", "-o", str(out), str(manifest)).returncode == 1
    assert "U301" in out.read_text(encoding="utf-8")
    run = run_cli("lint", "--diff", "-o", str(out), str(manifest))
    assert run.returncode == 1 and run.stdout == ""
    assert "+++ " in out.read_text(encoding="utf-8") and "%20" in out.read_text(encoding="utf-8")
    assert manifest.read_bytes() == BAD
    assert run_cli("lint", "--show-settings", "-o", str(out), str(manifest)).returncode == 0
    assert "# Settings for" in out.read_text(encoding="utf-8")


def test_output_file_never_replaces_a_manifest_being_linted(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_bytes(BAD)
    for target in (manifest, tmp_path / "." / "m.json"):
        run = run_cli("lint", "-o", str(target), str(manifest))
        assert run.returncode == 2
        assert run.stderr.count("\n") == 1 and "is the manifest" in run.stderr
        assert manifest.read_bytes() == BAD
    # Also one found in a directory being searched.
    run = run_cli("lint", "-o", str(manifest), str(tmp_path))
    assert run.returncode == 2 and manifest.read_bytes() == BAD


def test_output_file_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_bytes(BAD)
    run = run_cli("lint", "-o", str(tmp_path / "missing" / "r.txt"), str(manifest))
    assert run.returncode == 2
    assert run.stderr.startswith("encord-manifest: error: cannot write ")
    assert run.stderr.count("\n") == 1
    assert run_cli("lint", "-o", str(tmp_path), str(manifest)).returncode == 2


@pytest.mark.skipif(os.geteuid() != 0 and os.name != "posix", reason="POSIX modes")
def test_a_read_only_output_file_is_kept_unless_forced(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_bytes(BAD)
    report = tmp_path / "r.txt"
    report.write_text("kept\n", encoding="utf-8")
    report.chmod(0o444)
    run = run_cli("lint", "-o", str(report), str(manifest))
    assert run.returncode == 2 and "read-only" in run.stderr
    assert report.read_text(encoding="utf-8") == "kept\n"
    assert run_cli("lint", "-o", str(report), "--force-write", str(manifest)).returncode == 1
    assert "U301" in report.read_text(encoding="utf-8")
    assert stat.S_IMODE(report.stat().st_mode) == 0o444


def test_stdin_filename_names_the_findings_and_picks_the_format(tmp_path: Path) -> None:
    run = run_cli("lint", "--stdin-filename", "data/m.json", "-", stdin=BAD, cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.startswith("data/m.json:1:")
    assert "<stdin>" not in run.stdout
    csv = run_cli("lint", "--stdin-filename", "m.csv", "-", stdin=BAD_CSV, cwd=tmp_path)
    assert csv.returncode == 1 and csv.stdout.startswith("m.csv:2:1: U301")
    # Without the name, standard input is JSON: the same bytes are not.
    assert "F00" in run_cli("lint", "-", stdin=BAD_CSV, cwd=tmp_path).stdout
    diff = run_cli("lint", "--diff", "--stdin-filename", "m.json", "-", stdin=BAD, cwd=tmp_path)
    assert diff.returncode == 1 and "+++ b/m.json" in diff.stdout


def test_stdin_filename_takes_that_files_configuration(tmp_path: Path) -> None:
    (tmp_path / "encord-manifest.toml").write_text(
        'exclude = ["vendor"]\n[per-file-ignores]\n"legacy/*.json" = ["U301"]\n',
        encoding="utf-8",
    )
    (tmp_path / "legacy").mkdir()
    ignored = run_cli("lint", "--stdin-filename", "legacy/m.json", "-", stdin=BAD, cwd=tmp_path)
    assert ignored.returncode == 0, ignored.stdout
    linted = run_cli("lint", "--stdin-filename", "new/m.json", "-", stdin=BAD, cwd=tmp_path)
    assert linted.returncode == 1 and "U301" in linted.stdout
    excluded = run_cli("lint", "--stdin-filename", "vendor/m.json", "-", stdin=BAD, cwd=tmp_path)
    assert excluded.returncode == 0 and "U301" not in excluded.stdout
    assert "vendor/m.json" in excluded.stderr and "exclude" in excluded.stderr


def test_stdin_filename_without_standard_input_is_a_usage_error(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_bytes(BAD)
    run = run_cli("lint", "--stdin-filename", "x.json", str(manifest))
    assert run.returncode == 2 and "no '-'" in run.stderr


def _complete(words: str) -> list[str]:
    """What the command answers a shell asking to complete ``words`` (Typer's protocol)."""
    env = _env(
        _ENCORD_MANIFEST_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split(" ")) - 1),
    )
    return run_cli(env=env).stdout.split()


def test_completion_answers_commands_options_and_choices() -> None:
    assert _complete("encord-manifest li") == ["lint"]
    assert _complete("encord-manifest lint --col") == ["--color"]
    assert _complete("encord-manifest lint --color ") == ["auto", "always", "never"]
    assert "--stdin-filename" in _complete("encord-manifest lint --std")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_prints_each_shells_script_for_the_command(shell: str) -> None:
    script = run_cli("completion", shell, env=_env())
    assert script.returncode == 0
    assert "_ENCORD_MANIFEST_COMPLETE" in script.stdout
    assert "python" not in script.stdout.lower().replace("powershell", "")
    # --show-completion is the same script, for the shell it detects.
    if shell == "bash":
        shown = run_cli("--show-completion", env=_env(SHELL="/bin/bash"))
        assert shown.returncode == 0 and "_ENCORD_MANIFEST_COMPLETE" in shown.stdout


def test_the_bash_script_completes_in_a_real_bash(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash on this machine")
    script = tmp_path / "completion.bash"
    script.write_text(run_cli("completion", "bash", env=_env()).stdout, encoding="utf-8")
    # The command the script runs: this checkout's, under the name a user types.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "encord-manifest"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m encord_manifest "$@"\n')
    command.chmod(0o755)
    probe = (
        f'source "{script}"; complete -p encord-manifest; '
        "COMP_WORDS=(encord-manifest lint --output-f); COMP_CWORD=2; "
        '_encord_manifest_completion encord-manifest; echo "${COMPREPLY[@]}"'
    )
    env = _env(
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONPATH=str(ROOT / "src")
    )
    done = subprocess.run(
        [bash, "--norc", "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    registered, answer = done.stdout.splitlines()
    assert registered.endswith("-F _encord_manifest_completion encord-manifest")
    assert sorted(answer.split()) == ["--output-file", "--output-format"]


def test_output_file_is_redacted_as_standard_output_is(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_text(
        '{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg", "https://h/a.jpg?id=0ddba11": 1}]}',
        encoding="utf-8",
    )
    report = tmp_path / "r.json"
    for format in ("concise", "json", "sarif"):
        assert (
            run_cli("lint", "--output-format", format, "-o", str(report), str(manifest)).returncode
            == 1
        )
        text = report.read_text(encoding="utf-8")
        assert "S105" in text and "0ddba11" not in text, format


def test_a_url_written_as_a_json_pointer_is_redacted_too() -> None:
    """A key that is a URL reaches the formats as a pointer ("https:~1~1h~1k?sig=...")."""
    from encord_manifest._internal.text.redaction import redact_text

    assert redact_text("/images/0/https:~1~1h~1a.jpg?sig=0ddba11") == (
        "/images/0/https:~1~1h~1a.jpg?" + "*" * 11
    )
    assert "pw" not in redact_text("/images/0/https:~1~1user:pw@h~1a.jpg")
    manifest = b'{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg", "https://h/a?sig=0ddba11": 1}]}'
    for format in ("json", "sarif", "gitlab", "junit", "json-lines"):
        out = run_cli("lint", "--output-format", format, "-", stdin=manifest).stdout
        assert "S105" in out and "0ddba11" not in out, format


def test_remote_without_its_extra_says_what_to_install(tmp_path: Path) -> None:
    """Pillow and pydicom are the `remote` extra: lint runs without them, --remote says so."""
    blocker = tmp_path / "site"
    blocker.mkdir()
    # As if neither were installed: importing them fails, as it would.
    (blocker / "sitecustomize.py").write_text(
        "import sys\nsys.modules['PIL'] = None\nsys.modules['pydicom'] = None\n", encoding="utf-8"
    )
    env = _env(PYTHONPATH=f"{blocker}{os.pathsep}{ROOT / 'src'}")
    manifest = tmp_path / "m.json"
    manifest.write_bytes(BAD)
    plain = run_cli("lint", str(manifest), env=env)
    assert plain.returncode == 1 and "U301" in plain.stdout
    remote = run_cli("lint", "--remote", str(manifest), env=env)
    assert remote.returncode == 2 and remote.stdout == ""
    assert remote.stderr == (
        "encord-manifest: error: --remote needs Pillow and pydicom: "
        "pip install 'encord-manifest[remote]'\n"
    )


def test_lint_never_imports_the_remote_extra(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_bytes(BAD)
    probe = (
        "import sys, runpy; sys.argv = ['encord-manifest', 'lint', sys.argv[1]]\n"
        "try:\n    runpy.run_module('encord_manifest', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in ('PIL', 'pydicom') if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(manifest)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "LOADED []" in done.stderr, done.stderr
