"""Write a realistic manifest of N entries, deterministically (same N and seed, same bytes).

Mostly single images, some videos, image groups of 3-20 URLs, DICOM series of 1-50 URLs,
about 30% of entries with clientMetadata, pretty-printed with two-space indentation as
people and most generators write them. The 1M-entry file is about 550 MB.

    python benchmarks/generate.py 100000 benchmarks/data/manifest-100k.json
    python benchmarks/generate.py 100000 out.json --findings 20   # plus 20 findings spread out
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import orjson

HOST = "https://radiology-imports.obs.eu-de.otc.t-systems.com"
SITES = ("berlin", "munich", "hamburg", "cologne", "frankfurt")
#: Share of entries by type, in the order the manifest lists them.
MIX = (("images", 0.80), ("videos", 0.05), ("image_groups", 0.08), ("dicom_series", 0.07))


def _client_metadata(rng: random.Random, n: int) -> dict[str, Any]:
    return {
        "site": rng.choice(SITES),
        "batch": n // 1000,
        "reviewed": rng.random() < 0.5,
        "annotator_notes": f"checked by reviewer {rng.randrange(40)}",
    }


def _entry(kind: str, n: int, rng: random.Random) -> dict[str, Any]:
    entry: dict[str, Any]
    if kind == "images":
        entry = {
            "objectUrl": f"{HOST}/projects/p{n % 97:02d}/images/2026/batch-{n // 1000:05d}/img_{n:08d}.jpg"
        }
        if rng.random() < 0.5:
            entry["title"] = f"img_{n:08d}.jpg"
    elif kind == "videos":
        entry = {
            "objectUrl": f"{HOST}/projects/p{n % 97:02d}/videos/drive_{n:08d}.mp4",
            "title": f"drive_{n:08d}.mp4",
        }
    elif kind == "image_groups":
        entry = {"title": f"group_{n:08d}", "createVideo": rng.random() < 0.5}
        for i in range(rng.randint(3, 20)):
            entry[f"objectUrl_{i}"] = (
                f"{HOST}/projects/p{n % 97:02d}/groups/g{n:08d}/frame_{i:05d}.png"
            )
    else:
        entry = {"title": f"series_{n:08d}"}
        for i in range(rng.randint(1, 50)):
            entry[f"objectUrl_{i}"] = f"{HOST}/dicom/study-{n // 7:07d}/series-{n:08d}/IM{i:05d}"
    if rng.random() < 0.30:
        entry["clientMetadata"] = _client_metadata(rng, n)
    return entry


def _inject(entries: dict[str, list[dict[str, Any]]], count: int, rng: random.Random) -> None:
    """Mistakes of the kinds users make, spread over the file."""
    images = entries["images"]
    for k in range(count):
        i = (k + 1) * len(images) // (count + 1)
        kind = k % 4
        if kind == 0:
            images[i]["objectUrl"] = images[i]["objectUrl"].replace("/img_", "/img ")
        elif kind == 1:
            images[i]["objectUrl"] = images[i]["objectUrl"].replace(".jpg", ".mp4")
        elif kind == 2:
            images[i]["objectUrl"] = images[i - 1]["objectUrl"]
        else:
            images[i]["objectURL"] = images[i].pop("objectUrl")


def generate(count: int, seed: int = 1, findings: int = 0) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    entries: dict[str, list[dict[str, Any]]] = {kind: [] for kind, _ in MIX}
    kinds = [kind for kind, _ in MIX]
    weights = [share for _, share in MIX]
    for n in range(count):
        kind = rng.choices(kinds, weights)[0]
        entries[kind].append(_entry(kind, n, rng))
    if findings:
        _inject(entries, findings, rng)
    return entries


def write(entries: dict[str, list[dict[str, Any]]], path: Path) -> None:
    """Pretty-print entry by entry, so a 550 MB file is written with little memory."""
    temporary = path.with_suffix(path.suffix + ".part")
    with temporary.open("wb") as out:
        out.write(b"{\n")
        kinds = [kind for kind, items in entries.items() if items]
        for k, kind in enumerate(kinds):
            out.write(b'  "' + kind.encode() + b'": [\n')
            items = entries[kind]
            for i, entry in enumerate(items):
                text = orjson.dumps(entry, option=orjson.OPT_INDENT_2)
                out.write(b"    " + text.replace(b"\n", b"\n    "))
                out.write(b",\n" if i < len(items) - 1 else b"\n")
            out.write(b"  ]" + (b",\n" if k < len(kinds) - 1 else b"\n"))
        out.write(b"}\n")
    temporary.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("entries", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--findings", type=int, default=0, help="inject this many mistakes")
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write(generate(args.entries, args.seed, args.findings), args.output)


if __name__ == "__main__":
    main()
