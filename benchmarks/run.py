"""Benchmark `encord-manifest lint` against its peers, in one run on the same files.

    pip install -e '.[test,bench]'
    python benchmarks/run.py                 # 10k, 100k and 1M entries (generates ~1 GB once)
    python benchmarks/run.py --sizes 10000   # quicker
    python benchmarks/run.py --sizes 1000,10000 --skip-ajv   # without npm
    python benchmarks/run.py --sizes 0 --csv-rows 1000000   # only the CSV conversion
    python benchmarks/run.py --sizes 0 --csv-rows 0 --broken 1000000   # only broken files

Peers, each a fresh process on the same file:
  floor             python -c 'import json,sys; json.load(open(sys.argv[1]))'  (the parse floor)
  encord-manifest   encord-manifest lint FILE  (every offline rule)
  ajv-cli           ajv validate --spec=draft2020 --strict=false --all-errors
                        -s schemas/manifest.schema.json -d FILE
                    (schema only; from the npm registry: benchmarks/peers/package-lock.json,
                    installed there by `npm ci` on the first run; skipped without npm)
  check-jsonschema  check-jsonschema --schemafile schemas/manifest.schema.json FILE

CSV conversion (`encord-manifest convert FILE.csv -o FILE.json`, which lints first) on a CSV of
image groups (ObjectUrl, Image group title, Create video), against its floor: a process that
only reads the file with Python's csv module, plus json.dumps of the converter's result timed
in-process (in the converter's format, indent=2, and compact for reference).

Broken files (`--broken`, 1M entries by default): the same manifest clean, with 40, 10,000 and
100,000 findings (benchmarks/generate.py --findings) and with one repeated top-level key, each
against the parse floor of the clean file and against the clean lint, in the same rounds.

Figures are ratios to the floor measured in the same run, because absolute times on a shared
machine move by 30-50% between runs: floor and lint run in turn for several rounds, and the
median of each is taken. Positions are timed in-process on a file with findings: the
share of the lint that finding their lines and columns takes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
SCHEMA = ROOT / "schemas" / "manifest.schema.json"
PEERS = ROOT / "benchmarks" / "peers"
#: ajv as a linter of this schema: the 2020-12 dialect the schema declares; strict mode off,
#: since it refuses the editor keywords (markdownDescription) and the formats it does not know
#: (mcap, pcd), which 2020-12 makes annotations anyway, as jsonschema reads them; every error,
#: as the lint reports every finding. Its exit code on a file with errors is 1, like ours.
AJV_ARGUMENTS = ["validate", "--spec=draft2020", "--strict=false", "--all-errors"]


@dataclass
class Measure:
    seconds: float
    peak_mib: float
    #: The fastest and slowest of the timed runs (the median is ``seconds``).
    low: float = 0.0
    high: float = 0.0


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one run (of its largest process)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{command[:3]} exited {code}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


def _process_tree(pid: int) -> list[int]:
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        waiting.extend(int(child) for child in children)
    return found


def _proportional_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_memory(command: list[str], interval: float = 0.05) -> float:
    """Peak MiB of all the command's processes together, in a run of its own.

    A lint of a large file forks two processes that check a part each, and the peak resident
    size of one process (what wait4 reports) would leave the others out. Sampled instead: the
    sum of the processes' proportional set sizes, where a page several processes share (the
    interpreter and modules the children inherit) counts once. The sampling's own reads of /proc would slow the timed runs, hence a run apart.
    """
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while True:
        peak = max(peak, sum(_proportional_kib(pid) for pid in _process_tree(process.pid)))
        pid, _, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            # A run shorter than the interval is seen by wait4 alone (one process's peak).
            return max(peak, usage.ru_maxrss) / 1024
        time.sleep(interval)


def measure_together(commands: list[list[str]], repeat: int) -> list[Measure]:
    """Run the commands in turn, ``repeat`` rounds, so that the machine's slow and fast
    moments fall on all of them alike. Median time of each; peak memory of all its processes
    in one more run of each (see ``peak_memory``)."""
    samples: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, taken in zip(commands, samples, strict=True):
            taken.append(run_once(command)[0])
    return [
        Measure(statistics.median(taken), peak_memory(command), min(taken), max(taken))
        for command, taken in zip(commands, samples, strict=True)
    ]


def ajv_command() -> list[str] | None:
    """``ajv validate`` with this schema, FILE to be appended; installed from the lock file
    on first use. None (said on stderr) where npm is missing or the install fails."""
    ajv = PEERS / "node_modules" / ".bin" / "ajv"
    if not ajv.exists():
        npm = shutil.which("npm")
        if npm is None:
            print("ajv-cli: not run (npm not found)", file=sys.stderr)
            return None
        try:
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=PEERS,
                check=True,
                timeout=600,
                stdout=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError) as error:
            print(f"ajv-cli: not run (npm ci failed: {error})", file=sys.stderr)
            return None
    return [str(ajv), *AJV_ARGUMENTS, "-s", str(SCHEMA), "-d"]


def manifest(entries: int, findings: int) -> Path:
    suffix = f"-findings{findings}" if findings else ""
    path = DATA / f"manifest-{entries}{suffix}.json"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from generate import generate, write  # type: ignore[import-not-found]  # a sibling script

        DATA.mkdir(parents=True, exist_ok=True)
        write(generate(entries, seed=1, findings=findings), path)
    return path


def repeated_key_manifest(entries: int) -> Path:
    """The clean manifest with its first list's key once more at the end (an empty list):
    the last value is the one any parser keeps, so the first list is dropped."""
    path = DATA / f"manifest-{entries}-repeated.json"
    if not path.exists():
        text = manifest(entries, 0).read_text(encoding="utf-8").rstrip()
        first_key = text[text.index('"') : text.index('"', text.index('"') + 1) + 1]
        path.write_text(text[:-1].rstrip() + f",\n  {first_key}: []\n}}\n", encoding="utf-8")
    return path


#: The broken files of the findings table: name, and how to make it from the entry count.
BROKEN_CASES: list[tuple[str, Any]] = [
    ("clean", lambda n: manifest(n, 0)),
    ("40 findings", lambda n: manifest(n, 40)),
    ("10,000 findings", lambda n: manifest(n, 10_000)),
    ("100,000 findings", lambda n: manifest(n, 100_000)),
    ("one repeated top-level key", repeated_key_manifest),
]


def measure_broken(lint: str, entries: int, repeat: int, ajv: list[str] | None) -> None:
    """The lint of the same manifest clean, with findings and with a repeated key, each
    against the parse floor of the clean file and ajv on the same file, all measured in the
    same rounds."""
    python = sys.executable
    floor_command = [python, "-c", "import json,sys; json.load(open(sys.argv[1]))"]
    paths = [(name, make(entries)) for name, make in BROKEN_CASES]
    commands = [floor_command + [str(paths[0][1])]] + [[lint, "lint", str(p)] for _, p in paths]
    if ajv is not None:
        commands += [ajv + [str(p)] for _, p in paths]
    floor, *measured = measure_together(commands, repeat)
    cases = measured[: len(paths)]
    peers: list[Measure | None] = [*measured[len(paths) :]] or [None] * len(paths)
    print(
        f"\n{entries:,} entries, {repeat} rounds; median (fastest-slowest) wall time, peak memory of all processes\n"
    )
    print(
        "| file | lint | vs floor | vs clean lint | peak memory | vs floor's "
        "| ajv-cli | lint vs ajv-cli |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| json.load floor | {floor.seconds:.2f} s ({floor.low:.2f}-{floor.high:.2f}) | 1.00x | - "
        f"| {floor.peak_mib:,.0f} MiB | 1.00x | | |"
    )
    clean = cases[0]
    for (name, _), case, peer in zip(paths, cases, peers, strict=True):
        print(
            f"| {name} | {case.seconds:.2f} s ({case.low:.2f}-{case.high:.2f}) "
            f"| {case.seconds / floor.seconds:.2f}x | {case.seconds / clean.seconds:.2f}x "
            f"| {case.peak_mib:,.0f} MiB | {case.peak_mib / floor.peak_mib:.2f}x "
            f"| {_peer_text(peer)} | {_ratio(case, peer)} |"
        )


def _peer_text(peer: Measure | None) -> str:
    return f"{peer.seconds:.2f} s ({peer.low:.2f}-{peer.high:.2f})" if peer else "not run"


def _ratio(ours: Measure, peer: Measure | None) -> str:
    """Our time over the peer's: below 1.00x, the lint is the faster."""
    return f"{ours.seconds / peer.seconds:.2f}x" if peer else "-"


