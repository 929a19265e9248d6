"""The options of ``lint`` and ``convert``, declared once: what ``--help`` prints for each.

Typer reads a command's options from its function's signature; declared here as annotated
types, each command's signature is one line per option and the help texts are in one place.
``submit``, ``status`` and ``verify`` declare theirs beside them (``jobs.py``).
"""

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from encord_manifest._internal.cli.choices import (
    ColorChoice,
    InputFormat,
    choice_metavar,
    choice_words,
)
from encord_manifest._internal.model.settings import Provider
from encord_manifest._internal.report import OutputFormat


def _force_write(panel: str | None = None) -> Any:
    """--force-write of lint --fix and convert: the write guards' override (``writing``)."""
    return typer.Option(
        "--force-write",
        help="Write even a read-only file (kept read-only), a device or FIFO, a file with several "
        "hard links, or a symbolic link leading out of its repository (or, outside one, its "
        "directory); all but the first are written in place.",
        rich_help_panel=panel,
    )


# lint
PathsArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="PATH...",
        help="Manifest files, or directories to search for *.json and *.csv; '-' reads standard input.",
    ),
]
ProviderOption = Annotated[
    Optional[Provider],  # noqa: UP045
    typer.Option(
        metavar=choice_metavar(Provider),
        help="Check that URL hosts belong to this storage provider (default: any).",
        show_default=False,
    ),
]
SelectOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        metavar="CODES",
        help="Report only these codes, prefixes or rule names (comma-separated; ALL).",
        rich_help_panel="Rule selection",
    ),
]
ExtendSelectOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(metavar="CODES", help="Report these too.", rich_help_panel="Rule selection"),
]
IgnoreOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        metavar="CODES",
        help="Do not report these codes, prefixes or rule names.",
        rich_help_panel="Rule selection",
    ),
]
ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        metavar="FILE",
        help="Use this configuration file for every manifest instead of searching upward.",
        rich_help_panel="Configuration",
    ),
]
IsolatedOption = Annotated[
    bool,
    typer.Option(
        "--isolated", help="Ignore every configuration file.", rich_help_panel="Configuration"
    ),
]
ShowSettingsOption = Annotated[
    bool,
    typer.Option(
        "--show-settings",
        help="Print the settings each given manifest would be linted with, and stop.",
        rich_help_panel="Configuration",
    ),
]
OutputFormatOption = Annotated[
    Optional[OutputFormat],  # noqa: UP045
    typer.Option(
        "--output-format",
        metavar="FORMAT",
        help=f"How to print the findings: {choice_words(OutputFormat)} "
        "(default: concise; github inside GitHub Actions).",
    ),
]
InputFormatOption = Annotated[
    Optional[InputFormat],  # noqa: UP045
    typer.Option(
        "--format",
        metavar=choice_metavar(InputFormat),
        help="Read the files as this format (default: by extension, else JSON).",
    ),
]
ExitZeroOption = Annotated[
    bool, typer.Option("--exit-zero", help="Exit 0 even when there are errors.")
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Warnings fail the run too.")]
StatisticsOption = Annotated[
    bool, typer.Option("--statistics", help="Count the findings per code instead.")
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print the findings and nothing else.")
]
RemoteOption = Annotated[
    bool,
    typer.Option(
        "--remote",
        help="Also read the objects: existence, access, size, type (a ranged GET of 4 KiB each).",
        rich_help_panel="Remote checks",
    ),
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        min=1,
        max=512,
        help="Concurrent requests.",
        rich_help_panel="Remote checks",
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option(
        metavar="SECONDS",
        min=0.1,
        help="Seconds to wait to connect, or for the next bytes of an answer.",
        rich_help_panel="Remote checks",
    ),
]
ProfileOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        metavar="NAME",
        help="Sign requests to S3/OBS with this profile of the AWS credentials file "
        "(default: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or OBS_..., or the default profile).",
        rich_help_panel="Remote checks",
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Check every object afresh; neither read nor write the result cache.",
        rich_help_panel="Remote checks",
    ),
]
AllowPrivateHostsOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-hosts",
        help="Let checks contact private, loopback and link-local addresses "
        "(not cloud metadata endpoints: name those with --allow-host).",
        rich_help_panel="Remote checks",
    ),
]
AllowHostOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--allow-host",
        metavar="HOST[:PORT]",
        help="Let checks contact this host or address although it is private "
        "(repeatable; e.g. a test server, minio.internal:9000).",
        rich_help_panel="Remote checks",
    ),
]
DeadlineOption = Annotated[
    Optional[float],  # noqa: UP045
    typer.Option(
        metavar="SECONDS",
        min=1,
        help="Seconds for all remote checks together; objects not checked by then are "
        "reported (R809). Each object gets 3 x --timeout in any case.",
        rich_help_panel="Remote checks",
    ),
]
FixOption = Annotated[
    bool,
    typer.Option(
        "--fix",
        help="Apply the safe fixes ([*] in the output) to the files, then report what remains.",
        rich_help_panel="Fixes",
    ),
]
DiffOption = Annotated[
    bool,
    typer.Option(
        "--diff",
        help="Print the safe fixes as a unified diff and write nothing; exit 1 if there are any.",
        rich_help_panel="Fixes",
    ),
]
MaxInputSizeOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        metavar="SIZE",
        help='Refuse inputs larger than this, unread (exit 2): "2GiB" (the default), "500MB".',
        show_default=False,
    ),
]
OutputFileOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--output-file",
        "-o",
        metavar="FILE",
        help="Write the report to this file (atomically) instead of standard output.",
        rich_help_panel="Output",
    ),
]
AlsoOutputOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--also-output",
        metavar="FORMAT=PATH",
        help="Also write the report in this format to this file, from the same run "
        "(repeatable): --also-output sarif=results.sarif.",
        rich_help_panel="Output",
    ),
]
ColorOption = Annotated[
    ColorChoice,
    typer.Option(
        "--color",
        metavar=choice_metavar(ColorChoice),
        help="Colour the text formats: auto (a terminal, unless NO_COLOR is set; "
        "also elsewhere when FORCE_COLOR is), always or never.",
        rich_help_panel="Output",
    ),
]
StdinFilenameOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--stdin-filename",
        metavar="PATH",
        help="Standard input ('-') is this file: findings name it, its format is taken from "
        "its extension, and its configuration and per-file-ignores apply.",
    ),
]
ForceWriteOption = Annotated[bool, _force_write("Fixes")]
SkipNonManifestsOption = Annotated[
    bool,
    typer.Option(
        "--skip-non-manifests",
        help="Leave out, with an info line, files that are plainly not Encord manifests "
        "(package.json, a web app's manifest.json, a CSV without an ObjectUrl header); "
        "misspelt manifests are still linted. For hooks and CI.",
    ),
]


