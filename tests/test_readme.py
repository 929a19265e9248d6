"""The README's examples are real: every `$ encord-manifest ...` console block is the output of
that command today, so the documentation cannot drift from the tool."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from encord_manifest._internal.config import read_config
from encord_manifest._internal.model.settings import Provider
from tests.helpers import ROOT, run_cli

_CONSOLE = re.compile(r"```console\n\$ (encord-manifest [^\n]*)\n(.*?)```", re.S)
EXAMPLES = _CONSOLE.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_output_is_the_real_output(command: str, shown: str) -> None:
    done = run_cli(*shlex.split(command)[1:])
    assert done.stdout + done.stderr == shown


_TOML = re.compile(r"```toml\n(.*?)```", re.S)


def test_the_readme_configuration_example_is_a_valid_configuration(tmp_path: Path) -> None:
    (example,) = _TOML.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    (tmp_path / "pyproject.toml").write_text(example, encoding="utf-8")
    config = read_config(tmp_path / "pyproject.toml")
    assert config is not None and config.options.provider is Provider.OTC
    assert config.options.severity and config.options.per_file_ignores and config.options.exclude
