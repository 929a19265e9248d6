"""submit, status and verify through the real encord SDK, against tests/encord_server.py on
127.0.0.1 (its ``domain`` parameter), signed with a throwaway Ed25519 key."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.encord_server import (
    EncordServer,
    JobPlan,
    running,
    write_locked_key,
    write_private_key,
)
from tests.helpers import ROOT, run_cli

IMAGES = [f"https://ward-cams.obs.eu-de.otc.t-systems.com/cams/{n}.jpg" for n in range(3)]
VIDEO = "https://ward-cams.obs.eu-de.otc.t-systems.com/clips/a.mp4"
SEQUENCE = [f"https://ward-cams.obs.eu-de.otc.t-systems.com/seq/{n:03d}.png" for n in range(2)]
MANIFEST = {
    "videos": [{"objectUrl": VIDEO, "title": "clip-a.mp4"}],
    "images": [{"objectUrl": url} for url in IMAGES],
    "image_groups": [
        {
            "title": "sequence one",
            "createVideo": True,
            **{f"objectUrl_{n}": url for n, url in enumerate(SEQUENCE)},
        }
    ],
}
UNITS = 5
JOB_ID = re.compile(r"Started job ([0-9a-f-]{36}) on")


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "encord-key"
    path.write_bytes(b"")
    return path


@pytest.fixture
def server(key: Path) -> Iterator[EncordServer]:
    private = write_private_key(key)
    with running(private) as server:
        server.add_integration("otc-cams")
        server.add_integration("aws-archive")
        yield server


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "cams.json"
    path.write_text(json.dumps(MANIFEST, indent=2))
    return path


def encord(server: EncordServer, key: Path, *args: str, env: dict[str, str] | None = None):
    """The installed command with this server's domain and key; no ENCORD_* from outside."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ENCORD_", "GITHUB_"))}
    environment.update(NO_COLOR="1", COLUMNS="100", **(env or {}))
    return run_cli(*args, "--domain", server.domain, "--key", str(key), env=environment)


def submit(
    server: EncordServer,
    key: Path,
    manifest: Path,
    *extra: str,
    to: tuple[str, str] | None = None,
    integration: str = "otc-cams",
):
    """Submit to ``to`` (an option and its value), by default a new dataset 'cams' made here."""
    dataset = None
    if to is None:
        dataset = server.add_dataset("cams")
        to = ("--dataset", dataset)
    done = encord(
        server, key, "submit", str(manifest), *to, "--integration", integration,
        "--poll-interval", "0.01", *extra,
    )  # fmt: skip
    return dataset, done


def submission(server: EncordServer, key: Path, manifest: Path, dataset: str) -> list[str]:
    """The arguments of a submission, for the tests that run the command their own way."""
    return [
        "submit", str(manifest), "--dataset", dataset, "--integration", "otc-cams",
        "--key", str(key), "--domain", server.domain, "--poll-interval", "0.01",
    ]  # fmt: skip


def started_job(stderr: str) -> str:
    match = JOB_ID.search(stderr)
    assert match, stderr
    return match.group(1)


def sent_uploads(server: EncordServer) -> list[dict]:
    return [
        body["values"]["payload"]
        for path, body in server.requests
        if path == "/public"
        and body["query_type"] == "datasetdatalongpolling"
        and body["query_method"] == "POST"
    ]


def polls(server: EncordServer) -> int:
    return sum(
        1
        for path, body in server.requests
        if path == "/public"
        and body["query_type"] == "datasetdatalongpolling"
        and body["query_method"] == "GET"
    )


# -- submit ---------------------------------------------------------------------------------


def test_a_clean_manifest_is_submitted_and_every_unit_reported_done(server, key, manifest):
    dataset, done = submit(server, key, manifest)
    assert done.returncode == 0, done.stderr
    job = started_job(done.stderr)
    assert f"encord-manifest status {job} --dataset {dataset}" in done.stderr
    assert done.stdout.splitlines()[:2] == [
        f"Job {job} on dataset {dataset} ('cams'): DONE",
        f"Units: {UNITS} done, 0 failed, 0 cancelled, 0 pending ({UNITS} in all)",
    ]
    (upload,) = sent_uploads(server)
    assert upload["files"] == MANIFEST
    assert upload["ignoreErrors"] is True
    assert upload["integrationId"] == server.integrations[0]["integrationUuid"]
    assert upload["fileName"] == "cams.json"
    assert sorted(r["data_title"] for r in server.datasets[dataset].rows) == sorted(
        ["clip-a.mp4", "0.jpg", "1.jpg", "2.jpg", "sequence one"]
    )


