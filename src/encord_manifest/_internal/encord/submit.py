"""The one module that imports the ``encord`` SDK (the optional extra ``encord-manifest[encord]``).

It turns the SDK's objects into this package's own records (``jobs.py``) and every SDK failure
into an ``EncordError``: one line, no key material, no tokens, no stack. Everything above this
module (what to submit, when to poll, how to report) works without the SDK installed.

Calls used (spec section 7): ``EncordUserClient.create_with_ssh_private_key(domain=...)``,
``get_cloud_integrations``, ``create_dataset``, ``get_dataset``,
``add_private_data_to_dataset_start`` / ``_get_result(timeout_seconds=0)``, the storage-folder
equivalents, and ``get_dataset(...).data_rows`` for ``verify``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from encord_manifest._internal.encord.deployments import DEPLOYMENTS
from encord_manifest._internal.encord.jobs import (
    AddedItem,
    DatasetRow,
    Integration,
    JobState,
    JobStatus,
    Target,
    UnitError,
)
from encord_manifest._internal.report.full import mask_query_strings

if TYPE_CHECKING:
    from encord.dataset import Dataset
    from encord.storage import StorageFolder
    from encord.user_client import EncordUserClient

INSTALL_HINT = 'submit needs the encord SDK: pip install "encord-manifest[encord]"'

#: Per request: the SDK's retry policy with shorter waits than its defaults (180 s timeouts,
#: 1.5 s backoff), so that a dead connection is reported in about a minute, not ten.
REQUEST_RETRIES = 2
REQUEST_BACKOFF = 1.0
CONNECT_TIMEOUT = 20
READ_TIMEOUT = 120

T = TypeVar("T")


class EncordError(Exception):
    """A failure talking to Encord, said in one line (exit code 2)."""


@dataclass(frozen=True)
class KeySource:
    """Where the private key comes from: a file, else the SDK's environment variables."""

    path: Path | None = None

    def text(self) -> tuple[str, str]:
        """(key text, where it came from), or EncordError saying what is missing."""
        if self.path is not None:
            return _read_key(self.path), str(self.path)
        file = os.environ.get("ENCORD_SSH_KEY_FILE")
        if file:
            return _read_key(Path(file).expanduser()), f"{file} (ENCORD_SSH_KEY_FILE)"
        inline = os.environ.get("ENCORD_SSH_KEY")
        if inline:
            return inline, "ENCORD_SSH_KEY"
        raise EncordError(
            "no private key: pass --key PATH, or set ENCORD_SSH_KEY_FILE (a path) "
            "or ENCORD_SSH_KEY (the key itself)"
        )


