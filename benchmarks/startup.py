"""Start-up: what a small lint costs next to its floor, and which imports it pays for.

    python benchmarks/startup.py                 # 15 rounds
    python benchmarks/startup.py --rounds 31 --importtime 15

Cases, each a fresh process, run in turn round after round (a shared machine moves absolute
times by a third between runs; ratios within one run hold):
  python            python -c pass                                  (the interpreter)
  floor             orjson + jsonschema-rs in one process: compile the schema, validate each
                    file (what any linter of this schema must at least do)
  floor + typer     the floor, importing Typer first (the command-line library is fixed)
  encord-manifest   encord-manifest lint FILES  (every rule)
on one file of 1,000 image entries, and on 200 files of 5 entries in one command (as
pre-commit passes them). Printed: median, spread (min-max) and the ratio of medians to the
floor. ``--importtime N`` adds the N largest cumulative imports of the 1k lint
(``python -X importtime``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.fix import timed  # noqa: E402  (a fresh process, timed; exit 0 or 1 expected)

SCHEMA = ROOT / "schemas" / "manifest.schema.json"

FLOOR = """
import json, sys, orjson, jsonschema_rs
validator = jsonschema_rs.validator_for(json.load(open(sys.argv[1])))
for name in sys.argv[2:]:
    with open(name, "rb") as f:
        validator.is_valid(orjson.loads(f.read()))
"""


def _manifest(path: Path, entries: int, stem: str) -> Path:
    images = [{"objectUrl": f"https://b.s3.amazonaws.com/{stem}/{i}.jpg"} for i in range(entries)]
    path.write_text(json.dumps({"images": images}), encoding="utf-8")
    return path


def _case(name: str, files: list[Path], rounds: int) -> None:
    python = sys.executable
    names = [str(f) for f in files]
    commands = {
        "python": [python, "-c", "pass"],
        "floor": [python, "-c", FLOOR, str(SCHEMA), *names],
        # The floor and the CLI library the design card names, imported: what any lint by
        # this project's means must at least pay.
        "floor + typer": [python, "-c", "import typer\n" + FLOOR, str(SCHEMA), *names],
        "encord-manifest": [python, "-m", "encord_manifest", "lint", *names],
    }
    times: dict[str, list[float]] = {peer: [] for peer in commands}
    _compile_bytecode()
    for command in commands.values():  # warm the file cache
        timed(command)
    for _ in range(rounds):
        for peer, command in commands.items():
            times[peer].append(timed(command))
    floor = statistics.median(times["floor"])
    print(f"\n{name} ({rounds} rounds)")
    for peer, samples in times.items():
        median = statistics.median(samples)
        print(
            f"  {peer:16s} median {median * 1000:6.0f} ms  spread {min(samples) * 1000:5.0f}-"
            f"{max(samples) * 1000:5.0f} ms  {median / floor:4.2f}x floor"
        )


def _compile_bytecode() -> None:
    """Write the .pyc files an installed package has from its install.

    Without them (a checkout just edited, or PYTHONDONTWRITEBYTECODE set, as on some CI
    machines) every start compiles each changed module again: 7 ms for the old 900-line cli.py alone.
    """
    import compileall
    import importlib.util

    for package in ("encord_manifest", "typer", "jsonschema_rs", "orjson"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                compileall.compile_dir(folder, quiet=1)


def _importtime(file: Path, top: int) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "encord_manifest", "lint", str(file)],
        capture_output=True,
        text=True,
        check=False,
    )
    rows: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, microseconds, module = line.split("|")
            if microseconds.strip().isdigit():
                rows.append((int(microseconds), module.rstrip()))
    print("\nlargest cumulative imports of the 1k lint (us; nested modules indented)")
    for cumulative, name in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative:8d}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--importtime", type=int, default=0, metavar="N")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)  # outside the checkout: no configuration file is found
        one = _manifest(folder / "k1.json", 1000, "one")
        small = [_manifest(folder / f"s{i}.json", 5, f"s{i}") for i in range(200)]
        _case("one file of 1,000 entries", [one], options.rounds)
        _case("200 files of 5 entries, one command", small, options.rounds)
        if options.importtime:
            _importtime(one, options.importtime)


if __name__ == "__main__":
    main()
