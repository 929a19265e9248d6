"""Which URLs of a manifest `lint --remote` probes, each with every place it is listed.

Each distinct URL is probed once (a URL listed twice is one object). URLs that the offline
rules already reject as malformed are not probed: the request could only fail for the reason
already reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Pointer
from encord_manifest._internal.rules.placeholders import never_requested
from encord_manifest._internal.rules.scene_walk import scene_files
from encord_manifest._internal.rules.urls import url_problems
from encord_manifest._internal.rules.view import positional_suffix

#: Offline findings that make a URL not worth a request.
_MALFORMED = frozenset({"U301", "U302", "U303", "U305", "U311"})


@dataclass(frozen=True)
class Target:
    url: str
    list_key: str
    pointers: tuple[Pointer, ...]
    #: A frame of an image sequence (its size is read too).
    frame: bool = False


def targets(data: Any) -> list[Target]:
    """The distinct, well-formed URLs of a manifest, each with every place it is listed."""
    places: dict[str, list[Pointer]] = {}
    kinds: dict[str, str] = {}
    frames: set[str] = set()
    for list_key, index, entry in spec.entries_of(data):
        if list_key == spec.SCENE_KEY:
            for tail, value, kind in scene_files(entry.get("scene")):
                if _probeable(value):
                    places.setdefault(value, []).append((list_key, index, "scene", *tail))
                    # A scene's images are probed as images; its other files as scene files.
                    kinds.setdefault(value, kind if kind in spec.ENTRY_KEYS else list_key)
            continue
        for key, value in entry.items():
            if key != "objectUrl" and positional_suffix(key) is None:
                continue
            if not isinstance(value, str) or not _probeable(value):
                continue
            places.setdefault(value, []).append((list_key, index, key))
            kinds.setdefault(value, list_key)
            if list_key == "image_groups" and entry.get("createVideo") is not False:
                frames.add(value)
    return [
        Target(url, kinds[url], tuple(pointers), url in frames) for url, pointers in places.items()
    ]


def _probeable(url: str) -> bool:
    if not url.lower().startswith(("https://", "http://")):
        return False
    if any(code in _MALFORMED for code, _ in url_problems(url)):
        return False
    return not never_requested(url)  # U312: a bucket of a placeholder's name may be anyone's
