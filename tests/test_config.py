"""Configuration: discovery upward from each manifest, precedence, selection, and strict errors."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from encord_manifest._internal.config import (
    ConfigError,
    SettingsResolver,
    command_line_options,
    path_matches,
)
from encord_manifest._internal.engine.linter import lint_file
from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.model.settings import Provider
from tests.helpers import run_cli

#: An image URL with a space (U301, error), on plain http (U304, warning), no extension (U309).
MANIFEST = {
    "images": [
        {"objectUrl": "https://scans.obs.eu-de.otc.t-systems.com/a b.jpg"},
        {"objectUrl": "http://scans.obs.eu-de.otc.t-systems.com/plain.jpg"},
        {"objectUrl": "https://scans.s3.eu-central-1.amazonaws.com/noext"},
    ]
}
CODES = ["U301", "U304", "U309"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def manifest(path: Path) -> Path:
    return write(path, json.dumps(MANIFEST, indent=2) + "\n")


def codes_of(path: Path, resolver: SettingsResolver | None = None) -> list[str]:
    settings = (resolver or SettingsResolver()).settings_for(str(path))
    return [d.code for d in lint_file(str(path), settings).diagnostics]


# -- discovery ------------------------------------------------------------------------------


def test_without_configuration_every_rule_reports(tmp_path: Path) -> None:
    assert codes_of(manifest(tmp_path / "m.json")) == CODES


def test_pyproject_table_applies_to_manifests_below_it(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.encord-manifest]\nignore = ["U309"]\n')
    assert codes_of(manifest(tmp_path / "deep" / "er" / "m.json")) == ["U301", "U304"]


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.encord-manifest]\nignore = ["U309"]\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "other"\n')
    assert codes_of(manifest(tmp_path / "sub" / "m.json")) == ["U301", "U304"]


def test_the_nearest_file_wins_and_files_are_not_merged(tmp_path: Path) -> None:
    write(tmp_path / "encord-manifest.toml", 'ignore = ["U309"]\n')
    write(tmp_path / "sub" / "encord-manifest.toml", 'ignore = ["U304"]\n')
    assert codes_of(manifest(tmp_path / "sub" / "m.json")) == ["U301", "U309"]
    assert codes_of(manifest(tmp_path / "m.json")) == ["U301", "U304"]


def test_one_resolver_over_many_directories_decides_as_a_fresh_one_per_file(
    tmp_path: Path,
) -> None:
    """A run remembers each directory's configuration and each (configuration, per-file
    ignores) pair's settings: pre-commit passes hundreds of files in one command."""
    write(
        tmp_path / "encord-manifest.toml",
        'ignore = ["U309"]\n[per-file-ignores]\n"b/" = ["U304"]\n',
    )
    write(tmp_path / "c" / "encord-manifest.toml", 'select = ["U304"]\n')
    paths = [
        manifest(tmp_path / where / "m.json") for where in ("a", "b", "c", "c/d", "a/e", ".", "b/f")
    ]
    shared = SettingsResolver()
    for path in paths + paths[::-1]:
        assert codes_of(path, shared) == codes_of(path), path
    assert [codes_of(p, shared) for p in paths] == [
        ["U301", "U304"],
        ["U301"],
        ["U304"],
        ["U304"],
        ["U301", "U304"],
        ["U301", "U304"],
        ["U301"],
    ]


def test_encord_manifest_toml_beats_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.encord-manifest]\nignore = ["U309"]\n')
    write(tmp_path / "encord-manifest.toml", 'ignore = ["U304"]\n')
    assert codes_of(manifest(tmp_path / "m.json")) == ["U301", "U309"]


def test_config_option_names_one_file_for_all_and_isolated_ignores_files(tmp_path: Path) -> None:
    write(tmp_path / "encord-manifest.toml", 'ignore = ["U309"]\n')
    elsewhere = write(tmp_path / "ci" / "strict.toml", 'ignore = ["U304"]\n')
    path = manifest(tmp_path / "m.json")
    assert codes_of(path, SettingsResolver(config_path=elsewhere)) == ["U301", "U309"]
    assert codes_of(path, SettingsResolver(isolated=True)) == CODES


