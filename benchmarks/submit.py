"""What linting before the upload costs: `submit --no-wait` against the SDK call alone.

    python benchmarks/submit.py                  # 100,000 entries, 3 rounds
    python benchmarks/submit.py --entries 10000 --rounds 5

Both sides start a fresh Python process, sign in with the same throwaway Ed25519 key and start
the same import job on the local Encord test server (tests/encord_server.py, in its own
process): the peer runs `dataset.add_private_data_to_dataset_start(integration, path)` and
nothing else, as the documentation's snippet does; `encord-manifest submit --no-wait` also
reads, lints and re-encodes the manifest, and resolves the integration by title. They run in
turn and the medians are compared, because machines differ.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate, write  # noqa: E402
from tests.encord_server import running, write_private_key  # noqa: E402

SDK_ONLY = """
import sys
from encord import EncordUserClient
key, domain, dataset, integration, manifest = sys.argv[1:]
client = EncordUserClient.create_with_ssh_private_key(ssh_private_key_path=key, domain=domain)
job = client.get_dataset(dataset, include_data_rows=False).add_private_data_to_dataset_start(
    integration, manifest, ignore_errors=True
)
print(job)
"""


def _serve(key_path: str, answer: Any, stop: Any) -> None:
    from cryptography.hazmat.primitives.serialization import load_ssh_private_key

    key = load_ssh_private_key(Path(key_path).read_bytes(), None)
    with running(key) as server:  # type: ignore[arg-type]
        integration = server.add_integration("bench-bucket")
        answer.put((server.domain, server.add_dataset("bench"), integration))
        stop.wait()


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[:4]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        key = Path(directory) / "key"
        write_private_key(key)
        manifest = Path(directory) / "manifest.json"
        write(generate(options.entries), manifest)
        answer: Any = multiprocessing.Queue()
        stop = multiprocessing.Event()
        server = multiprocessing.Process(target=_serve, args=(str(key), answer, stop))
        server.start()
        try:
            domain, dataset, integration = answer.get(timeout=30)
            peer = [sys.executable, "-c", SDK_ONLY, str(key), domain, dataset, integration]
            peer.append(str(manifest))
            ours = [sys.executable, "-m", "encord_manifest", "submit", str(manifest)]
            ours += ["--dataset", dataset, "--integration", "bench-bucket", "--no-wait"]
            ours += ["--key", str(key), "--domain", domain]
            sdk, tool = [], []
            for _ in range(options.rounds):
                sdk.append(_timed(peer))
                tool.append(_timed(ours))
        finally:
            stop.set()
            server.join(timeout=10)
        size = manifest.stat().st_size / 1e6
    sdk_median, tool_median = statistics.median(sdk), statistics.median(tool)
    print(f"{options.entries:,} entries, {size:.1f} MB, {options.rounds} rounds (medians)")
    print(f"  SDK call alone:                 {sdk_median:.2f} s")
    print(f"  encord-manifest submit --no-wait: {tool_median:.2f} s")
    print(f"  ratio: {tool_median / sdk_median:.2f}x (lint, conversion and lookups included)")


if __name__ == "__main__":
    main()
