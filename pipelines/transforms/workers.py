"""CPU workers: run a step's pure core function in worker processes, per chunk of elements.

Prism runs all of a job's Python in one SDK process (one environment, one worker; with
`LOOPBACK` that is the `newswire run` process itself), so the GIL caps a streaming job at one
core however many the machine has, and cleaning and enrichment are most of its CPU. A
`ChunkedApply` DoFn gathers elements into chunks and hands each chunk to a process pool, so
those steps use every core while the SDK process does the rest.

    ChunkedApply(step, task, workers=N, chunk_size=8, warm=(load_models,))

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
is made for the following ones. `warm` callables run in each worker as it starts (see
transforms.pools): steps that share the pool pass the same ones, so a worker loads the
enrichment models while it is still cleaning, not when the first article reaches it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.core.chunks import Failure
from pipelines.core.errors import ArticleError
from pipelines.transforms.common import DEAD_LETTER, Clock, make_dead_letter, utc_now
from pipelines.transforms.pools import POOLS

Task = Callable[[list[Any]], list[Any]]


class ChunkedApply(beam.DoFn):
    def __init__(
        self,
        step: str,
        task: Task,
        workers: int = 0,
        chunk_size: int = 8,
        now: Clock = utc_now,
        warm: Sequence[Callable[[], None]] = (),
    ) -> None:
        self.step = step
        self.task = task
        self.workers = workers
        self.chunk_size = max(chunk_size, 1)
        self.now = now
        self.warm = tuple(warm)
        self.ok = Metrics.counter(step, "ok")
        self.inline_after_crash = Metrics.counter(step, "worker_crashed_chunk_run_inline")

    def setup(self) -> None:
        if self.workers > 0:
            POOLS.acquire(self.workers, self.warm)

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