# -- selection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('select = ["U3"]', CODES),
        ('select = ["U301"]', ["U301"]),
        ('select = ["S"]', []),
        ('ignore = ["U"]', []),
        ('ignore = ["ALL"]', []),
        ('ignore = ["url-http", "u309"]', ["U301"]),
        # The more specific of a selection and an ignore wins, whatever list it is in.
        ('ignore = ["U"]\nextend-select = ["U304"]', ["U304"]),
        ('select = ["U304"]\nignore = ["U3"]', ["U304"]),
        ('select = ["U3"]\nignore = ["U301", "U304"]', ["U309"]),
    ],
)
def test_select_extend_select_and_ignore(tmp_path: Path, config: str, expected: list[str]) -> None:
    write(tmp_path / "encord-manifest.toml", config + "\n")
    assert codes_of(manifest(tmp_path / "m.json")) == expected


def test_per_file_ignores_match_names_directories_and_paths(tmp_path: Path) -> None:
    write(
        tmp_path / "encord-manifest.toml",
        '[per-file-ignores]\n"drafts/" = ["U3"]\n"*-legacy.json" = ["U304"]\n'
        '"team/a/**/*.json" = ["U309"]\n',
    )
    assert codes_of(manifest(tmp_path / "drafts" / "x" / "m.json")) == []
    assert codes_of(manifest(tmp_path / "old" / "m-legacy.json")) == ["U301", "U309"]
    assert codes_of(manifest(tmp_path / "team" / "a" / "b" / "c" / "m.json")) == ["U301", "U304"]
    assert codes_of(manifest(tmp_path / "team" / "b" / "m.json")) == CODES


def test_severity_overrides_change_the_exit_code(tmp_path: Path) -> None:
    path = manifest(tmp_path / "m.json")
    write(tmp_path / "encord-manifest.toml", 'ignore = ["U301"]\n')
    assert run_cli("lint", str(path)).returncode == 0  # U304 and U309 are not errors
    write(tmp_path / "encord-manifest.toml", 'ignore = ["U301"]\n[severity]\nU30 = "error"\n')
    done = run_cli("lint", str(path), "--output-format", "json")
    severities = {d["code"]: d["severity"] for d in json.loads(done.stdout)["diagnostics"]}
    assert done.returncode == 1
    assert severities == {"U304": "error", "U309": "error"}


def test_the_most_specific_severity_override_wins(tmp_path: Path) -> None:
    write(tmp_path / "encord-manifest.toml", '[severity]\nU309 = "warning"\nU = "info"\n')
    resolver = SettingsResolver()
    settings = resolver.settings_for(str(manifest(tmp_path / "m.json")))
    overrides = dict(settings.severities)
    assert overrides["U309"] is Severity.WARNING and overrides["U301"] is Severity.INFO


def test_unreadable_file_codes_stay_errors_under_prefixes(tmp_path: Path) -> None:
    write(tmp_path / "encord-manifest.toml", 'ignore = ["F"]\n[severity]\nF = "info"\n')
    broken = write(tmp_path / "broken.json", '{"images": [\n')
    done = run_cli("lint", str(broken), "--output-format", "json")
    (diagnostic,) = json.loads(done.stdout)["diagnostics"]
    assert (done.returncode, diagnostic["code"], diagnostic["severity"]) == (1, "F001", "error")


def test_limits_from_the_configuration(tmp_path: Path) -> None:
    write(tmp_path / "encord-manifest.toml", "max-entries = 2\nmax-file-mb = 0.0001\n")
    found = codes_of(manifest(tmp_path / "m.json"))
    assert "L603" in found and "L604" in found


# -- exclude --------------------------------------------------------------------------------


def test_exclude_skips_files_named_or_found(tmp_path: Path) -> None:
    write(tmp_path / "encord-manifest.toml", 'exclude = ["generated", "*.draft.json"]\n')
    manifest(tmp_path / "generated" / "out.json")
    draft = manifest(tmp_path / "m.draft.json")
    kept = manifest(tmp_path / "m.json")
    found = run_cli("lint", str(tmp_path), "--output-format", "json")
    assert {d["path"] for d in json.loads(found.stdout)["diagnostics"]} == {str(kept)}
    named = run_cli("lint", str(draft))  # as pre-commit passes files: still excluded, and said
    assert (named.returncode, named.stdout) == (0, "No files linted.\n")
    config = tmp_path / "encord-manifest.toml"
    assert named.stderr == f"encord-manifest: info: {draft}: not linted: excluded by {config}\n"


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*.json", "a/b/c.json", True),
        ("drafts", "drafts/x/m.json", True),
        ("drafts/", "drafts/x/m.json", True),
        ("drafts", "final/m.json", False),
        ("a/*.json", "a/m.json", True),
        ("a/*.json", "a/b/m.json", False),
        ("a/**/*.json", "a/m.json", True),
        ("a/**/*.json", "a/b/c/m.json", True),
        ("./a/*", "a/m.json", True),
        ("m[0-9].json", "x/m7.json", True),
        ("m[!0-9].json", "x/m7.json", False),
        ("?.json", "ab.json", False),
        ("a/b", "a/b/m.json", True),
    ],
)
def test_pattern_matching(pattern: str, path: str, matches: bool) -> None:
    assert path_matches(pattern, PurePosixPath(path)) is matches


