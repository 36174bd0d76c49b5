"""Unbounded Kafka reads for the streaming deployment, and offset commits back to Kafka.

`ReadKafkaStream` is pure Python (kafka-python), so it runs on every portable runner without
Java: Prism locally (`--runner=PrismRunner --prism_location=... --streaming`), Flink at scale.
(The in-process DirectRunner ignores `--streaming`; windows never fire there.)

Shape: Impulse -> `_DiscoverPartitions` (a splittable DoFn whose restriction is the range of
partition numbers already emitted, so re-discovery needs no state) -> one element per
partition carrying its start offset (where the output's held offsets end, else the
earliest) -> `_ReadPartition`, an unbounded splittable DoFn whose restriction is
[start, INFINITY) of offsets. Every record claims its offset, is timestamped with the time
it is read (ingestion time, as KafkaIO's `withProcessingTime()`: a producer's clock never
makes a record late or holds a window open) and advances the partition's watermark. A
partition caught up with its log end for `idle_after_s` has its watermark moved to
wall-clock now minus `idle_slack_s` so windows fed by other partitions can close. With no
data the DoFn checkpoints (`defer_remainder`) and is resumed later; consumers are pooled
per partition (`_ConsumerPool`) so they stay positioned.

Prism (2.77) keeps one output watermark per SDF stage, taken from the residuals of the last
finished bundle, not the minimum over all pending residuals. Partitions read in different
bundles would then let the fastest partition's watermark win and the others' records arrive
late. So on single-process runners (Prism, Direct) partitions align their watermarks in
process (`_WatermarkBoard`): each reports the minimum over all partitions of the topic.
Runners that hold watermarks per residual (Flink) need no alignment (`align_watermarks`).

Nothing is committed while reading: the output's tables record which offsets they hold
(io.commit), and `CommitOffsets` mirrors that to the consumer group for lag monitoring.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
from apache_beam.coders import PickleCoder
from apache_beam.io.restriction_trackers import OffsetRange, OffsetRestrictionTracker
from apache_beam.io.watermark_estimators import ManualWatermarkEstimator
from apache_beam.metrics import Metrics
from apache_beam.transforms.core import RestrictionProvider, WatermarkEstimatorProvider
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec
from apache_beam.transforms.window import GlobalWindows, TimestampedValue
from apache_beam.utils.timestamp import Duration, Timestamp

from pipelines.config import KafkaConfig
from pipelines.core.offsets import covers, resume_offset
from pipelines.core.records import Message, kafka_time
from pipelines.io.beam_runner import single_process_runner
from pipelines.io.kafka_source import kafka_source, make_consumer

# End of an open offset range (Java's KafkaIO uses Long.MAX_VALUE the same way).
INFINITY = sys.maxsize
# Longest a single process() call reads before checkpointing, so bundles (and the output
# they carry) commit regularly even when a partition never runs dry.
MAX_READ_CALL_S = 1.0
# Between two listings of the topic, how often partition discovery wakes to notice a drain
# request: deferred for the whole interval (60 s), it held every drain that long.
STOP_CHECK_S = 1.0

_SOURCE_RE = re.compile(r"^kafka:(?P<topic>.+)/(?P<partition>\d+)/(?P<offset>\d+)$")


@dataclass(frozen=True)
class KafkaPartition:
    """One partition to read, from `start_offset` on (decided once, at discovery)."""

    topic: str
    partition: int
    start_offset: int
    partitions: int  # how many the topic had at discovery (for watermark alignment)
    # Offsets the output already holds beyond start_offset (committed out of order before a
    # restart): read past, not emitted again.
    held: tuple[tuple[int, int], ...] = ()


class OffsetReset(RuntimeError):
    """A partition's offsets went backwards under the reader (topic re-created)."""


