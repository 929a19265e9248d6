"""No secret and no injection in any output: the CI job lints pull requests someone else wrote.

Every format of the registry is fed a hostile file name, hostile keys and pre-signed URLs with
user information; the outputs must hold no secret, parse as what they claim to be, and carry
no raw control character and no line that GitHub's runner would read as a workflow command.
"""

from __future__ import annotations

import importlib
import io
import json
import pkgutil
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest

from encord_manifest import _internal as internal
from encord_manifest._internal.cli import app as cli
from encord_manifest._internal.report import OutputFormat
from encord_manifest._internal.text import redaction
from encord_manifest._internal.text.redaction import (
    RedactingStream,
    escape_control,
    escape_lines,
    redact_text,
    shown_path,
)
from tests.helpers import run_cli
from tests.object_server import ObjectServer, object_server

FORMATS = list(OutputFormat)  # every format of the registry, a new one included
SECRETS = ("SIGSECRET", "CREDSECRET", "ESCSECRET", "hunter2", "TOKSECRET", "AZSECRET")
SIGNED = (
    "https://ward:hunter2@b.s3.amazonaws.com/still 1.jpg"
    "?X-Amz-Signature=SIGSECRET&X-Amz-Credential=CREDSECRET"
)
#: Injection attempts, as file names and keys.
HOSTILE_NAME = '\x1b[2J\r\n::error::pwned<!--"},{\u202e##[error]x&amp;'
HOSTILE_KEYS = (
    "\x1b[2J",
    "\r\n::error::pwned",
    "</failure>",
    '"},{',
    "##[error]pwned",
    "\u202eevil\u2028next\x85c1",
    "\x9b31m",
)
#: Raw characters that must never reach an output (tab and LF are the only controls allowed).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def hostile_manifest(directory: Path) -> Path:
    # The JSON text is written by hand: one URL's '?' as the JSON escape \u003f.
    entry = {"objectUrl": SIGNED, **{key: 1 for key in HOSTILE_KEYS}}
    escaped = '"https://b.s3.amazonaws.com/c d.jpg\\u003fX-Amz-Signature=ESCSECRET"'
    text = json.dumps({"images": [entry]}, indent=2)[:-1] + (
        f',\n  "videos": [{{"objectUrl": {escaped}}}],\n'
        '  "audio": [{"objectUrl": "https://a.blob.core.windows.net/c/a b.mp3'
        '?sv=2022&sig=AZSECRET&access_token=TOKSECRET"}]\n}\n'
    )
    path = directory / f"{HOSTILE_NAME}.json"
    path.write_text(text, encoding="utf-8")
    return path


def assert_no_injection(text: str, output_format: str) -> None:
    assert not RAW_CONTROL.search(text), repr(RAW_CONTROL.search(text))
    assert "##[" not in text
    lines = text.split("\n")
    paused = None
    for line in lines:
        start = line.lstrip()
        if output_format == "github" and paused is None:
            if start.startswith("::stop-commands::"):
                paused = start.removeprefix("::stop-commands::")
                assert re.fullmatch("[0-9a-f]{32}", paused)
                continue
            if re.match(r"::(error|warning|notice) file=", start):
                continue  # our own annotations; their data is escaped (tested below)
        if paused is not None and start == f"::{paused}::":
            paused = None
            continue
        assert not start.startswith("::"), line
    assert paused is None
    if output_format == "github":  # the plain list after the annotations runs no command
        assert re.search(r"(?m)^::stop-commands::", text)


def assert_structure(text: str, output_format: str) -> None:
    if output_format in ("json", "sarif", "gitlab"):
        json.loads(text)
    elif output_format == "json-lines":
        assert all(json.loads(line) for line in text.splitlines())
    elif output_format == "junit":
        root = ElementTree.fromstring(text.encode("utf-8"))
        assert root.tag == "testsuites" and [s.tag for s in root] == ["testsuite"] * 2
        assert all(case.tag == "testcase" for suite in root for case in suite)


