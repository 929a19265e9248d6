"""``Settings``: what a lint is asked to check, as the command line's options say it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from encord_manifest._internal.config import SettingsResolver


@dataclass(frozen=True)
class Settings:
    """The options of ``encord-manifest lint``, for the library.

    As on the command line, each manifest read from a path is linted with these over its
    nearest configuration file (``encord-manifest.toml``, or ``pyproject.toml`` with a
    ``[tool.encord-manifest]`` table, searched upward from the manifest's directory), over
    the defaults. Selectors are codes (``U301``), prefixes (``U``) or rule names, as in
    ``--select``. A value that the command line would refuse raises ``ConfigError`` when
    the settings are first used.
    """

    #: Report only these codes, prefixes or rule names (``None``: the default selection).
    select: Sequence[str] | None = None
    #: Report these too.
    extend_select: Sequence[str] = ()
    #: Do not report these.
    ignore: Sequence[str] = ()
    #: Check that URL hosts belong to this storage provider: "otc", "aws", "gcp", "azure" or
    #: "any" (the default).
    provider: str | None = None
    #: Refuse inputs larger than this, unread: "2GiB" (the default), "500MB".
    max_input_size: str | None = None
    #: This configuration file for every manifest, instead of searching upward.
    config: str | PathLike[str] | None = None
    #: Ignore every configuration file.
    isolated: bool = False

    def __post_init__(self) -> None:
        # Kept as tuples: the settings stay what they were given as (and hashable).
        for name in ("select", "extend_select", "ignore"):
            value = getattr(self, name)
            if value is None and name != "select":
                value = ()
            if value is not None and not isinstance(value, str):
                value = tuple(value)
            object.__setattr__(self, name, value)

    def resolver(self) -> SettingsResolver:
        """A resolver of these settings for each manifest (``Linter`` keeps one: configuration
        files found, and the selection each decides, are worked out once per ``Linter``)."""
        from encord_manifest._internal.config import SettingsResolver, command_line_options
        from encord_manifest._internal.config.options import ConfigError
        from encord_manifest._internal.model.settings import Provider

        for name in ("select", "extend_select", "ignore"):
            value = getattr(self, name)
            if isinstance(value, str):  # a lone string would be read letter by letter
                raise ConfigError(f"{name}: a list of codes, not the string {value!r}")
            for item in value or ():
                if not isinstance(item, str):
                    raise ConfigError(f"{name}: {item!r} is not a code, prefix or rule name")
        try:
            provider = None if self.provider is None else Provider(self.provider)
        except ValueError:
            choices = ", ".join(p.value for p in Provider)
            raise ConfigError(f"provider: {self.provider!r} is not one of {choices}") from None
        options = command_line_options(
            self.select, self.extend_select, self.ignore, provider, self.max_input_size
        )
        config = Path(self.config) if self.config is not None else None
        return SettingsResolver(options, config, self.isolated)
