"""What a lint run is asked to do, apart from how it was asked (CLI today, config files later)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from encord_manifest import spec


class Provider(str, enum.Enum):
    """The storage provider whose URL hosts are expected (spec section 5)."""

    ANY = "any"
    OTC = "otc"
    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"


@dataclass(frozen=True)
class LintSettings:
    provider: Provider = Provider.ANY
    #: Plan limits (spec section 3): above these, a warning.
    max_entries: int = spec.DEFAULT_MAX_ENTRIES
    max_file_bytes: int = spec.DEFAULT_MAX_FILE_BYTES