@pytest.mark.parametrize("output_format", FORMATS, ids=lambda f: f.value)
def test_a_name_holding_a_url_s_secrets_is_redacted_before_a_format_encodes_it(
    output_format: OutputFormat,
) -> None:
    """github's properties and SARIF's URIs percent-encode a name (``%3A``, ``%40``), which the
    stream's redaction could not read again: those formats redact before they encode."""
    name = "https://user:hunter2@h.example/m.json?X-Amz-Signature=SIGSECRET"
    manifest = b'{"images": [{"objectUrl": "<https://b.s3.amazonaws.com/x.jpg"}]}'
    done = run_cli(
        "lint",
        "--output-format",
        output_format.value,
        "--stdin-filename",
        name,
        "-",
        stdin=manifest,
    )
    assert done.returncode == 1, done.stderr
    assert "U302" in done.stdout
    for secret in ("hunter2", "SIGSECRET"):
        assert secret not in done.stdout + done.stderr, (secret, output_format)


@pytest.mark.parametrize("output_format", FORMATS, ids=lambda f: f.value)
def test_every_format_keeps_secrets_out_and_its_structure_whatever_the_input(
    output_format: OutputFormat, tmp_path: Path
) -> None:
    path = hostile_manifest(tmp_path)
    # A name that starts a line as a workflow command would, were it not shown as ./::...
    command = path.with_name("::error::pwned.json")
    command.write_bytes(path.read_bytes())
    names = (path.name, command.name)  # relative: each line then starts with the name
    done = run_cli("lint", "--output-format", output_format.value, *names, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    everything = done.stdout + done.stderr
    for secret in SECRETS:
        assert secret not in everything, (secret, output_format)
    assert "S105" in done.stdout and "U301" in done.stdout
    assert_no_injection(done.stdout, output_format.value)
    assert_no_injection(done.stderr, "")
    assert_structure(done.stdout, output_format.value)


def test_full_masks_the_query_after_a_space_and_keeps_the_caret_aligned(tmp_path: Path) -> None:
    path = hostile_manifest(tmp_path)
    done = run_cli("lint", "--output-format", "full", "--select", "U301", str(path))
    source = [line for line in done.stdout.splitlines() if "still 1.jpg" in line]
    (line,) = source
    assert "https://" + "*" * 12 + "@b.s3.amazonaws.com/still 1.jpg?****" in line
    caret = done.stdout.splitlines()[done.stdout.splitlines().index(line) + 1]
    # The caret is under the URL's string as it was: masking keeps every character's column.
    start = line.index('"https://')
    # (The line is longer than the window shown: the caret runs to the window's end.)
    assert caret.index("^") == start and len(caret.rstrip()) == len(line)


def test_full_redacts_a_line_before_cutting_it_to_the_window(tmp_path: Path) -> None:
    # A minified manifest: the window around the bad key starts inside the signature, where
    # neither the URL nor the parameter's name can be seen any more.
    url = "https://b.s3.amazonaws.com/a.jpg?X-Amz-Signature=" + "SIGSECRET" * 30
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"images": [{"objectUrl": url, "bad key": 1}]}))
    done = run_cli("lint", "--output-format", "full", "--select", "S105", str(path))
    assert "S105" in done.stdout and "SIGSECRET" not in done.stdout
    assert '*****", "bad key"' in done.stdout


def test_the_diff_and_the_fix_messages_hold_no_secret_and_no_control(tmp_path: Path) -> None:
    path = tmp_path / f"{HOSTILE_NAME}.csv"
    url = SIGNED.replace("still 1", "still\x1b 1")  # a control character in the diff's lines
    path.write_text(f"ObjectUrl,Image title\n{url},a\n")
    diff = run_cli("lint", "--diff", "--select", "U301", str(path))
    assert diff.returncode == 1 and diff.stdout.startswith("--- a/")
    fixed = run_cli("lint", "--fix", "--select", "U301", str(path))
    assert "fixed 1 (U301)" in fixed.stderr
    for done in (diff, fixed):
        everything = done.stdout + done.stderr
        assert not [s for s in SECRETS if s in everything], everything
        assert_no_injection(done.stdout, "")
        assert_no_injection(done.stderr, "")


