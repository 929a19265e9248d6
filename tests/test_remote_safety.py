"""`lint --remote` as an attacker would try it: credentials, private addresses, slow servers.

Every server is a real one on 127.0.0.1. Names that play public hosts resolve through the
fetcher's resolver seam (or ``connect_to``), never through DNS, and no request leaves loopback:
addresses that must be refused (cloud metadata, 10.x) are refused before any connection, which
the tests check by the fetcher's own request counters.
"""

from __future__ import annotations

import datetime
import html
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from encord_manifest._internal.engine.linter import lint_file
from encord_manifest._internal.model.settings import LintSettings
from encord_manifest._internal.remote.check import RemoteSettings, check
from encord_manifest._internal.remote.fetch_errors import FetchError
from encord_manifest._internal.remote.fetch_settings import OBJECT_DEADLINE_FACTOR
from encord_manifest._internal.remote.http import Fetcher, FetchSettings
from encord_manifest._internal.remote.safety import AddressPolicy, RefusedHost, is_public
from encord_manifest._internal.remote.signing import Credentials, signer
from encord_manifest._internal.report import OutputFormat, ReportOptions, reporter
from encord_manifest._internal.text.authority import HostPattern, UnsafeURL, parse_url
from tests.helpers import run_cli, use_proxy
from tests.object_server import LoggedRequest, ObjectServer, object_server

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000
BUCKET = "media.s3.eu-central-1.amazonaws.com"


@pytest.fixture()
def server() -> Iterator[ObjectServer]:
    with object_server() as running:
        yield running


def logged(server: ObjectServer, path: str, count: int = 1) -> list[LoggedRequest]:
    """The server's log of a path once it holds ``count`` entries: the server logs a request
    after answering it, so the client may be done a moment before."""
    for _ in range(200):
        entries = server.requests_for(path)
        if len(entries) >= count:
            return entries
        time.sleep(0.01)
    return server.requests_for(path)


def port_of(server: ObjectServer) -> int:
    return int(server.httpd.server_address[1])


