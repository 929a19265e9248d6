"""encord-manifest: catch every mistake in an Encord import manifest before the upload."""

from __future__ import annotations

__version__ = "0.1.0"
