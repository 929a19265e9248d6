"""The GitHub Action's steps (``action.yml``), in Python so that the tests run them as a runner.

Run as a script, ``python .../github_action.py key|lint``, by the Python that
``actions/setup-python`` installed (never the caller's, which the Action leaves alone), so it
uses the standard library only: it runs before the package is installed (``key``), and with
whatever release the ``version`` input installed (``lint``).

- ``key``: the cache key of the install (``actions/cache``): the runner's OS and architecture,
  the exact Python, and what is installed: the release named by ``version``, else a digest of
  the action's own source (``pyproject.toml`` and ``src/``), so that a new commit of the action
  never runs an old install.
- ``lint``: one lint for three readers: annotations and the plain list in the log (``github``),
  Markdown appended to ``$GITHUB_STEP_SUMMARY`` and, when asked, SARIF for code scanning
  (``--also-output``), all from the same results. Writes the ``exit-code`` and ``sarif-file``
  outputs and exits as the lint did.

Inputs arrive in the environment (``INPUT_*`` names set by ``action.yml``), never pasted into a
script, so that no input can inject shell.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

#: What the install is made from, when the action installs its own source.
SOURCE = ("pyproject.toml", "README.md", "src")
_GLOB = re.compile(r"[*?\[]")
#: The installed package's manifest selection (the pre-commit hooks'), as two regexes.
_SELECTION = (
    "import json\n"
    "from encord_manifest._internal.files.selection import EXCLUDE, FILES\n"
    "print(json.dumps([getattr(p, 'pattern', p) for p in (FILES, EXCLUDE)]))\n"
)


def source_digest(action_path: Path) -> str:
    """A digest of the files an install of the action's source is built from."""
    digest = hashlib.sha256()
    for name in SOURCE:
        top = action_path / name
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for path in files:
            if "__pycache__" in path.parts or not path.exists():
                continue
            digest.update(path.relative_to(action_path).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:20]


def cache_key(environ: Mapping[str, str]) -> str:
    version = environ.get("INPUT_VERSION", "").strip()
    installed = (
        f"release-{version}" if version else f"source-{source_digest(Path(environ['ACTION_PATH']))}"
    )
    python = environ.get("PYTHON_VERSION") or ".".join(map(str, sys.version_info[:3]))
    where = f"{environ.get('RUNNER_OS', sys.platform)}-{environ.get('RUNNER_ARCH', '')}"
    return f"encord-manifest-{where}-py{python}-{installed}"


def split_paths(text: str) -> list[str]:
    """Paths separated by spaces, as the shell splits them: a pattern that matches files
    becomes those files (sorted), one that matches nothing stays as written."""
    paths: list[str] = []
    for word in text.split():
        matched = sorted(glob.glob(word)) if _GLOB.search(word) else []
        paths.extend(matched or [word])
    return paths


def selection(python: str) -> tuple[str, str] | None:
    """The hooks' FILES and EXCLUDE regexes from the installed package; None for a release
    that has none (then everything below '.' is linted, as before)."""
    done = subprocess.run(
        [python, "-c", _SELECTION], capture_output=True, text=True, check=False, timeout=120
    )
    if done.returncode != 0:
        return None
    files, exclude = json.loads(done.stdout)
    return str(files), str(exclude)


def repository_files(root: Path) -> list[str]:
    """The files pre-commit would see: tracked and untracked-but-not-ignored, '/'-separated;
    every file below ``root`` (hidden ones left out) where it is no git work tree."""
    done = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if done.returncode == 0:
        listed = set(done.stdout.decode("utf-8", "surrogateescape").split("\0"))
        return sorted(name for name in listed if name and (root / name).is_file())
    found = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
        relative = Path(directory).relative_to(root)
        found += [(relative / n).as_posix() for n in names if not n.startswith(".")]
    return sorted(found)


def selected(files: Sequence[str], pattern: str, exclude: str) -> list[str]:
    """As pre-commit selects a hook's files: ``files`` searched, ``exclude`` not."""
    wanted, unwanted = re.compile(pattern), re.compile(exclude)
    return [f for f in files if wanted.search(f) and not unwanted.search(f)]


def lint_command(
    environ: Mapping[str, str],
    summary: Path | None,
    choose: Callable[[], tuple[str, str] | None],
) -> tuple[list[str], list[str]]:
    """The lint's command line and the paths it lints (empty: nothing was selected)."""
    command = [os.path.join(environ["ENCORD_MANIFEST_BIN"], "encord-manifest"), "lint"]
    command += ["--output-format", "github", *environ.get("INPUT_ARGS", "").split()]
    if summary is not None:
        command += ["--also-output", f"github-summary={summary}"]
    if environ.get("INPUT_SARIF_FILE", "").strip():
        command += ["--also-output", f"sarif={environ['INPUT_SARIF_FILE'].strip()}"]
    paths = split_paths(environ.get("INPUT_PATHS", ""))
    if not paths:
        patterns = choose()
        if patterns is None:
            paths = ["."]
        else:
            command.append("--skip-non-manifests")  # a web app's manifest.json is no finding
            paths = selected(repository_files(Path.cwd()), *patterns)
    return [*command, "--", *paths], paths


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(text)


def _output(environ: Mapping[str, str], name: str, value: str) -> None:
    """``name=value`` in GITHUB_OUTPUT (the values are one-line: checked where they come in)."""
    _append(environ.get("GITHUB_OUTPUT"), f"{name}={value}\n")


def lint(environ: Mapping[str, str]) -> int:
    sarif = environ.get("INPUT_SARIF_FILE", "").strip()
    if "\n" in sarif or "\r" in sarif:
        print("encord-manifest: error: sarif-file cannot hold a line end", file=sys.stderr)
        return 2
    wants_summary = environ.get("INPUT_SUMMARY", "true").strip().lower() != "false"
    temp = environ.get("RUNNER_TEMP") or tempfile.gettempdir()
    summary = Path(temp, f"encord-manifest-summary-{os.getpid()}.md") if wants_summary else None
    python = os.path.join(environ["ENCORD_MANIFEST_BIN"], "python")
    command, paths = lint_command(environ, summary, lambda: selection(python))
    if paths:
        status = subprocess.run(command, check=False).returncode
    else:
        status = 0
        print("encord-manifest: no manifests selected (the pre-commit hooks' patterns)")
        if summary is not None:
            summary.write_text("## encord-manifest\n\nNo manifests selected.\n", encoding="utf-8")
    if summary is not None and summary.exists():
        _append(environ.get("GITHUB_STEP_SUMMARY"), summary.read_text(encoding="utf-8"))
        summary.unlink()
    _output(environ, "exit-code", str(status))
    _output(environ, "sarif-file", sarif if sarif and os.path.isfile(sarif) else "")
    return status


def main(argv: Sequence[str]) -> int:
    if list(argv) == ["key"]:
        _output(os.environ, "key", cache_key(os.environ))
        return 0
    if list(argv) == ["lint"]:
        return lint(os.environ)
    print("usage: github_action.py key|lint", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