def test_stderr_lines_and_convert_messages_are_redacted_and_escaped(tmp_path: Path) -> None:
    # A path that reads as a URL with user information (the OS reads '//' as '/').
    nested = tmp_path / "https:" / "ward:hunter2@host"
    nested.mkdir(parents=True)
    (nested / "m.csv").write_text("ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a.jpg,a\n")
    url_path = f"{tmp_path}/https://ward:hunter2@host/m.csv"
    converted = run_cli("convert", url_path, "-o", str(tmp_path / "out.json"))
    assert converted.returncode == 0 and "wrote" in converted.stderr
    missing = run_cli("lint", url_path.replace("m.csv", "missing?token=TOKSECRET.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    hostile = run_cli("lint", str(tmp_path / f"{HOSTILE_NAME}.json"))
    assert hostile.returncode == 2
    for done in (converted, missing, hostile):
        assert not [s for s in SECRETS if s in done.stderr], done.stderr
        assert_no_injection(done.stderr, "")


def test_convert_writes_the_manifest_itself_unredacted(tmp_path: Path) -> None:
    # (Without the user info, which is an error of its own, U311: convert would refuse it.)
    url = SIGNED.replace(" ", "%20").replace("ward:hunter2@", "")
    source = tmp_path / "m.csv"
    source.write_text(f"ObjectUrl,Image title\n{url},a\n")
    done = run_cli("convert", str(source))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["images"][0]["objectUrl"] == url


# --- Every output passes the one function --------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def server() -> Iterator[ObjectServer]:
    with object_server() as running:
        yield running


def _main(monkeypatch: pytest.MonkeyPatch, *args: str, terminal: bool = False) -> tuple[str, str]:
    """cli.main() in this process, with redact_text replaced by str.upper: whatever reaches
    the streams without passing it keeps its lower-case letters."""
    out, err = io.StringIO(), _Terminal() if terminal else io.StringIO()
    # Every module that may bind ``redact_text`` by name is loaded before the patch: one first
    # loaded under it would keep str.upper for the rest of the test process.
    for module in pkgutil.walk_packages(internal.__path__, internal.__name__ + "."):
        if not module.name.startswith(internal.__name__ + ".encord"):  # the SDK's, if absent
            importlib.import_module(module.name)
    monkeypatch.setattr(redaction, "redact_text", str.upper)
    monkeypatch.setattr(sys, "argv", ["encord-manifest", *args])
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(SystemExit):
        cli.main()
    return out.getvalue(), err.getvalue()


def _through_redaction(text: str) -> bool:
    return bool(text) and not any(c.islower() for c in text)


@pytest.mark.parametrize("output_format", FORMATS, ids=lambda f: f.value)
def test_every_format_is_written_through_the_one_redaction(
    output_format: OutputFormat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = hostile_manifest(tmp_path)
    out, _ = _main(monkeypatch, "lint", "--output-format", output_format.value, str(path))
    assert _through_redaction(out)


def test_diff_fix_convert_errors_and_progress_go_through_the_one_redaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: ObjectServer
) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text("ObjectUrl,Image title\nhttps://b.s3.amazonaws.com/a b.jpg,a\n")
    out, err = _main(monkeypatch, "lint", "--diff", str(csv))
    assert _through_redaction(out) and _through_redaction(err)
    _, err = _main(monkeypatch, "lint", "--fix", str(csv))
    assert "FIXED 1" in err and _through_redaction(err)
    out, err = _main(monkeypatch, "convert", str(csv))
    assert "wrote" not in out and '"objectUrl"' in out  # the data, as it is
    _, err = _main(monkeypatch, "convert", str(csv), "-o", str(tmp_path / "m.json"))
    assert "WROTE" in err and _through_redaction(err)
    _, err = _main(monkeypatch, "lint", str(tmp_path / "missing.json"))
    assert "CANNOT READ" in err and _through_redaction(err)
    remote = tmp_path / "r.json"
    url = server.put("/a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 10, "image/jpeg")
    remote.write_text(json.dumps({"images": [{"objectUrl": url}]}))
    args = ("lint", "--remote", "--allow-private-hosts", "--no-cache", str(remote))
    _, err = _main(monkeypatch, *args, terminal=True)
    assert "\rCHECKED 1/1 OBJECTS" in err and _through_redaction(err)


# --- The function itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"https://b.s3.amazonaws.com/a b.jpg?X-Amz-Signature=abc"',
            '"https://b.s3.amazonaws.com/a b.jpg?' + "*" * 19 + '"',
        ),
        (
            '"https://b.s3.amazonaws.com/a.jpg\\u003fX-Amz-Signature=abc"',
            '"https://b.s3.amazonaws.com/a.jpg' + "*" * 25 + '"',
        ),
        ("https://u:pw@h.com/a.jpg#x,Cat", "https://****@h.com/a.jpg#*,Cat"),
        ("'https://h/a?s=1' and more", "'https://h/a?***' and more"),
        ("see https://h/docs for more", "see https://h/docs for more"),
        ("not listed: https://h/a?s=1 (row 3)", "not listed: https://h/a?*** (row 3)"),
        ("Credential=AKIA/1, Signature=f00", "Credential=******, Signature=***"),
        ("X-Amz-Security-Token%3DFQo%2Fx&a=1", "X-Amz-Security-Token%3D*******&a=1"),
        ("sig=abc;token=def Bearer ghi", "sig=***;token=*** Bearer ***"),
        ('{"a": "https://h/x"}', '{"a": "https://h/x"}'),
    ],
)
def test_redact_text_masks_character_for_character(text: str, expected: str) -> None:
    assert redact_text(text) == expected
    assert redact_text(expected) == expected  # idempotent


