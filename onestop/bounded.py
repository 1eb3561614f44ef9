"""Run a function on untrusted input with a hard budget: CPU time, memory and wall time.

`run_bounded(function, *args, ...)` forks a child process (Linux), lowers its limits, runs
`function(*args)` there and returns what it returned (pickled back through a pipe). A
parser that loops, recurses or allocates without end costs at most the budget: the kernel
stops the child (SIGPROF at the CPU budget, SIGXCPU/SIGKILL after it if that is caught; the
address space capped, so an allocation past it raises MemoryError), and the parent kills it
at the wall-clock budget. Whatever happens, the caller gets a value or `Unfinished`.

Fork, not spawn: the child starts with the modules the parent already imported (no
interpreter start, a few milliseconds), and needs nothing pickled on the way in. It must
only compute: it shares the parent's open database and cache sockets, so it touches no
connection, and it ends with `os._exit` (multiprocessing's fork start), closing nothing of
the parent's. Works in a gunicorn sync worker, a Celery prefork worker and the test client.
"""

import math
import multiprocessing
import resource
import signal

_FORK = multiprocessing.get_context("fork")
_CPU_SIGNALS = {signal.SIGPROF, signal.SIGXCPU}


class Unfinished(Exception):
    """The child returned no value: out of CPU time, memory or wall time, killed, or it
    raised (the message says which)."""


def run_bounded(function, *args, cpu_seconds: float, memory_bytes: int, wall_seconds: float):
    """`function(*args)` in a child with at most `cpu_seconds` of CPU, `memory_bytes` of
    address space beyond what it inherits, and `wall_seconds` of wall clock."""
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(
        target=_child, args=(sender, function, args, cpu_seconds, memory_bytes), daemon=True
    )
    child.start()
    sender.close()  # so that the child's end alone keeps the pipe open: EOF when it dies
    try:
        outcome = None
        if receiver.poll(wall_seconds):
            try:
                outcome = receiver.recv()
            except EOFError:  # died before answering
                pass
        else:
            child.kill()
        child.join(timeout=1)
        if child.exitcode is None:  # answered, then did not exit
            child.kill()
            child.join()
    finally:
        receiver.close()
    if outcome is None:
        raise Unfinished(_why(child.exitcode, wall_seconds))
    kind, value = outcome
    if kind != "value":
        raise Unfinished(value)
    return value


def _why(exitcode: int | None, wall_seconds: float) -> str:
    if exitcode is not None and -exitcode in _CPU_SIGNALS:
        return "out of CPU time"
    if exitcode == -signal.SIGKILL:
        return f"stopped after {wall_seconds} s of wall time"
    return f"the child died (exit code {exitcode})"


def _child(sender, function, args, cpu_seconds: float, memory_bytes: int) -> None:
    _limit(cpu_seconds, memory_bytes)
    try:
        outcome = ("value", function(*args))
    except MemoryError:
        outcome = ("failed", "out of memory")
    except BaseException as exc:  # noqa: BLE001 - the parent reports it; the child just ends
        outcome = ("failed", f"raised {exc!r}"[:500])
    sender.send(outcome)


def _limit(cpu_seconds: float, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a killed child leaves no core file
    # A fork starts with its CPU clock at zero. The profiling timer stops the child at the
    # budget to the millisecond; RLIMIT_CPU (whole seconds) is the kernel's backstop.
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    seconds = math.ceil(cpu_seconds) + 1
    _lower(resource.RLIMIT_CPU, seconds, seconds + 1)
    # The child inherits the parent's mappings: the cap is what it has plus the budget.
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    _lower(resource.RLIMIT_AS, mapped + memory_bytes, mapped + memory_bytes)


def _lower(which: int, soft: int, hard: int) -> None:
    """Set a limit, never above the one already in force (lowering needs no privilege)."""
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(which, (soft, hard))
