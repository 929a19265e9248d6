"""Configuration files: found upward from each manifest, validated strictly, merged with the CLI.

Where settings come from, most important first:

1. the command line (``--select``, ``--ignore``, ``--provider``...);
2. the nearest configuration file above the manifest: ``encord-manifest.toml`` (a table of
   its own) or a ``pyproject.toml`` with a ``[tool.encord-manifest]`` table, searched from the
   manifest's directory upward (a ``pyproject.toml`` without the table is passed over, as
   ruff does), or the one file named by ``--config``;
3. the defaults of the spec.

Only the nearest file applies; files are not merged. Every key is described in ``OPTIONS``
below, which also drives validation and ``--show-settings``. An unknown key or a bad value
is a ``ConfigError`` that names the file and the key (exit 2): a typo in a configuration file
must never quietly switch a check off.
"""

from __future__ import annotations

import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.model.exit_codes import UsageProblem
from encord_manifest._internal.model.settings import (
    DEFAULT_MAX_INPUT_BYTES,
    UNREADABLE_CODES,
    LintSettings,
    Provider,
)

CONFIG_FILE_NAME = "encord-manifest.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = "encord-manifest"


class ConfigError(UsageProblem):
    """A configuration file (or option) that cannot be used; exit 2."""


@dataclass(frozen=True)
class Options:
    """What one configuration source says; None or empty where it says nothing."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    provider: Provider | None = None
    max_entries: int | None = None
    max_file_mb: float | None = None
    max_object_mb: float | None = None
    exclude: tuple[str, ...] = ()
    allow_hosts: tuple[str, ...] = ()
    max_input_bytes: int | None = None


# -- values ---------------------------------------------------------------------------------


def _known_codes() -> tuple[str, ...]:
    from encord_manifest._internal.rules import all_rules

    return tuple(all_rules())


def normalize_selector(selector: str, where: str) -> str:
    """A rule selector as written by a user: ``ALL``, a code, a prefix of codes, or a rule name."""
    text = selector.strip()
    if text.upper() == "ALL":
        return "ALL"
    from encord_manifest._internal.rules import all_rules

    rules = all_rules()
    by_name = {rule.name: code for code, rule in rules.items()}
    if text in by_name:
        return by_name[text]
    code = text.upper()
    if re.fullmatch(r"[A-Z]\d{0,3}", code) and any(known.startswith(code) for known in rules):
        return code
    from encord_manifest._internal.text.suggest import suggest_key  # the error path only (difflib)

    close = suggest_key(text, [*rules, *by_name])
    hint = f" (did you mean {close!r}?)" if close else ""
    raise ConfigError(
        f"{where}: {selector!r} is no rule code, prefix or name{hint}; "
        "'encord-manifest rules' lists them"
    )


def _refuse_unreadable(code: str, where: str) -> None:
    """Prefixes may cover them (and leave them alone); naming one exactly is a mistake."""
    if code in UNREADABLE_CODES:
        raise ConfigError(
            f"{where}: {code} (a file that cannot be read) is always reported as an error"
        )


def _ignores(value: Any, where: str) -> tuple[str, ...]:
    selectors = _selectors(value, where)
    for code in selectors:
        _refuse_unreadable(code, where)
    return selectors


def _string_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list):
        raise ConfigError(f'{where}: expected a list of strings, such as ["U309"]')
    for item in value:
        if not isinstance(item, str):
            raise ConfigError(f"{where}: expected a list of strings, found {item!r}")
    return list(value)


def _selectors(value: Any, where: str) -> tuple[str, ...]:
    return tuple(normalize_selector(item, where) for item in _string_list(value, where))


def _glob(glob: str, where: str) -> str:
    """A pattern, checked now: a bad one (``[z-a]``) would otherwise fail at the first match."""
    if not glob.strip():
        raise ConfigError(f"{where}: an empty pattern matches nothing")
    try:
        _glob_regex(_normalized(glob))
    except re.error as error:
        raise ConfigError(f"{where}: {glob!r} is not a valid pattern ({error.msg})") from None
    return glob


def _globs(value: Any, where: str) -> tuple[str, ...]:
    return tuple(_glob(glob, where) for glob in _string_list(value, where))


def _per_file_ignores(value: Any, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f'{where}: expected a table of patterns, such as {{"drafts/*" = ["U"]}}')
    return tuple(
        (_glob(pattern, where), _ignores(codes, f"{where}.{pattern!r}"))
        for pattern, codes in value.items()
    )


def _size(value: Any, where: str) -> int:
    from encord_manifest._internal.sources.reading import parse_size

    size = parse_size(value)
    if size is None:
        raise ConfigError(
            f'{where}: expected a size such as "2GiB", "500MB" or a number of bytes, '
            f"found {value!r}"
        )
    return size


def _severity(value: Any, where: str) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f'{where}: expected a table, such as {{U309 = "warning"}}')
    overrides = []
    for selector, level in value.items():
        code = normalize_selector(selector, f"{where}.{selector}")
        names = [s.value for s in Severity]
        if level not in names:
            raise ConfigError(f"{where}.{selector}: {level!r} is not one of {', '.join(names)}")
        if level != "error":
            _refuse_unreadable(code, f"{where}.{selector}")
        overrides.append((code, Severity(level)))
    return tuple(overrides)


def _provider(value: Any, where: str) -> Provider:
    names = [p.value for p in Provider]
    if value not in names:
        raise ConfigError(f"{where}: {value!r} is not one of {', '.join(names)}")
    return Provider(value)


def _host_patterns(value: Any, where: str) -> tuple[str, ...]:
    from encord_manifest._internal.text.authority import HostPattern

    entries = _string_list(value, where)
    for entry in entries:
        try:
            HostPattern.parse(entry)
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from None
    return tuple(entries)


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where}: expected a whole number above 0, found {value!r}")
    return value


def _positive_number(value: Any, where: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ConfigError(f"{where}: expected a number above 0, found {value!r}")
    return float(value)


@dataclass(frozen=True)
class OptionSpec:
    key: str
    attribute: str
    parse: Callable[[Any, str], Any]
    default: str
    doc: str


#: Every key a configuration file may hold: its parser and its documentation.
OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(
        "select",
        "select",
        _selectors,
        '["ALL"]',
        'Codes, prefixes ("U", "U3") or rule names to report; ALL is every rule.',
    ),
    OptionSpec(
        "extend-select",
        "extend_select",
        _selectors,
        "[]",
        "More to report, on top of select (also of a select given on the command line).",
    ),
    OptionSpec(
        "ignore",
        "ignore",
        _ignores,
        "[]",
        "Codes, prefixes or names not to report. The more specific of select and ignore wins.",
    ),
    OptionSpec(
        "per-file-ignores",
        "per_file_ignores",
        _per_file_ignores,
        "{}",
        "Pattern -> codes not reported in the matching files (patterns as for exclude).",
    ),
    OptionSpec(
        "severity",
        "severity",
        _severity,
        "{}",
        'Code or prefix -> "error", "warning" or "info", replacing the default severity.',
    ),
    OptionSpec(
        "provider",
        "provider",
        _provider,
        '"any"',
        "Check that URL hosts belong to this provider: otc, aws, gcp, azure or any.",
    ),
    OptionSpec(
        "max-entries",
        "max_entries",
        _positive_int,
        f"{spec.DEFAULT_MAX_ENTRIES}",
        "L603 above this many entries (your plan's upload limit).",
    ),
    OptionSpec(
        "max-file-mb",
        "max_file_mb",
        _positive_number,
        f"{spec.DEFAULT_MAX_FILE_BYTES // 1_000_000}",
        "L604 above this size in MB (10^6 bytes) of one manifest file.",
    ),
    OptionSpec(
        "max-object-mb",
        "max_object_mb",
        _positive_number,
        "none",
        "With --remote, R807 above this size in MB of one object (your plan's file limit).",
    ),
    OptionSpec(
        "exclude",
        "exclude",
        _globs,
        "[]",
        "Patterns of files not linted, relative to the configuration file's directory; a "
        "pattern without '/' matches a name at any depth. Also applies to files named on the "
        "command line (pre-commit names them).",
    ),
    OptionSpec(
        "allow-hosts",
        "allow_hosts",
        _host_patterns,
        "[]",
        'With --remote, hosts a check may contact although private ("minio.internal", '
        '"10.0.0.5:9000", "[::1]"); never a cloud metadata address, which only --allow-host '
        "on the command line opens (a pull request can change this file).",
    ),
    OptionSpec(
        "max-input-size",
        "max_input_bytes",
        _size,
        '"2GiB"',
        'Refuse (exit 2) an input larger than this, unread: "2GiB", "500MB" or bytes. A safety '
        "limit for pipes and devices that never end, not a finding (that is max-file-mb).",
    ),
)
_BY_KEY = {option.key: option for option in OPTIONS}


def parse_options(table: Mapping[str, Any], where: str) -> Options:
    """Options from a configuration table; ConfigError naming the first bad key."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        option = _BY_KEY.get(key)
        if option is None:
            from encord_manifest._internal.text.suggest import suggest_key

            close = suggest_key(key, _BY_KEY)
            hint = f" (did you mean {close!r}?)" if close else ""
            raise ConfigError(
                f"{where}: unknown key {key!r}{hint}; known keys: {', '.join(_BY_KEY)}"
            )
        values[option.attribute] = option.parse(value, f"{where}: {key}")
    return Options(**values)


