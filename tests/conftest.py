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
