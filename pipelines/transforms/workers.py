"""CPU workers: run a step's pure core function in worker processes, per chunk of elements.

Prism runs all of a job's Python in one SDK process (one environment, one worker; with
`LOOPBACK` that is the `newswire run` process itself), so the GIL caps a streaming job at one
core however many the machine has, and cleaning and enrichment are most of its CPU. A
`ChunkedApply` DoFn gathers elements into chunks and hands each chunk to a process pool, so
those steps use every core while the SDK process does the rest.

    ChunkedApply(step, task, workers=N, chunk_size=8)

In: any PCollection. Out: main output (the task's results) and `dead_letter`. `task` is a
picklable callable `list[element] -> list[result | Failure | None]` (one entry per element,
in order; None means "no output"). With `workers=0` the task runs inline in the DoFn's
process: the default on runners that parallelize by themselves (Flink, Dataflow, the
DirectRunner with several workers). Elements keep their own timestamp and windows, and a
bundle finishes only after all of its chunks are back, so the runner's bundle and watermark
guarantees are unchanged.

The pool is a client like a boto3 client: acquired in `setup()`, released in `teardown()`,
and shared by every DoFn instance in the process (a runner may create several instances of
each stage; one pool of N processes for all keeps the process count at N). A worker that
dies (killed, out of memory) breaks the pool: its chunks are then run inline, and a new pool
is made for the following ones.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.core.errors import ArticleError
from pipelines.transforms.common import DEAD_LETTER, Clock, make_dead_letter, utc_now


@dataclass(frozen=True)
class Failure:
    """A task's verdict on one element: plain data, so it pickles back from a worker
    (`ArticleError` itself does not round-trip through pickle)."""

    code: str
    message: str

    @classmethod
    def of(cls, exc: Exception) -> Failure:
        if isinstance(exc, ArticleError):
            return cls(exc.code, exc.message)
        return cls("unexpected_error", f"{type(exc).__name__}: {exc}")


Task = Callable[[list[Any]], list[Any]]


def per_element(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    """Apply `fn` to each item; a raised exception becomes that item's `Failure`."""
    out: list[Any] = []
    for item in items:
        try:
            out.append(fn(item))
        except Exception as exc:  # returned as the item's Failure, never dropped
            out.append(Failure.of(exc))
    return out


def _exit_with_parent(parent: int) -> None:
    """Pool worker initializer: exit when the parent process is gone. A parent killed with
    SIGKILL never shuts its pool down, and the workers would live on as orphans."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class _SharedPools:
    """One process pool per worker count per process, reference-counted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[int, tuple[ProcessPoolExecutor, int]] = {}

    def acquire(self, workers: int) -> None:
        with self._lock:
            pool, users = self._pools.get(workers) or (self._new(workers), 0)
            self._pools[workers] = (pool, users + 1)

    def release(self, workers: int) -> None:
        with self._lock:
            if workers not in self._pools:
                return
            pool, users = self._pools[workers]
            if users <= 1:
                del self._pools[workers]
                pool.shutdown(wait=False, cancel_futures=True)
            else:
                self._pools[workers] = (pool, users - 1)

    def get(self, workers: int) -> ProcessPoolExecutor:
        with self._lock:
            return self._pools[workers][0]

    def replace_broken(self, workers: int, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            pool, users = self._pools[workers]
            if pool is broken:
                self._pools[workers] = (self._new(workers), users)
        broken.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _new(workers: int) -> ProcessPoolExecutor:
        # spawn, not fork: the SDK process runs gRPC threads, which must not be forked.
        return ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )


POOLS = _SharedPools()


class ChunkedApply(beam.DoFn):
    def __init__(
        self,
        step: str,
        task: Task,
        workers: int = 0,
        chunk_size: int = 8,
        now: Clock = utc_now,
    ) -> None:
        self.step = step
        self.task = task
        self.workers = workers
        self.chunk_size = max(chunk_size, 1)
        self.now = now
        self.ok = Metrics.counter(step, "ok")
        self.inline_after_crash = Metrics.counter(step, "worker_crashed_chunk_run_inline")

    def setup(self) -> None:
        if self.workers > 0:
            POOLS.acquire(self.workers)

    def teardown(self) -> None:
        if self.workers > 0:
            POOLS.release(self.workers)

    def start_bundle(self) -> None:
        self.chunk: list[Any] = []  # WindowedValues waiting to be sent
        self.pending: deque[tuple[Future[list[Any]] | None, list[Any]]] = deque()

    def process(self, element: Any, wv: Any = beam.DoFn.WindowedValueParam) -> Iterator[Any]:
        self.chunk.append(wv)
        if len(self.chunk) >= self.chunk_size:
            yield from self._send()
        # Keep a few chunks per worker in flight: enough to keep them busy, bounded memory.
        while len(self.pending) > 2 * max(self.workers, 1):
            yield from self._emit(self.pending.popleft())

    def finish_bundle(self) -> Iterator[Any]:
        yield from self._send()
        while self.pending:
            yield from self._emit(self.pending.popleft())

    def _send(self) -> Iterator[Any]:
        if not self.chunk:
            return
        chunk, self.chunk = self.chunk, []
        values = [wv.value for wv in chunk]
        if self.workers > 0:
            pool = POOLS.get(self.workers)
            try:
                self.pending.append((pool.submit(self.task, values), chunk))
                return
            except BrokenProcessPool:
                POOLS.replace_broken(self.workers, pool)
        yield from self._output(chunk, self.task(values))

    def _emit(self, item: tuple[Future[list[Any]] | None, list[Any]]) -> Iterator[Any]:
        future, chunk = item
        assert future is not None
        try:
            results = future.result()
        except BrokenProcessPool:
            self.inline_after_crash.inc()
            POOLS.replace_broken(self.workers, POOLS.get(self.workers))
            results = self.task([wv.value for wv in chunk])
        yield from self._output(chunk, results)

    def _output(self, chunk: list[Any], results: list[Any]) -> Iterator[Any]:
        for wv, result in zip(chunk, results, strict=True):
            if isinstance(result, Failure):
                letter = make_dead_letter(
                    self.step, ArticleError(result.code, result.message), wv.value, self.now
                )
                Metrics.counter(self.step, result.code).inc()
                yield beam.pvalue.TaggedOutput(DEAD_LETTER, wv.with_value(letter))
            elif result is not None:
                self.ok.inc()
                self.count(result)
                yield wv.with_value(result)

    def count(self, result: Any) -> None:
        """Step-specific counters for a successful result (override)."""
