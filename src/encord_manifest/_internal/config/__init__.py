"""Configuration files: found upward from each manifest, validated strictly, merged with the CLI.

- ``options``: every key a configuration file may hold (``OPTIONS``), and the validation of
  values, from a file or the command line;
- ``patterns``: the glob patterns of ``exclude`` and ``per-file-ignores``;
- ``files``: finding the nearest configuration file and reading it;
- ``resolve``: the settings of each manifest, command line over file over defaults;
- ``render``: those settings as TOML, for ``--show-settings``.
"""

from encord_manifest._internal.config.files import read_config
from encord_manifest._internal.config.options import ConfigError, command_line_options
from encord_manifest._internal.config.patterns import path_matches
from encord_manifest._internal.config.render import render_settings
from encord_manifest._internal.config.resolve import ResolvedSettings, SettingsResolver

__all__ = [
    "ConfigError",
    "ResolvedSettings",
    "SettingsResolver",
    "command_line_options",
    "path_matches",
    "read_config",
    "render_settings",
]
