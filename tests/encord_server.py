"""A local Encord API on 127.0.0.1 that the real ``encord`` SDK talks to through its ``domain``.

It speaks the subset of the wire protocol in spec section 7:

- legacy RPC, ``POST /public`` (and ``/public/user``): ``{"query_type", "query_method",
  "values": {"uid", "payload"}}`` answered by ``{"status": 200, "response": ...}``; an error is
  the same envelope with another status and the SDK's error word (``AUTHENTICATION_ERROR``...).
  Used for: the dataset (``dataset`` GET), starting an upload job (``datasetdatalongpolling``
  POST) and polling it (``datasetdatalongpolling`` GET);
- REST v2 under ``/v2/public/``, camelCase JSON: cloud integrations, dataset creation, storage
  folders and their upload jobs.

Both signature schemes are checked against the registered public keys (v1: Ed25519 over the
SHA-256 of the body; v2: the HTTP message signature draft), so a request signed with any other
key is turned away as the real service would. Jobs are simulated from the manifest actually
sent: one unit per entry; a ``JobPlan`` says how many polls stay PENDING, which URLs fail, and
how the job ends. Rows of finished jobs are added to their dataset, so ``verify`` sees them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from tests.loopback import LoopbackServer

SINGLE_FILE_KEYS = {
    "videos": "VIDEO",
    "images": "IMAGE",
    "audio": "AUDIO",
    "nifti": "NIFTI",
    "text": "PLAIN_TEXT",
    "pdf": "PDF",
    "time_series": "TIME_SERIES",
}
TIMESTAMP = "2026-11-24T10:00:00+00:00"


def write_private_key(path: Path) -> Ed25519PrivateKey:
    """A throwaway Ed25519 key in OpenSSH format, as ``ssh-keygen -t ed25519`` writes it."""
    key = Ed25519PrivateKey.generate()
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()))
    return key


def write_locked_key(path: Path) -> None:
    """An OpenSSH Ed25519 key file protected by a passphrase (aes256-ctr, bcrypt KDF), its
    encrypted part left blank: writing a real one needs the bcrypt package, and readers stop at
    the missing passphrase before they would decrypt anything."""

    def string(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data

    public = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    blob = (
        b"openssh-key-v1\0"
        + string(b"aes256-ctr")
        + string(b"bcrypt")
        + string(string(bytes(16)) + struct.pack(">I", 16))
        + struct.pack(">I", 1)
        + string(string(b"ssh-ed25519") + string(public))
        + string(bytes(64))
    )
    body = base64.encodebytes(blob).decode()
    path.write_text(
        f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}-----END OPENSSH PRIVATE KEY-----\n"
    )


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


@dataclass
class JobPlan:
    """How the next upload job behaves."""

    #: polls answered PENDING (with some units done) before the final state
    pending_polls: int = 0
    #: units holding any of these URLs fail, with this error text
    failing_urls: set[str] = field(default_factory=set)
    error_text: str = "Failed to access object: 403 Forbidden"
    #: "DONE" or "CANCELLED"; with failures and ignoreErrors false the job ends in "ERROR"
    outcome: str = "DONE"
    #: after answering this many polls, the server goes away (its socket closed)
    vanish_after_polls: int | None = None


@dataclass
class Unit:
    urls: list[str]
    title: str
    data_type: str
    subtask: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class Job:
    id: str
    target: str  # a dataset hash or a folder uuid
    units: list[Unit]
    ignore_errors: bool
    plan: JobPlan
    polls: int = 0
    added: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Dataset:
    hash: str
    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)


class Vanished(Exception):
    """The server went away in the middle of answering."""


class EncordServer(LoopbackServer):
    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.integrations: list[dict[str, str]] = []
        self.datasets: dict[str, Dataset] = {}
        self.folders: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, Job] = {}
        self.plan = JobPlan()
        #: (path, body) of every request, for the tests to read
        self.requests: list[tuple[str, Any]] = []
        self._lock = threading.Lock()
        super().__init__(_handler_for(self))

    @property
    def domain(self) -> str:
        return self.base

    def add_integration(self, title: str) -> str:
        integration = str(uuid.uuid4())
        self.integrations.append({"integrationUuid": integration, "title": title})
        return integration

    def add_dataset(self, title: str, rows: list[dict[str, Any]] | None = None) -> str:
        dataset = Dataset(str(uuid.uuid4()), title, list(rows or []))
        self.datasets[dataset.hash] = dataset
        return dataset.hash

    def go_away(self) -> None:
        """Stop answering: the listening socket closes, new connections are refused."""
        threading.Thread(target=self.stop, daemon=True).start()  # not from a handler's thread

    # -- jobs ---------------------------------------------------------------------------------

    def start_job(self, target: str, files: dict[str, Any], ignore_errors: bool) -> Job:
        job = Job(str(uuid.uuid4()), target, list(_units(files)), ignore_errors, self.plan)
        with self._lock:
            self.jobs[job.id] = job
        return job

    def poll(self, job: Job) -> dict[str, Any]:
        """The job's state after one more poll (snake_case, as the legacy RPC answers)."""
        with self._lock:
            job.polls += 1
            polls = job.polls
        plan = job.plan
        if plan.vanish_after_polls is not None and polls > plan.vanish_after_polls:
            self.go_away()
            raise Vanished
        total = len(job.units)
        failing = [u for u in job.units if set(u.urls) & plan.failing_urls]
        fine = [u for u in job.units if u not in failing]
        if polls <= plan.pending_polls:
            done = len(fine) * polls // (plan.pending_polls + 1)
            return _state("PENDING", total - done, done, 0, 0)
        if plan.outcome == "CANCELLED":
            done = len(fine) // 2
            return _state("CANCELLED", 0, done, 0, total - done, added=self._add(job, fine[:done]))
        if failing and not job.ignore_errors:
            errors = [f"{plan.error_text} ({u.urls[0]})" for u in failing]
            return _state("ERROR", 0, 0, len(failing), total - len(failing), errors=errors)
        unit_errors = [
            {
                "objectUrls": u.urls,
                "error": plan.error_text,
                "subtaskUuid": u.subtask,
                "actionDescription": f"Uploading {u.data_type.lower().replace('_', ' ')}",
            }
            for u in failing
        ]
        added = self._add(job, fine)
        return _state("DONE", 0, len(fine), len(failing), 0, added=added, unit_errors=unit_errors)

    def _add(self, job: Job, units: list[Unit]) -> list[dict[str, Any]]:
        """Rows for the units (once per job), as the dataset will list them."""
        with self._lock:
            if not job.added:
                job.added = [_row(unit) for unit in units]
                if job.target in self.datasets:
                    self.datasets[job.target].rows.extend(job.added)
        return [
            {
                "dataHash": r["data_hash"],
                "title": r["data_title"],
                "backingItemUuid": r["data_hash"],
            }
            for r in job.added
        ]


