"""`newswire run`: the streaming deployment (Kafka -> Beam -> Parquet on S3).

    newswire run --topic raw-articles --output s3://newswire/news --runner prism --window 60s

Runners: `prism` (local, the binary built by deploy/local/prism.sh), `flink` (an embedded
Flink cluster through the Beam Flink job-server jar fetched by deploy/local/flink.sh, or
`--flink_master=host:port`), `dataflow` (pass Dataflow options through), `direct` (the same
as prism: Beam's DirectRunner hands streaming jobs to Prism). Options after `--` go to
Beam's PipelineOptions untouched (`newswire run ... -- --flink_master=host:8081`).

Prints a one-line status (consumer lag per partition, committed offsets) every
`--status-every` seconds. `--metrics-port N` serves Prometheus metrics on
http://127.0.0.1:N/metrics (`--metrics-host` to listen elsewhere), `/healthz` and `/ready`
(io.metrics; docs/operations.md lists them). SIGTERM or Ctrl-C drains: reading stops once
every partition is caught up, the open windows are written and their offsets committed, then
it exits.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import logging
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.commands import uri_arg
from pipelines.config import Config

if TYPE_CHECKING:
    from pipelines.core.offsets import StreamState
    from pipelines.streaming import StreamSettings

log = logging.getLogger("newswire.run")
TERMINAL = {"DONE", "FAILED", "CANCELLED", "UPDATED", "DRAINED"}


def parse_duration(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    for unit in sorted(units, key=len, reverse=True):
        if value.endswith(unit):
            return float(value[: -len(unit)]) * units[unit]
    return float(value)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "run",
        help="streaming: Kafka -> Beam -> Parquet",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--topic", help="input topic (default: NEWSWIRE_KAFKA_TOPIC or raw-articles)")
    p.add_argument(
        "--output", required=True, type=uri_arg, metavar="URI", help="s3://bucket/prefix or folder"
    )
    p.add_argument("--runner", choices=["prism", "flink", "direct", "dataflow"], default="prism")
    p.add_argument("--window", type=parse_duration, default=60.0, help="window size, e.g. 60s")
    p.add_argument("--group", help="consumer group (default: NEWSWIRE_KAFKA_GROUP or newswire)")
    p.add_argument(
        "--dlq-topic",
        help="dead-letter topic (default: NEWSWIRE_KAFKA_DLQ_TOPIC or raw-articles.dlq); "
        "'none' to disable",
    )
    p.add_argument("--near-duplicates", choices=["mark", "drop"], default="mark")
    p.add_argument("--idle-after", type=parse_duration, default=5.0)
    p.add_argument(
        "--stop-after-idle",
        type=parse_duration,
        help="exit once every partition was idle this long",
    )
    p.add_argument(
        "--cpu-workers",
        type=int,
        help="processes for cleaning and enrichment (default: one per CPU on prism/direct, "
        "whose SDK worker is a single process; 1 per SDK process on flink/dataflow; 0 runs "
        "them in the SDK process, where a page that crashes or hangs them stops the job)",
    )
    p.add_argument(
        "--kafka-source",
        choices=["python", "java"],
        default="python",
        help="python: kafka-python splittable DoFn (default, every runner); java: Beam's "
        "KafkaIO through --kafka-expansion-jar",
    )
    p.add_argument(
        "--kafka-expansion-jar",
        metavar="JAR",
        help="beam-sdks-java-io-expansion-service jar for --kafka-source java",
    )
    p.add_argument("--status-every", type=parse_duration, default=10.0)
    p.add_argument(
        "--metrics-port",
        type=int,
        metavar="N",
        help="serve Prometheus /metrics, /healthz and /ready on this port (default: off)",
    )
    p.add_argument(
        "--metrics-host",
        default="127.0.0.1",
        help="address the metrics port listens on (default: 127.0.0.1)",
    )
    p.add_argument(
        "--ready-max-commit-age",
        type=parse_duration,
        metavar="DURATION",
        help="/ready fails when records wait and nothing was committed for this long "
        "(default: 3 windows, at least 60s)",
    )
    p.add_argument("--timeout", type=parse_duration, help="drain and exit after this long")
    p.set_defaults(func=run, accepts_passthrough=True)


def runner_flags(args: argparse.Namespace, config: Config) -> list[str]:
    from pipelines.io import stack

    flags = ["--streaming"]
    if args.runner in ("prism", "direct"):
        prism = stack.prism_path(config)
        if not prism.exists():
            prism = stack.build_prism(config)
        flags += [
            "--runner=PrismRunner",
            f"--prism_location={prism}",
            "--environment_type=LOOPBACK",
            "--experiments=disable_prism_server_singleton",  # this job's own Prism server
        ]
    elif args.runner == "flink":
        flags += ["--runner=FlinkRunner", "--environment_type=LOOPBACK"]
        if not any(
            f.startswith(("--flink_master", "--flink_job_server_jar")) for f in args.passthrough
        ):
            jar = stack.flink_job_server_jar(config)
            flags += ["--flink_master=[local]", f"--flink_job_server_jar={jar}"]
    else:
        flags += ["--runner=DataflowRunner"]
    return flags + list(args.passthrough)


class _LagProbe:
    """The consumer group's lag, per partition, for the status line. One consumer for the
    job's life: making one per line cost more CPU than a status line is worth (a tenth of a
    core at one line every 5 s), on the machine that runs the job."""

    def __init__(self, config: Config, topic: str, group: str) -> None:
        self.config, self.topic, self.group = config, topic, group
        self.consumer: Any = None
        self.lock = threading.Lock()  # the status line and the metrics server share it

    def lags(self) -> dict[int, int]:
        """{partition: lag}; raises KafkaError (and reconnects next time) when it cannot."""
        from kafka import KafkaConsumer
        from kafka.errors import KafkaError

        from pipelines.io.kafka_stream import group_lag

        with self.lock:
            try:
                if self.consumer is None:
                    self.consumer = KafkaConsumer(
                        **self.config.kafka.client_kwargs(),
                        group_id=self.group,
                        enable_auto_commit=False,
                    )
                return group_lag(self.consumer, self.topic)
            except KafkaError:
                self._close()  # a fresh connection next time (a broker restart)
                raise

    def __call__(self) -> str:
        from kafka.errors import KafkaError

        try:
            lags = self.lags()
        except KafkaError as exc:
            return f"lag unknown ({exc})"
        detail = " ".join(f"p{p}={lag}" for p, lag in lags.items())
        return f"lag={sum(lags.values())} ({detail})"

    def close(self) -> None:
        with self.lock:
            self._close()

    def _close(self) -> None:
        if self.consumer is not None:
            consumer, self.consumer = self.consumer, None
            consumer.close(autocommit=False)


def stream_settings(
    args: argparse.Namespace,
    config: Config,
    stop_file: str | None,
    held: StreamState | None = None,
) -> StreamSettings:
    """The job's settings from `newswire run` arguments (also used by deploy/docker/submit.py)."""
    from pipelines.commands.settings import pipeline_settings
    from pipelines.streaming import StreamSettings

    topic = args.topic or config.kafka.topic
    dlq = args.dlq_topic or config.kafka.dlq_topic
    pipeline = pipeline_settings(
        config,
        args.output,
        near_duplicates=args.near_duplicates,
        cpu_workers=stream_cpu_workers(args),
    )
    return StreamSettings(
        pipeline=pipeline,
        kafka=dataclasses.replace(config.kafka, topic=topic),
        topic=topic,
        group_id=args.group or config.kafka.group_id,
        catalog=config.catalog,
        held=held,
        window_s=args.window,
        idle_after_s=args.idle_after,
        dlq_topic=None if dlq == "none" else dlq,
        stop_file=stop_file,
        stop_after_idle_s=args.stop_after_idle,
        kafka_source=args.kafka_source,
        kafka_expansion_jar=_expansion_jar(args, config),
    )


