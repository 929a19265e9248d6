"""P: time series (spec section 2.4), P912-P915, after the scenes' P901-P911.

A time series is a CSV file (its ``objectUrl`` gets every URL rule) with optional view settings
per channel, keyed by the CSV header (SDK ``TimeSeriesViewSettings``). The schema checks the
settings (its codes are given by ``encord_manifest._internal.rules.schema_scenes``); what it cannot see is
two keys that name one header.
"""

from __future__ import annotations

from collections.abc import Iterator

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Finding, Pointer, Severity
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.rules import family_check, register
from encord_manifest._internal.rules.view import ManifestView

_URL = '"objectUrl": "https://b.s3.amazonaws.com/drive/can-bus.csv"'


def _channels(channels: str) -> str:
    return f'{{"time_series": [{{{_URL}, "settings": {{"channels": {channels}}}}}]}}'


TOO_MANY_CHANNELS = register(
    "P912",
    "time-series-too-many-channels",
    Severity.ERROR,
    f"More than {spec.MAX_TIME_SERIES_CHANNELS} channels in a time series' settings",
    origin="schema",
    explanation=f"""
        settings.channels holds the view settings of at most
        {spec.MAX_TIME_SERIES_CHANNELS} channels (SDK TimeSeriesViewSettings: "channels must
        contain at most 100 entries"). Keep the channels you want to style; the others are
        shown with the defaults.
    """,
    failing=_channels('{"ch1": {}, "ch2": {}, ... 101 channels ...}'),
    passing=_channels('{"ch1": {}, "ch2": {}, ... 100 channels ...}'),
    example_is_literal=False,
)

DUPLICATE_CHANNEL = register(
    "P913",
    "time-series-duplicate-channel",
    Severity.WARNING,
    "Two channel keys that differ only in case or surrounding spaces",
    explanation="""
        Channel keys are CSV header names and must be unique (SDK). Exact repeats are
        duplicate JSON keys (F003); keys that differ only in case or in spaces around them
        ("Speed", "speed ") are, by this tool's policy, the same header written twice: at
        most one of them matches the CSV's header exactly, and the other's settings are
        lost.
    """,
    failing=_channels('{"Speed": {"color": "#f00"}, "speed ": {"hidden": true}}'),
    passing=_channels('{"speed": {"color": "#f00"}, "rpm": {"hidden": true}}'),
)

INVALID_SETTINGS = register(
    "P914",
    "time-series-invalid-settings",
    Severity.ERROR,
    "Time-series view settings of the wrong shape",
    origin="schema",
    explanation="""
        settings is {"channels": {HEADER: {...}, ...}}. A channel's settings: "label" (1 to
        1,024 characters), "color" (#RGB, #RRGGBB or #RRGGBBAA), "hidden" (true or false),
        "style" ("line", the default, or "points"), "lineWidth" (0.5 to 6, for lines),
        "pointRadius" (1 to 8, for points). lineWidth on points or pointRadius on a line is
        ignored by the SDK's models, so it is reported too.
    """,
    failing=_channels('{"speed": {"color": "red"}}'),
    passing=_channels('{"speed": {"color": "#ff0000"}}'),
)

UNKNOWN_SETTINGS_KEY = register(
    "P915",
    "time-series-unknown-key",
    Severity.ERROR,
    "A key the time-series settings do not have",
    origin="schema",
    explanation="""
        The settings keys are camelCase, as the SDK writes them: channels, label, color,
        hidden, style, lineWidth, pointRadius. Any other ("line_width", "colour") is ignored,
        and the setting with it.
    """,
    failing=_channels('{"speed": {"line_width": 2}}'),
    passing=_channels('{"speed": {"lineWidth": 2}}'),
    fix="Renamed to the key it most likely meant (line_width -> lineWidth), unless that key is there already.",
)


@family_check("entries")
def check(view: ManifestView, settings: LintSettings) -> Iterator[Finding]:
    for index, entry_settings in enumerate(view.field_values("time_series", "settings")):
        if not isinstance(entry_settings, dict):
            continue
        channels = entry_settings.get("channels")
        if isinstance(channels, dict) and len(channels) > 1:
            yield from _duplicates(("time_series", index, "settings", "channels"), channels)


def _duplicates(at: Pointer, channels: dict[str, object]) -> Iterator[Finding]:
    first: dict[str, str] = {}
    for header in channels:
        seen = first.setdefault(header.strip().casefold(), header)
        if seen != header:
            yield Finding(
                DUPLICATE_CHANNEL,
                at + (header,),
                f"channel {header!r} names the same CSV header as {seen!r} (case and "
                "surrounding spaces aside)",
                target="key",
                related=at + (seen,),
            )