def position_share(path: Path) -> tuple[float, float, int]:
    """Seconds to lint ``path`` in-process, of which finding positions, and the findings.

    In one process: a file linted in parts places its findings in the children, where this
    process cannot time them (the broken-files table has the whole of that cost)."""
    from encord_manifest._internal.engine import linter
    from encord_manifest._internal.model.settings import LintSettings

    linter.PARTS_MIN_BYTES = sys.maxsize

    located = 0.0
    original = linter._locate

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal located
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            located += time.perf_counter() - start

    linter._locate = timed
    try:
        start = time.perf_counter()
        result = linter.lint_file(str(path), LintSettings())
        total = time.perf_counter() - start
    finally:
        linter._locate = original
    return total, located, len(result.diagnostics)


_CSV_READ = (
    "import csv,sys\nfor _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8')): pass"
)
_DUMPS = (
    "import json,sys,time\nd = json.load(open(sys.argv[1], encoding='utf-8'))\n"
    "t = time.perf_counter(); json.dumps(d, indent=2, ensure_ascii=False)\n"
    "u = time.perf_counter(); json.dumps(d)\nv = time.perf_counter()\n"
    "print(u - t, v - u)"
)


@dataclass
class ConvertFigures:
    rows: int
    size_bytes: int
    csv_read: float
    dumps_indented: float
    dumps_compact: float
    convert: float
    convert_peak_mib: float