def _expansion_jar(args: argparse.Namespace, config: Config) -> str | None:
    if args.kafka_source != "java" or args.kafka_expansion_jar:
        return args.kafka_expansion_jar
    from pipelines.io import stack

    return str(stack.kafka_expansion_jar(config))


def stream_cpu_workers(args: argparse.Namespace) -> int:
    """--cpu-workers, or its default: Prism (and the DirectRunner) run one SDK process per job."""
    from pipelines.commands.settings import default_cpu_workers

    if args.cpu_workers is not None:
        return int(args.cpu_workers)
    return default_cpu_workers(args.runner in ("prism", "direct"))


def run(args: argparse.Namespace, config: Config) -> int:
    from pipelines.io.probes import preflight

    # The input topic must exist; the dead-letter topic may be created by the broker when
    # first written to (auto.create.topics.enable), as the job has always allowed.
    topics = [args.topic or config.kafka.topic]
    preflight(config, topics=topics, uris=[args.output], catalog_for=args.output)
    workers = stream_cpu_workers(args)
    if workers == 0:
        return _run(args, config)
    from pipelines.commands.settings import start_cpu_workers
    from pipelines.transforms.pools import POOLS

    start_cpu_workers(workers, config)  # before Beam's import: they load models meanwhile
    try:
        return _run(args, config)
    finally:
        POOLS.release(workers)


