"""Signed requests (our own SigV4) against moto's S3-compatible server on 127.0.0.1.

moto runs in a process of its own with authentication enforced (INITIAL_NO_AUTH_ACTION_COUNT):
after the first three calls, which create an IAM user, its policy and its access key, every
request must carry a valid signature of that key. Bucket names resolve nowhere here, so the
fetcher connects to moto for the S3 host names (curl's --connect-to), keeping them in the Host
header and the signature: virtual-hosted and path-style URLs are both exercised.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from encord_manifest._internal.remote.check import RemoteSettings, check
from encord_manifest._internal.remote.http import Fetcher, FetchSettings
from encord_manifest._internal.remote.signing import (
    Credentials,
    CredentialsError,
    find_credentials,
    region_of,
    sign_v4,
    signer,
)
from encord_manifest._internal.text.authority import parse_url
from tests.dicom_files import sample
from tests.helpers import run_cli

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 500
VIRTUAL = "http://media.s3.eu-central-1.amazonaws.com"
PATH_STYLE = "http://s3.eu-central-1.amazonaws.com/media"


@dataclass
class Moto:
    address: str
    credentials: Credentials

    def fetch(self, credentials: Credentials | None) -> tuple[Fetcher, FetchSettings]:
        settings = FetchSettings(
            allow_private_hosts=True,
            retries=0,
            sign=signer(credentials) if credentials else None,
            sign_plain_http=True,  # moto speaks plain http on loopback
            connect_to={
                "media.s3.eu-central-1.amazonaws.com": self.address,
                "s3.eu-central-1.amazonaws.com": self.address,
            },
        )
        return Fetcher(settings), settings


@pytest.fixture(scope="module")
def moto() -> Iterator[Moto]:
    import boto3

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(
        os.environ,
        INITIAL_NO_AUTH_ACTION_COUNT="3",
        AWS_ACCESS_KEY_ID="setup",
        AWS_SECRET_ACCESS_KEY="setup",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(f"{endpoint}/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        setup = {
            "endpoint_url": endpoint,
            "region_name": "eu-central-1",
            "aws_access_key_id": "setup",
            "aws_secret_access_key": "setup",
        }
        iam = boto3.client("iam", **setup)
        iam.create_user(UserName="checker")
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
        iam.put_user_policy(
            UserName="checker", PolicyName="read", PolicyDocument=json.dumps(policy)
        )
        key = iam.create_access_key(UserName="checker")["AccessKey"]
        credentials = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
        s3 = boto3.client(
            "s3",
            **{
                **setup,
                "aws_access_key_id": credentials.access_key,
                "aws_secret_access_key": credentials.secret_key,
            },
        )
        s3.create_bucket(
            Bucket="media", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        s3.put_object(Bucket="media", Key="cat.jpg", Body=JPEG, ContentType="image/jpeg")
        s3.put_object(
            Bucket="media",
            Key="page.jpg",
            Body=b"<!DOCTYPE html><html></html>",
            ContentType="image/jpeg",
        )
        s3.put_object(Bucket="media", Key="empty.jpg", Body=b"", ContentType="image/jpeg")
        s3.put_object(Bucket="media", Key="ct/0.dcm", Body=sample("CT_small.dcm"))
        s3.put_object(Bucket="media", Key="ct/1.dcm", Body=sample("MR_small.dcm"))
        yield Moto(f"127.0.0.1:{port}", credentials)
    finally:
        process.terminate()
        process.wait(timeout=10)


def findings(
    moto: Moto, data: dict[str, object], credentials: Credentials | None
) -> list[tuple[str, str]]:
    fetcher, settings = moto.fetch(credentials)
    return sorted((f.code, f.message) for f in check(data, RemoteSettings(fetch=settings), fetcher))


@pytest.mark.parametrize("base", [VIRTUAL, PATH_STYLE], ids=["virtual-hosted", "path-style"])
def test_signed_head_and_range_reads(moto: Moto, base: str) -> None:
    data = {"images": [{"objectUrl": f"{base}/cat.jpg"}, {"objectUrl": f"{base}/missing.jpg"}]}
    assert findings(moto, data, moto.credentials) == [("R801", "object not found (HTTP 404)")]


def test_signed_dicom_header_reads(moto: Moto) -> None:
    data = {
        "dicom_series": [
            {
                "title": "ct",
                "objectUrl_0": f"{VIRTUAL}/ct/0.dcm",
                "objectUrl_1": f"{PATH_STYLE}/ct/1.dcm",
            }
        ]
    }
    found = findings(moto, data, moto.credentials)
    # Two different sample files: different studies and sizes, all read through signed ranges.
    assert [code for code, _ in found] == ["R813", "R815"]


def test_a_wrong_secret_or_no_signature_is_access_denied(moto: Moto) -> None:
    data = {"images": [{"objectUrl": f"{VIRTUAL}/cat.jpg"}]}
    wrong = Credentials(moto.credentials.access_key, "not-the-secret")
    for credentials in (wrong, None):
        ((code, message),) = findings(moto, data, credentials)
        assert code == "R802" and "bucket policy" in message and "not-the-secret" not in message


def test_signed_reads_also_sniff(moto: Moto) -> None:
    fetcher, _ = moto.fetch(moto.credentials)
    answer = fetcher.read_prefix(f"{VIRTUAL}/page.jpg", 0, 4096)
    assert answer.status == 206 and answer.body.startswith(b"<!DOCTYPE html>")


def test_every_object_is_read_with_one_signed_ranged_get(moto: Moto, tmp_path: Path) -> None:
    from encord_manifest._internal.remote.cache import ResultCache

    names = ("cat.jpg", "page.jpg", "empty.jpg")
    data = {"images": [{"objectUrl": f"{VIRTUAL}/{name}"} for name in names]}
    cache = ResultCache(tmp_path)
    runs = []
    for _ in range(2):
        fetcher, settings = moto.fetch(moto.credentials)
        found = check(data, RemoteSettings(fetch=settings, cache=cache), fetcher)
        runs.append(([(f.code, f.message) for f in found], fetcher.counters))
    (first, cold), (second, warm) = runs
    assert (
        first
        == second
        == [
            ("R805", "the object is an HTML page, not an image (an error page?)"),
            ("R803", "the object is empty (0 bytes)"),
        ]
    )
    # One signed GET per object (Range signed with it); the second run's carry If-None-Match,
    # also signed, and moto answers 304 without a body.
    assert cold.requests == warm.requests == {"GET": 3}
    assert cold.body_bytes == len(JPEG) + len(b"<!DOCTYPE html><html></html>")
    assert warm.body_bytes == 0


# -- signing and credentials, without a server -------------------------------------------------


@pytest.mark.parametrize(
    ("host", "region"),
    [
        ("media.s3.eu-central-1.amazonaws.com", "eu-central-1"),
        ("s3.us-west-2.amazonaws.com", "us-west-2"),
        ("media.s3.amazonaws.com", "us-east-1"),
        ("media.s3-eu-west-1.amazonaws.com", "eu-west-1"),
        ("bucket.obs.eu-de.otc.t-systems.com", "eu-de"),
        ("obs.eu-nl.otc.t-systems.com", "eu-nl"),
        ("bucket.obs.eu-ch2.sc.otc.t-systems.com", "eu-ch2"),
        ("storage.googleapis.com", None),
        ("account.blob.core.windows.net", None),
        ("example.com", None),
    ],
)
def test_region_from_the_host(host: str, region: str | None) -> None:
    assert region_of(host, "us-east-1") == region


def test_the_signature_matches_the_aws_documentation_example() -> None:
    # AWS's published example: GET /test.txt from examplebucket with Range bytes=0-9.
    # Its signature uses the hash of an empty payload; ours signs UNSIGNED-PAYLOAD, so the
    # scope and the signed headers are compared, and the signature is stable.
    creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    when = datetime.datetime(2013, 5, 24, tzinfo=datetime.timezone.utc)
    headers = sign_v4(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        {"Range": "bytes=0-9"},
        creds,
        "us-east-1",
        when,
    )
    assert headers["Authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature="
    )
    again = sign_v4(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        {"Range": "bytes=0-9"},
        creds,
        "us-east-1",
        when,
    )
    assert again == headers and headers["x-amz-date"] == "20130524T000000Z"


def test_presigned_urls_and_other_hosts_are_not_signed() -> None:
    sign = signer(Credentials("AKID", "SECRET"))
    presigned = "https://b.s3.amazonaws.com/a.jpg?X-Amz-Signature=abc&X-Amz-Credential=x"
    assert sign("GET", parse_url(presigned), {}) == {}
    assert sign("GET", parse_url("https://storage.googleapis.com/b/a.jpg"), {}) == {}
    assert "Authorization" in sign("GET", parse_url("https://b.s3.amazonaws.com/a.jpg"), {})


def test_credentials_from_the_environment_and_profiles(tmp_path: Path) -> None:
    file = tmp_path / "credentials"
    file.write_text(
        "[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n"
        "[otc]\naws_access_key_id = OTC\naws_secret_access_key = otcsecret\n"
    )
    env = {"AWS_SHARED_CREDENTIALS_FILE": str(file)}
    assert find_credentials(
        None, {**env, "AWS_ACCESS_KEY_ID": "ENV", "AWS_SECRET_ACCESS_KEY": "s"}
    ) == Credentials("ENV", "s")
    assert find_credentials(
        None, {**env, "OBS_ACCESS_KEY_ID": "OBS", "OBS_SECRET_ACCESS_KEY": "s"}
    ) == Credentials("OBS", "s")
    assert find_credentials("otc", env) == Credentials("OTC", "otcsecret")
    assert find_credentials(None, {**env, "AWS_PROFILE": "otc"}) == Credentials("OTC", "otcsecret")
    assert find_credentials(None, env) == Credentials("DEF", "defsecret")
    assert find_credentials(None, {"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}) is None
    with pytest.raises(CredentialsError, match="no profile 'prod'"):
        find_credentials("prod", env)
    assert "otcsecret" not in repr(find_credentials("otc", env))


def test_an_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "credentials").write_text(
        "[default]\naws_access_key_id = A\naws_secret_access_key = S\n"
    )
    (tmp_path / "m.json").write_text(
        '{"images": [{"objectUrl": "https://b.s3.amazonaws.com/a.jpg"}]}'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"), NO_COLOR="1")
    done = run_cli("lint", "--remote", "--profile", "prod", str(tmp_path / "m.json"), env=env)
    assert done.returncode == 2 and done.stdout == ""
    assert (
        done.stderr == f"encord-manifest: error: no profile 'prod' in {tmp_path / 'credentials'}\n"
    )
