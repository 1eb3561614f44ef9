"""Run a function on untrusted input with a hard budget: CPU time, memory and wall time.

`run_bounded(function, *args, ...)` forks a child process, lowers its limits, runs
`function(*args)` there and returns what it returned (pickled back through a pipe). A
parser that loops, recurses or allocates without end costs at most the budget: the kernel
stops the child (SIGPROF at the CPU budget, SIGXCPU/SIGKILL after it if that is caught; on
Linux the address space is capped, so an allocation past it raises MemoryError), and the
parent kills it at the wall-clock budget. Whatever happens, the caller gets a value or
`Unfinished`.

A bare `os.fork`: the child starts with the modules the parent imported (no interpreter to
start, a few milliseconds) and needs nothing pickled on the way in. It only computes and
ends with `os._exit`: it shares the parent's database, cache and broker sockets, so it runs
no cleanup that could write to them. That is why not multiprocessing, whose child runs the
after-fork hooks Celery and kombu register (closing the parent's broker connections: a
child forked after a Celery call hung there). Works in a gunicorn sync worker, a Celery
prefork worker and the test client, from any thread.
"""

import gc
import math
import os
import pickle
import resource
import select
import signal
import time

_CPU_SIGNALS = {signal.SIGPROF, signal.SIGXCPU}


class Unfinished(Exception):
    """The child returned no value: out of CPU time, memory or wall time, killed, or it
    raised (the message says which)."""


def run_bounded(function, *args, cpu_seconds: float, memory_bytes: int, wall_seconds: float):
    """`function(*args)` in a child with at most `cpu_seconds` of CPU, `memory_bytes` of
    address space beyond what it inherits, and `wall_seconds` of wall clock."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        exitcode = 1
        try:
            os.close(reader)
            _child(writer, function, args, cpu_seconds, memory_bytes)
            exitcode = 0
        finally:
            os._exit(exitcode)
    os.close(writer)  # the child's end alone keeps the pipe open: EOF when it ends
    try:
        answer = _read_until_end(reader, time.monotonic() + wall_seconds)
    finally:
        os.close(reader)
    if answer is None:
        os.kill(pid, signal.SIGKILL)
    exitcode = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if answer is None:
        raise Unfinished(f"stopped after {wall_seconds} s of wall time")
    if exitcode != 0:
        raise Unfinished("out of CPU time" if -exitcode in _CPU_SIGNALS else f"exit {exitcode}")
    kind, value = pickle.loads(answer)
    if kind != "value":
        raise Unfinished(value)
    return value


def _read_until_end(reader: int, deadline: float) -> bytes | None:
    """All the child writes, or None if it has not finished by `deadline`."""
    poll = select.poll()
    poll.register(reader, select.POLLIN)
    chunks = []
    while (left := deadline - time.monotonic()) > 0:
        if poll.poll(left * 1000):
            chunk = os.read(reader, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    return None


def _child(writer: int, function, args, cpu_seconds: float, memory_bytes: int) -> None:
    # The inherited objects out of the collector's sight: a collection in the child walked
    # the parent's whole heap, copying every page it wrote to, and a long-lived worker's
    # genuine verification ran out of its CPU budget (called unreadable).
    gc.freeze()
    _limit(cpu_seconds, memory_bytes)
    try:
        outcome = ("value", function(*args))
    except MemoryError:
        outcome = ("failed", "out of memory")
    except BaseException as exc:  # noqa: BLE001 - the parent reports it; the child just ends
        outcome = ("failed", f"raised {exc!r}"[:500])
    with os.fdopen(writer, "wb") as out:
        out.write(pickle.dumps(outcome))


def _limit(cpu_seconds: float, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a killed child leaves no core file
    # A fork starts with its CPU clock at zero. The profiling timer stops the child at the
    # budget to the millisecond; RLIMIT_CPU (whole seconds) is the kernel's backstop.
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    seconds = math.ceil(cpu_seconds) + 1
    _lower(resource.RLIMIT_CPU, seconds, seconds + 1)
    # The child inherits the parent's mappings: the cap is what it has plus the budget.
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux (a developer's `make run`): the CPU and wall budgets only
        return
    _lower(resource.RLIMIT_AS, mapped + memory_bytes, mapped + memory_bytes)


def _lower(which: int, soft: int, hard: int) -> None:
    """Set a limit, never above the one already in force (lowering needs no privilege)."""
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(which, (soft, hard))
