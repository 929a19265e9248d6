"""The settings of each manifest: the command line over its configuration file over defaults.

Where settings come from, most important first:

1. the command line (``--select``, ``--ignore``, ``--provider``...);
2. the nearest configuration file above the manifest: ``encord-manifest.toml`` (a table of
   its own) or a ``pyproject.toml`` with a ``[tool.encord-manifest]`` table, searched from the
   manifest's directory upward (a ``pyproject.toml`` without the table is passed over, as
   ruff does), or the one file named by ``--config``;
3. the defaults of the spec.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from encord_manifest._internal.config.files import ConfigFile, find_config, read_config
from encord_manifest._internal.config.options import Options
from encord_manifest._internal.config.patterns import path_matches
from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.model.settings import (
    DEFAULT_MAX_INPUT_BYTES,
    UNREADABLE_CODES,
    LintSettings,
    Provider,
)


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


# -- matching -------------------------------------------------------------------------------


def _matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def _specificity(selector: str) -> int:
    """How closely a selector names codes: 0 for ALL, else its length (a code is longest)."""
    return 0 if selector == "ALL" else len(selector)


def _known_codes() -> tuple[str, ...]:
    from encord_manifest._internal.rules import all_rules

    return tuple(all_rules())
