"""Process pools for CPU workers (transforms.workers), shared per process and reference-counted.

    POOLS.acquire(2, warm=(EnrichChunk(settings).preload,))   # in a DoFn's setup()
    POOLS.get(2).submit(task, chunk)
    POOLS.release(2)                                           # in its teardown()

Deliberately free of Beam imports: a spawned worker imports this module to run its
initializer, and the worker should import only what its tasks need (importing Beam costs
about a second of CPU and tens of MB per worker).

`warm` callables run in a background thread of each worker as it starts (loading models
while the first chunks are cleaned, or while the runner is busy elsewhere, instead of
inside the first chunk that needs them). A pool warms what its first user asked for.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

Warm = Sequence[Callable[[], None]]


def _start_worker(parent: int, warm: Warm) -> None:
    """Pool worker initializer: exit when the parent process is gone (a parent killed with
    SIGKILL never shuts its pool down, and the workers would live on as orphans), and run
    the warm-up callables in the background."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    def warm_up() -> None:
        for fn in warm:
            # A failed warm-up only means the first task loads (and fails) for real, where
            # the failure is reported per record.
            with contextlib.suppress(Exception):
                fn()

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    if warm:
        threading.Thread(target=warm_up, name="warm-up", daemon=True).start()


class SharedPools:
    """One process pool per worker count per process, reference-counted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[int, tuple[ProcessPoolExecutor, int, Warm]] = {}
        self.restarts = 0  # broken pools replaced in this process (a metric of `newswire run`)

    def acquire(self, workers: int, warm: Warm = ()) -> None:
        with self._lock:
            if workers not in self._pools:
                self._pools[workers] = (self._new(workers, tuple(warm)), 0, tuple(warm))
            pool, users, kept = self._pools[workers]
            self._pools[workers] = (pool, users + 1, kept)

    def release(self, workers: int) -> None:
        with self._lock:
            if workers not in self._pools:
                return
            pool, users, warm = self._pools[workers]
            if users <= 1:
                del self._pools[workers]
                pool.shutdown(wait=False, cancel_futures=True)
            else:
                self._pools[workers] = (pool, users - 1, warm)

    def get(self, workers: int) -> ProcessPoolExecutor:
        with self._lock:
            return self._pools[workers][0]

    def replace_broken(self, workers: int, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            pool, users, warm = self._pools[workers]
            if pool is broken:
                self._pools[workers] = (self._new(workers, warm), users, warm)
                self.restarts += 1
        broken.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _new(workers: int, warm: Warm) -> ProcessPoolExecutor:
        # spawn, not fork: the SDK process runs gRPC threads, which must not be forked.
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(), warm),
        )
        if warm:
            # Workers start on the first submit; start them now so warming overlaps the
            # runner's own start-up (each no-op goes to an idle worker as it spawns).
            for _ in range(workers):
                pool.submit(_noop)
        return pool


def _noop() -> None:
    return None


POOLS = SharedPools()
