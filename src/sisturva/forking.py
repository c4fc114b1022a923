"""Work in forked processes, for the bulk steps that split across cores; results come back pickled."""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Whether forking is safe and cheap here: Linux, and no other threads that could hold a lock."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def fork(work: Callable[[], object]) -> Callable[[], object]:
    """Run `work` in a forked child; the returned function waits for its result (None: it failed)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        status = 1
        try:
            os.close(read_end)
            gc.disable()
            payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def collect() -> object:
        try:
            with os.fdopen(read_end, "rb") as incoming:
                payload = incoming.read()
        finally:
            _, status = os.waitpid(pid, 0)
        if status != 0:
            return None
        try:
            # Our own child's output, through a private pipe: trusted like our own memory.
            return pickle.loads(payload)
        except Exception:  # a child that died half-way: the caller does the work itself instead
            return None

    return collect


def in_background(work: Callable[[], T], big: bool, kind: type[T]) -> Callable[[], T]:
    """Start `work` in a forked process when `big` (and the system can fork); call the result to get it.

    A child that fails for any reason is retried in this process, so errors surface as they would.
    """
    if not big or not can_fork():
        return work
    collect = fork(work)

    def result() -> T:
        found = collect()
        return found if isinstance(found, kind) else work()

    return result
