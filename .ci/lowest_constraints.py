"""Print pip constraints that pin every runtime dependency to its declared lower bound.

`.ci/run` installs the project with these (`pip install -c`) on the oldest supported Python
and runs the suite there, so that a `>=` in pyproject.toml is a tested claim, not a guess.
Covered: [project] dependencies and the `remote` and `encord` extras (what users install);
the test tools themselves resolve to their newest releases.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the venv's tomli (a dependency there)
    import tomli as tomllib

EXTRAS = ("remote", "encord")
_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?(?P<spec>[^;]*)(?P<marker>;.*)?$"
)


def lowest_constraints(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in EXTRAS:
        requirements += project["optional-dependencies"][extra]
    lines = []
    for requirement in requirements:
        match = _REQUIREMENT.match(requirement)
        if match is None:
            raise SystemExit(f"cannot read the requirement {requirement!r}")
        name = match["name"]
        if name == project["name"]:
            continue  # an extra naming other extras
        floor = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", match["spec"])
        if floor is None:
            raise SystemExit(f"{requirement!r} declares no lower bound (>=)")
        lines.append(f"{name}=={floor[1]}{match['marker'] or ''}")
    return lines


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.stdout.write("".join(line + "\n" for line in lowest_constraints(root / "pyproject.toml")))