def test_the_integration_can_be_named_by_id_or_by_title_in_another_case(server, key, manifest):
    dataset = server.add_dataset("cams")
    wanted = server.integrations[1]["integrationUuid"]
    for name in (wanted, "AWS-Archive"):
        _, done = submit(
            server, key, manifest, "--no-wait", to=("--dataset", dataset), integration=name
        )
        assert done.returncode == 0, done.stderr
    assert [u["integrationId"] for u in sent_uploads(server)] == [wanted, wanted]


def test_a_csv_manifest_goes_as_its_json_conversion(server, key, tmp_path):
    csv = tmp_path / "frames.csv"
    csv.write_text(
        "ObjectUrl,Image group title,Create video\n"
        f"{SEQUENCE[0]},sequence one,true\n{SEQUENCE[1]},sequence one,true\n"
        "ObjectUrl,Video title\n"
        f"{VIDEO},clip-a.mp4\n"
    )
    _, done = submit(server, key, csv)
    assert done.returncode == 0, done.stderr
    converted = run_cli("convert", str(csv))
    assert converted.returncode == 0, converted.stderr
    (upload,) = sent_uploads(server)
    assert upload["files"] == json.loads(converted.stdout)
    assert upload["fileName"] == "frames.json"
    assert not (tmp_path / "frames.json").exists()  # converted in memory (a temp dir), not beside


def test_failed_units_are_listed_with_urls_error_and_subtask(server, key, manifest):
    secret = "X-Amz-Signature=abc123secret"
    server.plan = JobPlan(failing_urls={IMAGES[1]}, error_text=f"403 on {IMAGES[1]}?{secret}")
    _, done = submit(server, key, manifest)
    assert done.returncode == 1, done.stderr
    job = server.jobs[started_job(done.stderr)]
    (failing,) = [u for u in job.units if u.urls == [IMAGES[1]]]
    lines = done.stdout.splitlines()
    assert lines[1] == f"Units: {UNITS - 1} done, 1 failed, 0 cancelled, 0 pending ({UNITS} in all)"
    assert lines[3:] == [
        "Failed (1):",
        f"  {IMAGES[1]}",
        f"    error: 403 on {IMAGES[1]}?{'*' * len(secret)}",
        f"    action: Uploading image; subtask: {failing.subtask}",
    ]
    assert "abc123secret" not in done.stdout + done.stderr


