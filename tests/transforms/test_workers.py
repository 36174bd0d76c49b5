"""ChunkedApply: the same results, windows and dead letters inline and in worker processes."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms import window

from pipelines.core.chunks import per_element
from pipelines.core.errors import ArticleError
from pipelines.transforms.common import DEAD_LETTER
from pipelines.transforms.workers import ChunkedApply

FAILED_AT = datetime(2026, 1, 2, tzinfo=UTC)


class _Item:
    def __init__(self, n: int) -> None:
        self.n = n
        self.source = f"test/{n}"
        self.text = str(n)


def _square(item: _Item) -> int:
    if item.n % 5 == 0:
        raise ArticleError("multiple_of_five", f"{item.n}")
    if item.n == 7:
        raise ValueError("seven")
    return item.n * item.n


def _square_all(items: list[_Item]) -> list[object]:
    return per_element(_square, items)


def _pid_of_worker(items: list[_Item]) -> list[object]:
    return [os.getpid() for _ in items]


def _die_in_worker(items: list[_Item]) -> list[object]:
    # A worker process dying mid-chunk (as when the OS kills it); inline it succeeds.
    if multiprocessing.parent_process() is not None and any(i.n == 3 for i in items):
        os._exit(1)
    return [i.n for i in items]


def _run(task: object, workers: int, count: int = 12) -> tuple[object, ...]:
    p = TestPipeline()
    out = (
        p
        | beam.Create(range(count), reshuffle=False)
        | beam.Map(lambda n: window.TimestampedValue(_Item(n), n * 10))
        | beam.WindowInto(window.FixedWindows(30))
        | beam.ParDo(
            ChunkedApply("square", task, workers=workers, chunk_size=3, now=lambda: FAILED_AT)  # type: ignore[arg-type]
        ).with_outputs(DEAD_LETTER, main="out")
    )
    return p, out


def _check_square(workers: int) -> None:
    p, out = _run(_square_all, workers)
    # Each result keeps its element's window: (value, window start).
    assert_that(
        out.out | beam.ParDo(_WithWindow()),
        equal_to([(n * n, (n * 10 // 30) * 30) for n in (1, 2, 3, 4, 6, 8, 9, 11)]),
        label="CheckResults",
    )
    assert_that(
        out[DEAD_LETTER] | beam.Map(lambda d: (d.source, d.step, d.error_code, d.failed_at)),
        equal_to(
            [
                ("test/0", "square", "multiple_of_five", FAILED_AT),
                ("test/5", "square", "multiple_of_five", FAILED_AT),
                ("test/10", "square", "multiple_of_five", FAILED_AT),
                ("test/7", "square", "unexpected_error", FAILED_AT),
            ]
        ),
        label="CheckDeadLetters",
    )
    result = p.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_namespace("square"))["counters"]
    assert {c.key.metric.name: c.committed for c in counters} == {
        "ok": 8,
        "multiple_of_five": 3,
        "unexpected_error": 1,
    }


class _WithWindow(beam.DoFn):
    def process(self, value: int, w: object = beam.DoFn.WindowParam) -> object:
        yield value, int(w.start)  # type: ignore[attr-defined]


def test_inline_results_keep_windows_and_failures_become_dead_letters() -> None:
    _check_square(workers=0)


def test_worker_processes_give_the_same_results() -> None:
    _check_square(workers=2)


def test_worker_processes_do_the_work() -> None:
    p, out = _run(_pid_of_worker, workers=2)
    assert_that(
        out.out
        | "Rewindow" >> beam.WindowInto(window.GlobalWindows())
        | beam.Map(lambda pid: pid != os.getpid())
        | beam.Distinct(),
        equal_to([True]),
    )
    p.run().wait_until_finish()


def test_a_dead_worker_runs_its_chunk_inline_and_loses_nothing() -> None:
    p, out = _run(_die_in_worker, workers=2)
    assert_that(out.out, equal_to(list(range(12))))
    result = p.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_namespace("square"))["counters"]
    totals = {c.key.metric.name: c.committed for c in counters}
    assert totals["ok"] == 12
    assert totals["worker_crashed_chunk_run_inline"] >= 1