def held_state(config: Config, output: str, topic: str, group: str) -> StreamState:
    """What the output's tables hold of `topic` for `group`, after rolling forward a commit a
    crash interrupted; partitions whose offsets were reset (topic re-created: the log now
    ends below what the tables hold) are forgotten, so they are read from their start."""
    from kafka import KafkaConsumer, TopicPartition

    from pipelines.core.offsets import reset_partitions
    from pipelines.io.tables import Tables

    tables = Tables(output, config.catalog, config.s3)
    try:
        tables.recover()
        state = tables.stream_state(group, topic)
    finally:
        tables.close()
    if not state.coverage:
        return state
    from kafka.structs import OffsetAndMetadata

    consumer = KafkaConsumer(
        **config.kafka.client_kwargs(), group_id=group, enable_auto_commit=False
    )
    try:
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        ends = {tp.partition: end for tp, end in consumer.end_offsets(tps).items()}
        reset = reset_partitions(state.coverage, ends)
        for p in reset:
            log.warning(
                "offset reset detected on %s/%d: the log ends at %d, below offset %d already "
                "written (topic deleted and re-created?): reading it again from its start",
                topic,
                p,
                ends[p],
                state.coverage[p][-1][1],
            )
        state = state.without(reset)
        # The group's offsets are for lag monitoring only: bring them to what the tables hold
        # (a crash between a table commit and the group commit left them behind).
        frontier = {**dict.fromkeys(reset, 0), **state.frontier()}
        consumer.commit(
            {TopicPartition(topic, p): OffsetAndMetadata(o, "", -1) for p, o in frontier.items()}
        )
    finally:
        consumer.close(autocommit=False)
    return state


def _run(args: argparse.Namespace, config: Config) -> int:
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines.io.loopback import bind_loopback
    from pipelines.streaming import StreamArticles

    bind_loopback()  # the LOOPBACK worker pool runs code its callers send: local callers only

    stop_file = Path(tempfile.gettempdir()) / f"newswire-stop-{uuid.uuid4().hex}"
    topic = args.topic or config.kafka.topic
    held = held_state(config, args.output, topic, args.group or config.kafka.group_id)
    settings = stream_settings(args, config, str(stop_file), held)
    topic, group = settings.topic, settings.group_id
    pipeline_settings = settings.pipeline

    def drain(signum: int, _frame: Any) -> None:
        log.info("signal %s: draining (finish caught-up partitions, write, commit)", signum)
        stop_file.touch()

    signal.signal(signal.SIGTERM, drain)
    signal.signal(signal.SIGINT, drain)

    lag = _LagProbe(config, topic, group)
    job: dict[str, Any] = {}  # the running job, once submitted
    stop_metrics = _serve_metrics(args, config, topic, lag, job) if args.metrics_port else None
    options = PipelineOptions(runner_flags(args, config))
    p = beam.Pipeline(options=options)
    _ = p | "StreamArticles" >> StreamArticles(settings)
    started = time.monotonic()
    result = job["result"] = p.run()
    print(
        f"newswire run: {topic} -> {pipeline_settings.output_uri} ({args.runner})", file=sys.stderr
    )
    next_status = started + args.status_every
    drain_started: float | None = None
    try:
        while str(result.state).split(".")[-1] not in TERMINAL:
            time.sleep(0.5)
            now = time.monotonic()
            if args.timeout and now - started > args.timeout and not stop_file.exists():
                stop_file.touch()
            if stop_file.exists() and drain_started is None:
                drain_started = now
            if drain_started is not None and now - drain_started > 25:
                log.warning(
                    "drain did not finish in 25 s: cancelling (uncommitted input is replayed)"
                )
                result.cancel()
                break
            if now >= next_status:
                next_status = now + args.status_every
                print(
                    f"[status] {now - started:6.0f}s {lag()}",
                    file=sys.stderr,
                    flush=True,
                )
        state = str(result.state).split(".")[-1]
        print(
            f"newswire run: {state} after {time.monotonic() - started:.0f}s;",
            lag(),
            file=sys.stderr,
        )
    finally:
        stop_file.unlink(missing_ok=True)
        if stop_metrics is not None:
            stop_metrics()
        lag.close()
    return 0 if state in ("DONE", "DRAINED", "CANCELLED") else 1


def _serve_metrics(
    args: argparse.Namespace, config: Config, topic: str, lag: _LagProbe, job: dict[str, Any]
) -> Any:
    """Start the metrics server (io.metrics) for the job that `job["result"]` will hold;
    returns its stop(). A port that cannot be bound is a usage error, before the job starts."""
    from pipelines.commands import UsageError
    from pipelines.io import metrics, probes
    from pipelines.transforms.pools import POOLS

    def read() -> metrics.Snapshot:
        result = job.get("result")
        return metrics.snapshot(metrics.job_metrics(result)) if result else metrics.Snapshot()

    def broker() -> None:
        probes.kafka_topics(config.kafka, timeout=3.0)

    checks: list[Callable[[], None]] = [broker]
    for bucket in probes.buckets_of([args.output]):
        checks.append(functools.partial(probes.check_bucket, config.s3, bucket, 3.0))
    collector = metrics.JobCollector(read, lag.lags, lambda: POOLS.restarts, topic)
    max_age = args.ready_max_commit_age or max(3 * args.window, 60.0)
    readiness = metrics.Readiness(checks, collector, max_age)
    try:
        stop = metrics.serve(args.metrics_host, args.metrics_port, collector, readiness)
    except OSError as exc:
        raise UsageError(
            f"--metrics-port {args.metrics_port} on {args.metrics_host}: {exc.strerror or exc}"
        ) from exc
    where = f"http://{args.metrics_host}:{args.metrics_port}"
    print(f"newswire run: metrics on {where}/metrics, {where}/ready", file=sys.stderr)
    return stop