def test_the_json_report_carries_the_same_facts(server, key, manifest):
    server.plan = JobPlan(failing_urls=set(SEQUENCE[:1]), error_text="frame sizes differ")
    dataset, done = submit(server, key, manifest, "--output-format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    job = server.jobs[report["job"]]
    assert report["target"] == {"kind": "dataset", "id": dataset, "title": "cams"}
    assert report["status"] == "DONE"
    assert report["units"] == {"total": 5, "done": 4, "failed": 1, "cancelled": 0, "pending": 0}
    assert report["failed"] == [
        {
            "urls": SEQUENCE,
            "error": "frame sizes differ",
            "action": "Uploading video",
            "subtask": job.units[-1].subtask,
        }
    ]
    assert sorted(a["title"] for a in report["added"]) == ["0.jpg", "1.jpg", "2.jpg", "clip-a.mp4"]


def test_a_pending_job_is_followed_with_progress_until_done(server, key, manifest):
    server.plan = JobPlan(pending_polls=3)
    _, done = submit(server, key, manifest)
    assert done.returncode == 0, done.stderr
    assert polls(server) == 4
    job = started_job(done.stderr)
    progress = [line for line in done.stderr.splitlines() if line.startswith(f"job {job}:")]
    assert progress == [
        f"job {job}: PENDING: {d} done, 0 failed, 0 cancelled, {UNITS - d} pending ({UNITS} in all)"
        for d in (1, 2, 3)
    ] + [f"job {job}: DONE: {UNITS} done, 0 failed, 0 cancelled, 0 pending ({UNITS} in all)"]
    assert "\r" not in done.stderr  # not a terminal: plain lines


def test_a_cancelled_job_exits_1(server, key, manifest):
    server.plan = JobPlan(pending_polls=1, outcome="CANCELLED")
    _, done = submit(server, key, manifest)
    assert done.returncode == 1, done.stderr
    assert ": CANCELLED" in done.stdout.splitlines()[0]
    assert "Units: 2 done, 0 failed, 3 cancelled, 0 pending (5 in all)" in done.stdout


def test_without_ignore_errors_one_failure_fails_the_job(server, key, manifest):
    server.plan = JobPlan(failing_urls={VIDEO}, error_text="moov atom not found")
    _, done = submit(server, key, manifest, "--no-ignore-errors")
    assert done.returncode == 1, done.stderr
    assert sent_uploads(server)[0]["ignoreErrors"] is False
    assert ": ERROR" in done.stdout.splitlines()[0]
    assert f"  moov atom not found ({VIDEO})" in done.stdout.splitlines()


def test_waiting_stops_at_the_timeout_and_says_how_to_come_back(server, key, manifest):
    server.plan = JobPlan(pending_polls=10_000)
    dataset, done = submit(server, key, manifest, "--timeout", "0.3", "--poll-interval", "0.05")
    assert done.returncode == 1, done.stderr
    job = started_job(done.stderr)
    assert ": PENDING" in done.stdout.splitlines()[0]
    assert done.stdout.splitlines()[-1] == (
        f"Still running; check again with: encord-manifest status {job} --dataset {dataset}"
    )
    assert 2 <= polls(server) <= 12


def test_no_wait_prints_the_job_id_and_status_reports_it_later(server, key, manifest):
    server.plan = JobPlan(pending_polls=1)
    dataset, done = submit(server, key, manifest, "--no-wait")
    assert done.returncode == 0, done.stderr
    job = done.stdout.strip()
    assert job == started_job(done.stderr) and polls(server) == 0
    first = encord(server, key, "status", job, "--dataset", dataset)
    assert first.returncode == 1 and ": PENDING" in first.stdout, first.stderr
    later = encord(server, key, "status", job, "--dataset", dataset, "--output-format", "json")
    assert later.returncode == 0, later.stderr
    assert json.loads(later.stdout)["units"]["done"] == UNITS


def test_status_can_wait_for_the_end(server, key, manifest):
    server.plan = JobPlan(pending_polls=2)
    dataset, done = submit(server, key, manifest, "--no-wait")
    job = done.stdout.strip()
    waited = encord(
        server, key, "status", job, "--dataset", dataset, "--wait", "--poll-interval", "0.01"
    )
    assert waited.returncode == 0, waited.stderr
    assert waited.stdout.startswith(f"Job {job} on dataset {dataset} ('cams'): DONE")
    assert polls(server) == 3


def test_status_wants_a_job_id(server, key):
    done = encord(server, key, "status", "not-a-job", "--dataset", "d")
    assert done.returncode == 2
    assert "a job id is a UUID, as submit printed it" in done.stderr
    assert server.requests == []


def test_status_of_an_unknown_job_is_a_one_line_error(server, key):
    dataset = server.add_dataset("cams")
    done = encord(
        server, key, "status", "4b0c6a5e-0000-4000-8000-000000000000", "--dataset", dataset
    )
    assert done.returncode == 2
    assert done.stderr.startswith("encord-manifest: error: ") and done.stderr.count("\n") == 1


def test_a_new_dataset_is_created_for_the_files(server, key, manifest):
    _, done = submit(server, key, manifest, to=("--new-dataset", "Cams 2026-11"))
    assert done.returncode == 0, done.stderr
    (created,) = [d for d in server.datasets.values() if d.title == "Cams 2026-11"]
    assert f"Created dataset 'Cams 2026-11': {created.hash}" in done.stderr
    assert len(created.rows) == UNITS


def test_the_storage_folder_route(server, key, manifest):
    server.plan = JobPlan(pending_polls=1, failing_urls={IMAGES[0]})
    _, done = submit(server, key, manifest, to=("--new-folder", "cams-raw"))
    assert done.returncode == 1, done.stderr
    (folder,) = server.folders
    assert f"Created folder 'cams-raw': {folder}" in done.stderr
    job = started_job(done.stderr)
    assert done.stdout.splitlines()[0] == f"Job {job} on folder {folder} ('cams-raw'): DONE"
    assert f"  {IMAGES[0]}" in done.stdout.splitlines()
    (_, body) = next(r for r in server.requests if r[0].endswith("/data-upload-jobs"))
    assert body["externalFiles"] == MANIFEST and body["fileName"] == "cams.json"
    again = encord(server, key, "status", job, "--folder", folder)
    assert again.returncode == 1 and again.stdout == done.stdout


# -- refusals and errors --------------------------------------------------------------------


def test_lint_errors_stop_the_submission_unless_forced(server, key, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"images": [{"objectUrl": "<" + IMAGES[0]}]}))
    _, done = submit(server, key, broken)
    assert done.returncode == 1
    assert re.search(r"broken\.json:\d+:\d+: U\d+ ", done.stderr), done.stderr
    assert "not submitted: 1 error (fix them, or submit anyway with --force)" in done.stderr
    assert server.requests == []  # Encord was not even contacted
    _, forced = submit(server, key, broken, "--force")
    assert forced.returncode == 0, forced.stderr
    assert sent_uploads(server)[0]["files"]["images"][0]["objectUrl"] == "<" + IMAGES[0]


