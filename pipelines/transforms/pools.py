"""Process pools for CPU workers (transforms.workers): shared per process, reference-counted,
with a time budget per task, and a quarantine that runs suspect elements one at a time.

    POOLS.acquire(2, warm=(EnrichChunk(settings).preload,))   # in a DoFn's setup()
    pool = POOLS.get(2)
    _, future = pool.submit(task, chunk, budget_s=40.0)
    pool.result(future)                                        # BrokenProcessPool if it broke
    with POOLS.quarantine() as q:                             # after a break
        q.run_alone(task, element, limit_s=10.0)              # WorkerCrashed, TimeLimitExceeded
    POOLS.release(2)                                           # in its teardown()

Deliberately free of Beam imports: a spawned worker imports this module to run its
initializer, and the worker should import only what its tasks need (importing Beam costs
about a second of CPU and tens of MB per worker).

`warm` callables run in a background thread of each worker as it starts (loading models
while the first chunks are cleaned, or while the runner is busy elsewhere, instead of
inside the first chunk that needs them). A pool warms what its first user asked for.

Time budgets: a worker writes to memory shared with this process which task it runs, since
when and with what budget; a watchdog thread per pool kills every worker of the pool once a
task runs past its budget. Time a task spends queued does not count. The pool is then broken:
its pending futures fail with BrokenProcessPool (`GuardedPool.expired` tells which tasks ran
out of time) and `SharedPools.replace_broken` puts a fresh one in its place.
ProcessPoolExecutor cannot stop a running task, so the kill goes through its private
`_processes` (pid -> multiprocessing.Process, there since Python 3.2; 3.14 has a public
`kill_workers()`). Start times are `time.monotonic()`, one clock for every process on Linux.

Quarantine: one worker process in which elements run alone, one at a time, each with its own
time limit: a crash or a time-out there is that element's own. A quarantine exists while
someone uses it (its worker holds the models that `warm` loads, hundreds of MB).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

Warm = Sequence[Callable[[], None]]

WATCH_EVERY_S = 0.1  # how often a pool's watchdog looks at its running tasks
_FIELDS = 3  # per worker in the shared array: task token (0: idle), start time, budget (s)

# In a worker process: (the pool's shared array, this worker's slot in it).
_SLOT: tuple[Any, int] | None = None


def _start_worker(parent: int, warm: Warm, slots: Any, next_slot: Any) -> None:
    """Pool worker initializer: take a slot in the pool's shared array (where the worker
    reports the task it runs), exit when the parent process is gone (a parent killed with
    SIGKILL never shuts its pool down, and the workers would live on as orphans), and run the
    warm-up callables in the background."""
    global _SLOT
    with next_slot.get_lock():
        index = next_slot.value
        next_slot.value += 1
    _SLOT = (slots, index % (len(slots) // _FIELDS))

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    if warm:
        threading.Thread(target=_run_warm, args=(warm,), name="warm-up", daemon=True).start()


def _run_warm(warm: Warm) -> None:
    for fn in warm:
        # A failed warm-up only means the first task loads (and fails) for real, where the
        # failure is reported per record.
        with contextlib.suppress(Exception):
            fn()


def _run_timed(task: Callable[[Any], Any], items: Any, token: int, budget_s: float) -> Any:
    """Run `task(items)` in a worker, reporting it (start time first, token last) to the
    pool's watchdog while it runs."""
    assert _SLOT is not None, "not in a pool worker"
    slots, index = _SLOT
    base = index * _FIELDS
    slots[base + 1] = time.monotonic()
    slots[base + 2] = budget_s
    slots[base] = token
    try:
        return task(items)
    finally:
        slots[base] = 0


