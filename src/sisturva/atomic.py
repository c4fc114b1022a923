"""Outputs put in place atomically: a reader sees the old folder or file, or the new one, never a part."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import platform
import re
import shutil
import signal
import stat
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import SisturvaError


class OutputError(SisturvaError):
    """An output folder or file could not be written."""


@dataclass(frozen=True, slots=True)
class Written:
    """What publishing changed in the output folder."""

    written: int
    kept: int
    removed: int


# ── Fault injection ──────────────────────────────────────────────────────────────────────────────
#
# SISTURVA_FAULT stops a process at one file-system step of `publish` or `write_file`, so tests can
# prove that an output is whole however a run ends. Steps are counted from 1 in the order they run:
# creating a folder, removing a leftover of a dead run, writing or linking a file, the exchange or
# each rename, removing the old content. The value is one of
#
#   kill-before:N   the process kills itself with SIGKILL right before step N
#   kill-after:N    the process kills itself with SIGKILL right after step N
#   ENOSPC:N        step N fails with that error (any errno name: EROFS, EDQUOT, EACCES, …)
#
# It is read once, when this module is imported; unset, each step costs one comparison with None.


class _Fault:
    """The step at which SISTURVA_FAULT stops the process, and the steps counted so far."""

    def __init__(self, spec: str) -> None:
        action, _, at = spec.partition(":")
        code = getattr(errno, action, None) if action.startswith("E") else None
        self.action = action
        self.at = int(at) if at.isdigit() else 0
        self.code = code if isinstance(code, int) else None
        self.count = 0
        self.refused: OutputError | None = None
        if self.at < 1 or (action not in ("kill-before", "kill-after") and self.code is None):
            # A mistyped value must not let a test pass without its fault: every step refuses.
            self.refused = OutputError(
                f"SISTURVA_FAULT={spec}: give kill-before:N, kill-after:N or an errno name and N, "
                "e.g. ENOSPC:3; or unset it"
            )

    def before(self, path: str) -> None:
        """Count a step that is about to run on `path`; stop here if it is the one."""
        if self.refused is not None:
            raise self.refused
        self.count += 1
        if self.count != self.at:
            return
        if self.action == "kill-before":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.code is not None:
            raise OSError(self.code, os.strerror(self.code), path)

    def after(self) -> None:
        """The step just counted has run; stop here if it is the one."""
        if self.count == self.at and self.action == "kill-after":
            os.kill(os.getpid(), signal.SIGKILL)


def _fault(spec: str | None) -> _Fault | None:
    return _Fault(spec) if spec else None


_FAULT = _fault(os.environ.get("SISTURVA_FAULT"))


def _before(path: str) -> None:
    if _FAULT is not None:
        _FAULT.before(path)


def _after() -> None:
    if _FAULT is not None:
        _FAULT.after()


# ── Errors ───────────────────────────────────────────────────────────────────────────────────────

_ADVICE = {
    errno.ENOSPC: "free some space on that disk and try again",
    errno.EDQUOT: "free some space within the disk quota, or ask for a larger one, and try again",
    errno.EROFS: "give a folder on a disk that can be written",
    errno.EACCES: "give a folder you may read and write, or change its permissions and its parent's",
    errno.EPERM: "give a folder you may read and write, or change its permissions and its parent's",
    errno.ENAMETOOLONG: "give a shorter path",
    errno.ENOTDIR: "a part of the path is a file, not a folder; give another path",
    errno.EEXIST: "a part of the path is a file, not a folder; give another path",
    errno.ELOOP: "the path has a loop of symbolic links; give another path",
    errno.EIO: "the disk reported an input/output error; check it and try again",
    errno.EMFILE: "too many files are open; close some programs and try again",
    errno.ENFILE: "too many files are open; close some programs and try again",
}


def explain(error: OSError) -> str:
    """The system's reason for `error` and what to do about it, as one line."""
    reason = error.strerror or type(error).__name__
    advice = _ADVICE.get(error.errno or 0, "check the folder and try again")
    return f"{reason}; {advice}"