def test_an_unknown_integration_lists_the_available_titles(server, key, manifest):
    dataset = server.add_dataset("cams")
    done = encord(
        server, key, "submit", str(manifest), "--dataset", dataset, "--integration", "otc-cam"
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "encord-manifest: error: no cloud integration 'otc-cam'; did you mean 'otc-cams'? "
        "Available: 'aws-archive', 'otc-cams'"
    )
    assert sent_uploads(server) == []


def test_a_key_encord_does_not_know_is_an_authentication_error(server, key, manifest, tmp_path):
    stranger = tmp_path / "stranger"
    write_private_key(stranger)
    dataset = server.add_dataset("cams")
    done = encord(
        server, stranger, "submit", str(manifest), "--dataset", dataset, "--integration", "otc-cams"
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"encord-manifest: error: Encord at {server.domain} did not accept the key "
        "(authentication failed); check --key, and --domain "
        "(the US deployment is https://api.us.encord.com)"
    )
    assert "Traceback" not in done.stderr and sent_uploads(server) == []


def test_key_problems_are_one_line_and_never_show_the_key(server, tmp_path, manifest):
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    rsa_key = tmp_path / "id_rsa"
    rsa_key.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()
        )
    )
    secret_body = rsa_key.read_text().splitlines()[1]
    locked = tmp_path / "locked"
    write_locked_key(locked)
    cases = {
        locked: f"cannot use the private key from {locked}: it is protected by a passphrase",
        rsa_key: f"cannot use the private key from {rsa_key}: not an Ed25519 private key",
        tmp_path
        / "missing": f"cannot read the private key {tmp_path / 'missing'}: No such file or directory",
    }
    for path, message in cases.items():
        done = encord(server, path, "verify", str(manifest), "--dataset", "d")
        assert done.returncode == 2
        assert done.stderr == f"encord-manifest: error: {message}\n"
        assert secret_body not in done.stdout + done.stderr

    def verify_with(environment: dict[str, str]):
        verify = ("verify", str(manifest), "--dataset", "d", "--domain", server.domain)
        return run_cli(*verify, env={"PATH": os.environ["PATH"], **environment})

    from_env = verify_with({"ENCORD_SSH_KEY": rsa_key.read_text()})
    assert from_env.returncode == 2
    assert "from ENCORD_SSH_KEY: not an Ed25519 private key" in from_env.stderr
    assert secret_body not in from_env.stderr
    none = verify_with({})
    assert none.returncode == 2 and "no private key: pass --key PATH" in none.stderr


