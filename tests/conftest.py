"""Shared fixtures: every test gets a remote-check cache directory of its own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_cache_directory(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    # The command (run in subprocesses, which inherit the variable) must never read or write
    # the cache of the user running the tests, nor another test's.
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ENCORD_MANIFEST_CACHE_DIR", str(directory))
    return directory


#: Modules that install environments (pre-commit hooks, wheels, the GitHub action's venv):
#: tens of seconds each, and what they test is the packaging, not a verdict that could differ
#: between Python versions. Marked slow with the memory and time bounds, they run on the
#: README's Python only (`.ci/run` leaves the slow set out on the other versions).
SLOW_MODULES = frozenset({"test_pre_commit.py", "test_packaging.py", "test_action.py"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
