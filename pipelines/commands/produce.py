"""`newswire produce PATH...`: raw articles from files, folders, WARC archives and stdin onto Kafka.

    newswire produce samples/ [--topic raw-articles] [--bootstrap-servers HOST:PORT]
    cat page.html | newswire produce -

Each input record becomes an Avro RawArticle keyed by its article_id (pipelines.io.inputs reads,
pipelines.io.kafka_producer sends). Bad input is reported on one line (file, reason) and
skipped; the run goes on. A progress bar with rate and ETA is drawn when stderr is a terminal
(or with --progress); a summary follows at the end (--json prints it on stdout as JSON).

Exit status: 0 when every readable article was delivered, 1 when any delivery failed (or, with
--fail-fast, at the first failure or skipped input), 3 when the broker or the topic cannot be
reached (checked first, in seconds), 130 when interrupted (what was sent is flushed first).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
import time
from collections import Counter
from typing import Any

from pipelines.commands import UNREACHABLE
from pipelines.config import Config


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("produce", help="send raw articles (files, folders, WARC, stdin) to Kafka")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders; - reads stdin")
    p.add_argument("--topic", help="Kafka topic (default: NEWSWIRE_KAFKA_TOPIC or raw-articles)")
    p.add_argument(
        "--bootstrap-servers",
        help="host:port[,host:port...] (default: NEWSWIRE_KAFKA_BOOTSTRAP or 127.0.0.1:9092)",
    )
    p.add_argument("--compression", choices=("zstd", "lz4", "gzip", "none"), default="zstd")
    p.add_argument("--linger-ms", type=int, default=20, help="batching delay (default 20)")
    p.add_argument("--batch-size", type=int, default=512 * 1024, help="bytes per partition batch")
    p.add_argument(
        "--max-in-flight-mb", type=int, default=64, help="bound on unacknowledged data (MiB)"
    )
    p.add_argument(
        "--max-message-bytes",
        type=int,
        help="records above this go through the claim check (default: 1000000)",
    )
    p.add_argument(
        "--claims-uri",
        help="folder for oversized bodies, <uri>/<article_id>/<sha256> (default: "
        "NEWSWIRE_CLAIMS_URI, s3://<bucket>/claims; the pipeline reads bodies only from there)",
    )
    p.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    progress = p.add_mutually_exclusive_group()
    progress.add_argument("--progress", action="store_true", default=None, help="show progress")
    progress.add_argument("--no-progress", dest="progress", action="store_false")
    p.add_argument("--quiet", action="store_true", help="do not list skipped inputs")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.set_defaults(func=run)


class _Report:
    """Counts and one-line messages; prints through the progress console when there is one."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.console: Any = None
        self.skipped: Counter[str] = Counter()
        self.lock = threading.RLock()  # re-entered by the SIGINT handler

    def line(self, text: str) -> None:
        with self.lock:
            if self.console is not None:
                self.console.print(text, markup=False, highlight=False, soft_wrap=True)
            else:
                print(text, file=sys.stderr, flush=True)

    def skip(self, source: str, reason: str, message: str) -> None:
        self.skipped[reason] += 1
        if not self.quiet:
            self.line(f"skipped {source}: {reason}: {message}")


class _Interrupts:
    """First Ctrl-C: stop reading, flush what was sent. Second: abandon the flush.

    A flag set by a SIGINT handler (rather than KeyboardInterrupt raised anywhere) means the
    record being sent is never torn in half and the in-flight accounting stays exact.
    """

    def __init__(self, report: _Report) -> None:
        self.report = report
        self.requested = False
        self._previous: Any = None

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.report.line("interrupted: flushing what was sent (Ctrl-C again to abandon it)")


def _progress(enabled: bool, total: int | None) -> tuple[Any, Any]:
    if not enabled:
        return None, None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    progress = Progress(
        TextColumn("[bold]produce"),
        BarColumn(bar_width=24),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[articles]} articles ({task.fields[rate]}/s)"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = progress.add_task("produce", total=total, articles=0, rate="0")
    return progress, task


