"""encord-manifest: catch every mistake in an Encord import manifest before the upload.

The public API is exactly the names in ``__all__`` (see docs/api.md for its stability
promise); everything under ``encord_manifest._internal`` may change in any release::

    import encord_manifest

    report = encord_manifest.lint("manifest.json")
    report.raise_for_errors()  # ManifestError naming every error, secrets redacted

The names are imported when first used, so that ``import encord_manifest`` (and the
command line's start) costs nothing for what a program does not use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Diagnostic",
    "Fix",
    "InputError",
    "Linter",
    "ManifestError",
    "RemoteOptions",
    "Report",
    "Settings",
    "Severity",
    "Span",
    "__version__",
    "convert",
    "lint",
]

if TYPE_CHECKING:
    from encord_manifest._internal.api.lint import Linter, convert, lint
    from encord_manifest._internal.api.report import ManifestError, Report
    from encord_manifest._internal.api.settings import Settings
    from encord_manifest._internal.config import ConfigError
    from encord_manifest._internal.model.diagnostics import Diagnostic, Fix, Severity, Span
    from encord_manifest._internal.remote.checker import RemoteOptions
    from encord_manifest._internal.sources.reading import InputError

_WHERE = {
    "lint": "encord_manifest._internal.api.lint",
    "convert": "encord_manifest._internal.api.lint",
    "Linter": "encord_manifest._internal.api.lint",
    "Report": "encord_manifest._internal.api.report",
    "ManifestError": "encord_manifest._internal.api.report",
    "Settings": "encord_manifest._internal.api.settings",
    "RemoteOptions": "encord_manifest._internal.remote.checker",
    "ConfigError": "encord_manifest._internal.config",
    "InputError": "encord_manifest._internal.sources.reading",
    "Diagnostic": "encord_manifest._internal.model.diagnostics",
    "Fix": "encord_manifest._internal.model.diagnostics",
    "Severity": "encord_manifest._internal.model.diagnostics",
    "Span": "encord_manifest._internal.model.diagnostics",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'encord_manifest' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