def parse_kafka_source(source: str) -> tuple[str, int, int]:
    """kafka:<topic>/<partition>/<offset> -> (topic, partition, offset); ValueError otherwise."""
    match = _SOURCE_RE.match(source)
    if not match:
        raise ValueError(f"not a Kafka lineage string: {source!r}")
    return match["topic"], int(match["partition"]), int(match["offset"])


def group_lag(consumer: Any, topic: str) -> dict[int, int]:
    """{partition: records of `topic` not yet committed by `consumer`'s group} (log end minus
    committed offset; a partition never committed counts from 0). Raises KafkaError."""
    from kafka import TopicPartition

    tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    ends = consumer.end_offsets(tps)
    return {tp.partition: ends[tp] - (consumer.committed(tp) or 0) for tp in tps}


def _consumer(kafka: KafkaConfig, group_id: str | None = None, **extra: Any) -> Any:
    # Offsets we seek to can fall off the log (retention): start from what is left.
    return make_consumer(kafka, group_id, auto_offset_reset="earliest", **extra)


class _OpenOffsetTracker(OffsetRestrictionTracker):
    """OffsetRestrictionTracker for [start, INFINITY).

    Only checkpoints (fraction 0) are allowed on an open range: a fractional split would cut
    it at an offset far beyond the log end and leave a residual that polls from there.
    """

    def try_split(self, fraction_of_remainder: float) -> Any:
        if self.current_restriction().stop == INFINITY and fraction_of_remainder > 0:
            return None
        return super().try_split(fraction_of_remainder)

    def is_bounded(self) -> bool:
        return bool(self.current_restriction().stop != INFINITY)


class _OpenRangeProvider(RestrictionProvider):
    """Restriction over positions (partition numbers or offsets) from a start, never ending."""

    def __init__(self, start_of: Any) -> None:
        self.start_of = start_of

    def initial_restriction(self, element: Any) -> OffsetRange:
        return OffsetRange(self.start_of(element), INFINITY)

    def create_tracker(self, restriction: OffsetRange) -> _OpenOffsetTracker:
        return _OpenOffsetTracker(restriction)

    def restriction_size(self, element: Any, restriction: OffsetRange) -> float:
        # The backlog is unknown without asking the broker; runners only need a positive hint.
        return 1.0

    def truncate(self, element: Any, restriction: OffsetRange) -> None:
        # On drain, stop reading: unread offsets were never committed, so nothing is lost.
        return None


def _topic_start(_topic: str) -> int:
    return 0


def _partition_start(part: KafkaPartition) -> int:
    return part.start_offset


class _PartitionWatermark(ManualWatermarkEstimator):
    """ManualWatermarkEstimator (the watermark reported to the runner) plus, in its state,
    the partition's own watermark (latest record time, or idle clock) and when the partition
    was last busy (had data or a backlog).

    The two differ only when aligned (see `_WatermarkBoard`). Keeping them in the estimator
    state lets the idle policy survive checkpoints and move between workers with the
    restriction. Methods only: the SDK wraps estimators in a proxy that forwards method calls,
    not attribute reads.
    """

    def __init__(self, state: tuple[Timestamp | None, Timestamp | None, float | None] | None):
        reported, own, last_data_s = state or (None, None, None)
        super().__init__(reported)
        self._own = own
        self._last_data_s = last_data_s

    def get_estimator_state(self) -> tuple[Timestamp | None, Timestamp | None, float | None]:
        return (self.current_watermark(), self._own, self._last_data_s)

    def own(self) -> Timestamp | None:
        return self._own

    def observe(self, ts: Timestamp) -> None:
        if self._own is None or ts > self._own:
            self._own = ts

    def report(self, ts: Timestamp | None) -> None:
        """Move the reported watermark forward to `ts` (never back)."""
        current = self.current_watermark()
        if ts is not None and (current is None or ts > current):
            self.set_watermark(ts)

    def busy(self, now_s: float) -> None:
        """The partition had data, or a backlog: it is not idle."""
        self._last_data_s = now_s

    def idle_for(self, now_s: float) -> float:
        if self._last_data_s is None:
            # First look at this partition: start counting from now.
            self._last_data_s = now_s
        return now_s - self._last_data_s


