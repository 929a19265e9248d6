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
    from encord_manifest._internal.config import ResolvedSettings

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

        _check_format(format)
        try:
            if isinstance(source, (str, os.PathLike)):
                return self._lint_path(os.fspath(source), format, name, skip_non_manifests)
            label = _label(source, name)
            resolved = self._resolved(source, label)
            if isinstance(source, (bytes, bytearray, memoryview)):
                document = _document(label, bytes(source), format, resolved.lint.max_input_bytes)
            elif isinstance(source, (dict, list)):
                document = _data_document(label, source)
            else:
                raise TypeError(
                    f"lint() takes a path, bytes or parsed data, not {type(source).__name__}"
                )
            return self._lint_document(document, label, resolved, skip_non_manifests)
        except NotAManifest as reason:
            return Report(_label(source, name), (), not_a_manifest=str(reason))

    def _lint_path(
        self, path: str, format: SourceFormat | None, name: str | None, skip: bool
    ) -> Report:
        from encord_manifest._internal.engine.linter import lint_file, source_format

        # Standard input named as a file is that file: its settings, its format.
        stdin_name = name if path == "-" else None
        resolved = self._resolver.resolve(stdin_name or path)
        if stdin_name and format is None:
            format = source_format(stdin_name)
        if resolved.excluded:
            return Report(name or path, (), excluded=True)
        extra = [self._remote(resolved.lint)] if self._remote else []
        return _report(lint_file(path, resolved.lint, format, extra, name, skip))

    def _resolved(self, source: Source, label: str) -> ResolvedSettings:
        """The settings of a path, or of bytes and data: those live nowhere, so the
        configuration of the working directory applies, its per-file-ignores and exclude to
        their ``name``."""
        if isinstance(source, (str, os.PathLike)):
            return self._resolver.resolve(os.fspath(source))
        return self._resolver.resolve(os.path.join(os.getcwd(), label))

    def _lint_document(
        self, document: Document, label: str, resolved: ResolvedSettings, skip: bool
    ) -> Report:
        from encord_manifest._internal.engine.linter import lint_document, skip_unless_manifest

        if skip:
            skip_unless_manifest(document)
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

    Read once and linted first, as the command does (also a file the configuration excludes):
    errors raise ``ManifestError`` (unless ``force``), a manifest CSV cannot carry (nested
    metadata, formulas without ``allow_formulas``) a ``ValueError``. Parsed data is JSON: it
    converts to CSV by default.
    """
    from encord_manifest._internal.engine.linter import lint_document, load_file, source_format
    from encord_manifest._internal.sources.convert import csv_refusals, to_csv_text, to_json_bytes

    _check_format(format)
    _check_format(to)
    label = _label(source, name)
    chosen: SourceFormat = (
        "json" if isinstance(source, (dict, list)) else format or source_format(label)
    )
    target = to or ("json" if chosen == "csv" else "csv")
    if chosen == target:
        raise ValueError(f"{label} is already {chosen.upper()}; nothing to convert it to")
    if skip_duplicate_urls and target != "json":
        raise ValueError("skip_duplicate_urls applies to JSON output only; CSV has no flags")
    linter = Linter(settings)
    resolved = linter._resolver.resolve(
        os.fspath(source)
        if isinstance(source, (str, os.PathLike))
        else os.path.join(os.getcwd(), label)
    )
    if isinstance(source, (str, os.PathLike)):
        document = load_file(os.fspath(source), chosen, None, resolved.lint.max_input_bytes)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        document = _document(label, bytes(source), chosen, resolved.lint.max_input_bytes)
    elif isinstance(source, (dict, list)):
        # The caller's dict is not changed: the flag below goes into a copy of its top level.
        document = _data_document(label, dict(source) if isinstance(source, dict) else source)
    else:
        raise TypeError(
            f"convert() takes a path, bytes or parsed data, not {type(source).__name__}"
        )
    if skip_duplicate_urls and isinstance(document.data, dict):
        document.data["skip_duplicate_urls"] = True
    report = _report(lint_document(document, resolved.lint))
    if document.data is None or (report.errors and not force):
        raise ManifestError(report)
    if target == "json":
        return to_json_bytes(document.data).decode("utf-8")
    refusals = csv_refusals(document.data, allow_formulas)
    if refusals:
        raise ValueError(_refusal_message(label, refusals))
    return to_csv_text(document.data)


def _check_format(format: str | None) -> None:
    if format not in (None, "json", "csv"):
        raise ValueError(f"format {format!r}: one of 'json', 'csv'")


def _label(source: Source, name: str | None) -> str:
    """What diagnostics call a source: ``name``, else the path, ``<bytes>`` or ``<data>``."""
    if name is not None:
        return name
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return "<data>" if isinstance(source, (dict, list)) else "<bytes>"


def _refusal_message(label: str, refusals: Sequence[Any]) -> str:
    from encord_manifest._internal.model.diagnostics import format_pointer

    named = "; ".join(f"{format_pointer(r.pointer)}: {r.message}" for r in refusals[:5])
    more = f" (and {len(refusals) - 5} more)" if len(refusals) > 5 else ""
    return f"{label}: CSV cannot carry this manifest: {named}{more}"


def _document(label: str, raw: bytes, format: SourceFormat | None, limit: int) -> Document:
    from encord_manifest._internal.engine.linter import load
    from encord_manifest._internal.sources.reading import too_large

    if len(raw) > limit:  # as a file of that size would be: refused unread
        raise too_large(label, limit)
    return load(label, raw, format)


def _data_document(label: str, data: Any) -> Document:
    """Parsed data as a document without text: findings get pointers, positions 1:1.

    Nested deeper than a file may be, or holding itself, it is F005, as a file's text is.
    What JSON cannot hold (a tuple, a set, a key that is not a string, NaN, an integer of more
    digits than Python writes) is refused with a ``TypeError``, as is data whose shared parts
    (one dict in many places, which ``json.load`` never makes) stand for more values than a
    file could hold: the rules see the data as a tree and would walk every copy.
    """
    from encord_manifest._internal.model.diagnostics import FILE_START, Finding
    from encord_manifest._internal.sources.nesting import MAX_DEPTH

    if _depth(data) > MAX_DEPTH:
        message = f"nesting deeper than {MAX_DEPTH} levels; no manifest needs it"
        finding = Finding("F005", (), message, span=FILE_START)
        return Document(label, "json", 0, None, None, [finding])
    return Document(label, "json", 0, data, None)


#: The most values (containers and scalars) data may stand for as a tree: more than a file of
#: the largest input size (2 GiB, at two characters a value at least) could hold.
MAX_VALUES = 1_000_000_000

#: Python writes integers of at most this many digits (``sys.get_int_max_str_digits``).
_MAX_INT_BITS = 14_000


def _depth(data: Any) -> int:
    """The nesting depth of ``data`` as a tree (more than ``MAX_DEPTH`` for a cycle).

    Each container is measured once, however many places hold it, so the work is bounded by
    the distinct objects, not by the tree they stand for; ``TypeError`` for a value that is
    not of the JSON model, or for a tree of more than ``MAX_VALUES`` values.
    """
    from encord_manifest._internal.sources.nesting import MAX_DEPTH

    measured: dict[int, tuple[int, int]] = {}  # id -> (depth, values), of containers done
    on_path: set[int] = set()
    # Frames: the container, its pointer, its children still to visit, depth and values so far.
    stack: list[list[Any]] = []

    def enter(value: Any, pointer: tuple[str | int, ...]) -> tuple[int, int] | None:
        """(depth, values) of a leaf or a container already measured; None: pushed."""
        if isinstance(value, (dict, list)):
            known = measured.get(id(value))
            if known is not None:
                return known
            if id(value) in on_path or len(stack) >= MAX_DEPTH:
                return (MAX_DEPTH + 1, 1)  # a cycle, or deeper than any file may be
            on_path.add(id(value))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.append([value, pointer, iter(items), 1, 1])
            return None
        _refuse_non_json(value, pointer)
        return (0, 1)

    root = enter(data, ())
    if root is not None:
        return root[0]
    while stack:
        frame = stack[-1]
        container, pointer, items = frame[0], frame[1], frame[2]
        for key, child in items:
            if isinstance(container, dict) and not isinstance(key, str):
                raise TypeError(f"data at {_where(pointer)}: key {key!r} is not a string")
            result = enter(child, (*pointer, key))
            if result is None:
                break  # measure the child first; this frame resumes after it
            _fold(frame, result)
        else:
            stack.pop()
            on_path.discard(id(container))
            done: tuple[int, int] = (frame[3], frame[4])
            measured[id(container)] = done
            if stack:
                _fold(stack[-1], done)
            else:
                return done[0]
    raise AssertionError("unreachable: the root frame returns")


def _fold(frame: list[Any], child: tuple[int, int]) -> None:
    """A child's depth and values into its container's frame."""
    frame[3] = max(frame[3], child[0] + 1)
    frame[4] += child[1]
    if frame[4] > MAX_VALUES:
        raise TypeError(
            f"data at {_where(frame[1])}: its shared parts stand for more than "
            f"{MAX_VALUES:,} values; give each place its own copy (or lint json.dumps(data))"
        )


def _refuse_non_json(value: Any, pointer: tuple[str | int, ...]) -> None:
    if value is None or isinstance(value, (str, bool)):
        return
    if isinstance(value, float):
        if isnan(value):
            # (json.loads reads 1e999 as inf, which the rules report as out of range.)
            raise TypeError(f"data at {_where(pointer)}: NaN is not a JSON number")
        return
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            raise TypeError(f"data at {_where(pointer)}: an integer too long to write")
        return
    raise TypeError(f"data at {_where(pointer)}: a {type(value).__name__} is not JSON")


def _where(pointer: tuple[str | int, ...]) -> str:
    from encord_manifest._internal.model.diagnostics import format_pointer

    return format_pointer(pointer) or "/"


def _report(result: FileResult) -> Report:
    return Report(result.path, tuple(result.diagnostics), _result=result)
