"""Bounded Kafka reads for backfills: a topic's offset (or time) range -> Message.

`ReadKafkaRange` plans one range per partition at run time (a DoFn owning an admin-free
consumer), spreads the ranges over workers, and reads each with its own consumer, stopping
at the range end: the read is bounded, so DirectRunner batch jobs can run it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.config import KafkaConfig
from pipelines.core.records import Message, kafka_time

POLL_MS = 500


@dataclass(frozen=True)
class OffsetRange:
    topic: str
    partition: int
    start: int  # inclusive
    end: int  # exclusive


def kafka_source(topic: str, partition: int, offset: int) -> str:
    return f"kafka:{topic}/{partition}/{offset}"


def make_consumer(kafka: KafkaConfig, group_id: str | None = None, **extra: Any) -> Any:
    """The one KafkaConsumer setup of every reader here (range reads, the stream, its offset
    commits): offsets are managed by us (no auto-commit), and fetches are large enough for
    articles with big HTML bodies. `extra` adds or overrides KafkaConsumer settings."""
    from kafka import KafkaConsumer

    settings: dict[str, Any] = {
        "group_id": group_id,
        "enable_auto_commit": False,
        "max_partition_fetch_bytes": 8 * 1024 * 1024,
        "fetch_max_bytes": 64 * 1024 * 1024,
    }
    return KafkaConsumer(**kafka.client_kwargs(), **(settings | extra))


def _millis(value: int | datetime | None) -> int | None:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    return None


class _PlanRanges(beam.DoFn):
    """topic -> one OffsetRange per partition. Bounds are offsets (int) or times (datetime)."""

    def __init__(
        self, kafka: KafkaConfig, start: int | datetime | None, end: int | datetime | None
    ) -> None:
        self.kafka = kafka
        self.start = start
        self.end = end
        self.consumer: Any = None

    def setup(self) -> None:
        self.consumer = make_consumer(self.kafka)

    def teardown(self) -> None:
        if self.consumer is not None:
            self.consumer.close()

    def _resolve(
        self, tps: list[Any], bound: int | datetime | None, default: dict[Any, int]
    ) -> dict[Any, int]:
        if bound is None:
            return default
        if isinstance(bound, int):
            return {
                tp: max(min(bound, default[tp]), 0) if bound >= 0 else default[tp] for tp in tps
            }
        found = self.consumer.offsets_for_times({tp: _millis(bound) for tp in tps})
        return {tp: (found[tp].offset if found.get(tp) else default[tp]) for tp in tps}

    def process(self, topic: str) -> Iterator[OffsetRange]:
        from kafka import TopicPartition

        partitions = self.consumer.partitions_for_topic(topic)
        if not partitions:
            raise RuntimeError(f"topic {topic!r} does not exist")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        beginning = self.consumer.beginning_offsets(tps)
        ends = self.consumer.end_offsets(tps)
        starts = self._resolve(tps, self.start, beginning)
        # An int start is an offset per partition; clamp to what the log still holds.
        starts = {tp: max(starts[tp], beginning[tp]) for tp in tps}
        stops = self._resolve(tps, self.end, ends)
        for tp in tps:
            if stops[tp] > starts[tp]:
                yield OffsetRange(topic, tp.partition, starts[tp], stops[tp])


class _ReadRange(beam.DoFn):
    def __init__(self, kafka: KafkaConfig, idle_timeout_s: float = 30.0) -> None:
        self.kafka = kafka
        self.idle_timeout_s = idle_timeout_s
        self.consumer: Any = None
        self.read = Metrics.counter("kafka", "messages_read")

    def setup(self) -> None:
        self.consumer = make_consumer(self.kafka)

    def teardown(self) -> None:
        if self.consumer is not None:
            self.consumer.close()

    def process(self, rng: OffsetRange) -> Iterator[Message]:
        from kafka import TopicPartition

        tp = TopicPartition(rng.topic, rng.partition)
        self.consumer.assign([tp])
        self.consumer.seek(tp, rng.start)
        position, idle = rng.start, 0.0
        while position < rng.end:
            # One partition assigned at a time: large polls, fewer round trips per record.
            batch = self.consumer.poll(timeout_ms=POLL_MS, max_records=5000).get(tp, [])
            if not batch:
                idle += POLL_MS / 1000
                if idle >= self.idle_timeout_s:
                    # Offsets can have gaps (compaction, transactions): stop at the log end.
                    raise RuntimeError(
                        f"no data at {rng.topic}/{rng.partition}@{position} for {idle:.0f}s"
                    )
                continue
            idle = 0.0
            for record in batch:
                if record.offset >= rng.end:
                    return
                covers_from, position = position, record.offset + 1
                self.read.inc()
                yield Message(
                    value=record.value or b"",
                    source=kafka_source(rng.topic, rng.partition, record.offset),
                    key=record.key,
                    timestamp=kafka_time(record.timestamp),
                    covers_from=covers_from,
                )


class ReadKafkaRange(beam.PTransform):
    """PBegin -> PCollection[Message] for `topic` between `start` and `end`.

    Bounds: None (beginning / end of log at run time), an int offset applied to every
    partition, or a datetime (first offset at or after that time).
    """

    def __init__(
        self,
        kafka: KafkaConfig,
        topic: str,
        start: int | datetime | None = None,
        end: int | datetime | None = None,
    ) -> None:
        super().__init__()
        self.kafka = kafka
        self.topic = topic
        self.start = start
        self.end = end

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "StartPlan" >> beam.Create([self.topic])
            | "PlanOffsetRanges" >> beam.ParDo(_PlanRanges(self.kafka, self.start, self.end))
            | "SpreadRanges" >> beam.Reshuffle()
            | "ReadOffsetRanges" >> beam.ParDo(_ReadRange(self.kafka))
        )