def _units(files: dict[str, Any]) -> Iterator[Unit]:
    for key, entries in files.items():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if key in SINGLE_FILE_KEYS:
                url = entry["objectUrl"]
                title = entry.get("title") or url.rsplit("/", 1)[-1]
                yield Unit([url], title, SINGLE_FILE_KEYS[key])
            elif key == "scenes":
                yield Unit(list(_uris(entry["scene"])), entry["title"], "SCENE")
            else:
                positional = sorted(
                    (int(k.split("_", 1)[1]), v)
                    for k, v in entry.items()
                    if k.startswith("objectUrl_")
                )
                data_type = "DICOM" if key == "dicom_series" else "IMG_GROUP"
                if key == "image_groups" and entry.get("createVideo"):
                    data_type = "VIDEO"
                yield Unit([url for _, url in positional], entry["title"], data_type)


def _uris(value: Any) -> Iterator[str]:
    """Every "uri" and "url" string in a scene, wherever it is (the server's own walk)."""
    if isinstance(value, dict):
        for name, inner in value.items():
            if name in ("uri", "url") and isinstance(inner, str):
                yield inner
            else:
                yield from _uris(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _uris(inner)


def _row(unit: Unit) -> dict[str, Any]:
    return {
        "data_hash": str(uuid.uuid4()),
        "data_title": unit.title,
        "data_type": unit.data_type,
        "created_at": TIMESTAMP,
        "last_edited_at": TIMESTAMP,
        "width": None,
        "height": None,
        "file_link": unit.urls[0] if len(unit.urls) == 1 else None,
        "file_size": None,
        "file_type": None,
        "storage_location": 4,
        "frames_per_second": None,
        "duration": None,
        "client_metadata": {},
    }


def _state(
    status: str,
    pending: int,
    done: int,
    failed: int,
    cancelled: int,
    *,
    added: list[dict[str, Any]] | None = None,
    unit_errors: list[dict[str, Any]] | None = None,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "status": status,
        "dataHashesWithTitles": added or [],
        "errors": errors or [],
        "dataUnitErrors": unit_errors or [],
        "unitsPendingCount": pending,
        "unitsDoneCount": done,
        "unitsErrorCount": failed,
        "unitsCancelledCount": cancelled,
    }


def _folder(name: str) -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid4()),
        "parent": None,
        "name": name,
        "description": "",
        "clientMetadata": None,
        "owner": "tester@example.com",
        "createdAt": TIMESTAMP,
        "lastEditedAt": TIMESTAMP,
        "userRole": "admin",
        "syncedDatasetHash": None,
        "pathToRoot": [],
    }