# -- files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    options: Options

    @property
    def root(self) -> Path:
        """Patterns in the file are relative to the directory it lives in."""
        return self.path.parent

    @property
    def label(self) -> str:
        table = "" if self.path.name == CONFIG_FILE_NAME else f" [tool.{TOOL_TABLE}]"
        return f"{self.path}{table}"


def read_config(path: Path, required: bool = True) -> ConfigFile | None:
    """The configuration in a file; None for a pyproject.toml without our table (unless required)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ConfigError(f"{path}: cannot read: {reason}") from None
    if sys.version_info >= (3, 11):  # imported here: most runs find no configuration file
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:  # the parser recurses once per level of nested arrays or tables
        raise ConfigError(f"{path}: not usable TOML: values nested too deeply") from None
    if path.name == PYPROJECT:
        tool = document.get("tool")
        table = tool.get(TOOL_TABLE) if isinstance(tool, dict) else None
        if table is None:
            if required:
                raise ConfigError(f"{path}: no [tool.{TOOL_TABLE}] table")
            return None
        where = f"{path}: [tool.{TOOL_TABLE}]"
    else:
        table, where = document, str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    return ConfigFile(path, parse_options(table, where))


def config_in(directory: Path) -> ConfigFile | None:
    """The configuration a directory holds itself, if any; OSError if it cannot be told."""
    own = directory / CONFIG_FILE_NAME
    if _is_file(own):
        return read_config(own)
    pyproject = directory / PYPROJECT
    if _is_file(pyproject):
        return read_config(pyproject, required=False)
    return None


def _is_file(path: Path) -> bool:
    """Whether a file is there; OSError where that cannot be known (a directory that may not
    be searched), since taking it for "no configuration" could silently lint with defaults."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