class _WatermarkBoard:
    """Own watermarks of every partition of one read, shared by the DoFns of one process.

    Only meaningful where all partitions are read in one process (Prism, Direct); see the
    module docstring. A partition posts the own watermark it resumed with: that one is
    committed, since the runner schedules a residual only after persisting the bundle that
    produced it. Posting the value reached at the end of a call instead would let another
    partition's bundle move the stage watermark past records still in flight.
    """

    _lock = threading.Lock()
    _boards: dict[str, dict[int, Timestamp | None]] = {}  # noqa: RUF012 (process-wide on purpose)

    @classmethod
    def post(cls, read_id: str, partition: int, committed: Timestamp | None) -> None:
        with cls._lock:
            board = cls._boards.setdefault(read_id, {})
            if committed is not None or partition not in board:
                board[partition] = committed

    @classmethod
    def floor(
        cls, read_id: str, partition: int, partitions: int, own: Timestamp | None
    ) -> Timestamp | None:
        """min(own, every other partition's posted watermark); None while any is unknown."""
        with cls._lock:
            board = cls._boards.get(read_id, {})
            count = max(partitions, len(board))
            marks = [own if p == partition else board.get(p) for p in range(count)]
        if any(m is None for m in marks):
            return None
        return min(m for m in marks if m is not None)


@dataclass
class _PooledConsumer:
    consumer: Any
    lock: threading.Lock
    next_offset: int | None = None  # what the next poll returns; None: must seek
    was_idle: bool = False  # the last call found nothing to read


class _ConsumerPool:
    """One consumer per partition of one read, shared by the reading DoFns of a process.

    A partition is resumed by whichever DoFn instance the runner picks; a consumer per
    (instance, partition) would have to seek and refetch on most resumes, and an idle
    partition would then need a blocking poll each time (costly on Prism, see _ReadPartition).
    Pooled, the consumer stays positioned and fetches in the background while the partition
    is deferred. Like Java KafkaIO's consumer cache. DoFns still own the clients: setup()
    joins the pool, teardown() leaves it, and the last one out closes every consumer.
    The SDF runs one restriction per partition at a time; the lock guards against a
    zombie bundle anyway.
    """

    _lock = threading.Lock()
    _members: dict[str, int] = {}  # noqa: RUF012 (process-wide on purpose)
    _consumers: dict[str, dict[int, _PooledConsumer]] = {}  # noqa: RUF012

    @classmethod
    def join(cls, read_id: str) -> None:
        with cls._lock:
            cls._members[read_id] = cls._members.get(read_id, 0) + 1

    @classmethod
    def leave(cls, read_id: str) -> None:
        with cls._lock:
            left = cls._members.get(read_id, 1) - 1
            if left > 0:
                cls._members[read_id] = left
                return
            cls._members.pop(read_id, None)
            entries = cls._consumers.pop(read_id, {})
        for entry in entries.values():
            entry.consumer.close(autocommit=False)

    @classmethod
    def get(cls, read_id: str, tp: Any, make: Any) -> _PooledConsumer:
        with cls._lock:
            entries = cls._consumers.setdefault(read_id, {})
            entry = entries.get(tp.partition)
            if entry is None:
                consumer = make()
                consumer.assign([tp])
                entry = entries[tp.partition] = _PooledConsumer(consumer, threading.Lock())
            return entry


class _PartitionWatermarkProvider(WatermarkEstimatorProvider):
    def initial_estimator_state(self, element: Any, restriction: Any) -> None:
        return None

    def create_watermark_estimator(self, estimator_state: Any) -> _PartitionWatermark:
        return _PartitionWatermark(estimator_state)

    def estimator_state_coder(self) -> Any:
        return PickleCoder()


