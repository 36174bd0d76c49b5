"""CPU workers: run a step's pure core function in worker processes, per chunk of elements.

Prism runs all of a job's Python in one SDK process (one environment, one worker; with
`LOOPBACK` that is the `newswire run` process itself), so the GIL caps a streaming job at one
core however many the machine has, and cleaning and enrichment are most of its CPU. A
`ChunkedApply` DoFn gathers elements into chunks and hands each chunk to a process pool, so
those steps use every core while the SDK process does the rest.

    ChunkedApply(step, task, workers=N, chunk_size=8, warm=(load_models,), time_limit=limit)

In: any PCollection. Out: main output (the task's results) and `dead_letter`. `task` is a
picklable callable `list[element] -> list[result | ArticleError | None]` (one entry per element,
in order; None means "no output"), with an optional `preload()` that loads what it needs.
Elements keep their own timestamp and windows, and a bundle finishes only after all of its
chunks are back, so the runner's bundle and watermark guarantees are unchanged.

One page cannot stop the job: the worker processes also isolate the job from its pages. A
chunk may run for the sum of its elements' time limits (`time_limit`, core.chunks.TimeLimit:
a base plus so much per MB), counted from when a worker starts it; past that its pool's
workers are killed (transforms.pools). When a pool breaks that way, or because a worker died
(a segfault, the OOM killer, os._exit), every chunk it held is run again one element at a
time in a quarantine worker (transforms.pools.Quarantine), each with its own limit: an
element that crashes the worker or runs out of time there is the culprit and becomes a dead
letter (`worker_crashed`, `time_limit_exceeded`, under the step's name, one counter each);
the others are emitted as usual (counter `<step>/rerun_alone` counts the elements run
again). Nothing runs in the job's own process after a crash, and a fresh pool takes the
following chunks.

With `workers=0` the task runs inline in the DoFn's process, unguarded: a page that crashes
the process takes the SDK worker down with it (the runner retries the bundle, and the page
crashes it again), and one that spins holds its bundle forever. So the commands give every
job at least one worker process (commands.settings.default_cpu_workers): one per CPU where
the runner runs all of a job's Python in one process (Prism, the in-process DirectRunner),
one per SDK process where the runner parallelizes by itself (Flink, Dataflow, the
DirectRunner with several processes); there it buys isolation, not speed, for no measurable
CPU (pickling the articles to the worker) and ~0.2 GB more memory per SDK process.

The pool is a client like a boto3 client: acquired in `setup()`, released in `teardown()`,
and shared by every DoFn instance in the process (a runner may create several instances of
each stage; one pool of N processes for all keeps the process count at N). `warm` callables
run in each worker as it starts (see transforms.pools): steps that share the pool pass the
same ones, so a worker loads the enrichment models while it is still cleaning, not when the
first article reaches it; the quarantine runs the task's `preload()` before an element.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.core.chunks import TIME_LIMIT_EXCEEDED, WORKER_CRASHED, TimeLimit
from pipelines.core.clock import Clock, utc_now
from pipelines.core.errors import DEAD_LETTER, ArticleError, make_dead_letter
from pipelines.transforms.pools import (
    POOLS,
    GuardedPool,
    Quarantine,
    TimeLimitExceeded,
    WorkerCrashed,
)

Task = Callable[[list[Any]], list[Any]]
DEFAULT_TIME_LIMIT = TimeLimit()


class ChunkedApply(beam.DoFn):
    def __init__(
        self,
        step: str,
        task: Task,
        workers: int = 0,
        chunk_size: int = 8,
        now: Clock = utc_now,
        warm: Sequence[Callable[[], None]] = (),
        time_limit: TimeLimit = DEFAULT_TIME_LIMIT,
    ) -> None:
        self.step = step
        self.task = task
        self.workers = workers
        self.chunk_size = max(chunk_size, 1)
        self.now = now
        self.warm = tuple(warm)
        self.time_limit = time_limit
        preload = getattr(task, "preload", None)
        self._preload = (preload,) if preload is not None else ()
        self.ok = Metrics.counter(step, "ok")
        self.rerun_alone = Metrics.counter(step, "rerun_alone")

    def setup(self) -> None:
        if self.workers > 0:
            POOLS.acquire(self.workers, self.warm)

    def teardown(self) -> None:
        if self.workers > 0:
            POOLS.release(self.workers)

    def start_bundle(self) -> None:
        self.chunk: list[Any] = []  # WindowedValues waiting to be sent
        self.pending: deque[tuple[GuardedPool, Future[list[Any]], list[Any]]] = deque()
        self.held = contextlib.ExitStack()  # the quarantine, from a first re-run to the end
        self.quarantine: Quarantine | None = None

    def process(self, element: Any, wv: Any = beam.DoFn.WindowedValueParam) -> Iterator[Any]:
        self.chunk.append(wv)
        if len(self.chunk) >= self.chunk_size:
            yield from self._send()
        # Keep a few chunks per worker in flight: enough to keep them busy, bounded memory.
        while len(self.pending) > 2 * max(self.workers, 1):
            yield from self._emit(self.pending.popleft())

    def finish_bundle(self) -> Iterator[Any]:
        try:
            yield from self._send()
            while self.pending:
                yield from self._emit(self.pending.popleft())
        finally:
            self.held.close()
            self.quarantine = None

    def _send(self) -> Iterator[Any]:
        if not self.chunk:
            return
        chunk, self.chunk = self.chunk, []
        values = [wv.value for wv in chunk]
        if self.workers == 0:
            yield from self._output(chunk, self.task(values))
            return
        budget = sum(self.time_limit.of(v) for v in values)
        pool = POOLS.get(self.workers)
        try:
            _, future = pool.submit(self.task, values, budget)
        except BrokenProcessPool:
            POOLS.replace_broken(self.workers, pool)
            pool = POOLS.get(self.workers)
            _, future = pool.submit(self.task, values, budget)
        self.pending.append((pool, future, chunk))

    def _emit(self, item: tuple[GuardedPool, Future[list[Any]], list[Any]]) -> Iterator[Any]:
        pool, future, chunk = item
        try:
            results = pool.result(future)
        except BrokenProcessPool:
            POOLS.replace_broken(self.workers, pool)
            results = [self._run_alone(wv.value) for wv in chunk]
        yield from self._output(chunk, results)

    def _run_alone(self, value: Any) -> Any:
        """The task's result for `value` run alone in the quarantine, or its ArticleError."""
        if self.quarantine is None:
            self.quarantine = self.held.enter_context(POOLS.quarantine())
        self.rerun_alone.inc()
        try:
            return self.quarantine.run_alone(
                self.task, value, self.time_limit.of(value), self._preload
            )
        except WorkerCrashed as exc:
            return ArticleError(WORKER_CRASHED, str(exc))
        except TimeLimitExceeded as exc:
            return ArticleError(TIME_LIMIT_EXCEEDED, str(exc))

    def _output(self, chunk: list[Any], results: list[Any]) -> Iterator[Any]:
        for wv, result in zip(chunk, results, strict=True):
            if isinstance(result, ArticleError):
                letter = make_dead_letter(self.step, result, wv.value, self.now)
                Metrics.counter(self.step, result.code).inc()
                yield beam.pvalue.TaggedOutput(DEAD_LETTER, wv.with_value(letter))
            elif result is not None:
                self.ok.inc()
                self.count(result)
                yield wv.with_value(result)

    def count(self, result: Any) -> None:
        """Step-specific counters for a successful result (override)."""
