"""Benchmark `lint --remote` throughput and what the DICOM check reads, on a local server.

    python benchmarks/remote.py                      # 5,000 URLs, 50 ms per request, --jobs 64
    python benchmarks/remote.py --urls 2000 --delay 0.1 --jobs 32

Throughput: a manifest of N image URLs on a local HTTP server that waits `delay` seconds
before each answer; `encord-manifest lint --remote` (in-process, the real fetcher and thread
pool) against the bound `jobs / delay` requests per second. The ratio is reported, not just the
seconds, because machines differ.

Cost per object: requests and body bytes per URL (the fetcher's counters), for the images of
the throughput runs, and per data type for a mixed manifest (images, a sequence's frames,
videos, DICOM files), so that a change in what is read shows as a change in these numbers.

DICOM: pydicom's sample files (and a 20 MB CT, and an enhanced multi-frame object with a
540 KB header) served from the same server; bytes read per file against the size of its
header (the offset where parsing stopped), and against the file size.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
import warnings
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from encord_manifest._internal.remote.check import RemoteSettings, check
from encord_manifest._internal.remote.dicom import read_header
from encord_manifest._internal.remote.http import Fetcher, FetchSettings
from tests.dicom_files import derived, enhanced, sample, sample_names
from tests.object_server import object_server

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 1000
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 12


def _serve(urls: int, delay: float, ready: Any, stop: Any) -> None:
    with object_server(delay=delay) as server:
        for i in range(urls):
            server.put(f"/img/{i}.jpg", JPEG, "image/jpeg")
        ready.put(server.base)
        stop.wait()


def throughput(urls: int, delay: float, jobs: int) -> None:
    # The server runs in a process of its own, as a real one would: in this process it would
    # compete with the checker for the interpreter lock and measure itself.
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    process = context.Process(target=_serve, args=(urls, delay, ready, stop), daemon=True)
    process.start()
    base = ready.get(timeout=60)
    try:
        links = [f"{base}/img/{i}.jpg" for i in range(urls)]
        settings = FetchSettings(allow_private_hosts=True)
        fetcher = Fetcher(settings, pool_size=jobs)
        data = {"images": [{"objectUrl": url} for url in links]}
        started, cpu = time.perf_counter(), time.process_time()
        findings = check(data, RemoteSettings(jobs=jobs, fetch=settings), fetcher)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        stop.set()
        process.join(timeout=10)
    bound = jobs / delay
    rate = urls / elapsed
    requests = sum(fetcher.counters.requests.values())
    print(
        f"| {urls:,} URLs | {delay * 1000:.0f} ms | {jobs} | {elapsed:.2f} s | {rate:,.0f}/s "
        f"| {bound:,.0f}/s | {rate / bound:.0%} | {cpu / urls * 1000:.2f} ms "
        f"| {requests / urls:.2f} {_methods(fetcher)} | {fetcher.counters.body_bytes / urls:,.0f} |"
        + (f" {len(findings)} findings |" if findings else " |")
    )


def _methods(fetcher: Fetcher) -> str:
    return "(" + ", ".join(f"{m} {n:,}" for m, n in sorted(fetcher.counters.requests.items())) + ")"


def _image(width: int, height: int) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height)).save(out, "JPEG")
    return out.getvalue()


def per_type() -> None:
    """Requests and body bytes per object, per data type, of a mixed manifest."""
    with object_server() as server:
        frame, video = _image(640, 480), MP4 + b"\x00" * 1_000_000
        data: dict[str, list[dict[str, Any]]] = {
            "images": [
                {"objectUrl": server.put(f"/m/{i}.jpg", frame, "image/jpeg")} for i in range(50)
            ],
            "image_groups": [
                {
                    "title": "walk",
                    **{
                        f"objectUrl_{i}": server.put(f"/m/walk/{i}.jpg", frame, "image/jpeg")
                        for i in range(50)
                    },
                }
            ],
            "videos": [
                {"objectUrl": server.put(f"/m/{i}.mp4", video, "video/mp4")} for i in range(50)
            ],
            "dicom_series": [
                {
                    "title": "ct",
                    **{
                        f"objectUrl_{i}": server.put(
                            f"/m/{i}.dcm", derived("CT_small.dcm", SOPInstanceUID=f"1.2.{i}")
                        )
                        for i in range(50)
                    },
                }
            ],
        }
        settings = FetchSettings(allow_private_hosts=True)
        for key, entries in data.items():
            fetcher = Fetcher(settings)
            check({key: entries}, RemoteSettings(fetch=settings), fetcher)
            count = 50
            requests = sum(fetcher.counters.requests.values())
            print(
                f"{key}: {requests / count:.2f} requests per object {_methods(fetcher)}, "
                f"{fetcher.counters.body_bytes / count:,.0f} body bytes per object"
            )


def cached_rerun(urls: int, jobs: int) -> None:
    """A run with the cache, then a second: the second should read no body (no GET)."""
    import tempfile

    from encord_manifest._internal.remote.cache import ResultCache

    with object_server() as server, tempfile.TemporaryDirectory() as directory:
        data = {
            "images": [
                {"objectUrl": server.put(f"/img/{i}.jpg", JPEG, "image/jpeg")} for i in range(urls)
            ],
            "dicom_series": [
                {
                    "title": "ct",
                    **{
                        f"objectUrl_{i}": server.put(
                            f"/dcm/{i}.dcm", derived("CT_small.dcm", SOPInstanceUID=f"1.2.{i}")
                        )
                        for i in range(20)
                    },
                }
            ],
        }
        settings = FetchSettings(allow_private_hosts=True)
        remote = RemoteSettings(jobs=jobs, fetch=settings, cache=ResultCache(Path(directory)))
        runs = []
        for _ in range(2):
            fetcher = Fetcher(settings, pool_size=jobs)
            started = time.perf_counter()
            check(data, remote, fetcher)
            runs.append(
                (
                    time.perf_counter() - started,
                    dict(fetcher.counters.requests),
                    fetcher.counters.body_bytes,
                )
            )
    objects = urls + 20
    for label, (seconds, requests, body) in zip(("first", "second"), runs, strict=True):
        print(
            f"cache, {label} run: {seconds:.2f} s, requests {requests}, body bytes {body:,} "
            f"({sum(requests.values()) / objects:.2f} requests, {body / objects:,.0f} body "
            "bytes per object)"
        )


def dicom_bytes() -> None:
    files = {
        name: sample(name)
        for name in sample_names()
        if name not in ("no_meta.dcm", "ExplVR_BigEndNoMeta.dcm")
    }
    files["large-ct-20MB.dcm"] = derived("CT_small.dcm", pixels=20_000_000)
    files["enhanced-2000-frames.dcm"] = enhanced(frames=2000, private_bytes=200_000)
    ratios, total_read, total_size, requests = [], 0, 0, 0
    with object_server() as server:
        settings = FetchSettings(allow_private_hosts=True)
        for name, raw in files.items():
            url = server.put(f"/dcm/{name}", raw, "application/dicom")
            fetcher = Fetcher(settings)
            header = read_header(fetcher, url)
            needed = _header_size(raw)
            ratios.append(fetcher.counters.body_bytes / needed)
            total_read += fetcher.counters.body_bytes
            total_size += len(raw)
            requests += header.requests
            if name.startswith(("large", "enhanced")):
                print(
                    f"{name}: read {fetcher.counters.body_bytes:,} of {len(raw):,} bytes "
                    f"in {header.requests} requests; header {needed:,} bytes"
                )
    print(
        f"{len(files)} files: read / header size, mean {sum(ratios) / len(ratios):.2f}x "
        f"(max {max(ratios):.2f}x); {requests / len(files):.2f} requests per file; "
        f"read {total_read:,} of {total_size:,} bytes ({total_read / total_size:.1%})"
    )


def _header_size(raw: bytes) -> int:
    """The header: everything before the Pixel Data element (the whole file without one)."""
    import pydicom

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset = pydicom.dcmread(BytesIO(raw), force=True, defer_size=64)
    for keyword in ("PixelData", "FloatPixelData", "DoubleFloatPixelData"):
        if keyword in dataset:
            offset = dataset[keyword].file_tell
            if offset is not None:
                return int(offset)
    return len(raw)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--urls", type=int, default=5000)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--jobs", type=int, default=64)
    parser.add_argument(
        "--repeat", type=int, default=3, help="throughput runs (machines are noisy)"
    )
    args = parser.parse_args()
    print(
        "| URLs | delay | jobs | wall | rate | bound (jobs/delay) | of bound | checker CPU per URL "
        "| requests per URL | body bytes per URL | |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for _ in range(args.repeat):
        throughput(args.urls, args.delay, args.jobs)
    cached_rerun(args.urls, args.jobs)
    per_type()
    dicom_bytes()


if __name__ == "__main__":
    main()
