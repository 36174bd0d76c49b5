"""The streaming job's single committer: a window's data files and the Kafka offsets they
account for, committed to the Iceberg tables together (io.tables).

Design (why nothing is lost, whatever the records' timestamps): windows are cut by ingestion
time (io.kafka_stream), so a window holds the records read in one stretch of time, in offset
order per partition, and none is ever late. Each window's gate waits for the window's
messages and for the data files its rows went to, and the committer then adds, in one
commit, those files and the offset ranges of those messages (core.offsets). The tables'
state therefore names exactly the records whose rows they hold: a restart resumes each
partition where its first held range ends and reads past ranges committed out of order,
so no offset is ever treated as done unless its record is durably in a table. A record the
runner dropped (it cannot happen with ingestion time, but a runner may) is simply not held:
it is read again after a restart.

The consumer group's offsets are committed after each table commit, from the state's
contiguous frontier, for lag monitoring only: restarts never read them.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.config import CatalogConfig, S3Config
from pipelines.core.offsets import StreamState, merge_coverage, state_to_extend
from pipelines.core.records import Message
from pipelines.io.kafka_stream import parse_kafka_source
from pipelines.io.tables import CommitConflict, Tables

_COMMIT_LOCK = threading.Lock()  # one commit at a time per process (bundles run on threads)


def message_range(message: Message) -> tuple[int, int, int]:
    """(partition, start, end) of the offsets a message accounts for."""
    _, partition, offset = parse_kafka_source(message.source)
    start = offset if message.covers_from is None else message.covers_from
    return partition, start, offset + 1


def _table_of(key: str) -> str:
    return key.split("/", 1)[0]


class _CommitWindowFn(beam.DoFn):
    """(key, {"ranges": [(partition, start, end)], "files": [key]}) -> {partition: frontier}
    after the window's commit. Owns the catalog client."""

    def __init__(
        self,
        output_uri: str,
        catalog: CatalogConfig,
        s3: S3Config,
        group: str,
        initial: StreamState,
    ) -> None:
        self.output_uri = output_uri
        self.catalog = catalog
        self.s3 = s3
        self.group = group
        self.initial = initial
        self.job_id = uuid.uuid4().hex[:12]  # fixed at construction: retried DoFns share it
        self.tables: Tables | None = None
        self.commits = Metrics.counter("commit", "commits")
        self.records = Metrics.counter("commit", "records_committed")
        self.latency = Metrics.distribution("commit", "commit_ms")
        self.last_commit = Metrics.gauge("commit", "last_commit_unix_ms")

    def setup(self) -> None:
        self.tables = Tables(self.output_uri, self.catalog, self.s3)

    def teardown(self) -> None:
        if self.tables is not None:
            self.tables.close()

    def _current(self) -> StreamState:
        """The state to build on: this job's last commit, or the state it started from."""
        assert self.tables is not None
        held = self.tables.stream_state(self.group, self.initial.topic)
        state = state_to_extend(held, self.initial, self.job_id)
        if state is None:
            raise CommitConflict(
                f"another job committed consumer group {self.group!r} to {self.output_uri} "
                f"(commit {held.commit_id}) since this one started: two jobs on one topic and "
                "output; stop one of them"
            )
        return state

    def process(self, element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[dict[int, int]]:
        import time

        assert self.tables is not None
        _, groups = element
        ranges = list(groups["ranges"])
        files: dict[str, list[str]] = {}
        for key in groups["files"]:
            files.setdefault(_table_of(key), []).append(key)
        if not ranges and not files:
            return
        added = merge_coverage({}, ranges)
        summary = {
            "newswire.kafka.topic": self.initial.topic,
            "newswire.kafka.offsets": json.dumps(
                {str(p): [list(r) for r in rs] for p, rs in sorted(added.items())},
                separators=(",", ":"),
            ),
        }
        started = time.monotonic()
        with _COMMIT_LOCK:
            state = self._current()
            new = state.advanced(f"{self.job_id}-{state.seq + 1}", ranges)
            self.tables.commit(
                files, summary, stream=(self.group, new, state.commit_id), commit_id=new.commit_id
            )
        self.latency.update(int((time.monotonic() - started) * 1000))
        self.last_commit.set(int(time.time() * 1000))
        self.commits.inc()
        self.records.inc(len(ranges))
        yield new.frontier()


class CommitToTables(beam.PTransform):
    """{"messages": PCollection[Message], "files": PCollection[WrittenFile], and optionally
    "sent": anything else that must be durable first (DLQ sends)}, windowed alike
    -> PCollection[{partition: next offset}] after each window's commit (see module doc)."""

    def __init__(
        self,
        output_uri: str,
        catalog: CatalogConfig,
        s3: S3Config,
        group: str,
        initial: StreamState,
    ) -> None:
        super().__init__()
        self.output_uri = output_uri
        self.catalog = catalog
        self.s3 = s3
        self.group = group
        self.initial = initial

    def expand(self, inputs: dict[str, beam.PCollection]) -> beam.PCollection:
        ranges = inputs["messages"] | "MessageRanges" >> beam.Map(lambda m: ("w", message_range(m)))
        files = inputs["files"] | "FileKeys" >> beam.Map(lambda f: ("w", f.key))
        gate = {"ranges": ranges, "files": files}
        if "sent" in inputs:
            gate["sent"] = inputs["sent"] | "SendsDone" >> beam.Map(lambda _: ("w", None))
        return (
            gate
            | "WaitForWindow" >> beam.CoGroupByKey()
            | "CommitWindow"
            >> beam.ParDo(
                _CommitWindowFn(self.output_uri, self.catalog, self.s3, self.group, self.initial)
            )
        )