def _read_key(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a text key file"
        raise EncordError(f"cannot read the private key {path}: {reason}") from None


def connect(key: KeySource, domain: str) -> Session:
    try:
        from cryptography.exceptions import UnsupportedAlgorithm
        from encord.http.constants import RequestsSettings
        from encord.user_client import EncordUserClient
    except ImportError:
        raise EncordError(INSTALL_HINT) from None
    text, origin = key.text()
    settings = RequestsSettings(
        max_retries=REQUEST_RETRIES,
        backoff_factor=REQUEST_BACKOFF,
        connection_retries=REQUEST_RETRIES,
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        write_timeout=READ_TIMEOUT,
    )
    try:
        client = EncordUserClient.create_with_ssh_private_key(
            ssh_private_key=text, requests_settings=settings, domain=domain
        )
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        # Never the SDK's message: for a key of another type it quotes the whole key.
        # No passphrase is ever given: cryptography says "Key is password-protected..." (TypeError).
        protected = "password-protected" in str(error)
        reason = "it is protected by a passphrase" if protected else "not an Ed25519 private key"
        raise EncordError(f"cannot use the private key from {origin}: {reason}") from None
    return Session(client, domain)


class Session:
    """One signed-in user; SDK objects are looked up once and kept."""

    def __init__(self, client: EncordUserClient, domain: str) -> None:
        self._client = client
        self._domain = domain
        self._datasets: dict[str, Dataset] = {}
        self._folders: dict[str, StorageFolder] = {}

    def integrations(self) -> list[Integration]:
        found = self._call(self._client.get_cloud_integrations)
        return [Integration(id=str(i.id), title=i.title) for i in found]

    def create_dataset(self, title: str) -> str:
        from encord.orm.dataset import StorageLocation

        created = self._call(
            lambda: self._client.create_dataset(title, StorageLocation.S3_COMPATIBLE)
        )
        return str(created.dataset_hash)

    def create_folder(self, name: str) -> str:
        folder = self._call(lambda: self._client.create_storage_folder(name))
        self._folders[str(folder.uuid)] = folder
        return str(folder.uuid)

    def describe(self, target: Target) -> str:
        """The target's title (dataset) or name (folder); EncordError if there is none to use."""
        if target.kind == "dataset":
            return str(self._dataset(target.id).title)
        return str(self._folder(target.id).name)

    def start(
        self, target: Target, integration: Integration, manifest: Path, ignore_errors: bool
    ) -> str:
        """Start the import job of a JSON manifest file; the job id."""
        if target.kind == "dataset":
            dataset = self._dataset(target.id)
            return str(
                self._call(
                    lambda: dataset.add_private_data_to_dataset_start(
                        integration.id, manifest, ignore_errors=ignore_errors
                    )
                )
            )
        folder = self._folder(target.id)
        return str(
            self._call(
                lambda: folder.add_private_data_to_folder_start(
                    integration.id, manifest, ignore_errors=ignore_errors
                )
            )
        )

    def poll(self, target: Target, job: str) -> JobState:
        """The job's state now: one request (``timeout_seconds=0``), the SDK's retries aside."""
        if target.kind == "dataset":
            dataset = self._dataset(target.id)
            result: Any = self._call(
                lambda: dataset.add_private_data_to_dataset_get_result(job, timeout_seconds=0)
            )
            added = [AddedItem(str(d.data_hash), d.title) for d in result.data_hashes_with_titles]
            unit_errors = result.data_unit_errors
        else:
            folder = self._folder(target.id)
            result = self._call(
                lambda: folder.add_private_data_to_folder_get_result(UUID(job), timeout_seconds=0)
            )
            added = [AddedItem(str(i.item_uuid), i.name) for i in result.items_with_names]
            unit_errors = result.unit_errors
        return JobState(
            status=JobStatus(str(result.status.value)),
            pending=result.units_pending_count,
            done=result.units_done_count,
            failed=result.units_error_count,
            cancelled=result.units_cancelled_count,
            added=tuple(added),
            unit_errors=tuple(
                UnitError(
                    urls=tuple(e.object_urls),
                    error=e.error,
                    action=e.action_description,
                    subtask=str(e.subtask_uuid),
                )
                for e in unit_errors
            ),
            errors=tuple(str(e) for e in result.errors),
        )

    def dataset_rows(self, dataset_hash: str) -> list[DatasetRow]:
        dataset = self._call(lambda: self._client.get_dataset(dataset_hash))
        return [
            DatasetRow(
                id=str(row.uid),
                title=row.title,
                data_type=str(row.data_type.value).upper(),
                file_link=row.file_link,
            )
            for row in dataset.data_rows
        ]

    def _dataset(self, dataset_hash: str) -> Dataset:
        if dataset_hash not in self._datasets:
            self._datasets[dataset_hash] = self._call(
                lambda: self._client.get_dataset(dataset_hash, include_data_rows=False),
                missing=f"no dataset {dataset_hash} (or this key may not use it)",
            )
        return self._datasets[dataset_hash]

    def _folder(self, folder_uuid: str) -> StorageFolder:
        if folder_uuid not in self._folders:
            try:
                parsed = UUID(folder_uuid)
            except ValueError:
                raise EncordError(f"{folder_uuid!r} is not a folder id (a UUID)") from None
            self._folders[folder_uuid] = self._call(
                lambda: self._client.get_storage_folder(parsed),
                missing=f"no storage folder {folder_uuid} (or this key may not use it)",
            )
        return self._folders[folder_uuid]

    def _call(self, action: Callable[[], T], missing: str | None = None) -> T:
        try:
            return action()
        except Exception as error:  # every SDK failure becomes one line, whatever its type
            raise EncordError(self._explain(error, missing)) from None

    def _explain(self, error: Exception, missing: str | None) -> str:
        from encord import exceptions

        if isinstance(error, exceptions.AuthenticationError):
            return (
                f"Encord at {self._domain} did not accept the key (authentication failed); "
                f"check --key, and --domain (the US deployment is {DEPLOYMENTS['us']})"
            )
        if isinstance(error, exceptions.AuthorisationError):
            return f"this key is not allowed to do that: {_first_line(error)}"
        if isinstance(error, exceptions.ResourceNotFoundError):
            return missing or f"not found: {_first_line(error)}"
        if _is_connection_failure(error):
            return f"cannot reach Encord at {self._domain}: {_network_reason(error)}"
        return f"Encord: {_first_line(error)}"


def _first_line(error: BaseException) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return mask_query_strings(str(message).strip().splitlines()[0])


def _causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _is_connection_failure(error: BaseException) -> bool:
    import requests
    from encord import exceptions

    return any(
        isinstance(e, (requests.exceptions.RequestException, exceptions.RequestException, OSError))
        for e in _causes(error)
    )


def _network_reason(error: BaseException) -> str:
    import requests

    chain = _causes(error)
    named = (
        (ConnectionRefusedError, "connection refused"),
        (requests.exceptions.Timeout, "no answer in time"),
        (requests.exceptions.SSLError, "TLS failed"),
        (ConnectionResetError, "the connection was dropped"),
    )
    for kind, reason in named:
        if any(isinstance(e, kind) for e in chain):
            return reason
    text = " ".join(str(e) for e in chain)
    if "RemoteDisconnected" in text or "closed connection without response" in text:
        return "the connection was closed without an answer"
    if "Failed to resolve" in text or "Name or service not known" in text:
        return "the host name does not resolve"
    return _first_line(chain[-1])
