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
            "from encord_manifest.schema import schema_text; print(schema_text()[:20])",
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