class Names:
    """A resolver seam: names that play public hosts, each lookup counted."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, host: str) -> list[str]:
        with self._lock:
            self.lookups.append(host)
        if host not in self.answers:
            raise OSError("Name or service not known")
        return self.answers[host]


def probe_all(
    urls: list[str],
    resolver: Names | None = None,
    list_key: str = "images",
    jobs: int = 4,
    **fetch: object,
) -> tuple[list[str], Fetcher]:
    fetch.setdefault("retries", 0)
    settings = FetchSettings(**fetch)  # type: ignore[arg-type]
    fetcher = Fetcher(settings, resolver=resolver or Names({}), sleep=lambda s: None)
    findings = check(
        {list_key: [{"objectUrl": u} for u in urls]},
        RemoteSettings(jobs=jobs, fetch=settings),
        fetcher,
    )
    return [f"{f.code} {f.message}" for f in findings], fetcher


# -- 1. credentials go only to their owner ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"https://{BUCKET}:x@other.example/a.jpg",
        "https://user:secret@media.s3.amazonaws.com/a.jpg",
        "http://127.0.0.1:1\\@public.example/x.jpg",
        "https://ex%61mple.com/a.jpg",
        "https://2130706433/a.jpg",
        "https://0177.0.0.1/a.jpg",
        "https://127.1/a.jpg",
        "https://[::1%25eth0]/a.jpg",
    ],
)
def test_urls_that_parsers_read_differently_are_an_offline_error_and_never_requested(
    url: str, tmp_path: Path
) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"images": [{"objectUrl": url}]}))
    done = run_cli("lint", "--output-format", "json", "--select", "U311", str(path))
    codes = [d["code"] for d in json.loads(done.stdout)["diagnostics"]]
    assert codes == ["U311"]
    assert "secret" not in done.stdout and "user" not in done.stdout.replace("user info", "")
    with pytest.raises(UnsafeURL):
        parse_url(url)
    fetcher = Fetcher(FetchSettings(allow_private_hosts=True, retries=0))
    with pytest.raises(FetchError) as refused:
        fetcher.request("HEAD", url)
    assert refused.value.kind == "refused-url" and fetcher.counters.requests == {}


def test_the_host_signed_is_the_host_connected_to_and_named_in_host(server: ObjectServer) -> None:
    server.put("/a.jpg", JPEG, "image/jpeg")
    address = f"127.0.0.1:{port_of(server)}"
    credentials = Credentials("AKIDEXAMPLE", "secret", "session-token")
    settings = FetchSettings(
        allow_hosts=(HostPattern.parse(address),),
        retries=0,
        sign=signer(credentials),
        sign_plain_http=True,
        connect_to={BUCKET: address},
    )
    Fetcher(settings).request("HEAD", f"http://{BUCKET}/a.jpg")
    (request,) = logged(server, "/a.jpg")
    assert request.host == BUCKET
    authorization = next(c for c in request.credentials if c.startswith("Authorization"))
    assert "SignedHeaders=host;" in authorization
    assert "x-amz-security-token: session-token" in request.credentials


@pytest.mark.parametrize(
    "location",
    [
        "http://elsewhere.example:{port}/taken.jpg",  # another host
        "http://{bucket}:{port}/taken.jpg",  # the same name on another port
    ],
)
def test_no_credential_crosses_a_redirect_to_another_origin(
    server: ObjectServer, location: str
) -> None:
    port = port_of(server)
    target = location.format(port=port, bucket=BUCKET)
    server.put("/start.jpg", b"", "text/plain", f"redirect:{target}")
    server.put("/taken.jpg", JPEG, "image/jpeg")
    address = f"127.0.0.1:{port}"
    settings = FetchSettings(
        allow_hosts=(HostPattern.parse(address),),
        retries=0,
        sign=signer(Credentials("AKIDEXAMPLE", "secret", "session-token")),
        sign_plain_http=True,
        connect_to={
            BUCKET: address,
            f"{BUCKET}:{port}": address,
            f"elsewhere.example:{port}": address,
        },
    )
    answer = Fetcher(settings).request("HEAD", f"http://{BUCKET}/start.jpg")
    assert answer.status == 200
    (first,) = logged(server, "/start.jpg")
    (second,) = logged(server, "/taken.jpg")
    assert any(c.startswith("Authorization") for c in first.credentials)
    assert second.credentials == ()
    assert second.host == target.split("/")[2]


# -- 2. private addresses stay private -------------------------------------------------------------


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{port}/secret",
        "http://localhost:{port}/secret",
        "http://127.0.0.1:{port}\\@public.example/secret",
        "http://public.example@127.0.0.1:{port}/secret",
        "http://2130706433:{port}/secret",
        "http://0177.0.0.1:{port}/secret",
        "http://[::ffff:127.0.0.1]:{port}/secret",
        "http://127.0.0.1.:{port}/secret",
        "http://%31%32%37.0.0.1:{port}/secret",
        "http://rebind.example:{port}/secret",
        "/secret",  # the same host, relative: allowed only because the first hop is
    ],
)
def test_every_redirect_hop_is_checked_with_the_parse_that_connects(
    server: ObjectServer, location: str
) -> None:
    port = port_of(server)
    server.put("/start.jpg", b"", "text/plain", f"redirect:{location.format(port=port)}")
    server.put("/secret", JPEG, "image/jpeg")
    names = Names(
        {"objects.test": ["127.0.0.1"], "localhost": ["127.0.0.1"], "rebind.example": ["127.0.0.1"]}
    )
    # Only the name objects.test is opened, not the address it resolves to.
    messages, _ = probe_all(
        [f"http://objects.test:{port}/start.jpg"],
        names,
        allow_hosts=(HostPattern.parse("objects.test"),),
    )
    if location == "/secret":
        assert messages == [] and len(logged(server, "/secret")) == 1
        return
    assert len(messages) == 1 and messages[0].startswith("R809 not checked"), messages
    assert server.requests_for("/secret") == []


def test_a_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(
    server: ObjectServer,
) -> None:
    """DNS rebinding: a second lookup would answer 127.0.0.2, where nothing listens."""
    for i in range(20):
        server.put(f"/r/{i}.jpg", JPEG, "image/jpeg")
    answers = iter([["127.0.0.1"]] + [["127.0.0.2"]] * 100)

    class Rebinding(Names):
        def __call__(self, host: str) -> list[str]:
            self.lookups.append(host)
            return next(answers)

    names = Rebinding({})
    port = port_of(server)
    urls = [f"http://objects.test:{port}/r/{i}.jpg" for i in range(20)]
    messages, _ = probe_all(urls, names, allow_hosts=(HostPattern.parse(f"127.0.0.1:{port}"),))
    assert messages == []
    assert names.lookups == ["objects.test"]
    assert sum(len(logged(server, f"/r/{i}.jpg")) for i in range(20)) == 20


def test_allow_host_opens_one_server_and_not_the_rest(server: ObjectServer) -> None:
    server.put("/a.jpg", JPEG, "image/jpeg")
    with object_server() as other:
        other.put("/b.jpg", JPEG, "image/jpeg")
        messages, _ = probe_all(
            [server.url("/a.jpg"), other.url("/b.jpg")],
            allow_hosts=(HostPattern.parse(f"127.0.0.1:{port_of(server)}"),),
        )
        assert other.log == []
    assert len(logged(server, "/a.jpg")) == 1
    assert messages == [
        f"R809 not checked: 127.0.0.1 is a private or local address (127.0.0.1); checking it "
        f"needs --allow-host 127.0.0.1:{port_of(other)} (or --allow-private-hosts)"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_metadata_endpoints_stay_refused_with_allow_private_hosts(url: str) -> None:
    names = Names({"metadata.google.internal": ["169.254.169.254"]})
    messages, fetcher = probe_all([url], names, allow_private_hosts=True)
    assert len(messages) == 1 and "cloud metadata address" in messages[0], messages
    assert "--allow-host" in messages[0]
    assert fetcher.counters.requests == {}


def test_only_the_command_line_opens_a_metadata_address() -> None:
    metadata = HostPattern.parse("169.254.169.254")
    AddressPolicy(allow_hosts=(metadata,)).check("169.254.169.254", 80, ["169.254.169.254"])
    configured = AddressPolicy(allow_private=True).with_configured(["169.254.169.254"])
    with pytest.raises(RefusedHost, match="metadata"):
        configured.check("169.254.169.254", 80, ["169.254.169.254"])
    # A configuration file may open a private test host, though.
    AddressPolicy().with_configured(["minio.internal:9000"]).check(
        "minio.internal", 9000, ["10.1.2.3"]
    )
    with pytest.raises(RefusedHost):
        AddressPolicy().with_configured(["minio.internal:9000"]).check(
            "minio.internal", 9001, ["10.1.2.3"]
        )


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.0.0.5", False),
        ("100.64.0.1", False),  # shared address space (CGNAT)
        ("169.254.1.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo client 10.0.0.1
        ("fe80::1", False),
        ("fc00::1", False),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_a_proxy_is_not_asked_for_a_name_that_resolves_to_a_private_address(
    server: ObjectServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.put("/proxied/x.jpg", JPEG, "image/jpeg")
    use_proxy(monkeypatch, server.base)
    names = Names({"intranet.example": ["10.20.30.40"]})
    messages, _ = probe_all(["http://intranet.example/x.jpg"], names)
    assert messages[0].startswith("R809 not checked: intranet.example is a private")
    assert server.log == []


# -- 3. bounded in time --------------------------------------------------------------------------


def test_a_server_that_drips_bytes_is_cut_off_at_the_objects_deadline(server: ObjectServer) -> None:
    url = server.put("/drip.jpg", JPEG * 4, "image/jpeg", "drip:0.05")
    started = time.monotonic()
    messages, _ = probe_all([url], allow_private_hosts=True, timeout=0.5)
    held = time.monotonic() - started
    deadline = OBJECT_DEADLINE_FACTOR * 0.5
    assert messages == [
        f"R808 the object could not be read: no complete answer within {deadline:g} s "
        f"({OBJECT_DEADLINE_FACTOR} x --timeout)"
    ]
    # Each byte came within the timeout; the whole answer would take 8,000 x 0.05 s (the
    # margin is for a loaded CI machine).
    assert deadline <= held < deadline + 5.0


def test_the_runs_deadline_reports_what_was_left_once(server: ObjectServer) -> None:
    urls = [server.put(f"/slow/{i}.jpg", JPEG, "image/jpeg", "slow:0.6") for i in range(12)]
    started = time.monotonic()
    messages, _ = probe_all(urls, allow_private_hosts=True, run_deadline=1.0, jobs=2)
    assert time.monotonic() - started < 8.0  # 1 s, with room for a loaded CI machine
    left = [m for m in messages if "deadline" in m]
    assert len(left) == 1, messages
    assert left[0].startswith(
        "R809 not checked: the remote checks' deadline (--deadline 1) passed; one finding for the"
    )


def test_hosts_that_do_not_resolve_are_asked_once_and_reported_once_each(tmp_path: Path) -> None:
    urls = [f"https://dead{i % 3}.example/{i}.jpg" for i in range(200)]
    names = Names({})
    started = time.monotonic()
    messages, fetcher = probe_all(urls, names, retries=3, jobs=32)
    elapsed = time.monotonic() - started
    assert sorted(names.lookups) == ["dead0.example", "dead1.example", "dead2.example"]
    # Before: every URL retried with backoff, 50 s for these 200 URLs.
    assert elapsed < 10.0 and fetcher.counters.requests == {}
    assert set(messages) == {
        "R808 the object could not be read: the host name does not resolve; one finding for the "
        f"{n} URLs on dead{i}.example"
        for i, n in enumerate((67, 67, 66))
    }


def test_a_host_that_refuses_connections_is_remembered(server: ObjectServer) -> None:
    url = server.url("/x.jpg")
    server.stop()
    sleeps: list[float] = []
    settings = FetchSettings(allow_private_hosts=True, retries=3)
    fetcher = Fetcher(settings, sleep=sleeps.append)
    urls = [f"{url}?n={i}" for i in range(50)]
    findings = check(
        {"images": [{"objectUrl": u} for u in urls]},
        RemoteSettings(jobs=1, fetch=settings),
        fetcher,
    )
    assert [f.code for f in findings] == ["R808"]
    assert (
        "the connection was refused; one finding for the 50 URLs on 127.0.0.1:"
        in findings[0].message
    )
    assert len(findings[0].also) == 49
    assert len(sleeps) == 3  # the first URL's retries; the other 49 are answered at once


def test_a_summary_names_the_first_places_in_every_output_format(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    urls = [f"https://gone.example/{i}.jpg" for i in range(40)]
    path.write_text(json.dumps({"images": [{"objectUrl": u} for u in urls]}, indent=2))
    settings = FetchSettings(retries=0)
    fetcher = Fetcher(settings, resolver=Names({}))

    def remote(data: object) -> list:  # type: ignore[type-arg]
        return check(data, RemoteSettings(jobs=4, fetch=settings), fetcher)

    result = lint_file(str(path), LintSettings(), None, [remote])
    (summary,) = [d for d in result.diagnostics if d.code == "R808"]
    assert summary.span.line == 4
    assert summary.message.endswith(
        "one finding for the 40 URLs on gone.example (also at 7:20, 10:20, 13:20 and 36 more)"
    )
    for output_format in OutputFormat:
        text = reporter(output_format)([result], ReportOptions(color=False))
        # github-summary writes Markdown punctuation as character references: read it back.
        text = html.unescape(text) if output_format is OutputFormat.GITHUB_SUMMARY else text
        # Some formats say a message twice (github: annotation and plain list; junit:
        # attribute and body); none says it once per URL.
        said = text.count("one finding for the 40 URLs on gone.example")
        assert 1 <= said == text.count("the host name does not resolve"), output_format
        assert "13:20 and 36 more" in text, output_format


# -- TLS to a pinned address still checks the certificate against the name ---------------------


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.parametrize(("certified", "works"), [("objects.test", True), ("other.test", False)])
def test_tls_to_the_checked_address_verifies_the_hosts_name(
    tmp_path: Path, certified: str, works: bool
) -> None:
    cert, key = _certificate(tmp_path, certified)
    with object_server() as running:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        running.httpd.socket = context.wrap_socket(running.httpd.socket, server_side=True)
        running.put("/a.jpg", JPEG, "image/jpeg")
        url = f"https://objects.test:{port_of(running)}/a.jpg"
        messages, _ = probe_all(
            [url],
            Names({"objects.test": ["127.0.0.1"]}),
            allow_hosts=(HostPattern.parse("objects.test"),),
            ca_certs=str(cert),
        )
    if works:
        assert messages == []
    else:
        assert messages == [
            "R808 the object could not be read: the TLS handshake failed (certificate or protocol)"
        ]


def test_a_retry_after_longer_than_the_deadline_is_not_waited_for(server: ObjectServer) -> None:
    url = server.put("/busy.jpg", JPEG, "image/jpeg", "retry-after:30:5")
    sleeps: list[float] = []
    settings = FetchSettings(allow_private_hosts=True, timeout=0.5, retries=3)
    fetcher = Fetcher(settings, sleep=sleeps.append)
    findings = check({"images": [{"objectUrl": url}]}, RemoteSettings(fetch=settings), fetcher)
    assert [f.message for f in findings] == [
        f"the object could not be read: no complete answer within {1.5:g} s (3 x --timeout)"
    ]
    assert sleeps == []


# -- the command line and the configuration ----------------------------------------------------


def lint_remote(path: Path, *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    done = run_cli(
        "lint",
        "--remote",
        "--no-cache",
        "--ignore",
        "U304",
        "--output-format",
        "concise",
        *args,
        str(path),
        cwd=cwd,
    )
    return done.returncode, done.stdout, done.stderr


def test_allow_host_on_the_command_line_and_in_the_configuration(
    server: ObjectServer, tmp_path: Path
) -> None:
    server.put("/cli.jpg", JPEG, "image/jpeg")
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"images": [{"objectUrl": server.url("/cli.jpg")}]}))
    address = f"127.0.0.1:{port_of(server)}"
    status, out, _ = lint_remote(path, "--isolated")
    assert status == 0 and "R809 not checked" in out  # a warning: not a failing finding
    assert lint_remote(path, "--isolated", "--allow-host", address)[:2] == (
        0,
        "All checks passed (1 file).\n",
    )
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.encord-manifest]\nallow-hosts = ["{address}"]\n'
    )
    assert lint_remote(path)[:2] == (0, "All checks passed (1 file).\n")
    status, out, err = lint_remote(path, "--isolated", "--allow-host", "a/b")
    assert (status, out) == (2, "")
    assert err == "encord-manifest: error: --allow-host: 'a/b' is not a host name or address\n"


# -- found by an adversarial review --------------------------------------------------------------


def test_a_configured_allow_host_does_not_hand_a_name_to_the_proxy(
    server: ObjectServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A configuration file may be the pull request's own: only --allow-host may send an
    unresolvable (intranet) name to the proxy."""
    server.put("/proxied/secret-page", JPEG, "image/jpeg")
    use_proxy(monkeypatch, server.base)
    settings = FetchSettings(retries=0)
    fetcher = Fetcher(settings, resolver=Names({}))
    policy = settings.policy.with_configured(["wiki.corp.internal"])
    findings = check(
        {"images": [{"objectUrl": "http://wiki.corp.internal/secret-page"}]},
        RemoteSettings(fetch=settings, policy=policy),
        fetcher,
    )
    assert [f.code for f in findings] == ["R809"]
    assert server.log == []