# DoFn parameter markers, built once (Beam reads them from process() defaults).
_PARTITION_NUMBERS = beam.DoFn.RestrictionParam(_OpenRangeProvider(_topic_start))
_DISCOVERY_WATERMARK = beam.DoFn.WatermarkEstimatorParam(
    ManualWatermarkEstimator.default_provider()
)
_PARTITION_OFFSETS = beam.DoFn.RestrictionParam(_OpenRangeProvider(_partition_start))
_PARTITION_WATERMARK = beam.DoFn.WatermarkEstimatorParam(_PartitionWatermarkProvider())


class _DiscoverPartitions(beam.DoFn):
    """topic -> KafkaPartition per partition, each emitted once.

    The restriction is the range of partition numbers not yet emitted (Kafka numbers them
    0..n-1 and never removes any), so a resumed call emits only partitions added since.
    With `interval_s` None the topic is listed once and the DoFn finishes. Between listings
    it wakes every `STOP_CHECK_S` when a `stop_file` is set, so a drain ends it at once.
    """

    def __init__(
        self,
        kafka: KafkaConfig,
        group_id: str,
        interval_s: float | None,
        align_id: str | None,
        stop_file: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        held: Mapping[int, list[tuple[int, int]]] | None = None,
    ) -> None:
        self.held = {int(p): [(int(a), int(b)) for a, b in rs] for p, rs in (held or {}).items()}
        self.stop_file = stop_file
        self.clock = clock
        self.next_listing = 0.0  # per instance: a resumed restriction elsewhere lists at once
        self.kafka = kafka
        self.group_id = group_id
        self.interval_s = interval_s
        self.align_id = align_id  # the read's id when aligning watermarks, else None
        self.consumer: Any = None
        self.found = Metrics.counter("kafka_stream", "partitions_discovered")
        self.relist_failed = Metrics.counter("kafka_stream", "partition_listing_failed")

    def setup(self) -> None:
        # Made at first use (`_client`): a runner may set this DoFn up while the broker restarts.
        self.consumer = None

    def _client(self) -> Any:
        if self.consumer is None:
            # A group member only for `committed()`: it never subscribes, so never joins.
            self.consumer = _consumer(self.kafka, self.group_id)
        return self.consumer

    def teardown(self) -> None:
        if self.consumer is not None:
            self.consumer.close(autocommit=False)

    def _start_offsets(self, topic: str, partitions: list[int]) -> dict[int, int]:
        from kafka import TopicPartition

        tps = [TopicPartition(topic, p) for p in partitions]
        beginning = self._client().beginning_offsets(tps)
        starts = {}
        for tp in tps:
            # Where the output's held offsets from the log start end, else the log start.
            starts[tp.partition] = resume_offset(self.held.get(tp.partition, []), beginning[tp])
        return starts

    @beam.DoFn.unbounded_per_element()
    def process(
        self,
        topic: str,
        tracker: Any = _PARTITION_NUMBERS,
        watermark: Any = _DISCOVERY_WATERMARK,
    ) -> Iterator[KafkaPartition]:
        from kafka.errors import KafkaError

        first = tracker.current_restriction().start
        if first > 0 and _stop_requested(self.stop_file):
            # Draining: partitions added since the last listing are read after a restart.
            tracker.try_claim(INFINITY)
            return
        if first > 0 and self.clock() < self.next_listing:
            tracker.defer_remainder(Duration.of(self._wake_after()))
            return
        listed_at = Timestamp.now()
        try:
            if first > 0:
                self._client().topics()  # partitions_for_topic reads a cache; refresh it
            known = self._client().partitions_for_topic(topic)
            if first == 0 and not known:
                raise RuntimeError(f"topic {topic!r} does not exist or has no partitions")
            partitions = sorted(p for p in known if p >= first)
            starts = self._start_offsets(topic, partitions) if partitions else {}
        except KafkaError:
            if first == 0 or self.interval_s is None:
                raise  # nothing read yet: a job started against a down broker fails at once
            # A broker restart during a re-listing: the partitions being read are unaffected;
            # list again at the next interval.
            self.relist_failed.inc()
            self.next_listing = self.clock() + self.interval_s
            tracker.defer_remainder(Duration.of(self._wake_after()))
            return
        for p in partitions:
            if not tracker.try_claim(p):
                return
            self.found.inc()
            if self.align_id is not None:
                # Hold aligned watermarks until the new partition's reader reports.
                _WatermarkBoard.post(self.align_id, p, None)
            later = tuple(r for r in self.held.get(p, []) if r[1] > starts[p])
            yield KafkaPartition(topic, p, starts[p], max(known) + 1, later)
        if self.interval_s is None or _stop_requested(self.stop_file):
            tracker.try_claim(INFINITY)  # marks the open range done
            return
        # A partition created after this listing only holds records newer than it, so
        # holding the watermark here keeps their records from arriving late downstream on
        # runners that bound an SDF's output by its input watermark (Flink); the cost is that
        # windows close up to `interval_s` later. Prism ignores this hold: there, records
        # written to a new partition before it is discovered can be late.
        current = watermark.current_watermark()
        if current is None or listed_at > current:
            watermark.set_watermark(listed_at)
        self.next_listing = self.clock() + self.interval_s
        tracker.defer_remainder(Duration.of(self._wake_after()))

    def _wake_after(self) -> float:
        """Seconds until the deferred remainder resumes: the next listing, or sooner to
        notice a drain request."""
        assert self.interval_s is not None
        left = max(self.next_listing - self.clock(), 0.0)
        return left if self.stop_file is None else min(left, STOP_CHECK_S)