def _failed(error: OSError, target: Path) -> OutputError:
    return OutputError(f"cannot write {target}: {explain(error)} (nothing was changed)")


# ── The atomic exchange of two paths ─────────────────────────────────────────────────────────────

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# renameat2's system call number where the C library lacks the function (glibc before 2.28, musl).
_RENAMEAT2 = {
    "x86_64": 316,
    "amd64": 316,
    "i386": 353,
    "i686": 353,
    "aarch64": 276,
    "arm64": 276,
    "riscv64": 276,
    "loongarch64": 276,
    "armv7l": 382,
    "armv6l": 382,
    "ppc64le": 357,
    "ppc64": 357,
    "s390x": 347,
}
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM}
"""What renameat2 gives where the kernel, the file system or a sandbox lacks RENAME_EXCHANGE."""

Exchange = Callable[[bytes, bytes], int]
"""Exchanges two paths; 0, or the errno of the failure."""


def _by_symbol() -> Exchange | None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    function = getattr(libc, "renameat2", None)
    if function is None:
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int

    def call(first: bytes, second: bytes) -> int:
        done = function(_AT_FDCWD, first, _AT_FDCWD, second, _RENAME_EXCHANGE)
        return 0 if done == 0 else ctypes.get_errno()

    return call


def _by_syscall() -> Exchange | None:
    import ctypes

    number = _RENAMEAT2.get(platform.machine().lower())
    if number is None:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    syscall = libc.syscall
    syscall.restype = ctypes.c_long

    def call(first: bytes, second: bytes) -> int:
        done = syscall(
            ctypes.c_long(number),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(first),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(second),
            ctypes.c_uint(_RENAME_EXCHANGE),
        )
        return 0 if done == 0 else ctypes.get_errno()

    return call


@functools.cache
def _exchanger() -> Exchange | None:
    if sys.platform != "linux":
        return None
    try:
        return _by_symbol() or _by_syscall()
    except (OSError, AttributeError):  # no C library to load, or no syscall() in it
        return None


def exchange(first: str | Path, second: str | Path) -> bool:
    """Swap what the paths `first` and `second` name, in one step; False where the system cannot.

    Linux's renameat2 with RENAME_EXCHANGE: both paths exist at every moment. Any other failure is
    an OSError (FileNotFoundError when either path is missing).
    """
    call = _exchanger()
    if call is None:
        return False
    code = call(os.fsencode(first), os.fsencode(second))
    if code == 0:
        return True
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), os.fspath(first), None, os.fspath(second))


# ── Locks and leftovers ──────────────────────────────────────────────────────────────────────────
#
# Every run holds an exclusive flock on its own staging folder while it works; the kernel drops the
# lock when the process ends, however it ends. So a sibling folder of the output named as this
# module names its folders, whose lock can be taken, belongs to no live run and can go.

_NAME = "abcdefghijklmnopqrstuvwxyz0123456789_"
"""The letters of the random part of a folder's name (those tempfile uses, so older leftovers match)."""


def leftover_pattern(out: Path) -> re.Pattern[str]:
    """The names of the folders `publish` makes beside `out`: `.NAME.XXXXXXXX` and `.NAME.old.XXXXXXXX`."""
    return re.compile(rf"\.{re.escape(out.name)}\.(?:old\.)?[{_NAME}]{{8}}")