def csv_file(rows: int) -> Path:
    path = DATA / f"groups-{rows}.csv"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from generate_csv import write  # type: ignore[import-not-found]  # a sibling script

        write(rows, path)
    return path


def measure_convert(lint: str, rows: int, repeat: int) -> ConvertFigures:
    """Converter and floor in turn, ``repeat`` rounds; medians."""
    source = csv_file(rows)
    output = DATA / f"groups-{rows}.json"
    python = sys.executable
    reads, converts, peaks, indented, compact = [], [], [], [], []
    for _ in range(repeat):
        reads.append(run_once([python, "-c", _CSV_READ, str(source)])[0])
        output.unlink(missing_ok=True)  # unchanged output is not rewritten: make it write
        seconds, peak = run_once([lint, "convert", str(source), "-o", str(output)])
        converts.append(seconds)
        peaks.append(peak)
        done = subprocess.run(
            [python, "-c", _DUMPS, str(output)], capture_output=True, text=True, check=True
        )
        pretty, plain = (float(x) for x in done.stdout.split())
        indented.append(pretty)
        compact.append(plain)
    median = statistics.median
    return ConvertFigures(
        rows,
        source.stat().st_size,
        median(reads),
        median(indented),
        median(compact),
        median(converts),
        max(peaks),
    )


