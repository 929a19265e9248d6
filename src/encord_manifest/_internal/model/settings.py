"""What a lint run is asked to do, apart from how it was asked (command line or config file)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from encord_manifest._internal.model import spec
from encord_manifest._internal.model.diagnostics import Severity


class Provider(str, enum.Enum):
    """The storage provider whose URL hosts are expected (spec section 5)."""

    ANY = "any"
    OTC = "otc"
    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"


#: Codes that say a file could not be read at all. They cannot be ignored or softened: a
#: manifest that cannot be parsed has no other findings to hide behind (ruff does the same
#: with syntax errors).
UNREADABLE_CODES = frozenset({"F001", "F002", "F005", "C701"})


#: The largest input read by default (``max-input-size``, ``--max-input-size``): the
#: documented 1M-entry manifest is about 530 MB, and one with long URLs and metadata a few
#: times that. Above it an input is refused before (or, for a pipe, while) it fills the memory.
DEFAULT_MAX_INPUT_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class LintSettings:
    provider: Provider = Provider.ANY
    #: Plan limits (spec section 3): above these, a warning.
    max_entries: int = spec.DEFAULT_MAX_ENTRIES
    max_file_bytes: int = spec.DEFAULT_MAX_FILE_BYTES
    #: With --remote: R807 above this size of one object; None: no limit configured.
    max_object_bytes: int | None = None
    #: Codes not reported for this file (select, ignore, per-file-ignores resolved).
    disabled: frozenset[str] = frozenset()
    #: Severities that replace a rule's default, code by code.
    severities: tuple[tuple[str, Severity], ...] = ()
    #: With --remote: the configuration's ``allow-hosts`` (HOST[:PORT] entries).
    allow_hosts: tuple[str, ...] = ()
    #: Inputs larger than this are refused unread (exit 2): a safety limit, not a finding.
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