class _ReadPartition(beam.DoFn):
    """KafkaPartition -> Message, unbounded; see the module docstring."""

    def __init__(
        self,
        kafka: KafkaConfig,
        read_id: str,
        poll_timeout_ms: int,
        max_records_per_poll: int,
        resume_delay_s: float,
        idle_after_s: float,
        idle_slack_s: float,
        stop_after_idle_s: float | None,
        align: bool,
        stop_file: str | None = None,
    ) -> None:
        self.kafka = kafka
        self.read_id = read_id
        self.stop_file = stop_file
        self.poll_timeout_ms = poll_timeout_ms
        self.max_records_per_poll = max_records_per_poll
        self.resume_delay_s = resume_delay_s
        self.idle_after_s = idle_after_s
        self.idle_slack_s = idle_slack_s
        self.stop_after_idle_s = stop_after_idle_s
        self.align = align
        self.read = Metrics.counter("kafka_stream", "messages_read")
        self.skipped = Metrics.counter("kafka_stream", "messages_already_held")
        self.idle = Metrics.counter("kafka_stream", "idle_watermark_advances")

    def setup(self) -> None:
        _ConsumerPool.join(self.read_id)

    def teardown(self) -> None:
        _ConsumerPool.leave(self.read_id)

    def _make_consumer(self) -> Any:
        return _consumer(self.kafka, max_poll_records=self.max_records_per_poll)

    def _report(self, part: KafkaPartition, watermark: Any) -> None:
        own = watermark.own()
        if self.align:
            own = _WatermarkBoard.floor(self.read_id, part.partition, part.partitions, own)
        watermark.report(own)

    @beam.DoFn.unbounded_per_element()
    def process(
        self,
        part: KafkaPartition,
        tracker: Any = _PARTITION_OFFSETS,
        watermark: Any = _PARTITION_WATERMARK,
    ) -> Iterator[TimestampedValue]:
        from kafka import TopicPartition

        tp = TopicPartition(part.topic, part.partition)
        if self.align:
            _WatermarkBoard.post(self.read_id, part.partition, watermark.own())
        entry = _ConsumerPool.get(self.read_id, tp, self._make_consumer)
        with entry.lock:
            yield from self._read(part, tp, entry, tracker, watermark)

    def _read(
        self, part: KafkaPartition, tp: Any, entry: _PooledConsumer, tracker: Any, watermark: Any
    ) -> Iterator[TimestampedValue]:
        consumer = entry.consumer
        start = tracker.current_restriction().start
        # An idle partition still positioned fetched in the background while deferred, so a
        # non-blocking poll suffices. Blocking inside process() is not free: Prism spins
        # while a bundle is in flight (40-80% of a core for four idle partitions).
        timeout_ms = self.poll_timeout_ms
        if entry.next_offset != start:
            consumer.seek(tp, start)
            entry.next_offset = start
        elif entry.was_idle:
            timeout_ms = 0
        deadline = time.monotonic() + MAX_READ_CALL_S
        got_data = False
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=timeout_ms, max_records=self.max_records_per_poll)
            records = batch.get(tp, [])
            timeout_ms = self.poll_timeout_ms
            if not records:
                break
            got_data = True
            for record in records:
                if record.offset < start:
                    # The log restarts below our position: the topic was deleted and
                    # re-created. Stop: a restart reads it from its start (newswire run).
                    raise OffsetReset(
                        f"offset reset on {part.topic}/{part.partition}: got offset "
                        f"{record.offset} while reading from {start}; restart the job"
                    )
                if not tracker.try_claim(record.offset):
                    # The runner split the range: the rest belongs to someone else.
                    entry.next_offset = None
                    self._report(part, watermark)
                    return
                covers_from, start = start, record.offset + 1
                entry.next_offset = start
                # Ingestion time: windows follow the order of reading (the order of offsets),
                # whatever timestamp a producer set, so no record is ever late.
                ts = Timestamp.now()
                watermark.observe(ts)
                if part.held and covers(part.held, record.offset):
                    self.skipped.inc()  # already in the output (core.offsets)
                    continue
                self.read.inc()
                yield TimestampedValue(
                    Message(
                        value=record.value or b"",
                        source=kafka_source(part.topic, part.partition, record.offset),
                        key=record.key,
                        timestamp=kafka_time(record.timestamp),
                        covers_from=covers_from,
                    ),
                    ts,
                )

        now_s = time.time()
        entry.was_idle = not got_data
        if got_data or not self._caught_up(consumer, tp):
            # An empty poll alone does not make a partition idle (a fetch can be slow, e.g.
            # right after a seek): only reaching the log end does.
            watermark.busy(now_s)
            self._report(part, watermark)
            # Budget used up, or more to fetch: resume at once.
            tracker.defer_remainder()
            return
        idle_s = watermark.idle_for(now_s)
        if idle_s >= self.idle_after_s:
            # Nothing is coming from this partition: let windows fed by others close.
            watermark.observe(Timestamp.of(now_s - self.idle_slack_s))
            self.idle.inc()
        self._report(part, watermark)
        stop = self.stop_after_idle_s is not None and idle_s >= self.stop_after_idle_s
        if stop or _stop_requested(self.stop_file):
            tracker.try_claim(INFINITY)  # marks the open range done: this partition finishes
            return
        tracker.defer_remainder(Duration.of(self.resume_delay_s))

    def _caught_up(self, consumer: Any, tp: Any) -> bool:
        from kafka.errors import KafkaError

        # The high watermark comes with each fetch response (no extra request); unknown
        # before the first fetch completes, and then the partition is not known to be idle.
        highwater = consumer.highwater(tp)
        if highwater is None:
            return False
        try:
            position = consumer.position(tp, timeout_ms=self.poll_timeout_ms)
        except KafkaError:
            # Position being reset, or the broker unreachable (a restart): not known to be
            # at the end, and never a reason to fail the bundle.
            return False
        return position is not None and position >= highwater