def _lock(path: str) -> int | None:
    """A descriptor holding an exclusive lock on the folder `path`; None while another process holds one."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _still(fd: int, path: str) -> bool:
    """Whether `path` still names the folder open as `fd` (another run may have moved or removed it)."""
    try:
        named, held = os.lstat(path), os.fstat(fd)
    except OSError:
        return False
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _lock_quietly(path: str) -> int | None:
    try:
        return _lock(path)
    except OSError:
        return None


def remove_leftovers(out: Path) -> int:
    """Remove the folders that runs killed while publishing into `out` left beside it; how many went.

    Only folders named by `leftover_pattern` whose lock no live process holds; nothing else is touched.
    """
    pattern = leftover_pattern(out)
    removed = 0
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return 0
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            if not entry.is_dir(follow_symlinks=False):
                continue
            fd = _lock(entry.path)
            if fd is None:  # a live run's
                continue
            try:
                if _still(fd, entry.path):
                    _before(entry.path)
                    shutil.rmtree(entry.path, ignore_errors=True)
                    _after()
                    removed += 1
            finally:
                os.close(fd)
    return removed


def _staging(out: Path) -> tuple[str, int]:
    """A new empty folder beside `out`, named by `leftover_pattern`, and the lock this run holds on it."""
    for _ in range(100):
        path = os.path.join(out.parent, f".{out.name}.{_random()}")
        _before(path)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        _after()
        try:
            fd = _lock(path)
        except FileNotFoundError:
            fd = None
        # Between mkdir and flock another run may have taken the new folder for a leftover and
        # removed it: only a folder still in place once locked is this run's.
        if fd is not None:
            if _still(fd, path):
                return path, fd
            os.close(fd)
    raise OutputError(f"cannot write {out}: no staging folder could be made beside it; try again")


def _random() -> str:
    return "".join(_NAME[byte % len(_NAME)] for byte in os.urandom(8))


# ── Publishing a folder ──────────────────────────────────────────────────────────────────────────


def publish(out: Path, files: Mapping[str, bytes], unchanged: Collection[str] = ()) -> Written:
    """Put `files` in place as the whole content of `out`, atomically and touching only changed files.

    A new folder is filled beside `out`; files whose bytes are unchanged are hard-linked from the old
    output rather than rewritten, so their modification times stay; then the new folder and `out` are
    exchanged in one step and the old content is removed. Until the exchange `out` is exactly as it
    was, whatever happens (a full disk, a kill); after it, `out` is the new folder. `unchanged` names
    files the caller has just read from `out` and found to hold these bytes: they are linked without
    being read again. Folders left by runs that died are removed first.
    """
    out = Path(os.path.abspath(out))
    try:
        return _publish(out, files, unchanged)
    except OSError as error:
        raise _failed(error, out) from None


def _publish(out: Path, files: Mapping[str, bytes], unchanged: Collection[str]) -> Written:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; give a folder for --out")
    if not out.parent.is_dir():
        _before(str(out.parent))
        out.parent.mkdir(parents=True, exist_ok=True)
        _after()
    remove_leftovers(out)
    staging, lock = _staging(out)
    fault = _FAULT
    written = kept = 0
    try:
        # Plain string paths: pathlib's objects cost more than the system calls for 2,000 files.
        made: set[str] = {staging}
        base = str(out)
        for rel, content in files.items():
            target = os.path.join(staging, rel)
            parent = os.path.dirname(target)
            if parent not in made:
                if fault is not None:
                    fault.before(parent)
                os.makedirs(parent, exist_ok=True)
                if fault is not None:
                    fault.after()
                made.add(parent)
            old = os.path.join(base, rel)
            if (rel in unchanged and not os.path.islink(old)) or _same(old, content):
                try:
                    if fault is not None:
                        fault.before(target)
                    os.link(old, target)
                    if fault is not None:
                        fault.after()
                    kept += 1
                    continue
                except OSError:
                    pass
            if fault is not None:
                fault.before(target)
            with open(target, "wb") as handle:
                handle.write(content)
            if fault is not None:
                fault.after()
            written += 1
        removed = len(_files(out) - set(files)) if out.is_dir() else 0
        _replace(staging, str(out))
    except BaseException:
        # Before the exchange this is the new content, after it the old: either way it goes.
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.close(lock)
    return Written(written, kept, removed)


def _same(path: str, content: bytes) -> bool:
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) or info.st_size != len(content):
            return False
        with open(path, "rb") as handle:
            return handle.read() == content
    except OSError:
        return False


def _files(folder: Path) -> set[str]:
    found: set[str] = set()
    for parent, _, names in os.walk(folder):
        rel = os.path.relpath(parent, folder).replace(os.sep, "/")
        found.update(name if rel == "." else f"{rel}/{name}" for name in names)
    return found


def _replace(staging: str, out: str) -> None:
    """Put the folder `staging` at `out`; `out`'s old content is removed once the new one is in place."""
    try:
        mode = stat.S_IMODE(os.stat(out).st_mode)
    except FileNotFoundError:
        mode = 0o755
    os.chmod(staging, mode | stat.S_IRWXU)  # the owner must be able to remove it again one day
    # Other runs may publish into `out` at the same time: each attempt sees `out` present or missing.
    for _ in range(20):
        # The old content is locked while it sits at a name `remove_leftovers` matches, so that other
        # runs leave its removal to this one (or to a run after this one, should it die).
        held = _lock_quietly(out)
        try:
            _before(out)
            try:
                swapped = exchange(staging, out)
            except FileNotFoundError:
                if os.path.lexists(out):
                    raise
                swapped = None
            if swapped:
                _after()
                _remove(staging)
                return
            if swapped is False and _two_renames(staging, out):
                return
            # Nothing to replace (yet): a plain rename, which fails if another run got there first.
            try:
                os.rename(staging, out)
            except OSError as error:
                if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    continue  # exchange with what that run put there
                raise
            _after()
            return
        finally:
            if held is not None:
                os.close(held)
    raise OutputError(f"cannot write {out}: other runs kept replacing it at the same time; try again")


