"""``--show-settings``: the resolved settings of one manifest, rendered as TOML."""

from __future__ import annotations

from collections.abc import Iterable

from encord_manifest._internal.config.files import TOOL_TABLE
from encord_manifest._internal.config.options import Options
from encord_manifest._internal.config.resolve import ResolvedSettings
from encord_manifest._internal.model import spec
from encord_manifest._internal.model.settings import DEFAULT_MAX_INPUT_BYTES, Provider


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
