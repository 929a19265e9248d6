"""The manifest as rule families see it: entry lists and column-like tables of URLs and titles.

Rules work on whole columns (every URL of one entry list) so that the common case, nothing
wrong, is decided by a few C-speed operations over a list or a joined string, and Python-level
work is spent only on the values that look suspicious. A table keeps, for each value, where it
came from, so a finding can point back into the document.

The data may be anything JSON can hold: the schema has already reported wrong shapes, and the
tables simply leave out values of the wrong type.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, compress, count, repeat
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Pointer
from encord_manifest._internal.rules.scene_walk import Tail, file_runs


@dataclass(frozen=True)
class Column:
    """String values of one entry list, with the place each came from."""

    list_key: str
    values: list[str]
    #: Entry index of each value; None when value i came from entry i.
    owners: list[int] | None
    #: Entry key of each value; None when every value came from ``field``.
    fields: list[str] | None
    field: str
    #: Place of each value inside its entry, where it lies deeper than an entry key (a
    #: scene's files); None otherwise.
    tails: TailTable | None = None
    #: The kind of each value's file (a key of ``spec.EXTENSIONS_BY_KEY``, or None: not told
    #: by its extension), where the values are of several kinds; None: all of the list's.
    kinds: list[str | None] | None = None

    def entry_index(self, i: int) -> int:
        return i if self.owners is None else self.owners[i]

    def pointer(self, i: int) -> Pointer:
        if self.tails is not None:
            return (self.list_key, self.entry_index(i), *self.tails[i])
        key = self.field if self.fields is None else self.fields[i]
        return (self.list_key, self.entry_index(i), key)

    def value_kinds(self) -> set[str]:
        """The kinds of file whose extension says their type, among the values."""
        if self.kinds is None:
            return {self.list_key} if self.values else set()
        return set(self.kinds) - {None}  # type: ignore[return-value]

    def indexes_of(self, kind: str) -> list[int]:
        """The values of one kind, by index."""
        if self.kinds is None:
            return list(range(len(self.values))) if kind == self.list_key else []
        return list(compress(count(), map(operator.eq, self.kinds, repeat(kind))))


@dataclass
class TailTable:
    """The place inside its entry of each value of a scene column, kept by runs (a stream's
    events, or one file) and made into a tuple only when asked for (a finding)."""

    starts: list[int] = field(default_factory=list)
    places: list[Tail] = field(default_factory=list)
    per_event: list[bool] = field(default_factory=list)
    #: The event index of each value of a run that left values out (not strings); else None.
    kept: list[list[int] | None] = field(default_factory=list)

    def add(self, start: int, place: Tail, per_event: bool, kept: list[int] | None) -> None:
        self.starts.append(start)
        self.places.append(place)
        self.per_event.append(per_event)
        self.kept.append(kept)

    def __getitem__(self, i: int) -> Tail:
        run = bisect_right(self.starts, i) - 1
        if not self.per_event[run]:
            return self.places[run]
        index = i - self.starts[run]
        kept = self.kept[run]
        return (*self.places[run], "events", index if kept is None else kept[index], "uri")


class ManifestView:
    def __init__(
        self,
        data: Any,
        size: int = 0,
        rows_dropped: bool = False,
        counts: tuple[int, int] | None = None,
    ) -> None:
        #: Size of the source file in bytes.
        self.size = size
        #: The source had rows it could not make entries of (already reported by the source).
        self.rows_dropped = rows_dropped
        self.is_object = isinstance(data, dict)
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self._field_values: dict[tuple[str, str], list[Any]] = {}
        #: What a family works out once and something else asks for again (``engine.parts``).
        self.memo: dict[str, Any] = {}
        if counts is not None:
            # The top level of a manifest checked in parts (``engine.parts``): its entries are in
            # the parts; the document-scope rules see their totals.
            self.entry_count, self.url_count = counts

    def entries(self, list_key: str) -> list[Any]:
        value = self.data.get(list_key)
        return value if isinstance(value, list) else []

    @cached_property
    def entry_count(self) -> int:
        return sum(len(self.entries(key)) for key in spec.ENTRY_KEYS)

    @cached_property
    def url_count(self) -> int:
        return sum(len(self.urls(key).values) for key in spec.ENTRY_KEYS)

    def urls(self, list_key: str) -> Column:
        return self._url_columns[list_key]

    def titles(self, list_key: str) -> Column:
        return self._title_columns[list_key]

    @cached_property
    def _url_columns(self) -> dict[str, Column]:
        columns: dict[str, Column] = {}
        for key in spec.ENTRY_KEYS:
            if not self.entries(key):  # most manifests hold one or two of the ten lists
                field = spec.POSITIONAL_PREFIX if key in spec.GROUP_KEYS else "objectUrl"
                columns[key] = Column(
                    key, [], None, None, "scene" if key == spec.SCENE_KEY else field
                )
            elif key in spec.GROUP_KEYS:
                columns[key] = self._positional_column(key)
            elif key == spec.SCENE_KEY:
                columns[key] = self._scene_column()
            else:
                columns[key] = self._field_column(key, "objectUrl")
        return columns

    @cached_property
    def _title_columns(self) -> dict[str, Column]:
        return {
            key: self._field_column(key, "title")
            if self.entries(key)
            else Column(key, [], None, None, "title")
            for key in spec.ENTRY_KEYS
        }

    def field_values(self, list_key: str, field: str) -> list[Any]:
        """The value of ``field`` in each entry of the list: None where it is absent (or the
        entry is not an object). Looked up once per list and field, by C-level maps."""
        found = self._field_values.get((list_key, field))
        if found is None:
            entries = self.entries(list_key)
            if not entries:  # most of the ten lists, in most manifests
                return []
            try:
                found = list(map(dict.get, entries, repeat(field)))
            except TypeError:  # an entry that is not an object
                found = [entry.get(field) if type(entry) is dict else None for entry in entries]
            self._field_values[(list_key, field)] = found
        return found

    def _field_column(self, list_key: str, field: str) -> Column:
        values = self.field_values(list_key, field)
        # The common case: every entry has a string in that field (URLs), or none has (titles).
        types = set(map(type, values))
        if types <= {str}:
            return Column(list_key, values, None, None, field)
        if types == {type(None)}:
            return Column(list_key, [], [], None, field)
        owners = list(compress(count(), map(operator.is_, map(type, values), repeat(str))))
        return Column(list_key, list(map(values.__getitem__, owners)), owners, None, field)

    def _scene_column(self) -> Column:
        """Every file of every scene, with its place and kind (``scene_walk``), a stream's
        events at a time."""
        values: list[str] = []
        owners: list[int] = []
        kinds: list[str | None] = []
        tails = TailTable()
        for index, entry in enumerate(self.entries(spec.SCENE_KEY)):
            if type(entry) is not dict:
                continue
            for place, run, kind, per_event in file_runs(entry.get("scene")):
                kept = None
                if not set(map(type, run)) <= {str}:
                    kept = [i for i, value in enumerate(run) if type(value) is str]
                    run = [run[i] for i in kept]
                if not run:
                    continue
                tails.add(len(values), ("scene", *place), per_event, kept)
                values.extend(run)
                owners.extend(repeat(index, len(run)))
                kinds.extend(repeat(kind, len(run)))
        return Column(spec.SCENE_KEY, values, owners, None, "scene", tails, kinds)

    def groups(self, list_key: str) -> GroupTable:
        """The files of every group or series entry, in numeric order of their keys."""
        return self._groups[list_key]

    @cached_property
    def _groups(self) -> dict[str, GroupTable]:
        return {key: GroupTable.of(self.entries(key)) for key in spec.GROUP_KEYS}

    def _positional_column(self, list_key: str) -> Column:
        table = self.groups(list_key)
        owners = list(chain.from_iterable(map(repeat, table.indexes, table.counts())))
        if set(map(type, table.values)) <= {str}:
            return Column(list_key, table.values, owners, table.keys, spec.POSITIONAL_PREFIX)
        keep = [i for i, value in enumerate(table.values) if isinstance(value, str)]
        return Column(
            list_key,
            [table.values[i] for i in keep],
            [owners[i] for i in keep],
            [table.keys[i] for i in keep],
            spec.POSITIONAL_PREFIX,
        )


@dataclass
class GroupTable:
    """Every group or series entry of one list, flattened: one row per file.

    Group ``g`` is entry ``indexes[g]``; its files are rows ``starts[g]`` to ``starts[g + 1]``
    of ``keys`` and ``values``, in numeric order of their positional keys. Built in one loop
    without an object per group: a manifest can hold hundreds of thousands of groups.
    """

    indexes: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=lambda: [0])
    keys: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    #: The N of each key of the groups whose positions are not 0, 1, 2, ...
    gaps: dict[int, list[int]] = field(default_factory=dict)

    def counts(self) -> list[int]:
        return list(map(operator.sub, self.starts[1:], self.starts[:-1]))

    def files(self, group: int) -> tuple[list[str], list[Any]]:
        a, b = self.starts[group], self.starts[group + 1]
        return self.keys[a:b], self.values[a:b]

    @classmethod
    def of(cls, entries: list[Any]) -> GroupTable:
        table = cls()
        known = _POSITIONAL_KEYS
        longest = max(map(len, (e for e in entries if isinstance(e, dict))), default=0)
        _positional_keys(longest)
        for index, entry in enumerate(entries):
            if type(entry) is not dict:
                continue
            # Fast path, C-level: the entry holds objectUrl_0 .. objectUrl_{n-1} beside its
            # known fields and nothing else, which is what generators and the converter write.
            count = len(entry) - (
                ("title" in entry) + ("createVideo" in entry) + ("clientMetadata" in entry)
            )
            keys = known[:count]
            values = list(map(entry.get, keys))
            if None in values:
                keys, values, numbers = _parse_positional(entry)
                if numbers != list(range(len(numbers))):
                    table.gaps[len(table.indexes)] = numbers
            table.indexes.append(index)
            table.keys.extend(keys)
            table.values.extend(values)
            table.starts.append(len(table.keys))
        return table


_POSITIONAL_KEYS: list[str] = []


def _positional_keys(count: int) -> list[str]:
    while len(_POSITIONAL_KEYS) < count:
        _POSITIONAL_KEYS.append(f"{spec.POSITIONAL_PREFIX}{len(_POSITIONAL_KEYS)}")
    return _POSITIONAL_KEYS[:count]


def _parse_positional(entry: dict[str, Any]) -> tuple[list[str], list[Any], list[int]]:
    """The slow path: every well-formed positional key, sorted by its number."""
    found = []
    for key, value in entry.items():
        number = positional_suffix(key)
        if number is not None:
            found.append((number, key, value))
    found.sort(key=lambda item: item[0])
    return [k for _, k, _ in found], [v for _, _, v in found], [n for n, _, _ in found]


def positional_suffix(key: str) -> int | None:
    """The N of a well-formed ``objectUrl_N`` key (no sign, no leading zeros), else None."""
    if not key.startswith(spec.POSITIONAL_PREFIX):
        return None
    digits = key[len(spec.POSITIONAL_PREFIX) :]
    if not digits.isascii() or not digits.isdigit() or (len(digits) > 1 and digits[0] == "0"):
        return None
    return int(digits)