def test_the_key_can_come_from_the_environment(server, key, manifest):
    dataset = server.add_dataset("cams")
    environment = {"PATH": os.environ["PATH"], "ENCORD_SSH_KEY_FILE": str(key), "NO_COLOR": "1"}
    done = run_cli(
        "submit",
        str(manifest),
        "--dataset",
        dataset,
        "--integration",
        "otc-cams",
        "--domain",
        server.domain,
        "--poll-interval",
        "0.01",
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    done = run_cli(
        "verify",
        str(manifest),
        "--dataset",
        dataset,
        "--domain",
        server.domain,
        env={**environment, "ENCORD_SSH_KEY_FILE": "", "ENCORD_SSH_KEY": key.read_text()},
    )
    assert done.returncode == 0, done.stderr


def test_an_unknown_dataset_is_a_one_line_error(server, key, manifest):
    done = encord(
        server, key, "submit", str(manifest), "--dataset", "nope", "--integration", "otc-cams"
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "encord-manifest: error: no dataset nope (or this key may not use it)"
    )


def test_nobody_listening_is_a_connection_error(key, manifest):
    write_private_key(key)
    server = EncordServer()  # bound, never serving: closed at once
    domain = server.domain
    server.httpd.server_close()
    done = run_cli(
        "verify",
        str(manifest),
        "--dataset",
        "d",
        "--domain",
        domain,
        "--key",
        str(key),
        env={"PATH": os.environ["PATH"]},
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"encord-manifest: error: cannot reach Encord at {domain}: connection refused\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--integration", "x"],
            "give exactly one of --dataset, --new-dataset, --folder, --new-folder",
        ),
        (["--integration", "x", "--dataset", "a", "--folder", "b"], "give exactly one of"),
        (
            ["--integration", "x", "--dataset", "a", "--domain", "api.encord.com"],
            "an http(s):// address",
        ),
        (["--integration", "x", "--new-dataset", " "], "the title must not be blank"),
    ],
)
def test_usage_errors(manifest, args, message):
    # An unreachable loopback address as the last word, in case a check let the command through.
    done = run_cli("submit", str(manifest), "--domain", "http://127.0.0.1:9", *args)
    assert done.returncode == 2
    assert message in done.stderr


def test_deployments_can_be_named():
    from encord_manifest._internal.cli.jobs import _connection

    assert _connection(None, "us").domain == "https://api.us.encord.com"
    assert _connection(None, "EU").domain == "https://api.encord.com"
    assert _connection(None, "http://127.0.0.1:9/").domain == "http://127.0.0.1:9"


def test_without_the_sdk_submit_says_how_to_install_it(tmp_path, key, manifest):
    write_private_key(key)
    blocker = tmp_path / "no-sdk" / "encord"
    blocker.mkdir(parents=True)
    # What Python raises for a package that is not installed, wherever the import comes from.
    (blocker / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'encord'\")\n"
    )
    done = run_cli(
        "submit",
        str(manifest),
        "--dataset",
        "d",
        "--integration",
        "x",
        "--key",
        str(key),
        "--domain",
        "http://127.0.0.1:9",
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(blocker.parent)},
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        'encord-manifest: error: submit needs the encord SDK: pip install "encord-manifest[encord]"'
    )
    linted = run_cli(
        "lint", str(manifest), env={"PATH": os.environ["PATH"], "PYTHONPATH": str(blocker.parent)}
    )
    assert linted.returncode == 0, linted.stderr  # the rest of the tool never needs it


def test_only_one_module_imports_the_sdk():
    importing = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "src").rglob("*.py")
        if re.search(r"^\s*(from encord[ .]|import encord\b)(?!_manifest)", path.read_text(), re.M)
    )
    assert importing == ["src/encord_manifest/_internal/encord/submit.py"]


# -- the server going away while the job is followed ---------------------------------------------


def test_the_server_going_away_mid_poll_leaves_the_job_id_to_come_back_with(
    server, key, manifest, monkeypatch
):
    """In-process: the SDK waits 10 s between its three poll attempts, and our request policy
    retries with backoff; both waits are shortened here, the path taken is the same."""
    import encord.client
    from typer.testing import CliRunner

    import encord_manifest._internal.encord.submit
    from encord_manifest._internal.cli.app import app

    monkeypatch.setattr(encord.client, "LONG_POLLING_SLEEP_ON_FAILURE_SECONDS", 0.01)
    monkeypatch.setattr(encord_manifest._internal.encord.submit, "REQUEST_BACKOFF", 0.01)
    for name in [k for k in os.environ if k.startswith("ENCORD_")]:
        monkeypatch.delenv(name)
    server.plan = JobPlan(pending_polls=5, vanish_after_polls=2)
    dataset = server.add_dataset("cams")
    result = CliRunner().invoke(
        app,
        submission(server, key, manifest, dataset),
    )
    assert result.exit_code == 2, result.output
    job = started_job(result.stderr)
    assert result.stderr.splitlines()[-1] == (
        f"encord-manifest: error: cannot reach Encord at {server.domain}: "
        "connection refused; "
        f"job {job} continues at Encord; check it with: "
        f"encord-manifest status {job} --dataset {dataset}"
    ), result.stderr
    assert result.stdout == ""
    assert polls(server) == 3