# -- precedence -----------------------------------------------------------------------------


def test_command_line_select_replaces_and_ignore_adds(tmp_path: Path) -> None:
    write(tmp_path / "encord-manifest.toml", 'select = ["U301"]\nignore = ["U304"]\n')
    path = manifest(tmp_path / "m.json")
    replaced = SettingsResolver(command_line_options(select=["U3"]))
    assert codes_of(path, replaced) == ["U301", "U309"]
    added = SettingsResolver(command_line_options(ignore=["U301,U309"]))
    assert codes_of(path, added) == []


@pytest.mark.parametrize(
    ("config", "cli", "expected"),
    [
        # At equal specificity the command line decides...
        ('ignore = ["U309"]', {"extend_select": ["U309"]}, CODES),
        ('extend-select = ["U309"]\nselect = ["S"]', {"ignore": ["U309"]}, []),
        # ...but a broad command-line selection does not undo a narrow ignore in the file.
        ('ignore = ["U309"]', {"extend_select": ["U"]}, ["U301", "U304"]),
        ('ignore = ["U309"]', {"select": ["U3"]}, ["U301", "U304"]),
        # A command-line select replaces the file's select.
        ('select = ["S"]', {"select": ["U301"]}, ["U301"]),
    ],
)
def test_command_line_selection_layers_over_the_file(
    tmp_path: Path, config: str, cli: dict[str, list[str]], expected: list[str]
) -> None:
    write(tmp_path / "encord-manifest.toml", config + "\n")
    resolver = SettingsResolver(command_line_options(**cli))
    assert codes_of(manifest(tmp_path / "m.json"), resolver) == expected


def test_command_line_provider_overrides_the_file(tmp_path: Path) -> None:
    write(tmp_path / "encord-manifest.toml", 'provider = "otc"\n')
    path = manifest(tmp_path / "m.json")
    assert "U310" in codes_of(path)  # the amazonaws.com URL
    resolver = SettingsResolver(command_line_options(provider=Provider.AWS))
    assert resolver.settings_for(str(path)).provider is Provider.AWS
    assert codes_of(path, SettingsResolver(command_line_options(provider=Provider.ANY))) == CODES


