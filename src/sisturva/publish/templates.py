"""What a template may open and spend: the packaged templates, a repository's own ones confined and bounded."""

from __future__ import annotations

import contextlib
import errno
import math
import os
import pickle
import posixpath
import stat
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar, cast

from .. import forking
from ..errors import SisturvaError, TemplateError
from ..findings import Finding, make
from ..sources import SETTINGS_FILE, display_prefix

if TYPE_CHECKING:
    import jinja2

# Templates ship beside the package in a source checkout, or inside it when installed from a wheel.
_HERE = Path(__file__).resolve().parent
PACKAGED_TEMPLATES = next(
    (p for p in (_HERE.parent / "templates", _HERE.parents[2] / "templates") if (p / "base.html").is_file()),
    _HERE.parents[2] / "templates",
)
DEFAULT_FOLDER = "templates"
"""A repository's own templates, unless `templates:` in `sisturva.yaml` names another folder."""
MAX_TEMPLATE_BYTES = 1_000_000
"""A repository's template file larger than this is refused unread (the packaged ones are ≈ 10 kB)."""

CPU_SECONDS = 120.0
"""CPU time that rendering with a repository's own templates may take, in one worker process.

The packaged templates render a national-scale site (≈ 2,000 pages in each of three languages) in
≈ 10 s of CPU; the sandbox costs more per operation and CI runners are slower, so twelve times that
leaves room for any real site, while a template that loops without end stops within two minutes.
`SISTURVA_TEMPLATE_CPU_SECONDS` sets another limit (the tests lower it).
"""
CPU_ENV = "SISTURVA_TEMPLATE_CPU_SECONDS"
CPU_GRACE_SECONDS = 5
"""Past the timer, the kernel's CPU limit (RLIMIT_CPU) ends a worker stuck in C code for good."""
MEMORY_BYTES = 2 << 30
"""Memory a worker rendering with a repository's own templates may take beyond what it had when forked.

A national-scale site takes a few hundred megabytes to render; 2 GiB more fits a CI runner (7 GB
on GitHub's) beside the parent process, and a template that builds gigabytes fails fast rather than
bringing the machine to swap. `SISTURVA_TEMPLATE_MEMORY_MB` sets another limit (the tests lower it).
"""
MEMORY_ENV = "SISTURVA_TEMPLATE_MEMORY_MB"

_LINK = "symbolic link, not followed (it may lead outside the repository); commit the file itself"
_NOT_REGULAR = "not a regular file; remove it from the templates folder"

T = TypeVar("T")
_Env = TypeVar("_Env", bound="jinja2.Environment")


# --- Which folder: the `templates:` setting and the folder's files, confined to the repository ---


def setting_problem(setting: str) -> str | None:
    """Why the `templates:` setting cannot name a folder of the repository (None: it can)."""
    shown = repr(setting)
    if not setting.strip():
        return f"templates: {shown} is empty; name a folder inside the repository, e.g. templates"
    if setting.startswith(("/", "\\")) or os.path.isabs(setting):
        return f"templates: {shown} is an absolute path; name a folder inside the repository, e.g. templates"
    parts = _parts(setting)
    if parts == ():
        return f"templates: {shown} names the repository itself; name a folder inside it, e.g. templates"
    if parts[0] == "..":
        return f"templates: {shown} leads outside the repository; name a folder inside it, e.g. templates"
    if any(part.startswith(".") for part in parts):
        return (
            f"templates: {shown} names a hidden folder (such as .git); name a visible folder, e.g. templates"
        )
    return None


def _parts(setting: str) -> tuple[str, ...]:
    normal = posixpath.normpath(setting.replace("\\", "/"))
    return () if normal == "." else tuple(normal.split("/"))


