"""The metrics server's numbers, /healthz and /ready, from Beam-shaped metric results."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from types import SimpleNamespace
from typing import Any

from pipelines.io import metrics


def _result(ns: str, name: str, committed: Any, attempted: Any = None) -> Any:
    key = SimpleNamespace(metric=SimpleNamespace(namespace=ns, name=name), step="s")
    return SimpleNamespace(key=key, committed=committed, attempted=attempted)


def _beam(read: int, near: int, commits: int, last_ms: int) -> dict[str, list[Any]]:
    dist = SimpleNamespace(sum=300 * commits, count=commits)
    return {
        "counters": [
            _result("kafka_stream", "messages_read", read, None),
            _result("write", "articles/data_rows", None, read - 2),  # only attempted so far
            _result("dedup", "near", near, 0),
            _result("dedup", "near", 1, 1),  # a second step counting the same
            _result("dead_letter", "decode:not_single_object", 2),
            _result("commit", "commits", commits),
        ],
        "distributions": [_result("commit", "commit_ms", dist)],
        "gauges": [_result("commit", "last_commit_unix_ms", SimpleNamespace(value=last_ms))],
    }


def _text(collector: metrics.JobCollector) -> str:
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry()
    registry.register(collector)
    return generate_latest(registry).decode()


def test_counters_lag_and_restarts_in_prometheus_form() -> None:
    beam = [_beam(10, 3, 2, 1_700_000_000_000)]
    collector = metrics.JobCollector(
        lambda: metrics.snapshot(beam[0]), lambda: {0: 5, 1: 0}, lambda: 1, "raw"
    )
    text = _text(collector)
    for line in (
        "newswire_records_read_total 10.0",
        "newswire_articles_written_total 8.0",
        'newswire_duplicates_total{kind="near"} 4.0',
        'newswire_duplicates_total{kind="exact"} 0.0',
        'newswire_dead_letters_total{code="not_single_object",step="decode"} 2.0',
        "newswire_commits_total 2.0",
        "newswire_commit_latency_seconds_count 2.0",
        "newswire_commit_latency_seconds_sum 0.6",
        "newswire_last_commit_timestamp_seconds 1.7e+09",
        "newswire_cpu_worker_restarts_total 1.0",
        'newswire_consumer_lag{partition="0",topic="raw"} 5.0',
        'newswire_consumer_lag{partition="1",topic="raw"} 0.0',
    ):
        assert line in text, (line, text)
    beam[0] = _beam(4, 3, 2, 1_700_000_000_000)  # a runner reporting less than before
    assert "newswire_records_read_total 10.0" in _text(collector)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_healthz_ready_and_metrics_over_http() -> None:
    store_up = [True]
    lag = {0: 3}

    def store() -> None:
        if not store_up[0]:
            raise RuntimeError("object store http://127.0.0.1:1 is not reachable")

    collector = metrics.JobCollector(metrics.Snapshot, lambda: lag, lambda: 0, "raw")
    readiness = metrics.Readiness([store], collector, max_commit_age_s=3600, cache_s=0)
    port = _free_port()
    stop = metrics.serve("127.0.0.1", port, collector, readiness)
    try:
        base = f"http://127.0.0.1:{port}"
        assert _get(f"{base}/healthz") == (200, "ok\n")
        assert _get(f"{base}/ready") == (200, "ready\n")
        status, body = _get(f"{base}/metrics")
        assert status == 200 and "newswire_consumer_lag" in body and "process_cpu" in body
        store_up[0] = False
        status, body = _get(f"{base}/ready")
        assert status == 503 and "not reachable" in body
        store_up[0] = True
        readiness.max_commit_age_s = 0  # records wait and nothing was committed
        status, body = _get(f"{base}/ready")
        assert status == 503 and "no commit for" in body
        lag[0] = 0  # nothing waits: idle is ready
        assert _get(f"{base}/ready")[0] == 200
    finally:
        stop()