def test_convert_lints_with_the_configuration_too(tmp_path: Path) -> None:
    csv = write(
        tmp_path / "m.csv", "ObjectUrl\nhttps://scans.s3.eu-central-1.amazonaws.com/a.mp4\n"
    )
    assert run_cli("convert", str(csv)).returncode == 0
    write(tmp_path / "encord-manifest.toml", 'provider = "otc"\n')
    refused = run_cli("convert", str(csv))
    assert refused.returncode == 1 and "U310" in refused.stderr


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('selct = ["U"]', "unknown key 'selct' (did you mean 'select'?)"),
        ('select = "U"', 'select: expected a list of strings, such as ["U309"]'),
        ("select = [1]", "select: expected a list of strings, found 1"),
        ('ignore = ["X9"]', "ignore: 'X9' is no rule code, prefix or name"),
        ('ignore = ["duplicate-titel"]', "(did you mean 'duplicate-title'?)"),
        ('ignore = ["F001"]', "ignore: F001 (a file that cannot be read) is always reported"),
        ('provider = "aws2"', "provider: 'aws2' is not one of any, otc, aws, gcp, azure"),
        ("max-entries = 0", "max-entries: expected a whole number above 0, found 0"),
        ('max-entries = "10k"', "max-entries: expected a whole number above 0, found '10k'"),
        ("max-file-mb = -1", "max-file-mb: expected a number above 0, found -1"),
        ("max-file-mb = nan", "max-file-mb: expected a number above 0, found nan"),
        (
            'severity = {U301 = "fatal"}',
            "severity.U301: 'fatal' is not one of error, warning, info",
        ),
        ('severity = {F002 = "warning"}', "severity.F002: F002 (a file that cannot be read)"),
        ('per-file-ignores = ["a"]', "per-file-ignores: expected a table of patterns"),
        ('per-file-ignores = {"a" = ["Q1"]}', "per-file-ignores.'a': 'Q1' is no rule code"),
        ('exclude = [""]', "exclude: an empty pattern matches nothing"),
        ("select = [", "not valid TOML: "),
        # Patterns are checked when read, not at the first file they would match.
        ('exclude = ["[z-a]"]', "exclude: '[z-a]' is not a valid pattern (bad character range"),
        ('exclude = ["a/[!]"]', "exclude: 'a/[!]' is not a valid pattern (unterminated"),
        ('exclude = "drafts"', 'exclude: expected a list of strings, such as ["U309"]'),
        (
            'per-file-ignores = {"[z-a].json" = ["U"]}',
            "per-file-ignores: '[z-a].json' is not a valid pattern (bad character range",
        ),
        ('per-file-ignores = {" " = ["U"]}', "per-file-ignores: an empty pattern matches"),
        ('per-file-ignores = {"a" = "U"}', "per-file-ignores.'a': expected a list of strings"),
        ('severity = ["U301"]', "severity: expected a table, such as"),
        ("provider = 3", "provider: 3 is not one of any"),
        ('select = [["U"]]', "select: expected a list of strings, found ['U']"),
        # Deep nesting makes tomllib recurse past Python's limit (a RecursionError).
        ("a = " + "[" * 3000 + "]" * 3000, "not usable TOML: values nested too deeply"),
        ("a = " + "{b = " * 3000 + "1" + "}" * 3000, "not usable TOML: values nested too deeply"),
        ('max-input-size = "2XB"', 'max-input-size: expected a size such as "2GiB", "500MB"'),
        ("max-input-size = 0", "max-input-size: expected a size such as"),
        ("max-input-size = true", "max-input-size: expected a size such as"),
        ("max-input-size = 1.5", "max-input-size: expected a size such as"),
    ],
)
def test_a_bad_configuration_is_a_usage_error_naming_the_key(
    tmp_path: Path, config: str, message: str
) -> None:
    config_file = write(tmp_path / "encord-manifest.toml", config + "\n")
    path = manifest(tmp_path / "m.json")
    with pytest.raises(ConfigError) as raised:
        SettingsResolver().settings_for(str(path))
    assert str(raised.value).startswith(f"{config_file}: ") and message in str(raised.value)
    done = run_cli("lint", str(path))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"encord-manifest: error: {raised.value}\n"  # one line


def test_deep_nesting_in_pyproject_names_the_file(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", "[tool.encord-manifest]\nx = " + "[" * 5000)
    done = run_cli("lint", str(manifest(tmp_path / "m.json")))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"encord-manifest: error: {pyproject}: not usable TOML: values nested too deeply\n"
    )


def test_a_bad_pyproject_table_names_the_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.encord-manifest]\nprovder = 'otc'\n")
    with pytest.raises(ConfigError) as raised:
        SettingsResolver().settings_for(str(manifest(tmp_path / "m.json")))
    assert str(raised.value).startswith(
        f"{tmp_path / 'pyproject.toml'}: [tool.encord-manifest]: unknown key 'provder' "
        "(did you mean 'provider'?)"
    )


def test_a_config_option_without_the_table_or_file_is_a_usage_error(tmp_path: Path) -> None:
    bare = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    path = manifest(tmp_path / "m.json")
    done = run_cli("lint", str(path), "--config", str(bare))
    assert done.returncode == 2 and "no [tool.encord-manifest] table" in done.stderr
    missing = run_cli("lint", str(path), "--config", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "nope.toml: cannot read: " in missing.stderr


def test_bad_command_line_selectors_are_usage_errors(tmp_path: Path) -> None:
    done = run_cli("lint", str(manifest(tmp_path / "m.json")), "--ignore", "U301,ZZ")
    assert done.returncode == 2
    assert done.stderr.startswith("encord-manifest: error: --ignore: 'ZZ' is no rule code")


# -- show-settings --------------------------------------------------------------------------


def test_show_settings_prints_the_resolved_configuration(tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    write(
        tmp_path / "pyproject.toml",
        '[tool.encord-manifest]\nignore = ["U309"]\nprovider = "otc"\nmax-file-mb = 2.5\n'
        '[tool.encord-manifest.per-file-ignores]\n"drafts/" = ["T4"]\n'
        '[tool.encord-manifest.severity]\nU304 = "error"\n',
    )
    path = manifest(tmp_path / "drafts" / "m.json")
    done = run_cli(
        "lint", "--show-settings", "--extend-select", "U309", "drafts/m.json", cwd=tmp_path
    )
    assert done.returncode == 0 and done.stderr == ""
    assert path.is_file()
    assert done.stdout.replace(str(tmp_path), "<tmp>") == snapshot
