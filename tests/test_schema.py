"""The compiled schema check: the whole document at once, then runs of entries, then the
entries of a failing run one by one, for the reference validator to explain."""

from __future__ import annotations

import pytest

from encord_manifest import schema

_B = "https://b.s3.amazonaws.com"


@pytest.mark.parametrize("failing", [[0], [511], [512], [511, 512], [1023, 1024], [1099]])
def test_failing_entries_are_found_at_the_edges_of_the_runs(failing: list[int]) -> None:
    images: list[object] = [{"objectUrl": f"{_B}/{n}.jpg"} for n in range(1100)]
    for index in failing:
        images[index] = {"objectUrl": f"{_B}/{index}.jpg", "titel": "typo"}
    found = schema.validate({"images": images})
    assert sorted({f.pointer[1] for f in found}) == failing
    assert schema._RUN == 512  # the edges above are a run's


def test_a_value_the_compiled_validator_cannot_take_fails_its_run_and_is_explained() -> None:
    """jsonschema-rs raises on an integer beyond 64 bits: the run and the entry count as
    failing, and the reference validator decides (here: nothing wrong)."""
    images: list[object] = [{"objectUrl": f"{_B}/{n}.jpg"} for n in range(600)]
    images[3] = {"objectUrl": f"{_B}/3.jpg", "clientMetadata": {"big": 2**70}}
    assert schema.validate({"images": images}) == []
