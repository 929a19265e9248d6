"""What may be written where: the refusals of ``writing.write_file``, each one line.

Kept apart from the writing itself so that the rules read as a list. Every refusal names the
file and the reason, and says how to write anyway (``--force-write``) where that makes sense.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path


class OutputError(Exception):
    """The output cannot be written where asked (it is the input, a directory, read-only...)."""


class WriteRefused(OutputError):
    """A guard said no: the file changed since it was read, or is not safe to replace."""


@dataclass(frozen=True)
class Snapshot:
    """A file as it was read: it is replaced only if it still is."""

    size: int
    mtime_ns: int
    device: int
    inode: int
    #: SHA-256 of the bytes read; None for a snapshot of the metadata only.
    digest: bytes | None


def snapshot(path: Path, content: bytes | None, status: os.stat_result | None = None) -> Snapshot:
    """The file ``path`` now (its ``status`` if already at hand), having read ``content``.

    Taken right after the read: an edit between the two shows later as a digest that no
    longer matches the file, so the order does not open a gap.
    """
    if status is None:
        try:
            status = os.stat(path)
        except OSError as error:
            raise OutputError(f"{path}: {error.strerror or error}") from None
    import hashlib  # here: OpenSSL's start-up is paid only by a run that writes

    digest = hashlib.sha256(content).digest() if content is not None else None
    return Snapshot(status.st_size, status.st_mtime_ns, status.st_dev, status.st_ino, digest)


def changed_since(current: Snapshot, expected: Snapshot) -> bool:
    if (current.size, current.mtime_ns, current.device, current.inode) != (
        expected.size,
        expected.mtime_ns,
        expected.device,
        expected.inode,
    ):
        return True
    return None not in (current.digest, expected.digest) and current.digest != expected.digest


@dataclass(frozen=True)
class Guard:
    """Where to write (a symbolic link's target), and whether in place (forced)."""

    target: Path
    in_place: bool


def refusals(path: Path, *, force: bool) -> Guard:
    """Raise ``WriteRefused`` if ``path`` may not be replaced (unless ``force``), else say how.

    A directory is refused even with ``force``: there is nothing to write into.
    """
    try:
        is_link = stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return Guard(path, in_place=False)
    except OSError as error:
        raise OutputError(f"{path}: {error.strerror or error}") from None
    target = Path(os.path.realpath(path)) if is_link else path
    reasons: list[str] = []
    in_place = False
    if is_link:
        tree = link_tree(path)
        if not _inside(target, tree):
            reasons.append(f"a symbolic link to {target}, outside {tree}")
            in_place = True
    try:
        status = os.stat(target)
    except FileNotFoundError:  # a link to nothing yet: the file is created there
        status = None
    except OSError as error:
        raise OutputError(f"{path}: {error.strerror or error}") from None
    if status is not None:
        if stat.S_ISDIR(status.st_mode):
            raise OutputError(f"{path}: is a directory")
        if not stat.S_ISREG(status.st_mode):
            reasons.append(f"{_kind(status.st_mode)}, not a regular file")
            in_place = True
        elif status.st_nlink > 1:
            reasons.append(f"has {status.st_nlink} hard links, which replacing it would split")
            in_place = True
        if stat.S_ISREG(status.st_mode) and is_read_only(status):
            reasons.append(f"read-only (mode {stat.S_IMODE(status.st_mode):04o})")
    if reasons and not force:
        raise WriteRefused(f"{path}: {'; '.join(reasons)}; not written without --force-write")
    return Guard(target, in_place=in_place and status is not None)


def is_read_only(status: os.stat_result) -> bool:
    """No write bit for its owner (chmod u-w), or, for a user other than root, none for them.

    By the mode bits, not ``os.access``: root may write anything, and a 0444 file is still
    one its owner marked as not to be changed.
    """
    if not status.st_mode & stat.S_IWUSR:
        return True
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return False
    if status.st_uid == os.geteuid():
        return False
    if status.st_gid in os.getgroups() or status.st_gid == os.getegid():
        return not status.st_mode & stat.S_IWGRP
    return not status.st_mode & stat.S_IWOTH


def link_tree(link: Path) -> Path:
    """The tree a symbolic link's target must stay in: the repository holding the link (the
    nearest directory above it with a ``.git``), else the directory holding the link.

    Not the current directory: run from one's home, that would let a link unpacked from an
    archive (``m.json -> ~/.ssh/authorized_keys``) through.
    """
    directory = Path(os.path.realpath(link.parent if str(link.parent) else "."))
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return directory


def _inside(target: Path, tree: Path) -> bool:
    return target == tree or tree in target.parents


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"