# -- verify -------------------------------------------------------------------------------------


def test_verify_after_a_submission_finds_every_entry(server, key, manifest):
    dataset, done = submit(server, key, manifest)
    assert done.returncode == 0, done.stderr
    verified = encord(server, key, "verify", str(manifest), "--dataset", dataset)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout == (
        f"{manifest}: 5 entries checked against dataset {dataset} ('cams'): 5 present, "
        "0 missing, 0 registered more than once; 0 dataset rows not in the manifest.\n"
    )


def test_scenes_and_time_series_are_submitted_and_verified(server, key, tmp_path):
    path = tmp_path / "drives.json"
    fixture = ROOT / "fixtures" / "json" / "valid" / "scenes-multimodal-with-time-series.json"
    path.write_bytes(fixture.read_bytes())
    dataset, done = submit(server, key, path)
    assert done.returncode == 0, done.stderr
    (sent,) = sent_uploads(server)
    assert len(sent["files"]["scenes"]) == 3 and len(sent["files"]["time_series"]) == 1
    verified = encord(server, key, "verify", str(path), "--dataset", dataset)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.endswith(
        "5 entries checked against dataset " + f"{dataset} ('cams'): 5 present, "
        "0 missing, 0 registered more than once; 0 dataset rows not in the manifest.\n"
    )


def test_verify_names_missing_entries_by_line_and_rows_the_manifest_does_not_name(
    server, key, manifest, tmp_path
):
    server.plan = JobPlan(failing_urls={IMAGES[1], SEQUENCE[0]})
    dataset, done = submit(server, key, manifest)
    assert done.returncode == 1, done.stderr
    # A row registered earlier by someone else, and a manifest that no longer names the video.
    server.datasets[dataset].rows.append(
        {
            **server.datasets[dataset].rows[0],
            "data_hash": "old-row",
            "data_title": "old.jpg",
            "data_type": "IMAGE",
            "file_link": "https://ward-cams.obs.eu-de.otc.t-systems.com/old.jpg?X-Amz-Signature=s3cr3t",
        }
    )
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({k: v for k, v in MANIFEST.items() if k != "videos"}, indent=2))
    verified = encord(server, key, "verify", str(edited), "--dataset", dataset)
    assert verified.returncode == 1, verified.stderr
    video_row = next(r for r in server.datasets[dataset].rows if r["data_title"] == "clip-a.mp4")
    assert verified.stdout.splitlines() == [
        f"{edited}:6:5: missing from the dataset: image {IMAGES[1]} (/images/1)",
        f"{edited}:14:5: missing from the dataset: image sequence 'sequence one' (2 files) (/image_groups/0)",
        f"not in the manifest: VIDEO 'clip-a.mp4' {VIDEO} (row {video_row['data_hash']})",
        "not in the manifest: IMAGE 'old.jpg' https://ward-cams.obs.eu-de.otc.t-systems.com/old.jpg?"
        f"{'*' * len('X-Amz-Signature=s3cr3t')} (row old-row)",
        f"{edited}: 4 entries checked against dataset {dataset} ('cams'): 2 present, 2 missing, "
        "0 registered more than once; 2 dataset rows not in the manifest.",
    ]
    report = encord(
        server, key, "verify", str(edited), "--dataset", dataset, "--output-format", "json"
    )
    assert report.returncode == 1
    parsed = json.loads(report.stdout)
    assert [(m["pointer"], m["line"], m["column"]) for m in parsed["missing"]] == [
        ("/images/1", 6, 5),
        ("/image_groups/0", 14, 5),
    ]
    assert [r["id"] for r in parsed["unnamed_rows"]] == [video_row["data_hash"], "old-row"]
    assert "s3cr3t" not in report.stdout + verified.stdout


