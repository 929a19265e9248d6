"""``lint`` and ``convert`` for the library: a path, bytes or data in, a ``Report`` out."""

from __future__ import annotations

import os
from collections.abc import Sequence
from math import isnan
from typing import TYPE_CHECKING, Any, Literal

from encord_manifest._internal.api.report import ManifestError, Report
from encord_manifest._internal.api.settings import Settings
from encord_manifest._internal.engine.linter import SourceFormat
from encord_manifest._internal.model.document import Document

if TYPE_CHECKING:
    # Loaded only for remote checks: a plain lint imports nothing of remote/.
    from encord_manifest._internal.remote.checker import RemoteOptions
from encord_manifest._internal.model.results import FileResult

#: What ``lint`` reads: a path (``str`` or ``os.PathLike``), the file's bytes, or the data
#: already parsed (a dict, as ``json.load`` returns it).
Source = str | os.PathLike[str] | bytes | bytearray | memoryview | dict[str, Any] | list[Any]

_DEFAULT = Settings()


def lint(
    source: Source,
    *,
    settings: Settings | None = None,
    format: Literal["json", "csv"] | None = None,
    name: str | None = None,
    remote: RemoteOptions | bool = False,
) -> Report:
    """Lint one manifest with the schema and every rule; ``remote`` also reads its objects.

    ``source`` is a path (``str`` or ``os.PathLike``; a string is always a path, never the
    manifest's text: pass text as ``text.encode()``), the file's bytes, or the parsed data
    (then every diagnostic has its JSON pointer, and line 1 column 1 for a place). ``format``
    is "json" or "csv" (default: by the name's extension, else JSON); ``name`` is what
    diagnostics call the manifest (default: the path, or ``<bytes>``/``<data>``). Settings
    are resolved as for the command line: ``settings`` over the configuration file nearest to
    the path (or to the working directory, for bytes and data) over the defaults.

    Raises ``InputError`` when a path cannot be read (missing, a directory, too large) and
    ``ConfigError`` for settings or a configuration file the command line would refuse.
    """
    return Linter(settings, remote=remote).lint(source, format=format, name=name)


class Linter:
    """Lints many manifests with one set of settings: configuration files, the selection
    they decide and, with ``remote``, one HTTP pool and cache, worked out once."""

    def __init__(
        self, settings: Settings | None = None, *, remote: RemoteOptions | bool = False
    ) -> None:
        self.settings = settings or _DEFAULT
        # Refuses bad settings here, not at the first manifest. Configuration files are read
        # once per Linter: a new Linter (each ``lint()`` call) sees files changed since.
        self._resolver = self.settings.resolver()
        self._remote = None
        if remote:
            from encord_manifest._internal.remote.checker import RemoteOptions, remote_checker

            self._remote = remote_checker(RemoteOptions() if remote is True else remote)

    def lint(
        self,
        source: Source,
        *,
        format: Literal["json", "csv"] | None = None,
        name: str | None = None,
        skip_non_manifests: bool = False,
    ) -> Report:
        """One manifest (see ``encord_manifest.lint``). With ``skip_non_manifests``, a file
        that is plainly not an Encord manifest (a ``package.json``, a web app's
        ``manifest.json``, a CSV without an ObjectUrl header) is not linted: its report is
        empty and ``not_a_manifest`` says why (as ``lint --skip-non-manifests``)."""
        from encord_manifest._internal.files.selection import NotAManifest

        try:
            if isinstance(source, (str, os.PathLike)):
                return self._lint_path(os.fspath(source), format, name, skip_non_manifests)
            if isinstance(source, (bytes, bytearray, memoryview)):
                label = name or "<bytes>"
                document = _document(label, bytes(source), format)
            elif isinstance(source, (dict, list)):
                label = name or "<data>"
                document = _data_document(label, source)
            else:
                raise TypeError(
                    f"lint() takes a path, bytes or parsed data, not {type(source).__name__}"
                )
            return self._lint_document(document, label, skip_non_manifests)
        except NotAManifest as reason:
            label = name or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "")
            return Report(label, (), not_a_manifest=str(reason))

    def _lint_path(
        self, path: str, format: SourceFormat | None, name: str | None, skip: bool
    ) -> Report:
        from encord_manifest._internal.engine.linter import lint_file, source_format

        # Standard input named as a file is that file: its settings, its format.
        stdin_named = path == "-" and name is not None
        resolved = self._resolver.resolve(name if stdin_named and name else path)
        if stdin_named and format is None and name:
            format = source_format(name)
        if resolved.excluded:
            return Report(name or path, (), excluded=True)
        extra = [self._remote(resolved.lint)] if self._remote else []
        return _report(lint_file(path, resolved.lint, format, extra, name, skip))

    def _lint_document(self, document: Document, label: str, skip: bool) -> Report:
        from encord_manifest._internal.engine.linter import lint_document, skip_unless_manifest

        if skip:
            skip_unless_manifest(document)
        # Bytes and data live nowhere: the configuration of the working directory applies,
        # and its per-file-ignores and exclude to ``name``.
        resolved = self._resolver.resolve(os.path.join(os.getcwd(), label))
        if resolved.excluded:
            return Report(label, (), excluded=True)
        extra = [self._remote(resolved.lint)] if self._remote else []
        return _report(lint_document(document, resolved.lint, extra))


