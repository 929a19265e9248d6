"""The public Python API (``encord_manifest.lint``, ``convert``, ``Report``, ``Settings``):
the same verdicts as the command line, on every fixture, for paths, bytes and data."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import encord_manifest
from encord_manifest._internal.text.redaction import redact_text
from tests.helpers import CSV_EXAMPLES, CSV_INVALID, CSV_VALID, EXAMPLES, INVALID, VALID, run_cli
from tests.object_server import ObjectServer, object_server

ALL_FIXTURES = [*INVALID, *VALID, *EXAMPLES, *CSV_INVALID, *CSV_VALID, *CSV_EXAMPLES]
SIGNED = "https://bucket.s3.amazonaws.com/a.jpg?X-Amz-Signature=0123456789abcdef&X-Amz-Credential=AKIDEXAMPLE"


def _fields(diagnostic: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        diagnostic[k] for k in ("code", "severity", "line", "column", "pointer", "message")
    )


def _api_fields(report: encord_manifest.Report) -> list[tuple[Any, ...]]:
    # The command line redacts where text leaves it; a report's diagnostics are the data.
    return [
        (d.code, d.severity.value, d.span.line, d.span.column, d.pointer, redact_text(d.message))
        for d in report.diagnostics
    ]


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: p.name)
def test_lint_of_a_path_finds_what_the_command_line_finds(fixture: Path) -> None:
    done = run_cli("lint", "--isolated", "--output-format", "json", str(fixture))
    expected = [_fields(d) for d in json.loads(done.stdout)["diagnostics"]]
    report = encord_manifest.lint(fixture, settings=encord_manifest.Settings(isolated=True))
    assert _api_fields(report) == expected
    assert report.ok == (done.returncode == 0)
    assert report.path == str(fixture)


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: p.name)
def test_bytes_are_linted_as_the_file_they_came_from(fixture: Path) -> None:
    isolated = encord_manifest.Settings(isolated=True)
    from_path = encord_manifest.lint(fixture, settings=isolated, name="m")
    from_bytes = encord_manifest.lint(
        fixture.read_bytes(),
        settings=isolated,
        name="m",
        format="csv" if fixture.suffix == ".csv" else "json",
    )
    assert _api_fields(from_bytes) == _api_fields(from_path)


def _json_data(fixture: Path) -> Any:
    try:
        return json.loads(fixture.read_bytes())
    except (ValueError, RecursionError):  # not JSON, or nested deeper than json.loads goes
        return None


@pytest.mark.parametrize("fixture", [*INVALID, *VALID, *EXAMPLES], ids=lambda p: p.name)
def test_parsed_data_gets_the_findings_of_its_file_by_pointer(fixture: Path) -> None:
    data = _json_data(fixture)
    if not isinstance(data, (dict, list)):
        pytest.skip("not JSON that parses")
    isolated = encord_manifest.Settings(isolated=True)
    from_path = encord_manifest.lint(fixture, settings=isolated)
    if [d.code for d in from_path.diagnostics] == ["F005"]:
        # Too deep to copy or compare on every Python (3.13's json.loads reads it).
        assert [d.code for d in encord_manifest.lint(data, settings=isolated)] == ["F005"]
        return
    kept = copy.deepcopy(data)
    from_data = encord_manifest.lint(data, settings=isolated)
    assert data == kept  # never changed
    # The text's own findings (repeated keys, encoding, the file's size) have no data form.
    textual = {"F", "C"}
    expected = sorted(
        (d.code, d.pointer) for d in from_path.diagnostics if d.code[0] not in textual
    )
    found = sorted((d.code, d.pointer) for d in from_data.diagnostics if d.code[0] not in textual)
    if any(d.code.startswith("F") for d in from_path.diagnostics):
        pytest.skip("a file whose text holds what its data cannot (repeated keys)")
    assert found == expected
    assert all((d.span.line, d.span.column) == (1, 1) for d in from_data.diagnostics)
    assert from_data.path == "<data>"


def test_raise_for_errors_names_the_errors_with_secrets_redacted() -> None:
    manifest = {
        "images": [{"objectUrl": "<" + SIGNED}, {"objectUrl": "https://b.s3.amazonaws.com/x.jpg"}]
    }
    report = encord_manifest.lint(manifest, name="generated.json")
    assert [d.code for d in report.errors] == ["U302"]
    with pytest.raises(encord_manifest.ManifestError) as raised:
        report.raise_for_errors()
    text = str(raised.value)
    assert text.startswith("generated.json: 1 error\n  generated.json:1:1: U302")
    assert "0123456789abcdef" not in text and "AKIDEXAMPLE" not in text
    assert raised.value.report is report
    clean = encord_manifest.lint({"images": [{"objectUrl": "https://b.s3.amazonaws.com/x.jpg"}]})
    clean.raise_for_errors()  # nothing to raise
    assert clean.ok and len(clean) == 0 and list(clean) == []


def test_a_manifest_error_names_ten_errors_and_counts_the_rest() -> None:
    manifest = {
        "images": [{"objectUrl": f"<https://b.s3.amazonaws.com/{i}.jpg"} for i in range(25)]
    }
    with pytest.raises(encord_manifest.ManifestError) as raised:
        encord_manifest.lint(manifest).raise_for_errors()
    lines = str(raised.value).splitlines()
    assert lines[0] == "<data>: 25 errors"
    assert len(lines) == 12 and lines[-1] == "  ... and 15 more"


def test_render_prints_what_the_command_line_prints(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"images": [{"objectUrl": "<" + SIGNED}]}, indent=2))
    report = encord_manifest.lint(path, settings=encord_manifest.Settings(isolated=True))
    for output_format in ("concise", "full", "json", "github", "sarif", "junit"):
        done = run_cli("lint", "--isolated", "--output-format", output_format, str(path))
        # (The github format stops workflow commands with a token new in each run.)
        assert _same_token(report.render(output_format)) == _same_token(done.stdout)
    assert "0123456789abcdef" not in report.render("json")
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        report.render("xml")


def _same_token(text: str) -> str:
    return re.sub(r"stop-commands::\w+|::\w{32}::", "TOKEN", text)


def test_settings_select_ignore_and_provider() -> None:
    manifest = {"images": [{"objectUrl": "<https://b.s3.amazonaws.com/x.jpg"}]}
    assert [d.code for d in encord_manifest.lint(manifest)] == ["U302"]
    ignored = encord_manifest.Settings(ignore=["U302"])
    assert list(encord_manifest.lint(manifest, settings=ignored)) == []
    on_s3 = {"images": [{"objectUrl": "https://b.s3.amazonaws.com/x.jpg"}]}
    assert list(encord_manifest.lint(on_s3)) == []
    otc = encord_manifest.Settings(provider="otc", select=["U"])
    assert [d.code for d in encord_manifest.lint(on_s3, settings=otc)] == ["U310"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"select": "U302"}, "select: a list of codes, not the string 'U302'"),
        ({"ignore": ["Q999"]}, "Q999"),
        ({"provider": "dropbox"}, "provider: 'dropbox' is not one of"),
        ({"max_input_size": "lots"}, "--max-input-size"),
    ],
)
def test_settings_the_command_line_would_refuse_raise_config_error(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(encord_manifest.ConfigError, match=message.replace("(", r"\(")):
        encord_manifest.lint({"images": []}, settings=encord_manifest.Settings(**settings))


def test_the_nearest_configuration_file_applies_unless_isolated(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.encord-manifest]\nignore = ["U302"]\n')
    path = tmp_path / "m.json"
    path.write_text('{"images": [{"objectUrl": "<https://b.s3.amazonaws.com/x.jpg"}]}')
    assert list(encord_manifest.lint(path)) == []
    isolated = encord_manifest.lint(path, settings=encord_manifest.Settings(isolated=True))
    assert [d.code for d in isolated] == ["U302"]
    (tmp_path / "pyproject.toml").write_text('[tool.encord-manifest]\nexclude = ["m.json"]\n')
    excluded = encord_manifest.lint(path)
    assert excluded.excluded and list(excluded) == []


def test_unreadable_paths_raise_input_error(tmp_path: Path) -> None:
    with pytest.raises(encord_manifest.InputError, match="No such file"):
        encord_manifest.lint(tmp_path / "missing.json")
    with pytest.raises(encord_manifest.InputError):
        encord_manifest.lint(tmp_path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"images": [("a",)]}, "data at /images/0: a tuple is not JSON"),
        ({"images": [{1: "x"}]}, "data at /images/0: key 1 is not a string"),
        ({"images": [{"objectUrl": float("nan")}]}, "NaN is not a JSON number"),
        ({"images": {"a", "b"}}, "a set is not JSON"),
    ],
)
def test_data_that_json_cannot_hold_is_refused(data: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        encord_manifest.lint(data)


def test_data_nested_too_deep_or_in_a_cycle_is_f005() -> None:
    deep: Any = []
    for _ in range(2000):
        deep = [deep]
    cycle: dict[str, Any] = {"images": []}
    cycle["images"].append(cycle)
    for data in ({"images": deep}, cycle):
        assert [d.code for d in encord_manifest.lint(data)] == ["F005"]


def test_other_sources_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="not int"):
        encord_manifest.lint(42)  # type: ignore[arg-type]


def test_convert_writes_what_the_command_writes(tmp_path: Path) -> None:
    for fixture in CSV_VALID:
        done = run_cli("convert", str(fixture))
        assert encord_manifest.convert(fixture) == done.stdout, fixture.name
        json_path = tmp_path / (fixture.stem + ".json")
        json_path.write_text(done.stdout)
        back = run_cli("convert", str(json_path))
        if back.returncode == 0:
            assert encord_manifest.convert(json_path) == back.stdout


def test_convert_refuses_errors_unless_forced() -> None:
    raw = b'{"images": [{"objectUrl": "<https://b.s3.amazonaws.com/x.jpg"}]}'
    with pytest.raises(encord_manifest.ManifestError, match="U302"):
        encord_manifest.convert(raw, name="m.json")
    forced = encord_manifest.convert(raw, name="m.json", force=True)
    assert forced.splitlines()[0].lower().startswith("objecturl")
    with pytest.raises(ValueError, match="already JSON"):
        encord_manifest.convert(raw, name="m.json", to="json")
    nested = b'{"images": [{"objectUrl": "https://b.s3.amazonaws.com/x.jpg", "clientMetadata": {"a": 1}}]}'
    with pytest.raises(ValueError, match="CSV cannot carry"):
        encord_manifest.convert(nested, name="m.json")


@pytest.fixture(scope="module")
def server() -> Iterator[ObjectServer]:
    with object_server() as running:
        yield running


def test_remote_checks_are_an_opt_in(server: ObjectServer) -> None:
    manifest = {"images": [{"objectUrl": server.url("/nope/cat.jpg")}]}
    offline = encord_manifest.lint(manifest)
    assert [d.code for d in offline] == ["U304"]  # plain http; no request by default
    host = server.url("/").split("/")[2]
    remote = encord_manifest.RemoteOptions(allow_hosts=(host,), cache=False, jobs=2)
    report = encord_manifest.lint(manifest, remote=remote)
    assert [(d.code, d.message) for d in report if d.code[0] == "R"] == [
        ("R801", "object not found (HTTP 404)")
    ]
    linter = encord_manifest.Linter(remote=remote)
    assert [d.code for d in linter.lint(manifest) if d.code[0] == "R"] == ["R801"]
    asked = len(server.requests_for("/nope/cat.jpg"))
    refused = encord_manifest.lint(manifest, remote=encord_manifest.RemoteOptions(cache=False))
    (private,) = [d for d in refused if d.code[0] == "R"]  # a private address, not opened
    assert private.code == "R809" and "private or local address" in private.message
    assert len(server.requests_for("/nope/cat.jpg")) == asked  # and never asked


def test_the_public_names_are_exactly_all() -> None:
    names = set(encord_manifest.__all__)
    for name in names:
        assert getattr(encord_manifest, name) is not None
    assert set(dir(encord_manifest)) == names
    with pytest.raises(AttributeError, match="no attribute 'linter'"):
        encord_manifest.linter  # type: ignore[attr-defined]  # noqa: B018
    public = {name for name in vars(encord_manifest) if not name.startswith("_")}
    assert public <= names | {"annotations", "TYPE_CHECKING", "Any"}


def test_importing_the_package_loads_nothing_of_the_implementation() -> None:
    code = (
        "import sys, encord_manifest; "
        "print(sorted(m for m in sys.modules if m.startswith('encord_manifest.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_documented_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text()
    example = text.split("<!-- api-example -->\n```python\n", 1)[1].split("```", 1)[0]
    manifest = {"images": [{"objectUrl": "https://bucket.obs.eu-de.otc.t-systems.com/a.jpg"}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "docs/api.md", "exec"), {})
    (tmp_path / "manifest.json").write_text(json.dumps({"images": [{"objectUrl": "<x"}]}))
    with pytest.raises(encord_manifest.ManifestError):
        exec(compile(example, "docs/api.md", "exec"), {})


def test_the_documented_names_are_the_public_ones() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text()
    stability = text.split("## Stability", 1)[1]
    named = set(re.findall(r"`(\w+)`", stability.split("with the members")[0]))
    assert named == set(encord_manifest.__all__)


def test_files_plainly_not_manifests_can_be_skipped(tmp_path: Path) -> None:
    package = tmp_path / "package.json"
    package.write_text('{"name": "web-app", "version": "1.0.0", "dependencies": {}}')
    assert encord_manifest.lint(package).errors  # linted unless asked: S-codes
    skipped = encord_manifest.Linter().lint(package, skip_non_manifests=True)
    assert skipped.not_a_manifest and list(skipped) == [] and skipped.ok
    done = run_cli("lint", "--skip-non-manifests", str(package))
    assert skipped.not_a_manifest in done.stderr
    raw = encord_manifest.Linter().lint(package.read_bytes(), skip_non_manifests=True)
    assert raw.not_a_manifest == skipped.not_a_manifest
    manifest = {"images": [{"objectUrl": "<https://b.s3.amazonaws.com/x.jpg"}]}
    kept = encord_manifest.Linter().lint(manifest, skip_non_manifests=True)
    assert kept.not_a_manifest is None and [d.code for d in kept] == ["U302"]


def test_a_manifest_error_escapes_and_redacts_the_manifest_s_name() -> None:
    manifest = {"images": [{"objectUrl": "<https://b.s3.amazonaws.com/x.jpg"}]}
    hostile = "a\n::error title=x::pwned https://user:SECRETPW@h.example/m.json"
    with pytest.raises(encord_manifest.ManifestError) as raised:
        encord_manifest.lint(manifest, name=hostile).raise_for_errors()
    text = str(raised.value)
    assert "SECRETPW" not in text
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())
    assert len(text.splitlines()) == 2  # the header and the one error, each one line


def test_a_manifest_error_survives_pickling() -> None:
    import pickle

    manifest = {"images": [{"objectUrl": "<https://b.s3.amazonaws.com/x.jpg"}]}
    error = encord_manifest.ManifestError(encord_manifest.lint(manifest))
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.report == error.report
    assert str(copy.copy(error)) == str(error)


def test_shared_parts_of_data_are_measured_once() -> None:
    meta = {"site": "berlin", "tags": ["a", "b"]}
    shared = {
        "images": [
            {"objectUrl": f"https://b.s3.amazonaws.com/{i}.jpg", "clientMetadata": meta}
            for i in range(50)
        ]
    }
    assert list(encord_manifest.lint(shared)) == []  # one dict in many places is fine
    node: list[Any] = []
    for _ in range(60):  # 2**60 values as a tree: refused at once, not walked
        node = [node, node]
    with pytest.raises(TypeError, match="shared parts stand for more than"):
        encord_manifest.lint(
            {
                "images": [
                    {"objectUrl": "https://b.s3.amazonaws.com/x.jpg", "clientMetadata": {"a": node}}
                ]
            }
        )


def test_integers_too_long_to_write_are_refused() -> None:
    with pytest.raises(TypeError, match="an integer too long to write"):
        encord_manifest.lint(
            {"videos": [{"objectUrl": "https://b.s3.amazonaws.com/x.mp4", "title": 10**5000}]}
        )
    big = encord_manifest.lint(
        {"videos": [{"objectUrl": "https://b.s3.amazonaws.com/x.mp4", "title": 10**100}]}
    )
    assert [d.code for d in big.errors] == ["S108"]  # a number, not a title


def test_a_path_holding_a_nul_is_an_input_error() -> None:
    with pytest.raises(encord_manifest.InputError, match="NUL"):
        encord_manifest.lint("a\x00b.json")


def test_bytes_above_the_input_size_limit_are_refused_unread() -> None:
    small = encord_manifest.Settings(max_input_size="1KB")
    with pytest.raises(encord_manifest.InputError, match="larger than"):
        encord_manifest.lint(b"{" + b" " * 2000 + b"}", settings=small)


def test_formats_other_than_json_and_csv_are_refused() -> None:
    with pytest.raises(ValueError, match="format 'CSV'"):
        encord_manifest.lint(b"{}", format="CSV")  # type: ignore[arg-type]


def test_settings_hold_tuples_and_refuse_what_is_not_a_code() -> None:
    settings = encord_manifest.Settings(ignore=["U302"], extend_select=None)  # type: ignore[arg-type]
    assert settings.ignore == ("U302",) and settings.extend_select == ()
    assert hash(settings) == hash(encord_manifest.Settings(ignore=("U302",)))
    with pytest.raises(encord_manifest.ConfigError, match="5 is not a code"):
        encord_manifest.lint({"images": []}, settings=encord_manifest.Settings(select=[5]))  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"jobs": 0}, "jobs: 0"),
        ({"jobs": 2.5}, "jobs: 2.5"),
        ({"timeout": -5}, "timeout: -5"),
        ({"deadline": -1}, "deadline: -1"),
        ({"allow_hosts": "minio.internal:9000"}, "allow_hosts: a list"),
    ],
)
def test_remote_options_the_command_line_would_refuse(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(encord_manifest.ConfigError, match=message):
        encord_manifest.RemoteOptions(**options)


def test_missing_credentials_are_a_config_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(encord_manifest.ConfigError, match="nosuch"):
        encord_manifest.Linter(remote=encord_manifest.RemoteOptions(profile="nosuch"))


def test_convert_lints_an_excluded_file_and_reads_it_once(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.encord-manifest]\nexclude = ["m.json"]\n')
    path = tmp_path / "m.json"
    path.write_text('{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a b.jpg"}]}')
    with pytest.raises(encord_manifest.ManifestError, match="U301"):
        encord_manifest.convert(path)
    assert run_cli("convert", str(path)).returncode == 1  # as the command


def test_convert_of_data_writes_csv() -> None:
    data = {"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg", "title": "a.jpg"}]}
    kept = copy.deepcopy(data)
    csv_text = encord_manifest.convert(data)
    assert csv_text.splitlines()[1] == "https://b.s3.amazonaws.com/a.jpg,a.jpg"
    assert json.loads(encord_manifest.convert(csv_text.encode(), name="m.csv")) == data
    flagged = json.loads(
        encord_manifest.convert(csv_text.encode(), name="m.csv", skip_duplicate_urls=True)
    )
    assert flagged["skip_duplicate_urls"] is True
    assert data == kept


def test_a_skipped_non_manifest_of_bytes_is_named() -> None:
    skipped = encord_manifest.Linter().lint(
        b'{"name": "web-app", "version": "1.0.0"}', skip_non_manifests=True
    )
    assert skipped.path == "<bytes>" and skipped.not_a_manifest


def test_convert_of_data_too_deep_is_a_manifest_error() -> None:
    deep: Any = []
    for _ in range(3000):
        deep = [deep]
    with pytest.raises(encord_manifest.ManifestError, match="F005"):
        encord_manifest.convert({"images": deep})
