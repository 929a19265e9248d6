"""Write a realistic CSV manifest of N rows, deterministically (same N and seed, same bytes).

One section with the columns of spec section 4's richest form, `ObjectUrl, Image group title,
Create video`: image groups and sequences of 3-20 images, each group's rows together, with
Create video written as `true`, `false` or left blank (true), as spreadsheets end up with.

    python benchmarks/generate_csv.py 1000000 benchmarks/data/groups-1000000.csv
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

HOST = "https://radiology-imports.obs.eu-de.otc.t-systems.com"


def rows(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    lines = ["ObjectUrl,Image group title,Create video"]
    group = 0
    while len(lines) <= count:
        size = min(rng.randint(3, 20), count + 1 - len(lines))
        create = rng.choice(("true", "false", ""))
        extension = "jpg" if create != "false" else rng.choice(("png", "jpg", "tif"))
        for frame in range(size):
            lines.append(
                f"{HOST}/projects/p{group % 97:02d}/groups/g{group:08d}/frame_{frame:05d}"
                f".{extension},group_{group:08d},{create}"
            )
        group += 1
    return lines


def write(count: int, path: Path, seed: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows(count, seed)) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rows", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.rows, args.output, args.seed)


if __name__ == "__main__":
    main()
