"""Signed requests to S3 and Open Telekom Cloud OBS: AWS Signature Version 4.

Private buckets are read by Encord through an integration holding an access key pair; a check
with the same pair sees what the import will see. The pair comes from the environment
(`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; `OBS_ACCESS_KEY_ID` and
`OBS_SECRET_ACCESS_KEY` for OBS) or from a named profile of the AWS credentials file
(`--profile`, `AWS_PROFILE`; the file is `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`).

Only hosts of S3 or OBS are signed, only on the origin the manifest's URL names (the fetcher
signs no redirect to another host, port or scheme), and never a URL that is pre-signed already (its query carries X-Amz-Signature). The region comes from the
host (`BUCKET.s3.REGION.amazonaws.com`, `BUCKET.obs.REGION.otc.t-systems.com`), else from
`AWS_REGION` / `AWS_DEFAULT_REGION`, else us-east-1. Keys never appear in any message.
"""

from __future__ import annotations

import configparser
import datetime
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

from encord_manifest._internal.config.options import ConfigError
from encord_manifest._internal.text.authority import ParsedURL, parse_url

_S3_HOST = re.compile(
    r"(?:[^.]+\.)*?s3[.-](?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$|(?:[^.]+\.)?s3\.amazonaws\.com$"
)
_OBS_HOST = re.compile(r"(?:[^.]+\.)?obs\.(?P<region>[a-z0-9-]+)\.(?:sc\.)?otc\.t-systems\.com$")
#: S3 accepts an unsigned payload for GET and HEAD; there is no body to hash anyway.
_PAYLOAD = "UNSIGNED-PAYLOAD"


class CredentialsError(ConfigError):
    """The credentials asked for cannot be found (a profile that does not exist...)."""


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: str | None = None

    def __repr__(self) -> str:  # never the secret, not even in a traceback
        return f"Credentials(access_key={self.access_key[:4]}..., secret_key=***)"


def find_credentials(
    profile: str | None = None, environ: Mapping[str, str] | None = None
) -> Credentials | None:
    """The access key pair to sign with: a named profile if asked, else the environment, else
    the default profile; None when there is none (requests go unsigned)."""
    env = os.environ if environ is None else environ
    profile = profile or env.get("AWS_PROFILE")
    if profile:
        return _from_profile(profile, env, required=True)
    for key_name, secret_name in (
        ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
        ("OBS_ACCESS_KEY_ID", "OBS_SECRET_ACCESS_KEY"),
    ):
        if env.get(key_name) and env.get(secret_name):
            return Credentials(
                env[key_name], env[secret_name], env.get("AWS_SESSION_TOKEN") or None
            )
    return _from_profile("default", env, required=False)


def _from_profile(name: str, env: Mapping[str, str], required: bool) -> Credentials | None:
    path = Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        if required:
            raise CredentialsError(f"cannot read the credentials file {path}") from None
        return None
    if not parser.has_section(name):
        if required:
            raise CredentialsError(f"no profile {name!r} in {path}")
        return None
    section = parser[name]
    key, secret = section.get("aws_access_key_id"), section.get("aws_secret_access_key")
    if not key or not secret:
        if required:
            raise CredentialsError(f"profile {name!r} in {path} has no access key pair")
        return None
    return Credentials(
        key.strip(), secret.strip(), (section.get("aws_session_token") or "").strip() or None
    )


def region_of(host: str, default: str) -> str | None:
    """The region an S3 or OBS host is in; None for a host that is neither (not signed)."""
    host = host.lower().split(":", 1)[0]
    match = _S3_HOST.search(host)
    if match:
        return match.group("region") or "us-east-1"
    match = _OBS_HOST.search(host)
    if match:
        return match.group("region")
    return None


def signer(
    credentials: Credentials,
    default_region: str = "us-east-1",
    now: Callable[[], datetime.datetime] | None = None,
) -> Callable[[str, ParsedURL, dict[str, str]], dict[str, str]]:
    """The ``FetchSettings.sign`` hook: extra headers that sign a request, or none.

    It is given the fetcher's own parse of the URL (``authority.parse_url``), so the host
    signed is the host connected to and named in ``Host``."""
    clock = now or (lambda: datetime.datetime.now(datetime.timezone.utc))

    def sign(method: str, url: ParsedURL, headers: dict[str, str]) -> dict[str, str]:
        if "x-amz-signature" in url.query.lower():
            return {}  # pre-signed: it carries its own signature
        region = region_of(url.host, default_region)
        if region is None:
            return {}
        return sign_v4(method, url, headers, credentials, region, clock())

    return sign


def sign_v4(
    method: str,
    url: ParsedURL | str,
    headers: Mapping[str, str],
    credentials: Credentials,
    region: str,
    when: datetime.datetime,
    service: str = "s3",
) -> dict[str, str]:
    """The headers (Authorization, x-amz-date, ...) of a SigV4-signed request without body."""
    parsed = url if isinstance(url, ParsedURL) else parse_url(url)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    added = {"x-amz-date": amz_date, "x-amz-content-sha256": _PAYLOAD}
    if credentials.token:
        added["x-amz-security-token"] = credentials.token
    signed = {k.lower(): " ".join(str(v).split()) for k, v in headers.items()}
    signed.update(added)
    signed["host"] = parsed.host_header
    names = sorted(signed)
    canonical = "\n".join(
        [
            method.upper(),
            quote(unquote(parsed.path), safe="/~"),
            _canonical_query(parsed.query),
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            _PAYLOAD,
        ]
    )
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{credentials.secret_key}".encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    added["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return added


def _canonical_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(pairs))