def convert(
    source: Source,
    *,
    to: Literal["json", "csv"] | None = None,
    settings: Settings | None = None,
    format: Literal["json", "csv"] | None = None,
    name: str | None = None,
    skip_duplicate_urls: bool = False,
    allow_formulas: bool = False,
    force: bool = False,
) -> str:
    """The manifest converted (CSV -> JSON, JSON -> CSV, or ``to``), as ``convert`` writes it.

    Linted first, as the command does: errors raise ``ManifestError`` (unless ``force``), as
    does a manifest CSV cannot carry (nested metadata, formulas without ``allow_formulas``).
    """
    from encord_manifest._internal.engine.linter import source_format
    from encord_manifest._internal.sources.convert import csv_refusals, to_csv_text, to_json_bytes

    path = os.fspath(source) if isinstance(source, (str, os.PathLike)) else None
    label = name or path or "<bytes>"
    chosen = format or source_format(label)
    target = to or ("json" if chosen == "csv" else "csv")
    if chosen == target:
        raise ValueError(f"{label} is already {chosen.upper()}; nothing to convert it to")
    report = Linter(settings).lint(source, format=chosen, name=name)
    document = _converted_document(source, path, label, chosen)
    if document.data is None or (report.errors and not force):
        raise ManifestError(report)
    data: Any = document.data
    if skip_duplicate_urls:
        if target != "json":
            raise ValueError("skip_duplicate_urls applies to JSON output only; CSV has no flags")
        data["skip_duplicate_urls"] = True
    if target == "json":
        return to_json_bytes(data).decode("utf-8")
    refusals = csv_refusals(data, allow_formulas)
    if refusals:
        raise ValueError(_refusal_message(label, refusals))
    return to_csv_text(data)


def _converted_document(
    source: Source, path: str | None, label: str, chosen: SourceFormat
) -> Document:
    from encord_manifest._internal.engine.linter import load_file

    if path is not None:
        return load_file(path, chosen)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _document(label, bytes(source), chosen)
    raise TypeError("convert() takes a path or bytes")


def _refusal_message(label: str, refusals: Sequence[Any]) -> str:
    from encord_manifest._internal.model.diagnostics import format_pointer

    named = "; ".join(f"{format_pointer(r.pointer)}: {r.message}" for r in refusals[:5])
    more = f" (and {len(refusals) - 5} more)" if len(refusals) > 5 else ""
    return f"{label}: CSV cannot carry this manifest: {named}{more}"


def _document(label: str, raw: bytes, format: SourceFormat | None) -> Document:
    from encord_manifest._internal.engine.linter import load

    return load(label, raw, format)


def _data_document(label: str, data: Any) -> Document:
    """Parsed data as a document without text: findings get pointers, positions 1:1. Nested
    deeper than a file may be, it is F005, as a file's text is; what JSON cannot hold (a
    tuple, a set, a key that is not a string, NaN) is refused with a ``TypeError``."""
    from encord_manifest._internal.model.diagnostics import FILE_START, Finding
    from encord_manifest._internal.sources.nesting import MAX_DEPTH

    if _json_depth(data) > MAX_DEPTH:
        message = f"nesting deeper than {MAX_DEPTH} levels; no manifest needs it"
        return Document(
            label, "json", 0, None, None, [Finding("F005", (), message, span=FILE_START)]
        )
    return Document(label, "json", 0, data, None)


def _json_depth(data: Any) -> int:
    """The nesting depth of ``data`` (stopping past the limit, so a cycle ends too); raises
    ``TypeError`` at the first value that is not of the JSON model."""

    from encord_manifest._internal.model.diagnostics import format_pointer
    from encord_manifest._internal.sources.nesting import MAX_DEPTH

    deepest = 0
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, pointer = stack.pop()
        deepest = max(deepest, len(pointer))
        if deepest > MAX_DEPTH:
            return deepest
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise TypeError(
                        f"data at {format_pointer(pointer) or '/'}: key {key!r} is not a string"
                    )
                stack.append((item, (*pointer, key)))
        elif isinstance(value, list):
            stack.extend((item, (*pointer, index)) for index, item in enumerate(value))
        elif isinstance(value, float) and isnan(value):
            # (json.loads reads 1e999 as inf, which the rules report as out of range.)
            raise TypeError(f"data at {format_pointer(pointer) or '/'}: NaN is not a JSON number")
        elif value is not None and not isinstance(value, (str, int, float)):
            raise TypeError(
                f"data at {format_pointer(pointer) or '/'}: a {type(value).__name__} is not JSON"
            )
    return deepest


def _report(result: FileResult) -> Report:
    return Report(result.path, tuple(result.diagnostics), _result=result)
