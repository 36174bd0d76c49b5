"""Prometheus metrics, `/healthz` and `/ready` for the streaming job (`newswire run
--metrics-port N`).

Where the numbers come from: the job's Beam metrics, read live from the runner's job service
(`GetJobMetrics`; Prism answers while the job runs, with the counters of every finished
bundle), the consumer group's lag from Kafka, and CPU-worker restarts from this process's
pools (with Prism's LOOPBACK environment the job's Python runs in this process). On Flink the
same Beam counters are Flink metrics: Flink's own Prometheus reporter publishes them
(deploy/flink), this server is not needed there.

Counters are reported as the highest value seen, so a scrape never sees one go backwards
while a runner moves values from "attempted" to "committed".
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

PREFIX = "newswire"
# (Beam namespace, counter) -> (metric, help); summed over the steps that count it.
COUNTERS = {
    ("kafka_stream", "messages_read"): ("records_read", "Kafka records read"),
    ("write", "articles/data_rows"): ("articles_written", "rows written to the articles table"),
    ("commit", "commits"): ("commits", "commits of the tables (one per window with data)"),
    ("commit", "records_committed"): ("records_committed", "Kafka records committed"),
}
DUPLICATE_KINDS = ("exact", "near", "near_across_windows", "already_ingested")


@dataclass
class Snapshot:
    """What the job's Beam metrics say now."""

    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    commit_ms_sum: int = 0
    commit_ms_count: int = 0
    last_commit_unix: float | None = None


def _best(result: Any) -> Any:
    committed, attempted = result.committed, result.attempted
    if committed is None:
        return attempted
    if attempted is None:
        return committed
    return committed if _size(committed) >= _size(attempted) else attempted