@dataclass(frozen=True)
class Overrides:
    """A repository's own templates folder: `root` joined with `parts`, reached without following a link."""

    root: Path
    """The strategy repository; nothing outside it is ever opened."""
    parts: tuple[str, ...]
    """The folder inside `root`, one name per level."""

    @property
    def folder(self) -> Path:
        """The folder's path."""
        return self.root.joinpath(*self.parts)

    def read(self, name: str) -> bytes | None:
        """The bytes of template `name` in the folder; None when the folder has no such file.

        Every level is opened relative to the one above with `O_NOFOLLOW`, so no symbolic link is
        followed anywhere on the way, and only a regular file is read: a link to `/etc/passwd`, a
        folder linked to `/proc`, a FIFO or a device is refused, not read.
        """
        names = name.split("/")
        if any(part in ("", ".", "..") or part.startswith(".") for part in names):
            return None  # not a name of a file in the folder (Jinja's own loader refuses these too)
        return read_confined(self.root, (*self.parts, *names))

    def load(self, name: str) -> tuple[str, str, Callable[[], bool]] | None:
        """`name`'s source for Jinja's `FunctionLoader`: text, file name, and whether it is still current.

        A refusal is a Jinja error, so that it names the template line that asked for the file.
        """
        import jinja2

        try:
            raw = self.read(name)
        except Refused as error:
            raise jinja2.TemplateError(str(error)) from None
        if raw is None:
            return None
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            message = f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8"
            raise jinja2.TemplateError(f"{name}: {message}") from None
        return source, str(self.folder / name), lambda: True


def read_confined(root: Path, parts: Sequence[str], limit: int = MAX_TEMPLATE_BYTES) -> bytes | None:
    """The regular file `root/parts…`, opened level by level without following a link; None if missing."""
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    shown = posixpath.join(*parts)
    fd = os.open(root, flags | getattr(os, "O_DIRECTORY", 0))
    try:
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            # O_NONBLOCK: opening a FIFO must not wait for a writer that never comes.
            mode = (
                flags | nofollow | (getattr(os, "O_NONBLOCK", 0) if last else getattr(os, "O_DIRECTORY", 0))
            )
            try:
                next_fd = os.open(part, mode, dir_fd=fd)
            except OSError as error:
                _unless_missing(error, fd, part, posixpath.join(*parts[: depth + 1]))
                return None
            os.close(fd)
            fd = next_fd
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refused(shown, _NOT_REGULAR)
        if info.st_size > limit:
            raise _refused(shown, f"{info.st_size:,} bytes, over the {limit:,}-byte limit of a template")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(limit + 1)[:limit]
    finally:
        os.close(fd)


def _unless_missing(error: OSError, parent: int, part: str, shown: str) -> None:
    """Refuse a link, or anything else there that cannot be opened; return for a file that is not there."""
    try:
        info = os.stat(part, dir_fd=parent, follow_symlinks=False)
    except OSError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise _refused(shown, _LINK)
    if error.errno != errno.ENOTDIR:  # ENOTDIR: a file where a folder would be, so no such template
        raise _refused(shown, f"cannot be read: {error.strerror}")


class Refused(Exception):
    """A file a template may not open: a link, a FIFO or device, a file too large."""


def _refused(name: str, message: str) -> Refused:
    return Refused(f"{name}: {message}")


def survey(
    root: Path, setting: str | None, at: tuple[str, int, int], prefix: str = ""
) -> tuple[Overrides | None, list[Finding]]:
    """The repository's own templates folder and the SIS013 findings that refuse it or its files.

    `at` is where the `templates:` setting is written (path, line, column), for findings about it;
    `prefix` leads from the current directory to `root`, for the paths of the others.
    A missing folder is no override; a folder reached through a link, or holding a link, a FIFO or
    a device anywhere inside, is refused whole, so nothing ever reads through it (the reuse keys
    digest every file of the folder).
    """
    path, line, column = at
    if setting is not None:
        problem = setting_problem(setting)
        if problem is not None:
            return None, [make("SIS013", problem, path, line, column)]
    parts = _parts(setting) if setting is not None else (DEFAULT_FOLDER,)
    for depth in range(len(parts)):
        rel = "/".join(parts[: depth + 1])
        try:
            info = os.lstat(root.joinpath(*parts[: depth + 1]))
        except OSError:
            return None, []
        if stat.S_ISLNK(info.st_mode):
            if setting is None:
                message = (
                    "the templates folder is a symbolic link, not followed (it may lead outside the "
                    "repository); commit the folder itself"
                )
                return None, [make("SIS013", message, prefix + rel, 1, 1)]
            message = (
                f"templates: {setting!r} leads through a symbolic link ({rel}), which is not followed; "
                "name a folder of the repository"
            )
            return None, [make("SIS013", message, path, line, column)]
        if not stat.S_ISDIR(info.st_mode):
            return None, []
    overrides = Overrides(root, parts)
    return overrides, list(_unsafe_entries(overrides.folder, prefix + "/".join(parts)))