@pytest.mark.parametrize(
    "address",
    [
        "::127.0.0.1",
        "::169.254.169.254",
        "::ffff:0:10.0.0.5",
        "64:ff9b:1::a9fe:a9fe",
        "fec0::1",
        "5f00::1",
    ],
)
def test_ipv6_forms_that_carry_ipv4_or_are_not_routed_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    with pytest.raises(RefusedHost):
        AddressPolicy().check("example.test", 80, [address])


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (
            "redirect:http://x]/a",
            "R809 not checked: a redirect leads to a URL that is not requested",
        ),
        ("retry-after:Mon, 01 Jan 99999999999999999999 00:00:00 GMT:1", ""),
        ("retry-after:\u00b2:1", ""),
    ],
)
def test_hostile_answers_cost_their_object_never_the_run(
    server: ObjectServer, fault: str, expected: str
) -> None:
    hostile = server.put(f"/hostile/{abs(hash(fault))}.jpg", JPEG, "image/jpeg", fault)
    missing = server.url("/hostile/missing.jpg")
    messages, _ = probe_all([hostile, missing], allow_private_hosts=True, retries=1)
    assert messages[-1].startswith("R801"), messages  # the other object is still reported
    if expected:
        assert messages[0].startswith(expected), messages
    else:
        assert len(messages) == 1, messages  # the retry was made and answered 200


def test_plain_http_is_never_signed(server: ObjectServer) -> None:
    server.put("/clear.jpg", JPEG, "image/jpeg")
    address = f"127.0.0.1:{port_of(server)}"
    settings = FetchSettings(
        allow_hosts=(HostPattern.parse(address),),
        retries=0,
        sign=signer(Credentials("AKIDEXAMPLE", "secret", "session-token")),
        connect_to={BUCKET: address},
    )
    Fetcher(settings).request("HEAD", f"http://{BUCKET}/clear.jpg")
    (request,) = logged(server, "/clear.jpg")
    assert request.credentials == ()
