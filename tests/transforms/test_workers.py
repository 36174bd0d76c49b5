"""ChunkedApply: the same results, windows and dead letters inline and in worker processes; a
page that kills its worker or runs past its time limit is a dead letter, and the job goes on."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms import window

from pipelines.core.chunks import per_element
from pipelines.core.errors import DEAD_LETTER, ArticleError
from pipelines.transforms.workers import ChunkedApply
from tests.transforms.poison_tasks import Item, Poisoned

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


def _run_in_child(task: Poisoned, limit_s: float | None, out_file: str) -> None:
    """Run 12 items (chunks of 3) through ChunkedApply with 2 workers in this (child) process
    and write what came out, as JSON, to `out_file`."""
    kwargs: dict[str, Any] = {}
    if limit_s is not None:
        from pipelines.core.chunks import TimeLimit

        kwargs["time_limit"] = TimeLimit(base_s=limit_s, per_mb_s=0.0)
    folder = Path(out_file).parent
    p = TestPipeline()
    out = (
        p
        | beam.Create(range(12), reshuffle=False)
        | beam.Map(Item)
        | beam.ParDo(
            ChunkedApply("square", task, workers=2, chunk_size=3, now=lambda: FAILED_AT, **kwargs)
        ).with_outputs(DEAD_LETTER, main="out")
    )
    _ = out.out | "SaveOut" >> beam.Map(_append, str(folder / "out.jsonl"))
    _ = (
        out[DEAD_LETTER]
        | beam.Map(lambda d: (d.source, d.step, d.error_code))
        | "SaveDead" >> beam.Map(_append, str(folder / "dead.jsonl"))
    )
    result = p.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_namespace("square"))["counters"]
    totals = {c.key.metric.name: c.committed for c in counters}
    Path(out_file).write_text(json.dumps({"pid": os.getpid(), "counters": totals}))


def _append(value: object, path: str) -> None:
    with open(path, "a") as f:
        f.write(json.dumps(value) + "\n")


def _run_isolated(
    folder: Path, task: Poisoned, limit_s: float | None = None, while_running: Any = None
) -> tuple[set[tuple[int, bool]], list[tuple[str, str, str]], dict[str, int]]:
    """Run the job in a child process, so a job that dies or hangs fails the test rather than
    taking pytest with it. Returns ({(n, ran in a worker process)}, dead letters, counters)."""
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_run_in_child, args=(task, limit_s, str(folder / "result.json")))
    child.start()
    try:
        if while_running is not None:
            while_running()
        child.join(90)
        assert not child.is_alive(), "the job hung"
    finally:
        if child.is_alive():
            child.kill()
            child.join()
    assert child.exitcode == 0, f"the job's process died (exit code {child.exitcode})"
    result = json.loads((folder / "result.json").read_text())

    def lines(name: str) -> list[Any]:
        path = folder / name
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    out = {(n, pid != result["pid"]) for n, pid in lines("out.jsonl")}
    dead = [tuple(d) for d in lines("dead.jsonl")]
    return out, dead, result["counters"]


@pytest.mark.parametrize("how", ["exit", "sigkill"])
def test_a_page_that_kills_its_worker_is_a_dead_letter_and_the_job_goes_on(
    tmp_path: Path, how: str
) -> None:
    out, dead, counters = _run_isolated(tmp_path, Poisoned(marked=4, how=how))
    # Every other item, of the culprit's chunk (3, 5) and of later chunks, ran in a worker.
    assert out == {(n, True) for n in range(12) if n != 4}
    assert dead == [("test/4", "square", "worker_crashed")]
    assert counters["ok"] == 11
    assert counters["worker_crashed"] == 1


def test_a_page_past_its_time_limit_is_a_dead_letter_and_the_job_goes_on(tmp_path: Path) -> None:
    started = time.monotonic()
    out, dead, counters = _run_isolated(tmp_path, Poisoned(marked=4, how="spin"), limit_s=0.5)
    assert out == {(n, True) for n in range(12) if n != 4}
    assert dead == [("test/4", "square", "time_limit_exceeded")]
    assert counters["ok"] == 11
    assert counters["time_limit_exceeded"] == 1
    assert time.monotonic() - started < 60


def test_a_worker_killed_from_outside_loses_nothing_and_blames_no_page(tmp_path: Path) -> None:
    # As when the OOM killer picks a worker: the chunk's pages run again, one by one, and
    # none of them is to blame.
    def kill_the_worker() -> None:
        pid_file = tmp_path / "pid"
        deadline = time.monotonic() + 60
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(int(pid_file.read_text()), signal.SIGKILL)

    out, dead, counters = _run_isolated(
        tmp_path, Poisoned(marked=4, how="wait_for_kill", folder=str(tmp_path)),
        while_running=kill_the_worker,
    )  # fmt: skip
    assert out == {(n, True) for n in range(12)}
    assert dead == []
    assert counters["ok"] == 12
    assert "worker_crashed" not in counters