# -- signatures -------------------------------------------------------------------------------


def _verify(public: str, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(signature, message)
    except Exception:
        return False
    return True


def _v1_signed(keys: set[str], headers: Any, body: bytes) -> bool:
    public, _, signature = (headers.get("Authorization") or "").partition(":")
    if public not in keys:
        return False
    try:
        raw = bytes.fromhex(signature)
    except ValueError:
        return False
    return _verify(public, raw, hashlib.sha256(body).digest())


_SIGNATURE = re.compile(r"encord-sig=:(?P<sig>[A-Za-z0-9+/=]+):$")


def _v2_signed(keys: set[str], method: str, target: str, headers: Any, body: bytes) -> bool:
    params = (headers.get("Signature-Input") or "").removeprefix("encord-sig=")
    signature = _SIGNATURE.match(headers.get("Signature") or "")
    key = re.search(r';keyid="([0-9a-f]+)"', params)
    if not signature or not key or key.group(1) not in keys:
        return False
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    if headers.get("Content-Digest") != digest:
        return False
    base = "\n".join(
        [
            f'"@method": {method}',
            f'"@request-target": {target}',
            f'"content-digest": {digest}',
            f'"@signature-params": {params}',
        ]
    )
    return _verify(key.group(1), base64.b64decode(signature.group("sig")), base.encode())


# -- HTTP ---------------------------------------------------------------------------------------


def _handler_for(server: EncordServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = json.loads(body) if body else None
            server.requests.append((self.path, request))
            try:
                self._route(body, request)
            except Vanished:
                self.close_connection = True  # no answer at all, as when the process dies

        def _route(self, body: bytes, request: Any) -> None:
            if self.path.startswith("/v2/public/"):
                if not _v2_signed(server.keys, self.command, self.path, self.headers, body):
                    return self._send(401, {"message": "Authentication failed"})
                return self._v2(request)
            if self.path in ("/public", "/public/user"):
                if not _v1_signed(server.keys, self.headers, body):
                    return self._envelope(401, ["AUTHENTICATION_ERROR"])
                return self._rpc(request)
            self._send(404, {"message": "no such path"})

        # legacy RPC
        def _rpc(self, request: dict[str, Any]) -> None:
            kind = (request["query_type"], request["query_method"])
            values = request["values"]
            resource = self.headers.get("ResourceID") or ""
            payload = values.get("payload") or {}
            dataset = server.datasets.get(resource)
            if dataset is None:
                return self._envelope(404, ["RESOURCE_NOT_FOUND_ERROR"], "Dataset not found")
            if kind == ("dataset", "GET"):
                rows = payload.get("dataset_access_settings", {}).get("fetch_rows", True)
                return self._envelope(
                    200,
                    {
                        "dataset_hash": dataset.hash,
                        "title": dataset.title,
                        "description": "",
                        "dataset_type": 4,
                        "data_rows": list(dataset.rows) if rows else [],
                        "backing_folder_uuid": None,
                    },
                )
            if kind == ("datasetdatalongpolling", "POST"):
                if payload.get("integrationId") not in {
                    i["integrationUuid"] for i in server.integrations
                }:
                    return self._envelope(404, ["RESOURCE_NOT_FOUND_ERROR"], "No such integration")
                started = server.start_job(resource, payload["files"], payload["ignoreErrors"])
                return self._envelope(200, {"process_hash": started.id})
            if kind == ("datasetdatalongpolling", "GET"):
                job = server.jobs.get(str(payload.get("process_hash")))
                if job is None or job.target != resource:
                    return self._envelope(404, ["RESOURCE_NOT_FOUND_ERROR"], "No such job")
                return self._envelope(200, server.poll(job))
            self._envelope(405, ["METHOD_NOT_ALLOWED_ERROR"])

        # REST v2
        def _v2(self, request: Any) -> None:
            parts = urlsplit(self.path)
            path = parts.path.removeprefix("/v2/public/").strip("/")
            if self.command == "GET" and path == "cloud-integrations":
                return self._send(200, {"result": server.integrations})
            if self.command == "POST" and path == "datasets":
                created = server.add_dataset(request["title"])
                return self._send(200, {"datasetUuid": created, "backingFolderUuid": None})
            if self.command == "POST" and path == "storage/folders":
                folder = _folder(request["name"])
                server.folders[folder["uuid"]] = folder
                return self._send(200, folder)
            match = re.fullmatch(r"storage/folders/([^/]+)(/data-upload-jobs(?:/([^/]+))?)?", path)
            if not match or match.group(1) not in server.folders:
                return self._send(404, {"message": "not found"})
            folder_id, jobs, job_id = match.groups()
            if not jobs and self.command == "GET":
                return self._send(200, server.folders[folder_id])
            if jobs and not job_id and self.command == "POST":
                integration = request.get("integrationHash")
                if integration not in {i["integrationUuid"] for i in server.integrations}:
                    return self._send(404, {"message": "No such integration"})
                files = request["externalFiles"]
                return self._send(
                    200, server.start_job(folder_id, files, request["ignoreErrors"]).id
                )
            job = server.jobs.get(job_id or "")
            if job is None or job.target != folder_id:
                return self._send(404, {"message": "No such job"})
            # timeoutSeconds is not simulated: every poll answers at once
            state = server.poll(job)
            state["itemsWithNames"] = [
                {"itemUuid": a["dataHash"], "name": a["title"]}
                for a in state.pop("dataHashesWithTitles")
            ]
            state["unitErrors"] = state.pop("dataUnitErrors")
            return self._send(200, state)

        def _envelope(self, status: int, response: Any, payload: Any = None) -> None:
            answer = {"status": status, "response": response}
            if payload is not None:
                answer["payload"] = payload
            self._send(200, answer)

        def _send(self, code: int, answer: Any) -> None:
            data = json.dumps(answer).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def running(key: Ed25519PrivateKey) -> Iterator[EncordServer]:
    server = EncordServer()
    server.keys.add(public_hex(key))
    server.start()
    try:
        yield server
    finally:
        server.stop()