def _unsafe_entries(folder: Path, shown: str) -> Iterator[Finding]:
    """SIS013 for every symbolic link or non-regular file under `folder`, walked without following links."""
    pending = [(str(folder), shown)]
    while pending:
        here, display = pending.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda entry: entry.name)
        except OSError as error:
            yield make("SIS016", f"cannot read the folder: {error.strerror}", display, 1, 1)
            continue
        for entry in entries:
            rel = f"{display}/{entry.name}"
            if entry.is_symlink():
                yield make("SIS013", _LINK, rel, 1, 1)
            elif entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, rel))
            elif not entry.is_file(follow_symlinks=False):
                yield make("SIS013", _NOT_REGULAR, rel, 1, 1)


def overrides(root: Path, setting: str | None) -> Overrides | None:
    """The repository's own templates folder for `render`; a `TemplateError` when it is refused."""
    prefix = display_prefix(root)
    shown = prefix + SETTINGS_FILE
    folder, found = survey(root, setting, (shown, 1, 1), prefix)
    if found:
        first = found[0]
        where = shown if first.path == shown else f"{first.path}:{first.line}"
        more = f" (and {len(found) - 1} more: run `sisturva validate`)" if len(found) > 1 else ""
        raise TemplateError(f"{where}: {first.message}{more}")
    return folder


def problems(root: Path, absolute: bool = False) -> list[Finding]:
    """`validate`'s findings about the repository's own templates: the setting and the folder's files.

    Read every time, beside the cached result of the record files: it costs a few system calls, and
    parses `sisturva.yaml` only when it mentions `templates`.
    """
    prefix = display_prefix(root, absolute)
    shown = prefix + SETTINGS_FILE
    setting: str | None = None
    at = (shown, 1, 1)
    raw = read_settings(root)
    if raw is not None and b"templates" in raw:
        from ..documents import parse

        doc = parse(shown, raw)
        value = doc.data.get("templates") if isinstance(doc.data, dict) else None
        if value is not None and not isinstance(value, str):
            return []  # the settings' schema reports a value that is not text
        setting = value
        line, column = doc.locate(("templates",), key=True)
        at = (shown, line or 1, column or 1)
    return survey(root, setting, at, prefix)[1]


def read_settings(root: Path) -> bytes | None:
    """The bytes of `sisturva.yaml` (None when it is a link or cannot be read: the sources report it)."""
    try:
        return read_confined(root, (SETTINGS_FILE,))
    except (OSError, Refused):
        return None


# --- The environment ---


def environment(override: Overrides | Path | None = None) -> jinja2.Environment:
    """Jinja with autoescape and strict undefined; a repository's own templates come first, sandboxed.

    `override` is the repository's folder (`overrides()`; a bare path is a folder confined to its
    parent). Its templates are read through `Overrides.read` only, and run in `BoundedSandbox`.
    """
    import jinja2

    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(PACKAGED_TEMPLATES)]
    if isinstance(override, Path):
        override = Overrides(override.parent, (override.name,)) if override.is_dir() else None

    def make(kind: type[_Env]) -> _Env:
        return kind(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            keep_trailing_newline=True,
        )

    if override is None:
        return make(jinja2.Environment)
    from .sandbox import BoundedSandbox

    loaders.insert(0, jinja2.FunctionLoader(override.load))
    env = make(BoundedSandbox)
    env.overrides = override
    return env


