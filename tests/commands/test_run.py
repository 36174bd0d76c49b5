"""`newswire run`: its settings, the group offsets at start, its metrics and readiness."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.ports import free_ports


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "cpus"),  # Prism: one SDK process for the whole job
        (["--runner", "direct"], "cpus"),
        (["--cpu-workers", "1"], 1),
        (["--runner", "flink"], 1),  # parallelizes by itself; one worker isolates the pages
        (["--runner", "dataflow"], 1),
    ],
)
def test_cpu_workers_default_to_one_per_cpu_for_one_process_runners_else_one(
    argv: list[str], expected: object
) -> None:
    from pipelines.cli import parse
    from pipelines.commands.run import stream_cpu_workers

    args = parse(["run", "--topic", "t", "--output", "o", *argv])
    want = len(os.sched_getaffinity(0)) if expected == "cpus" else expected
    assert stream_cpu_workers(args) == want


@pytest.mark.integration
def test_start_brings_the_group_offsets_to_what_the_tables_hold(
    stack: object, kafka_topic: str, s3_uri: str, tmp_path: object
) -> None:
    """A crash between a table commit and the group commit leaves the group behind (lag
    monitoring would show records as unread forever): the next start catches it up."""
    import dataclasses
    import uuid
    from pathlib import Path

    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    from pipelines.commands.run import held_state
    from pipelines.config import CatalogConfig, Config
    from pipelines.core.offsets import StreamState
    from pipelines.io.tables import Tables

    assert isinstance(stack, Config) and isinstance(tmp_path, Path)
    config = dataclasses.replace(stack, catalog=CatalogConfig(uri=f"sqlite:///{tmp_path}/c.db"))
    producer = KafkaProducer(**config.kafka.client_kwargs())
    for i in range(10):
        producer.send(kafka_topic, value=b"x", partition=i % 2)
    producer.flush()
    producer.close()
    group = f"g-{uuid.uuid4().hex[:8]}"
    tables = Tables(s3_uri, config.catalog, config.s3)
    state = StreamState(kafka_topic).advanced("job-1", [(0, 0, 5), (1, 0, 5)])
    tables.commit({}, stream=(group, state, ""), commit_id="job-1")  # no group commit after
    tables.close()

    assert held_state(config, s3_uri, kafka_topic, group).coverage == state.coverage
    consumer = KafkaConsumer(**config.kafka.client_kwargs(), group_id=group)
    try:
        committed = {p: consumer.committed(TopicPartition(kafka_topic, p)) for p in (0, 1)}
    finally:
        consumer.close(autocommit=False)
    assert committed == {0: 5, 1: 5}


# --- metrics, /healthz and /ready of a streaming run -----------------------------------------


def _get(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=20) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError as error:
        return 0, str(error)


def _scrape(port: int) -> dict[str, float]:
    """`name{label=value,...}` -> value, from /metrics."""
    from prometheus_client.parser import text_string_to_metric_families

    status, body = _get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200, body
    values = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}"] = sample.value
    return values


def _until(what: str, check: Any, timeout: float, log: Any) -> Any:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(
        f"{what} within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}"
    )


@pytest.mark.integration
def test_metrics_move_lag_falls_to_0_and_ready_follows_the_object_store(
    stack: object, kafka_topic: str, tmp_path: object
) -> None:
    """A streaming run with --metrics-port, writing to a SeaweedFS of its own (the shared one
    serves other tests): the counters move, the lag falls to 0; /ready fails while that
    SeaweedFS is stopped and recovers when it is back."""
    import signal
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from pipelines.config import Config
    from pipelines.io import stack as local_stack
    from tests.test_streaming import _generated, _malformed, _producer, _send

    assert isinstance(stack, Config) and isinstance(tmp_path, Path)
    s3_port, master, volume, filer, metrics_port = free_ports(5, grpc=True)
    env = {
        **os.environ,
        "NEWSWIRE_STACK_DIR": str(tmp_path / "stack"),
        "NEWSWIRE_S3_PORT": str(s3_port),
        "NEWSWIRE_WEED_MASTER_PORT": str(master),
        "NEWSWIRE_WEED_VOLUME_PORT": str(volume),
        "NEWSWIRE_WEED_FILER_PORT": str(filer),
        "NEWSWIRE_CATALOG_URI": f"sqlite:///{tmp_path / 'catalog.db'}",
    }
    env.pop("NEWSWIRE_S3_ENDPOINT", None)
    private = Config.from_env(env)
    local_stack.up(private, services=("seaweedfs",))
    log = tmp_path / "job.log"
    cmd = [
        sys.executable, "-m", "pipelines.cli", "run", "--topic", kafka_topic,
        "--output", f"s3://{private.s3.bucket}/metrics", "--group", f"g-{uuid.uuid4().hex[:8]}",
        "--window", "5s", "--idle-after", "2s", "--status-every", "5s", "--dlq-topic", "none",
        "--cpu-workers", "1", "--metrics-port", str(metrics_port),
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{metrics_port}"
    try:
        _until("/healthz", lambda: _get(f"{base}/healthz")[0] == 200, 120, log)
        _until("a status line", lambda: b"[status]" in log.read_bytes(), 180, log)
        before = _scrape(metrics_port)
        assert before["newswire_records_read_total{}"] == 0
        raws = _generated(20, seed=41)
        producer = _producer(stack)
        sent = _send(producer, kafka_topic, raws)
        for key, value in _malformed(3)[:2]:  # junk and an unknown schema: decode dead letters
            producer.send(kafka_topic, key=key, value=value).get(30)
        producer.close()

        def settled() -> dict[str, float] | None:
            now = _scrape(metrics_port)
            lags = [v for k, v in now.items() if k.startswith("newswire_consumer_lag{")]
            done = len(lags) == 4 and sum(lags) == 0 and now["newswire_commits_total{}"] >= 1
            return now if done and now["newswire_records_read_total{}"] >= len(sent) + 2 else None

        after = _until("lag 0 with the records read and committed", settled, 300, log)
        assert after["newswire_articles_written_total{}"] > 0
        assert after["newswire_commit_latency_seconds_count{}"] >= 1
        assert after["newswire_last_commit_timestamp_seconds{}"] > 0
        dead = sum(v for k, v in after.items() if k.startswith("newswire_dead_letters_total{"))
        assert dead == 2, {k: v for k, v in after.items() if "dead" in k}
        assert "newswire_duplicates_total{kind=exact}" in after
        assert "newswire_cpu_worker_restarts_total{}" in after
        assert _until("ready", lambda: _get(f"{base}/ready")[0] == 200, 60, log)

        local_stack.down(private, services=("seaweedfs",))
        _until(
            "unready while SeaweedFS is stopped",
            lambda: (lambda a: a[0] == 503 and "not reachable" in a[1])(_get(f"{base}/ready")),
            60,
            log,
        )
        local_stack.up(private, services=("seaweedfs",))
        _until("ready again", lambda: _get(f"{base}/ready")[0] == 200, 120, log)

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log.read_text(errors="replace")[-3000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        local_stack.down(private, services=("seaweedfs",))