def _stop_requested(stop_file: str | None) -> bool:
    # Drain: once this file exists, each partition finishes as soon as it is caught up, so
    # every window closes, is written and committed, and the pipeline ends by itself.
    return stop_file is not None and os.path.exists(stop_file)


class ReadKafkaStream(beam.PTransform):
    """PBegin -> unbounded PCollection[Message] from every partition of `topic`.

    `held`: {partition: offset ranges the output already holds} (core.offsets): each
    partition starts at the end of its first range (else the earliest retained offset) and
    reads past records inside later ranges. Elements are timestamped with the time they are
    read (ingestion time) and carry the Kafka record timestamp as data. Nothing is committed
    here.

    poll_timeout_ms / max_records_per_poll: one bounded `poll()` of a partition (an idle
        partition polls without blocking).
    resume_delay_s: how long a caught-up partition waits before the runner resumes it: the
        latency of the first message after a quiet spell, traded against runner load.
    idle_after_s: after that long caught up with the log end, a partition's watermark follows
        wall-clock time (minus `idle_slack_s`, for records still in flight from producers).
    stop_after_idle_s: if set, a partition finishes once idle that long (tests, draining);
        the pipeline then ends when all have. Implies a single discovery.
    discover_interval_s: if set, re-list the topic that often and read new partitions; the
        output watermark then trails wall-clock time by up to that interval.
    stop_file: drain: once this path exists, partitions finish when caught up.
    align_watermarks: report the minimum watermark over all partitions from every partition
        (needed on Prism, see the module docstring); None: only on Prism / Direct.
    """

    def __init__(
        self,
        kafka: KafkaConfig,
        topic: str,
        group_id: str,
        *,
        poll_timeout_ms: int = 100,
        max_records_per_poll: int = 500,
        resume_delay_s: float = 0.5,
        idle_after_s: float = 10.0,
        idle_slack_s: float = 2.0,
        stop_after_idle_s: float | None = None,
        discover_interval_s: float | None = None,
        align_watermarks: bool | None = None,
        stop_file: str | None = None,
        held: Mapping[int, list[tuple[int, int]]] | None = None,
    ) -> None:
        super().__init__()
        self.held = dict(held or {})
        self.stop_file = stop_file
        if poll_timeout_ms < 0 or max_records_per_poll <= 0:
            raise ValueError("poll_timeout_ms must be >= 0 and max_records_per_poll > 0")
        self.kafka = kafka
        self.topic = topic
        self.group_id = group_id
        self.poll_timeout_ms = poll_timeout_ms
        self.max_records_per_poll = max_records_per_poll
        self.resume_delay_s = resume_delay_s
        self.idle_after_s = idle_after_s
        self.idle_slack_s = idle_slack_s
        self.stop_after_idle_s = stop_after_idle_s
        self.discover_interval_s = None if stop_after_idle_s is not None else discover_interval_s
        self.align_watermarks = align_watermarks

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        topic = self.topic
        align = self.align_watermarks
        if align is None:
            align = single_process_runner(pbegin.pipeline)
        # Unique per constructed pipeline: names this read's consumer pool and watermark
        # board, so runs sharing a process never share either.
        read_id = f"{topic}/{uuid.uuid4().hex}"
        return (
            pbegin
            | "Impulse" >> beam.Impulse()
            | "Topic" >> beam.Map(lambda _: topic)
            | "DiscoverPartitions"
            >> beam.ParDo(
                _DiscoverPartitions(
                    self.kafka,
                    self.group_id,
                    self.discover_interval_s,
                    read_id if align else None,
                    self.stop_file,
                    held=self.held,
                )
            )
            | "SpreadPartitions" >> beam.Reshuffle()
            | "ReadPartitions"
            >> beam.ParDo(
                _ReadPartition(
                    self.kafka,
                    read_id,
                    self.poll_timeout_ms,
                    self.max_records_per_poll,
                    self.resume_delay_s,
                    self.idle_after_s,
                    self.idle_slack_s,
                    self.stop_after_idle_s,
                    align,
                    self.stop_file,
                )
            ).with_output_types(Message)
        )