def _size(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    return float(getattr(value, "count", None) or getattr(value, "value", None) or 0)


def snapshot(results: dict[str, Iterable[Any]]) -> Snapshot:
    """A Snapshot from Beam's `metrics().query()` shape ({"counters", "distributions",
    "gauges"}: MetricResult lists)."""
    snap = Snapshot()
    for counter in results.get("counters", []):
        key = (counter.key.metric.namespace, counter.key.metric.name)
        snap.counters[key] = snap.counters.get(key, 0) + int(_best(counter) or 0)
    for dist in results.get("distributions", []):
        name = (dist.key.metric.namespace, dist.key.metric.name)
        value = _best(dist)
        if name == ("commit", "commit_ms") and value is not None:
            snap.commit_ms_sum += int(value.sum or 0)
            snap.commit_ms_count += int(value.count or 0)
    for gauge in results.get("gauges", []):
        name = (gauge.key.metric.namespace, gauge.key.metric.name)
        value = _best(gauge)
        if name == ("commit", "last_commit_unix_ms") and value is not None and value.value:
            at = value.value / 1000
            snap.last_commit_unix = max(snap.last_commit_unix or 0.0, at)
    return snap


def job_metrics(result: Any) -> dict[str, Iterable[Any]]:
    """The running job's Beam metrics. Portable runners (Prism, Flink's job server) are asked
    afresh each time; `result.metrics()` caches its first answer there."""
    service = getattr(result, "_job_service", None)
    if service is None:
        return dict(result.metrics().query())
    from apache_beam.portability.api import beam_job_api_pb2
    from apache_beam.runners.portability.portable_runner import PortableMetrics

    request = beam_job_api_pb2.GetJobMetricsRequest(job_id=result._job_id)
    return dict(PortableMetrics(service.GetJobMetrics(request)).query())


class JobCollector:
    """A prometheus_client collector over the job's snapshot, lag and worker restarts."""

    def __init__(
        self,
        read: Callable[[], Snapshot],
        lag: Callable[[], dict[int, int]],
        restarts: Callable[[], int],
        topic: str,
    ) -> None:
        self.read, self.lag, self.restarts, self.topic = read, lag, restarts, topic
        self._lock = threading.Lock()
        self._high: dict[tuple[str, ...], float] = {}
        self.last_commit_unix: float | None = None

    def _mono(self, key: tuple[str, ...], value: float) -> float:
        with self._lock:
            best = max(self._high.get(key, 0.0), float(value))
            self._high[key] = best
            return best

    def latest(self) -> Snapshot:
        snap = self.read()
        if snap.last_commit_unix is not None:
            self.last_commit_unix = max(self.last_commit_unix or 0.0, snap.last_commit_unix)
        return snap

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import (
            CounterMetricFamily,
            GaugeMetricFamily,
            SummaryMetricFamily,
        )

        try:
            snap = self.latest()
        except Exception:  # the job service is gone (job ending): report what is left
            snap = Snapshot()
        c = snap.counters
        for key, (name, text) in COUNTERS.items():
            family = CounterMetricFamily(f"{PREFIX}_{name}", text)
            family.add_metric([], self._mono((name,), c.get(key, 0)))
            yield family
        dups = CounterMetricFamily(
            f"{PREFIX}_duplicates", "records recognised as duplicates, by kind", labels=["kind"]
        )
        for kind in DUPLICATE_KINDS:
            dups.add_metric([kind], self._mono(("dup", kind), c.get(("dedup", kind), 0)))
        yield dups
        dead = CounterMetricFamily(
            f"{PREFIX}_dead_letters", "records sent to dead_letter", labels=["step", "code"]
        )
        for (namespace, name), value in sorted(c.items()):
            if namespace == "dead_letter" and ":" in name:
                step, code = name.split(":", 1)
                dead.add_metric([step, code], self._mono(("dead", step, code), value))
        yield dead
        latency = SummaryMetricFamily(
            f"{PREFIX}_commit_latency_seconds", "time of a commit of the tables"
        )
        count = int(self._mono(("commit_count",), snap.commit_ms_count))
        latency.add_metric([], count, self._mono(("commit_sum",), snap.commit_ms_sum / 1000))
        yield latency
        last = GaugeMetricFamily(
            f"{PREFIX}_last_commit_timestamp_seconds", "Unix time of the last successful commit"
        )
        if self.last_commit_unix is not None:
            last.add_metric([], self.last_commit_unix)
        yield last
        restarts = CounterMetricFamily(
            f"{PREFIX}_cpu_worker_restarts", "CPU worker pools replaced after a worker died"
        )
        restarts.add_metric([], self._mono(("restarts",), self.restarts()))
        yield restarts
        lag = GaugeMetricFamily(
            f"{PREFIX}_consumer_lag",
            "records of the topic not yet committed by the consumer group",
            labels=["topic", "partition"],
        )
        try:
            for partition, value in sorted(self.lag().items()):
                lag.add_metric([self.topic, str(partition)], value)
        except Exception:  # broker unreachable: no lag samples (and /ready says why)
            pass
        yield lag


class Readiness:
    """`/ready`: the broker and the store answer, and the job committed recently, or has
    nothing waiting (no lag). Probe answers are kept `cache_s` seconds."""

    def __init__(
        self,
        probes: list[Callable[[], None]],
        collector: JobCollector,
        max_commit_age_s: float,
        cache_s: float = 3.0,
    ) -> None:
        self.probes, self.collector = probes, collector
        self.max_commit_age_s, self.cache_s = max_commit_age_s, cache_s
        self.started = time.time()
        self._lock = threading.Lock()
        self._cached: tuple[float, list[str]] | None = None

    def problems(self) -> list[str]:
        with self._lock:
            now = time.monotonic()
            if self._cached is not None and now - self._cached[0] < self.cache_s:
                return self._cached[1]
            found = self._check()
            self._cached = (now, found)
            return found

    def _check(self) -> list[str]:
        found: list[str] = []
        for probe in self.probes:
            try:
                probe()
            except Exception as exc:
                found.append(str(exc))
        with_data = self.collector.latest().last_commit_unix
        last = max(self.started, with_data or 0.0)
        age = time.time() - last
        if age > self.max_commit_age_s:
            try:
                waiting = sum(self.collector.lag().values())
            except Exception:
                waiting = -1
            if waiting != 0:
                found.append(f"no commit for {age:.0f} s (limit {self.max_commit_age_s:.0f} s)")
        return found


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None  # scrapes every few seconds must not flood the job's log


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


def serve(
    host: str, port: int, collector: JobCollector, readiness: Readiness
) -> Callable[[], None]:
    """Serve /metrics, /healthz and /ready on host:port in a daemon thread; returns stop()."""
    from prometheus_client import CollectorRegistry, ProcessCollector, make_wsgi_app

    registry = CollectorRegistry()
    registry.register(collector)
    ProcessCollector(registry=registry)
    metrics = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        if path == "/ready":
            problems = readiness.problems()
            status = "503 Service Unavailable" if problems else "200 OK"
            start_response(status, [("Content-Type", "text/plain")])
            return [("\n".join(problems) or "ready").encode() + b"\n"]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"/metrics, /healthz, /ready\n"]

    server = make_server(host, port, app, server_class=_ThreadingServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="newswire-metrics", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop
