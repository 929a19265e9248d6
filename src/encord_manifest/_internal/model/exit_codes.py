"""The command's exit codes, one place for every command."""

from __future__ import annotations

#: Nothing to report (warnings allowed); findings (errors, failed units, missing entries);
#: usage, unreadable input, key, authentication, connection or internal errors.
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: Stopped with Ctrl-C: 128 + SIGINT, as shells report it.
EXIT_INTERRUPTED = 130


class UsageProblem(Exception):
    """How the tool was asked to run cannot work (a configuration file, a credentials profile):
    the command prints the message as one line and exits EXIT_ERROR.

    The base of ConfigError and CredentialsError, so that catching them does not import the
    modules that define them (the signing code is loaded only by ``--remote``).
    """
