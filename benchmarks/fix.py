"""Benchmark `encord-manifest lint --fix` against the lint of the same file, in one run.

    python benchmarks/fix.py                      # 3k, 24k and 60k fixable entries, 3 rounds
    python benchmarks/fix.py --fixable 3000 --rounds 5

Each manifest (``generate.py``'s realistic entries) has every fourth entry made fixable, in
turn: a space in its URL (U301), '<' '>' around it (U302), ``objectURL`` for ``objectUrl``
(S105). Each round copies the file, then times, each in a fresh process, `lint` of the copy
and `lint --fix` of it (which rewrites it). The figures are the median and spread (min-max) of
the rounds and the ratio of the medians, fix over lint: on a shared machine absolute times move
between runs, the ratio much less. `--fix` ends with a lint of the fixed text, so a ratio near
2-3 means fixing costs about as much as linting again, whatever the number of fixes.

Measured on the 2-core shared machine (median of the rounds; fix/lint):

    fixable   before: lint, --fix (1 round)     after: lint, --fix (3 rounds)
      3,000     0.56 s,   0.76 s   1.4x           0.47 s,  0.62 s   1.3x
     24,000     6.91 s,  18.87 s   2.7x           3.35 s,  3.94 s   1.2x
     60,000    32.63 s, 110.42 s   3.4x           9.30 s, 10.49 s   1.1x
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate import generate, write

DATA = Path(__file__).resolve().parent / "data"


def fixable_manifest(fixable: int, path: Path) -> None:
    """A manifest of ``4 * fixable`` entries, ``fixable`` of them with a safe fix."""
    entries = generate(4 * fixable, seed=7)
    images: list[dict[str, Any]] = entries["images"]
    step = max(1, len(images) // fixable)
    for n, entry in enumerate(images[::step][:fixable]):
        url = entry.pop("objectUrl")
        kind = n % 3
        if kind == 0:
            entry["objectUrl"] = url.replace("/img_", "/img ")
        elif kind == 1:
            entry["objectUrl"] = f"<{url}>"
        else:
            entry["objectURL"] = url
    write(entries, path)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-500:]}")
    return seconds


def measure(fixable: int, rounds: int) -> tuple[list[float], list[float]]:
    source = DATA / f"fixable-{fixable}.json"
    if not source.exists():
        fixable_manifest(fixable, source)
    copy = DATA / f"fixable-{fixable}.work.json"
    tool = [sys.executable, "-m", "encord_manifest", "lint", "--quiet"]
    lints, fixes = [], []
    for _ in range(rounds):
        shutil.copyfile(source, copy)
        lints.append(timed(tool + [str(copy)]))
        fixes.append(timed(tool + ["--fix", str(copy)]))
    copy.unlink()
    return lints, fixes


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} s ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fixable", type=int, nargs="+", default=[3000, 24000, 60000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"{'fixable':>8}  {'lint: median (min-max)':<26}{'lint --fix':<26}fix/lint")
    for fixable in args.fixable:
        lints, fixes = measure(fixable, args.rounds)
        ratio = statistics.median(fixes) / statistics.median(lints)
        print(f"{fixable:>8,}  {_spread(lints):<26}{_spread(fixes):<26}{ratio:6.1f}x")


if __name__ == "__main__":
    main()