@pytest.mark.parametrize(
    "value",
    [
        SIGNED,
        'cannot read "https://u:p@h/x?s=1": gone',
        "https://h/a\\b?c=\"d\"&sig=e<f>'g'\n\tnext https://u@h/?x",
        "https://h/o'b.jpg?X-Amz-Signature=SIGSECRET&amp;x=&#10;",
    ],
)
def test_json_and_xml_stay_valid_after_redaction(value: str) -> None:
    document = json.dumps({"message": value, "list": [value, {"k": value}]})
    assert json.loads(redact_text(document))
    element = ElementTree.Element("failure", message=value)
    element.text = value
    ElementTree.fromstring(redact_text(ElementTree.tostring(element, encoding="unicode")))
    assert "SIGSECRET" not in redact_text(document)


def test_escaping_shows_every_acting_character_and_is_idempotent() -> None:
    raw = "a\x1b[2J\r\n::x\x7f\x9b\u2028\u202e\udcff ##[error]"
    escaped = escape_control(raw)
    assert escaped == "a\\x1b[2J\\x0d\\x0a::x\\x7f\\x9b\\u2028\\u202e\\udcff #\\x23[error]"
    assert escape_control(escaped) == escaped
    assert shown_path("::error::x.json") == "./::error::x.json"
    assert shown_path("  :x") == "./  :x" and shown_path("a::b") == "a::b"
    assert escape_lines(" ::error::x\r\n+a\tb\x1b\n") == " \\x3a:error::x\r\n+a\tb\\x1b\n"


def test_the_stream_escapes_what_slipped_through_but_keeps_colours_and_line_ends() -> None:
    log = io.StringIO()  # no terminal: a CI log
    stream = RedactingStream(log)
    stream.write("a\x1b[2Jb \x1b[1;31mred\x1b[0m\x9b\u202e https://u:p@h/x?s=1")
    assert log.getvalue() == ""  # held until the line ends: a URL is redacted whole
    stream.write("\r\nnext\rline\n")
    assert log.getvalue() == (
        "a\\x1b[2Jb \x1b[1;31mred\x1b[0m\\x9b\\u202e https://***@h/x?***\r\nnext\\x0dline\n"
    )
    terminal = _Terminal()
    RedactingStream(terminal).write("\rchecked 1/2\x1b[K\n")  # a terminal's progress line
    assert terminal.getvalue() == "\rchecked 1/2\x1b[K\n"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("2 | " + "A" * 40 + "https://h.example/b.jpg?key=AIzaSyLEAKED2", "AIzaSyLEAKED2"),
        ('{"u": "https://h.example/a.jpg?x<5&key=AIzaSyLEAKED"}', "AIzaSyLEAKED"),
        ("https://f.azurewebsites.net/api/x?code=FUNCTIONKEY", "FUNCTIONKEY"),
    ],
)
def test_secrets_the_review_found_are_masked(text: str, secret: str) -> None:
    from encord_manifest._internal.text.redaction import redact_text

    masked = redact_text(text)
    assert secret not in masked and len(masked) == len(text)