# convert
ConvertInputPathsArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT...",
        help="The manifest to convert ('-' reads stdin); with --sync, any number of them.",
    ),
]
ConvertOutputOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write here (atomically) instead of to stdout."
    ),
]
ConvertToOption = Annotated[
    Optional[InputFormat],  # noqa: UP045
    typer.Option(
        "--to",
        metavar=choice_metavar(InputFormat),
        help="The format to write (default: CSV -> JSON, JSON -> CSV).",
    ),
]
ConvertInputFormatOption = Annotated[
    Optional[InputFormat],  # noqa: UP045
    typer.Option(
        "--format",
        metavar=choice_metavar(InputFormat),
        help="Read the input as this format (default: by extension).",
    ),
]
ConvertDelimiterOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        metavar="CHAR",
        help="Read a CSV separated by this character (';', tab) instead of ','.",
    ),
]
ConvertSkipDuplicateUrlsOption = Annotated[
    bool, typer.Option(help="Set skip_duplicate_urls in the JSON written.")
]
ConvertForceOption = Annotated[
    bool, typer.Option(help="Write even when linting finds errors (exit code stays 1).")
]
ConvertCheckOption = Annotated[
    bool,
    typer.Option(help="Write nothing; exit 1 when OUTPUT is missing or differs from the result."),
]
ConvertSyncOption = Annotated[
    bool,
    typer.Option(
        help="Keep each input's conversion beside it (m.csv -> m.json); exit 1 when one "
        "was written (the pre-commit hook).",
    ),
]
ConvertForceWriteOption = Annotated[bool, _force_write()]
ConvertAllowFormulasOption = Annotated[
    bool,
    typer.Option(
        help="With --to csv, write cells a spreadsheet would run as formulas (=, +, -, @...)."
    ),
]