def static(env: jinja2.Environment, name: str) -> bytes:
    """A static file (`style.css`): the repository's own, read as its templates are, else the packaged one."""
    own = getattr(env, "overrides", None)
    if isinstance(own, Overrides):
        try:
            found = own.read(name)
        except Refused as error:
            raise TemplateError(str(error)) from None
        if found is not None:
            return found
    path = PACKAGED_TEMPLATES / name
    if path.is_file():
        return path.read_bytes()
    raise TemplateError(f"{name}: not found in the templates")


# --- Template faults as `template:line: message` ---


class TemplateTimeout(Exception):
    """The CPU time for a repository's templates ran out (raised inside the template's frame)."""


def _where(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _message(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        limit = _memory_limit()
        return f"out of memory: the templates need more than the {limit >> 20:,} MiB they may use; build smaller values"
    if isinstance(error, RecursionError):
        return "the template calls itself without end (a macro, include or extends that recurses); break the cycle"
    return getattr(error, "message", None) or str(error) or type(error).__name__


def template_error(error: BaseException) -> TemplateError | None:
    """`template:line: message` from a Jinja error, found in the rewritten traceback.

    None when no template is to blame: the error came from our own code, a bug to show as it is.
    """
    import jinja2

    message = (_message(error).splitlines() or [type(error).__name__])[0]
    if isinstance(error, jinja2.TemplateSyntaxError):
        name = error.filename or error.name or "template"
        return TemplateError(f"{_where(name)}:{error.lineno}: {message}")
    if isinstance(error, jinja2.TemplateNotFound):
        message = f"template {error.name} not found"
    # The frames' own file names and lines (Jinja rewrites them to the template's): no source is read.
    blamed = [
        (frame.f_code.co_filename, line)
        for frame, line in traceback.walk_tb(error.__traceback__)
        if frame.f_code.co_filename.endswith((".html", ".md"))
    ]
    if blamed:
        filename, line = blamed[-1]
        return TemplateError(f"{_where(filename)}:{line}: {message}")
    if isinstance(error, (jinja2.TemplateError, TemplateTimeout, MemoryError, RecursionError)):
        return TemplateError(f"templates: {message}")
    return None


def raise_template_error(error: BaseException) -> NoReturn:
    """Raise `error` as `template:line: message`, or as it is when no template is to blame."""
    found = template_error(error)
    if found is None:
        raise error
    raise found from None


@contextlib.contextmanager
def blame() -> Iterator[None]:
    """Turn the errors a template can cause by itself into `TemplateError` (`template:line: message`).

    An undefined name, a sandbox refusal, a bad filter call; and for a repository's own templates,
    running out of memory, time or stack.
    """
    import jinja2

    try:
        yield
    except (
        jinja2.TemplateError,
        TypeError,
        ValueError,
        ArithmeticError,
        LookupError,
        AttributeError,
        RecursionError,
        MemoryError,
        TemplateTimeout,
    ) as error:
        raise_template_error(error)


# --- The worker: a repository's own templates render in a forked process with limits ---


def cpu_seconds() -> float:
    """The CPU-time limit of a worker (`CPU_SECONDS` unless `SISTURVA_TEMPLATE_CPU_SECONDS` says otherwise)."""
    return _setting(CPU_ENV, CPU_SECONDS)


def memory_bytes() -> int:
    """The memory a worker may take beyond its size when forked (`MEMORY_BYTES`, or `SISTURVA_TEMPLATE_MEMORY_MB`)."""
    return int(_setting(MEMORY_ENV, MEMORY_BYTES / (1 << 20)) * (1 << 20))


def _setting(name: str, default: float) -> float:
    given = os.environ.get(name, "").strip()
    if not given:
        return default
    try:
        value = float(given)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise TemplateError(f"{name}={given!r}: give a positive number")
    return value


_memory_in_force = 0


def _memory_limit() -> int:
    return _memory_in_force or memory_bytes()


def _address_space() -> int | None:
    """The process's virtual size in bytes, which RLIMIT_AS counts (Linux's /proc; None elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit_resources(cpu: float, memory: int) -> None:
    """In the worker: cap memory and CPU time, and arm the timer that stops a template in its frame."""
    import resource

    global _memory_in_force

    def cap(kind: int, soft: int, beyond: int = 0) -> None:
        # The hard limit comes down too: nothing in the worker may raise the soft one again.
        hard = resource.getrlimit(kind)[1]
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
            beyond = min(beyond, hard - soft)
        resource.setrlimit(kind, (soft, soft + beyond))

    cap(resource.RLIMIT_CORE, 0)  # a worker ended by the CPU limit leaves no core file behind
    size = _address_space()
    if size is not None:
        cap(resource.RLIMIT_AS, size + memory)
        _memory_in_force = memory
    used = resource.getrusage(resource.RUSAGE_SELF)
    # SIGXCPU at the soft limit (the kernel sends SIGKILL at the hard one, a second later).
    cap(resource.RLIMIT_CPU, math.ceil(used.ru_utime + used.ru_stime + cpu + CPU_GRACE_SECONDS), 1)
    _arm(cpu)


def _arm(cpu: float) -> None:
    import signal

    def expired(signum: int, frame: object) -> NoReturn:
        raise TemplateTimeout(
            f"the templates took more than {cpu:g} s of CPU time; make them do less work "
            f"(the limit is {CPU_ENV})"
        )

    signal.signal(signal.SIGPROF, expired)
    # Again every second: a template's code that swallowed the first one is stopped by the next.
    signal.setitimer(signal.ITIMER_PROF, cpu, 1.0)


def _disarm() -> None:
    import signal

    signal.setitimer(signal.ITIMER_PROF, 0, 0)


def isolated(work: Callable[[], T]) -> T:
    """Run `work` (rendering with a repository's own templates) in a forked worker under the limits.

    The worker's memory (`memory_bytes`) and CPU time (`cpu_seconds`) are capped; a template that
    exceeds them, recurses without end or is refused by the sandbox ends the run with a
    `TemplateError`. A worker that fails is never run again in this process: what failed is the
    template, which would fail here too, without the limits. Where processes cannot be forked
    (not Linux, or other threads running) `work` runs here with the CPU timer alone.
    """
    cpu, memory = cpu_seconds(), memory_bytes()
    if not forking.can_fork():
        return _in_process(work, cpu)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        status = 1
        try:
            os.close(read_end)
            payload = pickle.dumps(_outcome(work, cpu, memory), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as incoming:
            payload = incoming.read()
    finally:
        _, status = os.waitpid(pid, 0)
    return cast(T, _result(payload, status, cpu))


def _outcome(work: Callable[[], T], cpu: float, memory: int) -> tuple[str, object]:
    """In the worker: ("done", result), ("template", message) or ("bug", traceback)."""
    try:
        _limit_resources(cpu, memory)
        try:
            return "done", work()
        finally:
            _disarm()
    except SisturvaError as error:
        return "template", str(error)
    except (MemoryError, RecursionError, TemplateTimeout) as error:
        found = template_error(error)
        return "template", str(found) if found is not None else f"templates: {_message(error)}"
    except Exception:
        return "bug", traceback.format_exc()


def _result(payload: bytes, status: int, cpu: float) -> object:
    """What the worker sent, or a `TemplateError` saying how it ended."""
    import signal

    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            raise TemplateError(
                f"templates: stopped after {cpu:g} s of CPU time; make the templates do less work "
                f"(the limit is {CPU_ENV})"
            )
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        raise TemplateError(
            f"templates: the worker rendering the repository's templates was ended by {name} "
            "(out of memory?); make the templates do less work"
        )
    try:
        # Our own child's output, through a private pipe: trusted like our own memory.
        kind, value = pickle.loads(payload) if status == 0 else ("", None)
    except Exception:
        kind, value = "", None
    if kind == "done":
        return value
    if kind == "template" and isinstance(value, str):
        raise TemplateError(value)
    if kind == "bug":
        raise RuntimeError(f"rendering with the repository's templates failed:\n{value}")
    raise TemplateError(
        "templates: the worker rendering the repository's templates ended without a result; "
        "make the templates do less work"
    )


def _in_process(work: Callable[[], T], cpu: float) -> T:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return work()
    _arm(cpu)
    try:
        return work()
    finally:
        _disarm()
        signal.signal(signal.SIGPROF, signal.SIG_DFL)