def test_verify_rows_outside_the_manifest_fail_only_with_strict(server, key, manifest, tmp_path):
    dataset, done = submit(server, key, manifest)
    assert done.returncode == 0, done.stderr
    only_images = tmp_path / "images.json"
    only_images.write_text(json.dumps({"images": MANIFEST["images"]}))
    relaxed = encord(server, key, "verify", str(only_images), "--dataset", dataset)
    strict = encord(server, key, "verify", str(only_images), "--dataset", dataset, "--strict")
    assert (relaxed.returncode, strict.returncode) == (0, 1)
    assert "2 dataset rows not in the manifest" in strict.stdout


def test_verify_reports_entries_registered_twice(server, key, manifest):
    dataset = server.add_dataset("cams")
    for _ in range(2):
        _, done = submit(server, key, manifest, to=("--dataset", dataset))
        assert done.returncode == 0, done.stderr
    verified = encord(server, key, "verify", str(manifest), "--dataset", dataset)
    assert verified.returncode == 1
    assert sum("registered 2 times" in line for line in verified.stdout.splitlines()) == UNITS


def test_verify_reads_csv_manifests_with_their_rows(server, key, tmp_path):
    csv = tmp_path / "frames.csv"
    csv.write_text(f"ObjectUrl,Image title\n{IMAGES[0]},\n{IMAGES[2]},\n")
    dataset, done = submit(server, key, csv)
    assert done.returncode == 0, done.stderr
    csv.write_text(f"ObjectUrl,Image title\n{IMAGES[0]},\n{IMAGES[1]},\n{IMAGES[2]},\n")
    verified = encord(server, key, "verify", str(csv), "--dataset", dataset)
    assert verified.returncode == 1
    assert verified.stdout.splitlines()[0] == (
        f"{csv}:3:1: missing from the dataset: image {IMAGES[1]} (/images/1)"
    )


# -- lint with the remote checks, Ctrl-C, the pieces -----------------------------------------


def test_remote_checks_run_before_the_submission_when_asked(server, key, tmp_path):
    from tests.object_server import StoredObject, object_server

    with object_server() as objects:
        objects.objects["/cams/0.jpg"] = StoredObject(
            b"\xff\xd8\xff\xe0" + b"\0" * 64, "image/jpeg"
        )
        listed = tmp_path / "listed.json"
        listed.write_text(
            json.dumps(
                {
                    "images": [
                        {"objectUrl": objects.url(p)} for p in ("/cams/0.jpg", "/cams/gone.jpg")
                    ]
                }
            )
        )
        _, offline = submit(server, key, listed, "--no-wait")
        assert offline.returncode == 0, offline.stderr  # no reads without --remote
        assert [request.path for request in objects.log] == []
        _, checked = submit(server, key, listed, "--remote", "--allow-private-hosts")
    assert checked.returncode == 1
    assert re.search(r"listed\.json:\d+:\d+: R801 ", checked.stderr), checked.stderr
    assert "not submitted: 1 error" in checked.stderr
    assert len(sent_uploads(server)) == 1  # only the submission without --remote


def test_ctrl_c_while_waiting_leaves_the_job_to_come_back_to(server, key, manifest):
    import signal
    import subprocess
    import sys

    server.plan = JobPlan(pending_polls=100_000)
    dataset = server.add_dataset("cams")
    environment = {"PATH": os.environ["PATH"], "NO_COLOR": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "encord_manifest",
            *submission(server, key, manifest, dataset),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        text=True,
    )
    assert process.stderr is not None
    first = process.stderr.readline()
    job = started_job(first)
    assert process.stderr.readline().startswith(f"job {job}: PENDING")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.splitlines()[-1] == (
        f"Stopped waiting; job {job} continues at Encord; check it with: "
        f"encord-manifest status {job} --dataset {dataset}"
    )
    assert stdout == "" and "Traceback" not in stderr


def test_progress_on_a_terminal_rewrites_one_line():
    import io

    from encord_manifest._internal.encord.jobs import JobState, JobStatus, Progress

    stream = io.StringIO()
    progress = Progress(stream, terminal=True)
    progress.update("j", JobState(JobStatus.PENDING, 2, 1, 0, 0))
    progress.update("j", JobState(JobStatus.DONE, 0, 3, 0, 0))
    progress.close()
    assert stream.getvalue() == (
        "\r\x1b[2Kjob j: PENDING: 1 done, 0 failed, 0 cancelled, 2 pending (3 in all)"
        "\r\x1b[2Kjob j: DONE: 3 done, 0 failed, 0 cancelled, 0 pending (3 in all)\n"
    )


