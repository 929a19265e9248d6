"""What a plain `pip install .` gets: the wheel carries the schema and the command finds it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import ROOT


def test_wheel_ships_the_schema_identical_to_the_repository_copy(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("encord_manifest-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        shipped = json.loads(archive.read("encord_manifest/schemas/manifest.schema.json"))
    assert shipped == json.loads((ROOT / "schemas" / "manifest.schema.json").read_text())
    assert any(name.endswith("entry_points.txt") for name in names)
    # Typed for the scripts that import it (PEP 561), and the licence travels with it.
    assert "encord_manifest/py.typed" in names
    (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    with zipfile.ZipFile(wheel) as archive:
        assert b"Apache License" in archive.read(licence)
        metadata_text = archive.read(
            next(n for n in names if n.endswith(".dist-info/METADATA"))
        ).decode("utf-8")
    assert "Classifier: Typing :: Typed" in metadata_text
    assert "Classifier: Programming Language :: Python :: 3.13" in metadata_text
    # The encord SDK is an extra: a plain install never pulls it in.
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    with zipfile.ZipFile(wheel) as archive:
        requires = [
            line.removeprefix("Requires-Dist: ")
            for line in archive.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist: encord")
        ]
    assert "encord<0.2,>=0.1.211; extra == 'encord'" in requires
    assert all("; extra == " in requirement for requirement in requires)
    # The installed package reads it through importlib.resources, not from a checkout.
    extracted = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(extracted)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from encord_manifest._internal.rules.schema import schema_text; print(schema_text()[:20])",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(extracted), "PATH": ""},
        check=True,
    )
    assert done.stdout.startswith("{")


def test_schema_is_valid_draft_2020_12() -> None:
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_built_wheel_installs_and_lints_in_a_clean_venv(tmp_path: Path) -> None:
    """What `pip install encord-manifest` gives a user: the wheel and its declared
    dependencies only, in a new virtual environment, nothing of this checkout on the path."""
    import os
    import venv

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("encord_manifest-*.whl")
    venv.create(tmp_path / "env", with_pip=True)
    python = tmp_path / "env" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS")}
    env["NO_COLOR"] = "1"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    command = tmp_path / "env" / "bin" / "encord-manifest"
    valid = ROOT / "fixtures" / "json" / "valid" / "otc-every-entry-type.json"
    clean = subprocess.run(
        [str(command), "lint", str(valid)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "All checks passed" in clean.stdout
    # The remote extra is not part of a plain install, and --remote says what to add.
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import encord_manifest, importlib.util as u; "
            "print(u.find_spec('PIL') is None, u.find_spec('pydicom') is None, encord_manifest.__file__)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    absent_pil, absent_dicom, where = probe.stdout.split()
    assert (absent_pil, absent_dicom) == ("True", "True")
    assert str(tmp_path / "env") in where  # the installed copy, not the checkout
    remote = subprocess.run(
        [str(command), "lint", "--remote", str(valid)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert remote.returncode == 2 and "encord-manifest[remote]" in remote.stderr


def test_every_dependency_users_install_is_pinned_to_its_floor_in_the_lowest_run() -> None:
    """`.ci/run` installs these constraints on the oldest Python and runs the suite: a
    dependency missing here, or declared without a `>=`, would be an untested claim."""
    import runpy

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    generator = runpy.run_path(str(ROOT / ".ci" / "lowest_constraints.py"))
    pins = generator["lowest_constraints"](ROOT / "pyproject.toml")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + [
        requirement
        for extra in ("remote", "encord")
        for requirement in project["optional-dependencies"][extra]
    ]
    assert len(pins) == len(declared)
    for pin, requirement in zip(pins, declared, strict=True):
        name, floor = pin.split(";")[0].split("==")
        assert requirement.startswith(name) and f">={floor}" in requirement.replace(" ", "")
    assert any(pin.startswith("typer==") for pin in pins)
    assert "lowest_constraints.py" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