def print_convert_table(figures: list[ConvertFigures]) -> None:
    print()
    print(
        "| CSV rows | file | csv read | json.dumps (indent=2 / compact) "
        "| encord-manifest convert | vs floor (indent=2) | vs floor (compact) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for f in figures:
        floor = f.csv_read + f.dumps_indented
        strict = f.csv_read + f.dumps_compact
        print(
            f"| {f.rows:,} | {f.size_bytes / 1e6:,.1f} MB | {f.csv_read:.2f} s "
            f"| {f.dumps_indented:.2f} s / {f.dumps_compact:.2f} s "
            f"| {f.convert:.2f} s, {f.convert_peak_mib:,.0f} MiB | {f.convert / floor:.2f}x "
            f"| {f.convert / strict:.2f}x |"
        )


@dataclass
class LintRow:
    """One size of the main table: the clean file against its floor and the peers."""

    size: int
    size_bytes: int
    floor: Measure
    ours: Measure
    ajv: Measure | None
    check_jsonschema: Measure | None
    #: In-process seconds of the lint of the file with findings, of which positions.
    total: float
    located: float
    found: int


def print_lint_table(rows: list[LintRow]) -> None:
    print(
        "| entries | file | parse floor | encord-manifest lint | vs floor | peak memory vs floor (all processes) "
        "| ajv-cli | lint vs ajv-cli | check-jsonschema | encord-manifest speed-up "
        "| positions share (findings, one process) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        floor, ours, theirs = row.floor, row.ours, row.check_jsonschema
        peer_text = f"{theirs.seconds:.2f} s" if theirs else "not run"
        speedup = f"{theirs.seconds / ours.seconds:.1f}x" if theirs else "-"
        print(
            f"| {row.size:,} | {row.size_bytes / 1e6:,.1f} MB "
            f"| {floor.seconds:.2f} s, {floor.peak_mib:,.0f} MiB "
            f"| {ours.seconds:.2f} s, {ours.peak_mib:,.0f} MiB | {ours.seconds / floor.seconds:.2f}x "
            f"| {ours.peak_mib / floor.peak_mib:.2f}x | {_peer_text(row.ajv)} | {_ratio(ours, row.ajv)} "
            f"| {peer_text} | {speedup} "
            f"| {row.located / row.total:.0%} of {row.total:.2f} s ({row.found} findings) |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--repeat", type=int, default=0, help="runs per command (default: 5 below 1M, else 1)"
    )
    parser.add_argument(
        "--findings", type=int, default=40, help="mistakes injected into the positions file"
    )
    parser.add_argument("--skip-check-jsonschema", action="store_true")
    parser.add_argument("--skip-ajv", action="store_true", help="leave ajv-cli out")
    parser.add_argument("--csv-rows", default="1000000", help="CSV sizes to convert ('0' for none)")
    parser.add_argument(
        "--broken",
        default="1000000",
        help="sizes of the table of broken files: findings, a repeated key ('0' for none)",
    )
    args = parser.parse_args()

    python = sys.executable
    lint = shutil.which("encord-manifest", path=str(Path(python).parent)) or "encord-manifest"
    peer = shutil.which("check-jsonschema", path=str(Path(python).parent))
    ajv = None if args.skip_ajv else ajv_command()
    rows: list[LintRow] = []
    for size in (int(s) for s in args.sizes.split(",") if int(s)):
        path = manifest(size, 0)
        repeat = args.repeat or (5 if size < 1_000_000 else 3)
        floor_command = [python, "-c", "import json,sys; json.load(open(sys.argv[1]))", str(path)]
        commands = [floor_command, [lint, "lint", str(path)]]
        if ajv is not None:
            commands.append(ajv + [str(path)])
        floor, ours, *peers = measure_together(commands, repeat)
        theirs = None
        if peer and not args.skip_check_jsonschema:
            (theirs,) = measure_together([[peer, "--schemafile", str(SCHEMA), str(path)]], 1)
        total, located, found = position_share(manifest(size, args.findings))
        rows.append(
            LintRow(
                size,
                path.stat().st_size,
                floor,
                ours,
                peers[0] if peers else None,
                theirs,
                total,
                located,
                found,
            )
        )
        print(f"measured {size:,} entries", file=sys.stderr)

    if rows:
        print_lint_table(rows)
    for entries in (int(n) for n in args.broken.split(",") if int(n)):
        measure_broken(lint, entries, args.repeat or (5 if entries < 1_000_000 else 3), ajv)
    conversions = [
        measure_convert(lint, count, args.repeat or 3)
        for count in (int(r) for r in args.csv_rows.split(",") if int(r))
    ]
    if conversions:
        print_convert_table(conversions)


if __name__ == "__main__":
    main()