def run(args: argparse.Namespace, config: Config) -> int:
    from pipelines.io.claims import CachedStores
    from pipelines.io.inputs import InputError, Inputs, prefetched
    from pipelines.io.kafka_producer import ArticleProducer, ProducerError, ProducerSettings

    kafka = config.kafka
    if args.bootstrap_servers:
        kafka = dataclasses.replace(kafka, bootstrap_servers=args.bootstrap_servers)
    if args.max_message_bytes:
        kafka = dataclasses.replace(kafka, max_message_bytes=args.max_message_bytes)
    topic = args.topic or kafka.topic
    from pipelines.io.probes import preflight

    preflight(config, topics=[topic], kafka=kafka)
    settings = ProducerSettings(
        compression=args.compression,
        linger_ms=args.linger_ms,
        batch_size=args.batch_size,
        max_in_flight_bytes=args.max_in_flight_mb * 1024 * 1024,
    )
    claims_uri = args.claims_uri or config.claims_uri
    stores = CachedStores(config.s3)
    report = _Report(args.quiet)
    stop = threading.Event()

    def on_failure(source: str, message: str) -> None:
        report.line(f"failed {source}: {message}")
        if args.fail_fast:
            stop.set()

    producer = ArticleProducer(
        kafka,
        topic=topic,
        settings=settings,
        claims=lambda: stores(claims_uri),
        claims_prefix="",  # the bodies go right under the claims location
        on_failure=on_failure,
    )
    try:
        producer.setup()
    except ProducerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return UNREACHABLE

    inputs = Inputs(args.paths, stdin=sys.stdin.buffer, max_body_bytes=config.max_body_bytes)
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    progress, task = _progress(show, inputs.total_bytes)
    if progress is not None:
        report.console = progress.console
        progress.start()
    started = time.monotonic()
    last_draw = 0.0
    with _Interrupts(report) as interrupts:
        try:
            for item in prefetched(inputs):
                if isinstance(item, InputError):
                    report.skip(item.source, item.reason, item.message)
                    if args.fail_fast:
                        stop.set()
                else:
                    producer.send(item)
                if stop.is_set() or interrupts.requested:
                    break
                now = time.monotonic()
                if progress is not None and now - last_draw > 0.1:
                    last_draw = now
                    sent = producer.stats.submitted
                    rate = f"{sent / max(now - started, 1e-9):,.0f}"
                    progress.update(
                        task, completed=inputs.bytes_read, articles=f"{sent:,}", rate=rate
                    )
        except KeyboardInterrupt:  # no handler could be installed, or a second Ctrl-C
            interrupts.requested = True
        try:
            producer.close(timeout=60)
        except KeyboardInterrupt:  # Ctrl-C during the flush: give up on what is in flight
            interrupts.requested = True
            producer.close(timeout=0)
        finally:
            stores.close()
            if progress is not None:
                sent = producer.stats.submitted
                progress.update(task, completed=inputs.bytes_read, articles=f"{sent:,}")
                progress.stop()
    interrupted = interrupts.requested
    elapsed = time.monotonic() - started
    summary = _summary(producer.stats, report.skipped, inputs, elapsed, topic, interrupted)
    if args.json:
        print(json.dumps(summary))
    _print_summary(summary)
    if interrupted:
        return 130
    if summary["failed"] or (args.fail_fast and summary["skipped"]):
        return 1
    return 0


def _summary(
    stats: Any, skipped: Counter[str], inputs: Any, elapsed: float, topic: str, interrupted: bool
) -> dict[str, Any]:
    return {
        "topic": topic,
        "sent": stats.delivered,
        "failed": stats.failed,
        "skipped": sum(skipped.values()),
        "skipped_reasons": dict(sorted(skipped.items())),
        "failure_reasons": dict(sorted(stats.errors.items())),
        "claim_checked": stats.claim_checked,
        "bytes": stats.bytes,
        "input_bytes": inputs.bytes_read,
        "files": inputs.files,
        "ignored_files": len(inputs.ignored),
        "seconds": round(elapsed, 3),
        "articles_per_second": round(stats.delivered / elapsed, 1) if elapsed > 0 else 0.0,
        "mb_per_second": round(stats.bytes / elapsed / 1e6, 2) if elapsed > 0 else 0.0,
        "interrupted": interrupted,
    }


def _print_summary(s: dict[str, Any]) -> None:
    reasons = ", ".join(f"{k} {v}" for k, v in s["skipped_reasons"].items())
    failures = ", ".join(f"{k} {v}" for k, v in s["failure_reasons"].items())
    lines = [
        f"sent {s['sent']:,} articles to {s['topic']} ({s['bytes'] / 1e6:,.1f} MB, "
        f"{s['claim_checked']} via claim check) in {s['seconds']:.1f} s: "
        f"{s['articles_per_second']:,.0f} articles/s, {s['mb_per_second']:.1f} MB/s",
        f"skipped {s['skipped']:,}" + (f" ({reasons})" if reasons else ""),
        f"failed {s['failed']:,}" + (f" ({failures})" if failures else ""),
    ]
    if s["ignored_files"]:
        lines.append(f"ignored {s['ignored_files']} files with other extensions")
    for line in lines:
        print(line, file=sys.stderr)
