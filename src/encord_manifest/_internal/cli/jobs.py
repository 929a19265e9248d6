"""The command line of ``submit``, ``status`` and ``verify`` (``app.COMMANDS`` registers them).

Options are parsed into the requests of ``jobs_run.py``; nothing here talks to Encord.
"""

from __future__ import annotations

import functools
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from encord_manifest._internal.cli.choices import InputFormat, TextOrJson, choice_metavar
from encord_manifest._internal.encord.deployments import DEPLOYMENTS

# The commands import the Encord client (``jobs_run``, ``encord.jobs``) when they run: this module is
# loaded on every start of the command, `lint` included (tests/test_startup.py).
if TYPE_CHECKING:
    from encord_manifest._internal.cli.jobs_run import Connection

DEFAULT_DOMAIN = DEPLOYMENTS["eu"]
_ENCORD = "Encord connection"
_WAITING = "Waiting"


#: Option types are written ``Optional[...]`` for typer, as in options.py; one alias, one exemption.
OptionalText = Optional[str]  # noqa: UP045


KeyOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--key",
        metavar="FILE",
        help="Ed25519 private key registered with Encord "
        "(default: ENCORD_SSH_KEY_FILE, else ENCORD_SSH_KEY holding the key itself).",
        show_default=False,
        rich_help_panel=_ENCORD,
    ),
]
DomainOption = Annotated[
    str,
    typer.Option(
        "--domain",
        metavar="URL",
        envvar="ENCORD_DOMAIN",
        help="Encord API address, or a deployment: eu (https://api.encord.com), "
        "us (https://api.us.encord.com).",
        rich_help_panel=_ENCORD,
    ),
]
TimeoutOption = Annotated[
    Optional[float],  # noqa: UP045
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        min=0,
        help="Stop waiting after this many seconds (the job goes on; exit 1). Default: no limit.",
        show_default=False,
        rich_help_panel=_WAITING,
    ),
]
IntervalOption = Annotated[
    float,
    typer.Option(
        "--poll-interval",
        metavar="SECONDS",
        min=0.01,
        help="Seconds between two looks at the job.",
        rich_help_panel=_WAITING,
    ),
]
ReportOption = Annotated[
    TextOrJson,
    typer.Option(
        "--output-format",
        metavar=choice_metavar(TextOrJson),
        help="The report as text, or JSON for machines.",
    ),
]
InputFormatOption = Annotated[
    Optional[InputFormat],  # noqa: UP045
    typer.Option(
        "--format",
        metavar=choice_metavar(InputFormat),
        help="Read the manifest as this format (default: by extension).",
    ),
]


def _destination(metavar: str, help: str) -> Any:
    return typer.Option(metavar=metavar, help=help, rich_help_panel="Destination")


def _connection(key: Path | None, domain: str) -> Connection:
    from encord_manifest._internal.cli.jobs_run import Connection
    from encord_manifest._internal.encord.submit import KeySource

    domain = DEPLOYMENTS.get(domain.strip().lower(), domain)
    if not domain.startswith(("https://", "http://")):
        raise typer.BadParameter("an http(s):// address, or eu or us", param_hint="--domain")
    return Connection(KeySource(key), domain.rstrip("/"))


def _one_of(**choices: str | None) -> tuple[str, str]:
    given = [(name, value) for name, value in choices.items() if value is not None]
    if len(given) != 1:
        names = ", ".join("--" + name.replace("_", "-") for name in choices)
        raise typer.BadParameter(f"give exactly one of {names}")
    return given[0]


ManifestArgument = Annotated[
    str, typer.Argument(metavar="MANIFEST", help="The manifest (JSON or CSV; '-' reads stdin).")
]
SubmitIntegrationOption = Annotated[
    str,
    typer.Option(
        "--integration",
        metavar="NAME|ID",
        help="The cloud integration that reads the bucket: its title or id.",
        show_default=False,
    ),
]
SubmitDatasetOption = Annotated[
    OptionalText, _destination("HASH", "Add the files to this dataset (its hash).")
]
SubmitNewDatasetOption = Annotated[
    OptionalText,
    _destination("TITLE", "Create a dataset with this title and add the files to it."),
]
SubmitFolderOption = Annotated[
    OptionalText,
    _destination(
        "UUID", "Register the files in this storage folder (its UUID) instead of a dataset."
    ),
]
SubmitNewFolderOption = Annotated[
    OptionalText,
    _destination("NAME", "Create a storage folder with this name and register the files there."),
]
SubmitWaitOption = Annotated[
    bool,
    typer.Option(
        "--wait/--no-wait",
        help="Follow the job to its end, or print its id and leave.",
        rich_help_panel=_WAITING,
    ),
]
SubmitIgnoreErrorsOption = Annotated[
    bool,
    typer.Option(
        "--ignore-errors/--no-ignore-errors",
        help="Let the other files through when some fail (Encord's ignore_errors).",
    ),
]
SubmitForceOption = Annotated[
    bool, typer.Option("--force", help="Submit even when lint finds errors.")
]
SubmitRemoteOption = Annotated[
    bool,
    typer.Option(
        "--remote",
        help="Lint with the remote checks too (reads the objects) before submitting.",
    ),
]
SubmitAllowPrivateHostsOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-hosts", help="With --remote: let checks contact private addresses."
    ),
]
SubmitAllowHostOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--allow-host",
        metavar="HOST[:PORT]",
        help="With --remote: let checks contact this private host (repeatable).",
    ),
]