def _pairs(element: tuple[int, int] | Mapping[int, int]) -> Iterator[tuple[int, int]]:
    if isinstance(element, Mapping):
        yield from ((int(p), int(o)) for p, o in element.items())
    else:
        partition, offset = element
        yield int(partition), int(offset)


class _CommitFn(beam.DoFn):
    """(key, (partition, next_offset)) -> commits; offsets never move backwards in a job.

    Keyed state (one key, global window) holds the highest offset committed per partition, so
    the rule survives worker restarts; the instance keeps a copy to skip stale pairs cheaply.
    Commits are batched per bundle and made in finish_bundle: if the commit fails the bundle
    fails, its state update is discarded with it, and the instance copy (only updated after
    a successful commit) does not make the retry look stale.
    """

    COMMITTED = ReadModifyWriteStateSpec("committed", PickleCoder())
    COMMITTED_STATE = beam.DoFn.StateParam(COMMITTED)

    def __init__(self, kafka: KafkaConfig, group_id: str, topic: str) -> None:
        self.kafka = kafka
        self.group_id = group_id
        self.topic = topic
        self.consumer: Any = None
        self.highest: dict[int, int] = {}
        self.pending: dict[int, int] = {}
        self.committed = Metrics.counter("kafka_stream", "offsets_committed")
        self.stale = Metrics.counter("kafka_stream", "stale_offsets_skipped")

    def setup(self) -> None:
        # Connected at the first commit, inside its retries: a runner may set this DoFn up
        # while the broker restarts, and that must not fail the job.
        self.consumer = None

    def teardown(self) -> None:
        if self.consumer is not None:
            self.consumer.close(autocommit=False)

    def start_bundle(self) -> None:
        self.pending = {}

    def process(
        self,
        element: tuple[str, tuple[int, int]],
        state: Any = COMMITTED_STATE,
    ) -> None:
        _, (partition, offset) = element
        stored: dict[int, int] = state.read() or {}
        best = max(stored.get(partition, -1), self.highest.get(partition, -1))
        if offset <= best:
            self.stale.inc()
            return
        stored[partition] = offset
        state.write(stored)
        self.pending[partition] = offset

    def finish_bundle(self) -> None:
        if not self.pending:
            return
        from kafka import TopicPartition
        from kafka.errors import KafkaError
        from kafka.structs import OffsetAndMetadata

        offsets = {
            TopicPartition(self.topic, p): OffsetAndMetadata(o, "", -1)
            for p, o in self.pending.items()
        }
        # A broker restart must not fail the job: retry with backoff for a while first.
        deadline, delay = time.monotonic() + 120.0, 0.5
        while True:
            try:
                if self.consumer is None:
                    # Assign-free: never subscribing, it commits as a "simple" group client.
                    self.consumer = _consumer(self.kafka, self.group_id)
                self.consumer.commit(offsets)
                break
            except KafkaError:
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
        self.committed.inc(len(self.pending))
        self.highest.update(self.pending)
        self.pending = {}


class CommitOffsets(beam.PTransform):
    """PCollection of (partition, next_offset) pairs or {partition: next_offset} -> commits.

    `next_offset` is the first offset not yet durably processed (last read + 1). Feed this
    only after the output containing those messages is durable. `topic` defaults to
    `kafka.topic`. Returns the PCollection of the commit step (empty), for ordering only.
    """

    def __init__(self, kafka: KafkaConfig, group_id: str, topic: str | None = None) -> None:
        super().__init__()
        self.kafka = kafka
        self.group_id = group_id
        self.topic = topic or kafka.topic

    def expand(self, pcoll: beam.PCollection) -> beam.PCollection:
        topic = self.topic
        return (
            pcoll
            # State is per key and window: one key in the global window spans the whole job.
            | "GlobalWindow" >> beam.WindowInto(GlobalWindows())
            | "Pairs" >> beam.FlatMap(_pairs)
            | "OneKey" >> beam.Map(lambda pair: (topic, pair))
            | "Commit" >> beam.ParDo(_CommitFn(self.kafka, self.group_id, topic))
        )
