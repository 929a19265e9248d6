"""The options of a configuration file: the table of every key, and the validation of values.

Every key is described in ``OPTIONS`` below, which also drives validation and
``--show-settings``. An unknown key or a bad value is a ``ConfigError`` that names the file and
the key (exit 2): a typo in a configuration file must never quietly switch a check off. The
options given on the command line (``command_line_options``) go through the same validators.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from encord_manifest._internal.config.patterns import glob_regex, normalized
from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.model.exit_codes import UsageProblem
from encord_manifest._internal.model.settings import UNREADABLE_CODES, Provider


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
        glob_regex(normalized(glob))
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