def _two_renames(staging: str, out: str) -> bool:
    """Where the exchange is missing: `out` away, `staging` in its place. False if `out` vanished meanwhile.

    Between the two renames `out` does not exist; a failure of the second puts the old content back.
    """
    old = os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.old.{_random()}")
    try:
        os.rename(out, old)
    except FileNotFoundError:
        return False
    _after()
    try:
        _before(out)
        os.rename(staging, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.rename(old, out)
        raise
    _after()
    _remove(old)
    return True


def _remove(path: str) -> None:
    # The new content is in place by now: what a failed removal leaves is a leftover, which a later
    # run removes, not a reason to report the output unwritten.
    with contextlib.suppress(OSError):
        _before(path)
        shutil.rmtree(path, ignore_errors=True)
        _after()


# ── Writing one file ─────────────────────────────────────────────────────────────────────────────


def write_file(path: Path, data: bytes) -> bool:
    """Replace the file `path` with `data` atomically and durably; False when it already holds `data`.

    The bytes go to a new file in the same folder, are flushed to the disk and renamed over `path`,
    and the folder is synced: after a crash `path` holds the old bytes or the new ones. The old file's
    permissions are kept (a new file gets the umask's). Same bytes: nothing is written, the
    modification time stays. A failure leaves `path` as it was and no temporary file.
    """
    path = Path(path)
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _failed(error, path) from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(f"cannot write {path}: it is a symbolic link; replace it with the file itself")
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(f"cannot write {path}: it is not a regular file; move it away first")
        if _same(str(path), data):
            return False
    folder = str(path.parent)
    temp = ""
    try:
        for _ in range(100):
            candidate = os.path.join(folder, f".{path.name}.{_random()}.tmp")
            _before(candidate)
            try:
                fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            except FileExistsError:
                continue
            temp = candidate
            break
        else:
            raise OutputError(f"cannot write {path}: no temporary file could be made beside it; try again")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if info is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
            os.fsync(handle.fileno())
        _after()
        _before(str(path))
        os.replace(temp, path)
        temp = ""
        _after()
    except OSError as error:
        raise _failed(error, path) from None
    finally:
        if temp:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    _sync_folder(folder)
    return True


def _sync_folder(folder: str) -> None:
    # The new file is in place once renamed; syncing its folder makes the rename survive a power cut.
    # Some file systems cannot sync a folder, and a failure here cannot undo the rename: not an error.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


__all__ = [
    "OutputError",
    "Written",
    "exchange",
    "explain",
    "leftover_pattern",
    "publish",
    "remove_leftovers",
    "write_file",
]