class GuardedPool:
    """A ProcessPoolExecutor whose tasks each have a time budget (see the module docstring)."""

    def __init__(self, workers: int, warm: Warm = ()) -> None:
        # spawn, not fork: the SDK process runs gRPC threads, which must not be forked.
        ctx = multiprocessing.get_context("spawn")
        self._slots = ctx.Array("d", workers * _FIELDS, lock=False)
        self._workers = workers
        self.executor = ProcessPoolExecutor(
            workers,
            mp_context=ctx,
            initializer=_start_worker,
            initargs=(os.getpid(), tuple(warm), self._slots, ctx.Value("i", 0)),
        )
        self._tokens = itertools.count(1)
        self.expired: set[int] = set()  # tokens of the tasks that ran past their budget
        self._broken_at: float | None = None
        self._stop = threading.Event()
        threading.Thread(target=self._watch, name="pool-watchdog", daemon=True).start()
        if warm:
            # Workers start on the first submit; start them now so warming overlaps the
            # runner's own start-up (each no-op goes to an idle worker as it spawns).
            for _ in range(workers):
                self.executor.submit(_noop)

    def submit(
        self, task: Callable[[Any], Any], items: Any, budget_s: float
    ) -> tuple[int, Future[Any]]:
        """(token, future) of `task(items)` run in a worker for at most `budget_s` once it
        starts; the token is in `expired` if it ran out of time."""
        token = next(self._tokens)
        future = self.executor.submit(_run_timed, task, items, token, budget_s)
        future.add_done_callback(self._note_broken)
        return token, future

    def result(self, future: Future[Any]) -> Any:
        """The future's result. Raises BrokenProcessPool if the pool broke (or was shut down)
        before it finished, also for a future submitted just as it broke, which CPython 3.11's
        executor can leave pending forever (it fails pending work without the lock that
        `submit` holds)."""
        while True:
            try:
                return future.result(timeout=1.0)
            except CancelledError:
                raise BrokenProcessPool("the pool was shut down before this task ran") from None
            except TimeoutError:
                broken_at = self._broken_at
                if broken_at is not None and time.monotonic() - broken_at > 5.0:
                    raise BrokenProcessPool("the pool broke before this task ran") from None

    def kill(self) -> None:
        """Kill every worker now; the executor then fails all pending futures."""
        self._broken_at = self._broken_at or time.monotonic()
        processes = dict(getattr(self.executor, "_processes", None) or {})
        for process in processes.values():
            with contextlib.suppress(Exception):
                process.kill()

    def exit_codes(self) -> list[int | None]:
        """Exit codes of the workers (after a break: how they ended, e.g. -9 for SIGKILL)."""
        processes = dict(getattr(self.executor, "_processes", None) or {})
        for process in processes.values():
            process.join(timeout=5.0)  # reaped, so its exit code is known
        return [p.exitcode for p in processes.values()]

    def shutdown(self) -> None:
        self._stop.set()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def _note_broken(self, future: Future[Any]) -> None:
        if not future.cancelled() and isinstance(future.exception(), BrokenProcessPool):
            self._broken_at = self._broken_at or time.monotonic()

    def _watch(self) -> None:
        slots = self._slots
        while not self._stop.wait(WATCH_EVERY_S):
            now = time.monotonic()
            for base in range(0, self._workers * _FIELDS, _FIELDS):
                token = slots[base]
                started, budget = slots[base + 1], slots[base + 2]
                if token and slots[base] == token and now - started > budget:
                    self.expired.add(int(token))
                    self.kill()
                    return


class WorkerCrashed(Exception):
    """The quarantine's worker died while it ran the element."""


class TimeLimitExceeded(Exception):
    """The element ran past its time limit in the quarantine."""


class Quarantine:
    """One worker process that runs elements alone (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: GuardedPool | None = None

    def run_alone(
        self, task: Callable[[Any], Any], element: Any, limit_s: float, warm: Warm = ()
    ) -> Any:
        """task([element])'s one result. Raises WorkerCrashed or TimeLimitExceeded."""
        with self._lock:
            if self._pool is None:
                self._pool = GuardedPool(1)
            pool = self._pool
            if warm:
                # What the task needs loads first, untimed: loading is not the element's time.
                # A worker dying here is not the element's doing either: BrokenProcessPool
                # goes up (the bundle fails, and the runner retries it).
                try:
                    pool.result(pool.executor.submit(_run_warm, tuple(warm)))
                except BrokenProcessPool:
                    self._discard(pool)
                    raise
            token, future = pool.submit(task, [element], limit_s)
            try:
                (result,) = pool.result(future)
                return result
            except BrokenProcessPool:
                codes = ", ".join(str(c) for c in pool.exit_codes())
                self._discard(pool)
                if token in pool.expired:
                    raise TimeLimitExceeded(
                        f"processing it alone took longer than its limit of {limit_s:.1f} s"
                    ) from None
                raise WorkerCrashed(
                    f"its worker process died while processing it alone (exit code {codes})"
                ) from None

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._discard(self._pool)

    def _discard(self, pool: GuardedPool) -> None:
        self._pool = None
        pool.shutdown()


class SharedPools:
    """One pool per worker count per process, reference-counted; one quarantine."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[int, tuple[GuardedPool, int, Warm]] = {}
        self.restarts = 0  # broken pools replaced in this process (a metric of `newswire run`)
        self._quarantine = Quarantine()
        self._quarantine_users = 0

    def acquire(self, workers: int, warm: Warm = ()) -> None:
        with self._lock:
            if workers not in self._pools:
                self._pools[workers] = (GuardedPool(workers, warm), 0, tuple(warm))
            pool, users, kept = self._pools[workers]
            self._pools[workers] = (pool, users + 1, kept)

    def release(self, workers: int) -> None:
        with self._lock:
            if workers not in self._pools:
                return
            pool, users, warm = self._pools[workers]
            if users <= 1:
                del self._pools[workers]
                pool.shutdown()
            else:
                self._pools[workers] = (pool, users - 1, warm)

    def get(self, workers: int) -> GuardedPool:
        with self._lock:
            return self._pools[workers][0]

    def replace_broken(self, workers: int, broken: GuardedPool) -> None:
        with self._lock:
            pool, users, warm = self._pools[workers]
            if pool is broken:
                self._pools[workers] = (GuardedPool(workers, warm), users, warm)
                self.restarts += 1
        broken.shutdown()

    @contextlib.contextmanager
    def quarantine(self) -> Iterator[Quarantine]:
        """The quarantine, for as long as the block runs; its worker stops with its last user."""
        with self._lock:
            self._quarantine_users += 1
        try:
            yield self._quarantine
        finally:
            with self._lock:
                self._quarantine_users -= 1
                last = self._quarantine_users == 0
            if last:
                self._quarantine.close()


def _noop() -> None:
    return None


POOLS = SharedPools()