def find_config(
    start: Path, cache: dict[Path, ConfigFile | None] | None = None
) -> ConfigFile | None:
    """The nearest configuration at or above ``start`` (a directory); ``cache`` spares a run
    over many files in one directory from reading its configuration again."""
    cache = {} if cache is None else cache
    for directory in (start, *start.parents):
        if directory not in cache:
            cache[directory] = config_in(directory)
        found = cache[directory]
        if found is not None:
            return found
    return None


# -- matching -------------------------------------------------------------------------------


def _matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def _specificity(selector: str) -> int:
    """How closely a selector names codes: 0 for ALL, else its length (a code is longest)."""
    return 0 if selector == "ALL" else len(selector)


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-like glob: ``*`` and ``?`` stay within a path part, ``**`` crosses parts."""
    parts, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        if char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                parts.append(re.escape(char))
            else:
                body = pattern[index + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                parts.append(f"[{body}]")
                index = end
        else:
            parts.append(re.escape(char))
        index += 1
    return re.compile("".join(parts))


def _normalized(pattern: str) -> str:
    pattern = pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern.rstrip("/")


def path_matches(pattern: str, relative: PurePosixPath) -> bool:
    """Whether a file (relative to the configuration's directory) matches a pattern.

    A pattern without '/' matches any part of the path (a file name, or a directory the file
    is in); with one, it matches the path from the configuration's directory, or a
    directory that holds the file. A trailing '/' is allowed and means the same.
    """
    pattern = _normalized(pattern)
    regex = _glob_regex(pattern)
    if "/" not in pattern:
        return any(regex.fullmatch(part) for part in relative.parts)
    text = relative.as_posix()
    candidates = [text, *(p.as_posix() for p in relative.parents if p.as_posix() != ".")]
    return any(regex.fullmatch(candidate) for candidate in candidates)


# -- resolution -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedSettings:
    """Everything decided for one manifest, and where it came from (for --show-settings)."""

    path: str
    config: ConfigFile | None
    options: Options
    lint: LintSettings
    excluded: bool
    file_ignores: tuple[str, ...] = ()
    #: What of ``options`` the command line said (it decides ties with the file).
    cli: Options = field(default_factory=Options)


@dataclass
class SettingsResolver:
    """Settings per manifest: command line over the nearest configuration file over defaults."""

    cli: Options = field(default_factory=Options)
    #: ``--config``: this file for every manifest, no search.
    config_path: Path | None = None
    #: ``--isolated``: no configuration files at all.
    isolated: bool = False
    _explicit: ConfigFile | None = None
    _found: dict[Path, ConfigFile | None] = field(default_factory=dict)
    #: The configuration of each directory a manifest was in (``_found``: of every directory
    #: looked in).
    _nearest: dict[str, ConfigFile | None] = field(default_factory=dict)
    _computed: dict[tuple[Path | None, tuple[str, ...]], LintSettings] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.config_path is not None and not self.isolated:
            self._explicit = read_config(self.config_path)

    def config_for(self, path: str) -> ConfigFile | None:
        if self.isolated:
            return None
        if self._explicit is not None:
            return self._explicit
        folder = os.getcwd() if path == "-" else os.path.dirname(os.path.abspath(path))
        if folder in self._nearest:  # the files of one directory, as a hook passes them
            return self._nearest[folder]
        start = Path(folder)
        try:
            found = self._nearest[folder] = find_config(start, self._found)
            return found
        except OSError as error:
            from encord_manifest._internal.sources.reading import InputError, display_name

            where = Path(error.filename).parent if error.filename else start
            raise InputError(
                f"{display_name(path)}: {error.strerror or error} "
                f"(looking for its configuration in {where})"
            ) from None

    def resolve(self, path: str) -> ResolvedSettings:
        config = self.config_for(path)
        options = merge(config.options if config else Options(), self.cli)
        excluded = False
        file_ignores: tuple[str, ...] = ()
        if path != "-" and (options.exclude or options.per_file_ignores):
            relative = _relative(path, config)
            excluded = any(path_matches(p, relative) for p in options.exclude)
            file_ignores = tuple(
                code
                for pattern, codes in options.per_file_ignores
                if path_matches(pattern, relative)
                for code in codes
            )
        settings = self._settings(config, options, file_ignores)
        return ResolvedSettings(path, config, options, settings, excluded, file_ignores, self.cli)

    def _settings(
        self, config: ConfigFile | None, options: Options, file_ignores: tuple[str, ...]
    ) -> LintSettings:
        # The same for every manifest under one configuration file without per-file ignores:
        # deciding each code's selection costs more than linting a small file (pre-commit
        # passes hundreds), so it is decided once per (file, ignores).
        key = (None if config is None else config.path, file_ignores)
        known = self._computed.get(key)
        if known is None:
            known = self._computed[key] = self._compute_settings(config, options, file_ignores)
        return known

    def _compute_settings(
        self, config: ConfigFile | None, options: Options, file_ignores: tuple[str, ...]
    ) -> LintSettings:
        return LintSettings(
            provider=options.provider or Provider.ANY,
            max_entries=options.max_entries or spec.DEFAULT_MAX_ENTRIES,
            max_file_bytes=round(options.max_file_mb * 1_000_000)
            if options.max_file_mb
            else spec.DEFAULT_MAX_FILE_BYTES,
            max_object_bytes=round(options.max_object_mb * 1_000_000)
            if options.max_object_mb
            else None,
            max_input_bytes=options.max_input_bytes or DEFAULT_MAX_INPUT_BYTES,
            disabled=disabled_codes(
                [config.options if config else Options(), self.cli], file_ignores, _known_codes()
            ),
            severities=severity_overrides(options.severity, _known_codes()),
            allow_hosts=options.allow_hosts,
        )

    def settings_for(self, path: str) -> LintSettings:
        return self.resolve(path).lint


def merge(file: Options, cli: Options) -> Options:
    """The command line over a file: scalars and select replace; lists of additions extend."""
    return replace(
        file,
        select=cli.select if cli.select is not None else file.select,
        extend_select=file.extend_select + cli.extend_select,
        ignore=file.ignore + cli.ignore,
        per_file_ignores=file.per_file_ignores + cli.per_file_ignores,
        severity=file.severity + cli.severity,
        provider=cli.provider or file.provider,
        max_entries=cli.max_entries or file.max_entries,
        max_file_mb=cli.max_file_mb or file.max_file_mb,
        max_object_mb=cli.max_object_mb or file.max_object_mb,
        exclude=file.exclude + cli.exclude,
        allow_hosts=file.allow_hosts + cli.allow_hosts,
        max_input_bytes=cli.max_input_bytes or file.max_input_bytes,
    )


def disabled_codes(
    layers: Sequence[Options], file_ignores: Iterable[str], codes: Iterable[str]
) -> frozenset[str]:
    """Codes not reported, from the configuration file's options and then the command line's.

    As in ruff, the most specific selector that names a code decides (``ignore = ["U"]`` with
    ``extend-select = ["U301"]`` keeps U301); at equal specificity the later layer (the command
    line) decides, and within one layer an ignore beats a selection. A ``select`` replaces
    every earlier one. Per-file ignores always win; the codes of an unreadable file are always
    reported.
    """
    last_select = max((i for i, o in enumerate(layers) if o.select is not None), default=None)
    #: (specificity, layer, is_ignore, selector): the highest matching entry decides.
    entries: list[tuple[int, int, bool, str]] = []
    if last_select is None:
        entries.append((0, -1, False, "ALL"))
    for index, options in enumerate(layers):
        selected = (options.select or ()) if index == last_select else ()
        for selector in (*selected, *options.extend_select):
            entries.append((_specificity(selector), index, False, selector))
        for selector in options.ignore:
            entries.append((_specificity(selector), index, True, selector))
    per_file = tuple(file_ignores)
    disabled = set()
    for code in codes:
        if code in UNREADABLE_CODES:
            continue
        matching = [entry for entry in entries if _matches(entry[3], code)]
        if not matching or max(matching)[2] or any(_matches(s, code) for s in per_file):
            disabled.add(code)
    return frozenset(disabled)


def severity_overrides(
    overrides: Iterable[tuple[str, Severity]], codes: Iterable[str]
) -> tuple[tuple[str, Severity], ...]:
    """Each code's severity from the most specific override that names it (later ones win ties)."""
    pairs = list(overrides)
    result = []
    for code in codes:
        best, level = -1, None
        for selector, severity in pairs:
            if _matches(selector, code):
                rank = _specificity(selector)
                if rank >= best and not (
                    code in UNREADABLE_CODES and severity is not Severity.ERROR
                ):
                    best, level = rank, severity
        if level is not None:
            result.append((code, level))
    return tuple(result)


def _relative(path: str, config: ConfigFile | None) -> PurePosixPath:
    absolute = Path(os.path.abspath(path))
    if config is not None:
        try:
            return PurePosixPath(absolute.relative_to(config.root.absolute()).as_posix())
        except ValueError:
            pass
    # No configuration, or a file outside its directory: patterns without '/' still
    # match by name; others match the path as given.
    return PurePosixPath(Path(path).as_posix())


def command_line_options(
    select: Iterable[str] | None = None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    provider: Provider | None = None,
    max_input_size: str | None = None,
) -> Options:
    """Options given on the command line; each list option takes comma-separated values and
    may be repeated (``--ignore U309,T402 --ignore M``)."""

    def split(values: Iterable[str]) -> list[str]:
        return [item for value in values for item in value.split(",") if item.strip()]

    return Options(
        select=_selectors(split(select), "--select") if select is not None else None,
        extend_select=_selectors(split(extend_select), "--extend-select"),
        ignore=_ignores(split(ignore), "--ignore"),
        provider=provider,
        max_input_bytes=_size(max_input_size, "--max-input-size")
        if max_input_size is not None
        else None,
    )


def render_settings(resolved: ResolvedSettings) -> str:
    """The resolved configuration of one manifest as TOML (pasteable into a configuration
    file), with comments saying where it came from and what it means for the rules."""
    import json

    from encord_manifest._internal.rules import all_rules

    options = resolved.options
    rules = all_rules()

    def strings(values: Iterable[str]) -> str:
        return "[" + ", ".join(json.dumps(v) for v in values) + "]"

    def table(pairs: Iterable[tuple[str, str]]) -> str:
        return "{" + ", ".join(f"{json.dumps(k)} = {v}" for k, v in pairs) + "}"

    size = options.max_file_mb or spec.DEFAULT_MAX_FILE_BYTES / 1_000_000
    lines = [
        f"# Settings for {resolved.path}",
        f"# Configuration: {resolved.config.label if resolved.config else 'none (defaults)'}",
        f"# Command line: {_cli_summary(resolved.cli) or 'no settings'}",
        f"# Excluded: {'yes' if resolved.excluded else 'no'}",
        f"[tool.{TOOL_TABLE}]",
        f"select = {strings(options.select if options.select is not None else ['ALL'])}",
        f"extend-select = {strings(options.extend_select)}",
        f"ignore = {strings(options.ignore)}",
        "per-file-ignores = "
        + table((pattern, strings(codes)) for pattern, codes in options.per_file_ignores),
        "severity = " + table((code, json.dumps(level.value)) for code, level in options.severity),
        f'provider = "{(options.provider or Provider.ANY).value}"',
        f"max-entries = {options.max_entries or spec.DEFAULT_MAX_ENTRIES}",
        f"max-file-mb = {int(size) if size == int(size) else size}",
        *([f"max-object-mb = {options.max_object_mb:g}"] if options.max_object_mb else []),
        f"exclude = {strings(options.exclude)}",
        *([f"allow-hosts = {strings(options.allow_hosts)}"] if options.allow_hosts else []),
        f"max-input-size = {_size_value(options.max_input_bytes or DEFAULT_MAX_INPUT_BYTES)}",
        "",
        f"# Reported: {len(rules) - len(resolved.lint.disabled)} of {len(rules)} rules",
    ]
    if resolved.file_ignores:
        lines.append(f"# Per-file ignores matching this file: {', '.join(resolved.file_ignores)}")
    for code in sorted(resolved.lint.disabled):
        lines.append(f"# Not reported: {code} {rules[code].name}")
    for code, level in resolved.lint.severities:
        default = rules[code].severity.value
        if level.value != default:
            lines.append(f"# Severity: {code} {rules[code].name} {level.value} (default {default})")
    return "\n".join(lines) + "\n"


def _size_value(size: int) -> str:
    """A size as TOML that ``max-input-size`` reads back: "2GiB", or a number of bytes."""
    from encord_manifest._internal.sources.reading import format_size

    text = format_size(size)
    return str(size) if text.endswith("bytes") else f'"{text}"'


def _cli_summary(cli: Options) -> str:
    parts = [
        f"--{key} {','.join(values)}"
        for key, values in (
            ("select", cli.select),
            ("extend-select", cli.extend_select),
            ("ignore", cli.ignore),
        )
        if values
    ]
    if cli.provider is not None:
        parts.append(f"--provider {cli.provider.value}")
    if cli.max_input_bytes is not None:
        parts.append(f"--max-input-size {cli.max_input_bytes}")
    return " ".join(parts)