def submit(
    manifest: ManifestArgument,
    integration: SubmitIntegrationOption,
    dataset: SubmitDatasetOption = None,
    new_dataset: SubmitNewDatasetOption = None,
    folder: SubmitFolderOption = None,
    new_folder: SubmitNewFolderOption = None,
    key: KeyOption = None,
    domain: DomainOption = DEFAULT_DOMAIN,
    wait: SubmitWaitOption = True,
    timeout: TimeoutOption = None,
    poll_interval: IntervalOption = 5.0,
    ignore_errors: SubmitIgnoreErrorsOption = True,
    force: SubmitForceOption = False,
    remote: SubmitRemoteOption = False,
    allow_private_hosts: SubmitAllowPrivateHostsOption = False,
    allow_host: SubmitAllowHostOption = None,
    output_format: ReportOption = TextOrJson.TEXT,
    input_format: InputFormatOption = None,
) -> None:
    """Lint a manifest, then register its files in Encord and report every file's fate."""
    from encord_manifest._internal.cli.common import or_usage_error, resolver
    from encord_manifest._internal.cli.jobs_run import (
        Destination,
        SubmitRequest,
        Waiting,
        run_submit,
    )
    from encord_manifest._internal.remote.checker import RemoteOptions, remote_checker

    kind, value = _one_of(
        dataset=dataset, new_dataset=new_dataset, folder=folder, new_folder=new_folder
    )
    destination = Destination(
        "dataset" if "dataset" in kind else "folder",
        existing=None if kind.startswith("new_") else value,
        create=value if kind.startswith("new_") else None,
    )
    if destination.create is not None and not destination.create.strip():
        raise typer.BadParameter(
            "the title must not be blank", param_hint=f"--{kind.replace('_', '-')}"
        )
    connection = _connection(key, domain)
    settings = resolver().resolve(manifest).lint
    extra = []
    if remote:
        # The defaults of lint --remote, with the two options submit takes.
        options = RemoteOptions(
            allow_private_hosts=allow_private_hosts, allow_hosts=tuple(allow_host or ())
        )
        checker = or_usage_error(functools.partial(remote_checker, options))
        extra.append(checker(settings))
    request = SubmitRequest(
        manifest=manifest,
        destination=destination,
        integration=integration,
        connection=connection,
        wait=wait,
        waiting=Waiting(timeout, poll_interval, sys.stderr.isatty()),
        ignore_errors=ignore_errors,
        force=force,
        output_format=output_format.value,
        input_format=input_format.value if input_format else None,
        settings=settings,
        extra=extra,
    )
    raise typer.Exit(run_submit(request, sys.stdout, sys.stderr))


def status(
    job: Annotated[str, typer.Argument(metavar="JOB", help="The job id that submit printed.")],
    dataset: Annotated[OptionalText, _destination("HASH", "The dataset the job adds to.")] = None,
    folder: Annotated[
        OptionalText, _destination("UUID", "The storage folder the job registers in.")
    ] = None,
    key: KeyOption = None,
    domain: DomainOption = DEFAULT_DOMAIN,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait/--no-wait",
            help="Follow the job to its end instead of one look.",
            rich_help_panel=_WAITING,
        ),
    ] = False,
    timeout: TimeoutOption = None,
    poll_interval: IntervalOption = 5.0,
    output_format: ReportOption = TextOrJson.TEXT,
) -> None:
    """Report a job started earlier (the same report as submit)."""
    from encord_manifest._internal.cli.jobs_run import StatusRequest, Waiting, run_status
    from encord_manifest._internal.encord.jobs import Target

    try:
        job = str(uuid.UUID(job))
    except ValueError:
        raise typer.BadParameter(
            "a job id is a UUID, as submit printed it", param_hint="JOB"
        ) from None
    kind, value = _one_of(dataset=dataset, folder=folder)
    target = Target("dataset" if kind == "dataset" else "folder", value)
    waiting = Waiting(timeout, poll_interval, sys.stderr.isatty()) if wait else None
    connection = _connection(key, domain)
    request = StatusRequest(job, target, connection, waiting, output_format.value)
    raise typer.Exit(run_status(request, sys.stdout, sys.stderr))


def verify(
    manifest: ManifestArgument,
    dataset: Annotated[
        str,
        typer.Option(
            metavar="HASH", help="The dataset to compare with (its hash).", show_default=False
        ),
    ],
    key: KeyOption = None,
    domain: DomainOption = DEFAULT_DOMAIN,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Dataset rows that the manifest does not name fail too."),
    ] = False,
    output_format: ReportOption = TextOrJson.TEXT,
    input_format: InputFormatOption = None,
) -> None:
    """Compare a manifest with a dataset: entries missing from it, rows the manifest does not name."""
    from encord_manifest._internal.cli.jobs_run import VerifyRequest, run_verify

    connection = _connection(key, domain)
    request = VerifyRequest(
        manifest,
        dataset,
        connection,
        strict,
        output_format.value,
        input_format.value if input_format else None,
    )
    raise typer.Exit(run_verify(request, sys.stdout, sys.stderr))
