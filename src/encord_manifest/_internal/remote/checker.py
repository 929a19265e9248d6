"""The one extension point through which the lint engine reads objects: a check per file.

The engine knows a check only as ``data -> findings`` (``engine.linter.ExtraCheck``); this
module builds that check from the options of a run (one HTTP pool, one cache, one signer for
all its files), for the command line and the library alike.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from encord_manifest._internal.config.options import ConfigError

if TYPE_CHECKING:
    from encord_manifest._internal.model.diagnostics import Finding
    from encord_manifest._internal.model.settings import LintSettings

#: For each file's settings, the check that reads its objects.
RemoteChecker = Callable[["LintSettings"], Callable[[Any], "list[Finding]"]]


class MissingExtra(ConfigError):
    """The ``remote`` extra (Pillow, pydicom) is not installed."""


@dataclass(frozen=True)
class RemoteOptions:
    """How ``lint --remote`` reads the objects (``--help`` and docs/remote.md say each)."""

    #: Concurrent requests.
    jobs: int = 32
    #: Seconds to wait to connect, or for the next bytes of an answer.
    timeout: float = 10.0
    #: Let checks contact private, loopback and link-local addresses.
    allow_private_hosts: bool = False
    #: Hosts (HOST[:PORT]) checks may contact although they are private.
    allow_hosts: tuple[str, ...] = ()
    #: The AWS credentials file's profile to sign S3/OBS requests with.
    profile: str | None = None
    #: Read and write the result cache.
    cache: bool = True
    #: Seconds for all remote checks of the run together (of a ``Linter``: from its start).
    deadline: float | None = None

    def __post_init__(self) -> None:
        # The command line's own bounds (``lint --help``), for a library caller too.
        if isinstance(self.allow_hosts, str):
            raise ConfigError(f"allow_hosts: a list of HOST[:PORT], not {self.allow_hosts!r}")
        object.__setattr__(self, "allow_hosts", tuple(self.allow_hosts))
        if (
            not isinstance(self.jobs, int)
            or isinstance(self.jobs, bool)
            or not 1 <= self.jobs <= 512
        ):
            raise ConfigError(f"jobs: {self.jobs!r} is not a whole number from 1 to 512")
        if not isinstance(self.timeout, (int, float)) or not self.timeout >= 0.1:
            raise ConfigError(f"timeout: {self.timeout!r} is not a number of seconds >= 0.1")
        if self.deadline is not None and (
            not isinstance(self.deadline, (int, float)) or not self.deadline >= 1
        ):
            raise ConfigError(f"deadline: {self.deadline!r} is not a number of seconds >= 1")


def require_remote_extra() -> None:
    """Remote checks read images (Pillow) and DICOM headers (pydicom), the `remote` extra:
    without it, one line saying what to install rather than a failure on the first object."""
    missing = []
    for module, package in (("PIL", "Pillow"), ("pydicom", "pydicom")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        raise MissingExtra(
            f"--remote needs {' and '.join(missing)}: pip install 'encord-manifest[remote]'"
        )


def remote_checker(options: RemoteOptions) -> RemoteChecker:
    """For each file's settings, the check that reads its objects; one HTTP pool for the run.

    Raises a ``ConfigError`` (``MissingExtra``, ``CredentialsError``) for options that cannot
    work, before any request is made."""
    require_remote_extra()
    from encord_manifest._internal.config import ConfigError
    from encord_manifest._internal.remote.cache import ResultCache, default_directory
    from encord_manifest._internal.remote.check import RemoteSettings, check, progress_stream
    from encord_manifest._internal.remote.http import Fetcher, FetchSettings
    from encord_manifest._internal.remote.signing import find_credentials, signer
    from encord_manifest._internal.text.authority import HostPattern

    try:
        patterns = tuple(HostPattern.parse(entry) for entry in options.allow_hosts)
    except ValueError as error:
        raise ConfigError(f"--allow-host: {error}") from None
    credentials = find_credentials(options.profile)
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    fetch = FetchSettings(
        timeout=options.timeout,
        allow_private_hosts=options.allow_private_hosts,
        allow_hosts=patterns,
        run_deadline=options.deadline,
        sign=signer(credentials, region) if credentials else None,
    )
    fetcher = Fetcher(fetch, pool_size=options.jobs)

    def for_settings(settings: LintSettings) -> Callable[[Any], list[Finding]]:
        remote = RemoteSettings(
            jobs=options.jobs,
            fetch=fetch,
            max_object_bytes=settings.max_object_bytes,
            progress=progress_stream(),
            cache=ResultCache(default_directory()) if options.cache else None,
            policy=fetch.policy.with_configured(settings.allow_hosts),
        )
        return functools.partial(check, settings=remote, fetcher=fetcher)

    return for_settings
