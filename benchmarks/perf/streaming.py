"""Measure 4: the streaming job (`newswire run` on Prism) with full enrichment, on the local stack.

One job on a fresh topic (4 partitions) and output prefix, started as a child process in its
own session (so Prism is stopped with it), short windows (`Size.stream_window_s`):

0. warm-up: 20 articles, until committed (the CPU workers load their models meanwhile).
1. capacity through a backlog: `stream_backlog` articles are sent at once; capacity =
   backlog / time until the consumer group's committed offsets reach the end (offsets are
   committed only after the output holding them is durable, so this is "written", not
   "read"). It includes the wait for the last window to close and the commit: a fixed cost
   that a backlog of a few hundred articles makes a large part of its drain (the job idles
   while a window's cleaned articles wait for its end), hence a backlog of ~30 s of work.
2. a steady stream at the target, 50 articles/s, for `stream_seconds`: consumer lag is
   sampled every second, and each article's end-to-end latency is the time from its send to
   the first S3 listing (polled every second) showing a file that holds it. Sustained means
   lag stays bounded (`lag_bounded`) and the job catches up after the last send.

Each send is the next item of a corpus generated for this measure (`Size.stream_items`): the
bench never sends an item twice (a repeat would be an exact duplicate, which skips
enrichment); the copies the generator makes on purpose stay, as in a real feed.

Then SIGTERM drains the job. Reported: capacity (vs the >= 50 articles/s target), whether
lag stayed bounded at the offered rate, latency p50/p99, peak RSS of the job's process tree.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.perf.common import (
    PYTHON,
    Row,
    Size,
    Target,
    TreeMemory,
    child_env,
    create_topic,
    delete_prefix,
    delete_topics,
    finish_row,
    log,
    percentile,
    s3_uri,
)

TARGET_RATE = 50.0


def lag_bounded(samples: Sequence[tuple[float, int]], rate: float, window_s: float) -> bool:
    """Whether lag stayed bounded over the steady phase: (seconds, lag) samples in order.

    Bounded: the highest lag of the last third is no more than the highest of the first two
    thirds plus what one window at `rate` adds (windows make lag a saw-tooth, so single
    samples are not compared). Fewer than 3 samples cannot show a trend: bounded.
    """
    if len(samples) < 3:
        return True
    cut = (2 * len(samples)) // 3
    early = max(lag for _, lag in samples[:cut])
    late = max(lag for _, lag in samples[cut:])
    return late <= early + rate * window_s


class _Watcher:
    """Polls the consumer group's lag and the article ids the articles table has committed,
    each once a second."""

    def __init__(self, config: Any, topic: str, group: str, output: str) -> None:
        from pipelines.io.objectstore import open_store

        self.config, self.topic, self.group = config, topic, group
        self.output = output
        self.store = open_store(output, config.s3)
        self.first_seen: dict[str, float] = {}
        self.lags: list[tuple[float, int]] = []
        self._files: set[str] = set()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._poll_lag, daemon=True),
            threading.Thread(target=self._poll_files, daemon=True),
        ]

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            if t.ident is not None:  # started (the job may have failed before that)
                t.join(timeout=10)
        self.store.close()

    def lag(self) -> int | None:
        return self.lags[-1][1] if self.lags else None

    def _poll_lag(self) -> None:
        from kafka import KafkaConsumer
        from kafka.errors import KafkaError

        from pipelines.io.kafka_stream import group_lag

        consumer = KafkaConsumer(
            **self.config.kafka.client_kwargs(), group_id=self.group, enable_auto_commit=False
        )
        try:
            while not self._stop.is_set():
                try:
                    lag = sum(group_lag(consumer, self.topic).values())
                    self.lags.append((time.monotonic(), lag))
                except KafkaError:
                    pass
                self._stop.wait(1.0)
        finally:
            consumer.close(autocommit=False)

    def _poll_files(self) -> None:
        import pyarrow.parquet as pq

        from pipelines.io.tables import Tables

        tables: Tables | None = None
        root = self.output.rstrip("/") + "/"
        while not self._stop.is_set():
            try:
                if tables is None:
                    tables = Tables(self.output, self.config.catalog, self.config.s3)
                keys = [p.removeprefix(root) for p in tables.data_files("articles")]
                now = time.monotonic()
                for key in keys:
                    if key in self._files:
                        continue
                    table = pq.read_table(io.BytesIO(self.store.get(key)), columns=["article_id"])
                    for article_id in table.column("article_id").to_pylist():
                        self.first_seen.setdefault(article_id, now)
                    self._files.add(key)
            except Exception as exc:  # a listing racing a put; the next poll retries
                log(f"stream watcher: {type(exc).__name__}: {exc}")
            self._stop.wait(1.0)
        if tables is not None:
            tables.close()


def _wait(predicate: Any, timeout_s: float, proc: subprocess.Popen[bytes], what: str) -> float:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        if proc.poll() is not None:
            raise RuntimeError(f"streaming job exited ({proc.returncode}) while waiting: {what}")
        time.sleep(0.25)
    raise TimeoutError(f"{what}: not within {timeout_s:.0f}s")


def run(size: Size, config: Any, raws: list[Any], work: Path) -> list[Row]:
    from pipelines.io.kafka_producer import ArticleProducer

    topic = create_topic(config, prefix="bench-stream")
    group = f"bench-{uuid.uuid4().hex[:8]}"
    output = s3_uri(config, work.name, "stream")
    window = size.stream_window_s
    job_log = work / "stream.log"
    cmd = [
        PYTHON, "-m", "pipelines.cli", "run", "--topic", topic, "--output", output,
        "--group", group, "--window", f"{window:g}s", "--idle-after", "2s",
        "--status-every", "5s", "--dlq-topic", "none",
    ]  # fmt: skip
    log(f"streaming: newswire run on {topic}, window {window:g}s")
    watcher = _Watcher(config, topic, group, output)
    proc = subprocess.Popen(
        cmd, stdout=job_log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env=child_env(work / "tmp"), start_new_session=True,
    )  # fmt: skip
    memory = TreeMemory(proc.pid, interval_s=0.5)
    sent: dict[str, float] = {}
    try:
        memory.__enter__()
        _wait(lambda: "[status]" in job_log.read_text(errors="replace"), 180, proc, "job start")
        watcher.start()
        producer = ArticleProducer(config.kafka, topic=topic)
        producer.setup()
        pool = iter(raws)

        # 0. warm-up: the first articles load the models in the CPU workers; "sustained"
        # capacity is measured after that, as a long-running job sees it.
        warm_up = [next(pool) for _ in range(20)]
        warm_start = time.monotonic()
        for raw in warm_up:
            producer.send(raw)
        producer.flush()
        _wait(
            lambda: watcher.lag() == 0 and watcher.lags[-1][0] > warm_start + 1.0,
            180.0, proc, "warm-up committed",
        )  # fmt: skip

        # 1. capacity: a backlog sent at once.
        backlog = [next(pool) for _ in range(size.stream_backlog)]
        memory.sample()
        cpu_before = memory.cpu_by_name()
        started = time.monotonic()
        for raw in backlog:
            sent[raw.article_id] = time.monotonic()
            producer.send(raw)
        producer.flush()
        log(f"streaming: backlog of {len(backlog)} sent; waiting for the commits")
        drained = _wait(
            lambda: watcher.lag() == 0 and watcher.lags[-1][0] > started + 1.0,
            max(180.0, len(backlog) / 2.0), proc, "backlog committed",
        )  # fmt: skip
        capacity = len(backlog) / (drained - started)
        memory.sample()
        backlog_cpu = {
            name: round(seconds - cpu_before.get(name, 0.0), 2)
            for name, seconds in memory.cpu_by_name().items()
        }

        # 2. a steady stream at the target rate.
        offered = TARGET_RATE
        remaining = list(pool)
        count = int(offered * size.stream_seconds)
        if len(remaining) < count:
            raise RuntimeError(f"{len(remaining)} articles left for a steady phase of {count}")
        log(f"streaming: capacity {capacity:.1f}/s; offering {offered:.1f}/s for {count} articles")
        steady_ids = []
        phase_start = time.monotonic()
        for i, raw in enumerate(remaining[:count]):
            due = phase_start + i / offered
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            sent[raw.article_id] = time.monotonic()
            steady_ids.append(raw.article_id)
            producer.send(raw)
        producer.flush()
        phase_end = time.monotonic()
        drain_timeout = 60.0 + 3 * window + count / max(offered, 1.0)
        try:
            caught_up = _wait(
                lambda: watcher.lag() == 0 and watcher.lags[-1][0] > phase_end + 1.0,
                drain_timeout, proc, "steady phase committed",
            )  # fmt: skip
        except TimeoutError:
            caught_up = None
        time.sleep(2.0)  # one more listing, for files put just before the last commit
        producer.close()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        memory.__exit__()
        watcher.stop()
        delete_topics(config, [topic])
        delete_prefix(config, output)

    steady_lags = [(t, lag) for t, lag in watcher.lags if phase_start <= t <= phase_end]
    bounded = caught_up is not None and lag_bounded(steady_lags, offered, window)
    latencies = [watcher.first_seen[a] - sent[a] for a in steady_ids if a in watcher.first_seen]
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    max_lag = max((lag for _, lag in steady_lags), default=0)
    common = {
        "window_s": window,
        "backlog": len(backlog),
        "offered_per_s": round(offered, 2),
        "steady_articles": count,
        "written_of_steady": len(latencies),
        "max_lag": max_lag,
        "caught_up_after_s": round(caught_up - phase_end, 1) if caught_up else None,
        "peak_rss_mb": round(memory.peak_bytes / 1e6, 1),
        "cpu_seconds_by_process": memory.cpu_by_name(),
        "backlog_cpu_seconds_by_process": backlog_cpu,
        "backlog_seconds": round(drained - started, 1),
    }
    return [
        finish_row(
            Row(
                measure="4 stream",
                what="sustained capacity, full enrichment",
                unit="articles/s",
                ours=capacity,
                ours_label="newswire run (Prism)",
                baseline_label="",
                target=Target(">=", TARGET_RATE, on="value"),
                note=(
                    f"backlog of {len(backlog)} drained in {drained - started:.0f}s, incl. the "
                    f"wait for its last {window:g}s window and the commit"
                ),
                detail=common,
            )
        ),
        finish_row(
            Row(
                measure="4 stream",
                what=f"steady stream at {offered:g} articles/s: lag bounded",
                unit="max lag",
                ours=float(max_lag),
                ours_label="yes" if bounded else "no",
                requirement="bounded",
                met=bounded,
                note=(
                    f"{count} articles over {phase_end - phase_start:.0f}s; caught up "
                    + (
                        f"{caught_up - phase_end:.0f}s after the last send"
                        if caught_up
                        else "never"
                    )
                ),
                detail={"lags": [(round(t - phase_start, 1), lag) for t, lag in steady_lags]},
            )
        ),
        *(
            Row(
                measure="4 stream",
                what=f"end-to-end latency {name}",
                unit="s",
                ours=value,
                ours_label=name,
                note=(
                    f"send -> readable in S3 (polled every 1 s), {len(latencies)} of {count} "
                    f"articles; {window:g}s windows"
                ),
            )
            for name, value in (("p50", p50), ("p99", p99))
        ),
    ]
