"""U: the storage hosts of each provider (U310, with --provider)."""

from __future__ import annotations

import re

from encord_manifest._internal.model.diagnostics import Severity
from encord_manifest._internal.model.settings import Provider
from encord_manifest._internal.rules import register

PROVIDER_HOST_MISMATCH = register(
    "U310",
    "provider-host-mismatch",
    Severity.ERROR,
    "URL host does not belong to the chosen provider",
    explanation="""
        With --provider otc|aws|gcp|azure, every URL must point at that provider's storage
        (spec section 5): an integration can only read its own buckets. OTC:
        BUCKET.obs.REGION.otc.t-systems.com (or path style obs.REGION...); AWS:
        BUCKET.s3.REGION.amazonaws.com, s3.REGION.amazonaws.com/BUCKET; GCP:
        storage.googleapis.com/BUCKET, storage.cloud.google.com/BUCKET; Azure:
        ACCOUNT.blob.core.windows.net/CONTAINER. Not checked with the default --provider any.
    """,
    failing='{"images": [{"objectUrl": "https://b.s3.eu-central-1.amazonaws.com/a.jpg"}]}  (--provider otc)',
    passing='{"images": [{"objectUrl": "https://b.obs.eu-de.otc.t-systems.com/a.jpg"}]}  (--provider otc)',
    example_is_literal=False,
)

PROVIDER_HOSTS = {
    Provider.OTC: re.compile(
        r"(?:[a-z0-9][a-z0-9.\-]*\.)?obs\.[a-z0-9\-]+(?:\.sc)?\.otc\.t-systems\.com"
    ),
    Provider.AWS: re.compile(
        r"(?:[a-z0-9][a-z0-9.\-]*\.)?s3(?:[.\-][a-z0-9\-]+)*\.amazonaws\.com(?:\.cn)?"
    ),
    Provider.GCP: re.compile(
        r"(?:[a-z0-9][a-z0-9._\-]*\.)?storage\.googleapis\.com|storage\.cloud\.google\.com"
    ),
    Provider.AZURE: re.compile(r"[a-z0-9]+\.blob\.core\.windows\.net"),
}
PROVIDER_NAMES = {
    Provider.OTC: "an Open Telekom Cloud OBS host (BUCKET.obs.REGION.otc.t-systems.com)",
    Provider.AWS: "an AWS S3 host (BUCKET.s3.REGION.amazonaws.com)",
    Provider.GCP: "a Google Cloud Storage host (storage.googleapis.com)",
    Provider.AZURE: "an Azure Blob Storage host (ACCOUNT.blob.core.windows.net)",
}
