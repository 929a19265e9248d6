"""``lint``: its options (``options.py``) gathered into one request, run by ``lint_run.py``."""

from dataclasses import dataclass
from pathlib import Path

import typer

from encord_manifest._internal.cli.choices import ColorChoice, InputFormat
from encord_manifest._internal.cli.options import (
    AllowHostOption,
    AllowPrivateHostsOption,
    AlsoOutputOption,
    ColorOption,
    ConfigOption,
    DeadlineOption,
    DiffOption,
    ExitZeroOption,
    ExtendSelectOption,
    FixOption,
    ForceWriteOption,
    IgnoreOption,
    InputFormatOption,
    IsolatedOption,
    JobsOption,
    MaxInputSizeOption,
    NoCacheOption,
    OutputFileOption,
    OutputFormatOption,
    PathsArgument,
    ProfileOption,
    ProviderOption,
    QuietOption,
    RemoteOption,
    SelectOption,
    ShowSettingsOption,
    SkipNonManifestsOption,
    StatisticsOption,
    StdinFilenameOption,
    StrictOption,
    TimeoutOption,
)
from encord_manifest._internal.model.settings import Provider
from encord_manifest._internal.report import OutputFormat


@dataclass(frozen=True)
class LintRequest:
    """Everything ``lint`` was asked, as the command line gave it (``--help`` says each)."""

    paths: list[str]
    provider: Provider | None
    select: list[str] | None
    extend_select: list[str] | None
    ignore: list[str] | None
    config: Path | None
    isolated: bool
    show_settings: bool
    output_format: OutputFormat | None
    input_format: InputFormat | None
    exit_zero: bool
    strict: bool
    statistics: bool
    quiet: bool
    remote: bool
    jobs: int
    timeout: float
    profile: str | None
    no_cache: bool
    allow_private_hosts: bool
    allow_host: list[str] | None
    deadline: float | None
    fix: bool
    diff: bool
    max_input_size: str | None
    output_file: Path | None
    also_output: list[str] | None
    color: ColorChoice
    stdin_filename: str | None
    force_write: bool
    skip_non_manifests: bool


def lint(
    paths: PathsArgument,
    provider: ProviderOption = None,
    select: SelectOption = None,
    extend_select: ExtendSelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
    show_settings: ShowSettingsOption = False,
    output_format: OutputFormatOption = None,
    input_format: InputFormatOption = None,
    exit_zero: ExitZeroOption = False,
    strict: StrictOption = False,
    statistics: StatisticsOption = False,
    quiet: QuietOption = False,
    remote: RemoteOption = False,
    jobs: JobsOption = 32,
    timeout: TimeoutOption = 10.0,
    profile: ProfileOption = None,
    no_cache: NoCacheOption = False,
    allow_private_hosts: AllowPrivateHostsOption = False,
    allow_host: AllowHostOption = None,
    deadline: DeadlineOption = None,
    fix: FixOption = False,
    diff: DiffOption = False,
    max_input_size: MaxInputSizeOption = None,
    output_file: OutputFileOption = None,
    also_output: AlsoOutputOption = None,
    color: ColorOption = ColorChoice.AUTO,
    stdin_filename: StdinFilenameOption = None,
    force_write: ForceWriteOption = False,
    skip_non_manifests: SkipNonManifestsOption = False,
) -> None:
    """Check manifests against the schema and every rule; report each problem at its line and column."""
    # The parameters, and nothing else yet, are the function's locals: one request of them.
    request = LintRequest(**locals())
    from encord_manifest._internal.cli.lint_run import run_lint

    raise typer.Exit(run_lint(request))