def test_integrations_sharing_a_title_must_be_named_by_id():
    from encord_manifest._internal.encord.jobs import ChoiceError, Integration, choose_integration

    twins = [
        Integration("a-1", "bucket"),
        Integration("b-2", "bucket"),
        Integration("c-3", "Other"),
    ]
    with pytest.raises(
        ChoiceError,
        match=r"2 integrations are titled 'bucket'; pass one's id: a-1 \('bucket'\), b-2",
    ):
        choose_integration(twins, "bucket")
    assert choose_integration(twins, "B-2").id == "b-2"
    assert choose_integration(twins, "other").id == "c-3"
    with pytest.raises(ChoiceError, match="has no cloud integrations"):
        choose_integration([], "bucket")


def test_pre_signed_links_match_their_entries_whatever_the_signature():
    from encord_manifest._internal.encord.jobs import DatasetRow
    from encord_manifest._internal.encord.verify import compare, expected_items

    url = "https://b.s3.amazonaws.com/a.jpg"
    items = list(expected_items({"images": [{"objectUrl": url + "?X-Amz-Signature=one"}]}))
    rows = [DatasetRow("r", "a.jpg", "IMAGE", url + "?X-Amz-Signature=two")]
    comparison = compare(items, rows)
    assert (len(comparison.present), comparison.missing, comparison.unnamed) == (1, [], [])


# -- the whole output, pinned ------------------------------------------------------------------

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _stable(text: str, server: EncordServer, directory: Path) -> str:
    """Ids are random and the server's port and the temp directory change: named instead."""
    names: dict[str, str] = {}
    text = _UUID.sub(lambda m: names.setdefault(m.group(0), f"<id-{len(names) + 1}>"), text)
    return text.replace(server.domain, "<domain>").replace(str(directory), "<dir>")


def test_submit_and_verify_output(server, key, manifest, tmp_path, snapshot):
    server.plan = JobPlan(pending_polls=1, failing_urls={IMAGES[2], SEQUENCE[1]})
    dataset, text = submit(server, key, manifest)
    _, as_json = submit(server, key, manifest, "--output-format", "json", to=("--dataset", dataset))
    verified = encord(server, key, "verify", str(manifest), "--dataset", dataset)
    outputs = {
        "submit stdout": text.stdout,
        "submit stderr": text.stderr,
        "submit json": as_json.stdout,
        "verify": verified.stdout,
    }
    assert {k: _stable(v, server, tmp_path) for k, v in outputs.items()} == snapshot


def test_a_failed_long_sequence_shows_its_first_urls_in_text_and_all_in_json():
    from encord_manifest._internal.encord.jobs import (
        JobState,
        JobStatus,
        Target,
        UnitError,
        as_json,
        render_text,
    )

    frames = tuple(f"https://b.obs.eu-de.otc.t-systems.com/f/{n:04d}.png" for n in range(2000))
    state = JobState(
        JobStatus.DONE,
        0,
        0,
        1,
        0,
        unit_errors=(UnitError(frames, "too big", "Uploading video", "s"),),
    )
    text = render_text("j", Target("dataset", "d"), None, state).splitlines()
    assert text[4:10] == [f"  {url}" for url in frames[:5]] + [
        "  ... and 1995 more (all in the JSON report)"
    ]
    assert as_json("j", Target("dataset", "d"), None, state)["failed"][0]["urls"] == list(frames)


def test_a_manifest_from_stdin_and_no_wait_in_json(server, key):
    dataset = server.add_dataset("cams")
    environment = {"PATH": os.environ["PATH"], "NO_COLOR": "1"}
    done = run_cli(
        "submit", "-", "--dataset", dataset, "--integration", "otc-cams", "--no-wait",
        "--output-format", "json", "--key", str(key), "--domain", server.domain,
        stdin=json.dumps(MANIFEST).encode(), env=environment,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    job = started_job(done.stderr)
    assert json.loads(done.stdout) == {"job": job, "target": {"kind": "dataset", "id": dataset}}
    (upload,) = sent_uploads(server)
    assert upload["files"] == MANIFEST and upload["fileName"] == "manifest.json"
