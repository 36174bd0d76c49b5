"""The streaming deployment: Kafka -> Beam -> Iceberg tables on S3, exactly once by Kafka record.

    ReadKafkaStream (ingestion-time timestamps; starts where the tables' offsets end)
      -> WindowInto(fixed windows) -> DecodeArticles -> CleanArticles
      -> KeepFirstSeen (exact duplicates across windows, per content fingerprint, with a
         TTL: keyed state; on one-process runners (Prism) one in-memory table instead)
      -> DeduplicateArticles (near duplicates within the window, decided on one key in
         memory; the MinHash signatures it computes are kept for the next step)
      -> DeduplicateAcrossWindows (near duplicates of earlier windows' originals: a bounded
         in-memory LSH on one worker, rebuilt at start from the fingerprint index table)
      -> EnrichArticles
      -> ValidateArticles -> WriteOutputs (data files; file names carry the window)
      -> dead letters also to the DLQ topic
      -> CommitToTables: per window, its data files and its messages' offset ranges in one
         commit of the tables (io.commit), then the consumer group's offsets (monitoring)

Why every Kafka record ends in exactly one place: a record's offsets are committed in the
same table commit as the files holding its rows, and a restart reads from the offsets the
tables hold (reading past ranges committed out of order), never from a guess about content.
A window is cut by the time records are read, so a producer's timestamp (skewed, absurd,
out of order) never makes a record late or lets a later window commit past it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import apache_beam as beam
from apache_beam.coders import StrUtf8Coder
from apache_beam.metrics import Metrics
from apache_beam.transforms import trigger, window
from apache_beam.transforms.userstate import (
    ReadModifyWriteStateSpec,
    TimerSpec,
    on_timer,
)
from apache_beam.utils.timestamp import Duration

from pipelines.config import CatalogConfig, KafkaConfig
from pipelines.core.clock import Clock, utc_now
from pipelines.core.dedup import FirstSeen, duplicate_record
from pipelines.core.offsets import StreamState
from pipelines.core.records import Article
from pipelines.io.beam_runner import single_process_runner
from pipelines.io.commit import CommitToTables
from pipelines.io.index import IndexEntries
from pipelines.io.kafka_dlq import PublishDeadLetters
from pipelines.io.kafka_java import ReadKafkaWithJava
from pipelines.io.kafka_stream import CommitOffsets, ReadKafkaStream
from pipelines.pipeline import PipelineSettings, StreamingSteps, WriteOutputs, decode_and_process
from pipelines.transforms.dedup import DeduplicateAcrossWindows, DedupResult

DUPLICATES = "duplicates"


@dataclass(frozen=True)
class StreamSettings:
    pipeline: PipelineSettings
    kafka: KafkaConfig
    topic: str
    group_id: str
    catalog: CatalogConfig = field(default_factory=CatalogConfig)
    # What the tables held at start (core.offsets), partitions found reset already removed.
    held: StreamState | None = None
    window_s: float = 60.0
    idle_after_s: float = 5.0  # an idle partition's watermark follows the clock after this
    first_seen_ttl_s: float = 7 * 24 * 3600.0  # how long exact-duplicate state is kept
    dlq_topic: str | None = KafkaConfig.dlq_topic
    stop_file: str | None = None  # drain when this file appears
    stop_after_idle_s: float | None = None  # finish when every partition is idle this long
    # "python": ReadKafkaStream (kafka-python, every runner); "java": Beam's KafkaIO through
    # the expansion service jar at `kafka_expansion_jar` (io.kafka_java).
    kafka_source: str = "python"
    kafka_expansion_jar: str | None = None


def _windowing(s: StreamSettings) -> beam.WindowInto:
    # One on-time pane per window and no late panes: timestamps are ingestion times, so no
    # record is late; one the runner would drop anyway is not committed (io.commit).
    return beam.WindowInto(
        window.FixedWindows(s.window_s),
        trigger=trigger.AfterWatermark(),
        allowed_lateness=Duration(seconds=0),
        accumulation_mode=trigger.AccumulationMode.DISCARDING,
    )


_FIRST = ReadModifyWriteStateSpec("first", StrUtf8Coder())
_EXPIRY = TimerSpec("expiry", beam.TimeDomain.WATERMARK)
_FIRST_STATE = beam.DoFn.StateParam(_FIRST)
_EXPIRY_TIMER = beam.DoFn.TimerParam(_EXPIRY)


class _FirstSeen(beam.DoFn):
    """Keyed by content fingerprint in the global window: the first article wins, across
    windows. State expires `ttl_s` of event time after the first sighting."""

    def __init__(self, ttl_s: float, now: Clock) -> None:
        self.ttl_s = ttl_s
        self.now = now
        self.exact = Metrics.counter("dedup", "exact")

    def process(
        self,
        element: tuple[str, Article],
        timestamp: Any = beam.DoFn.TimestampParam,
        first: Any = _FIRST_STATE,
        expiry: Any = _EXPIRY_TIMER,
    ) -> Iterator[Any]:
        _, article = element
        seen = first.read()
        if seen is None:
            first.write(article.article_id)
            expiry.set(timestamp + Duration(seconds=self.ttl_s))
            yield article
        else:
            # Another article with this text, or the same one sent again (as in batch).
            self.exact.inc()
            yield beam.pvalue.TaggedOutput(
                DUPLICATES, duplicate_record(article, seen, "exact", 1.0, self.now())
            )

    @on_timer(_EXPIRY)
    def expire(self, first: Any = _FIRST_STATE) -> None:
        first.clear()


_FIRST_SEEN: dict[str, FirstSeen] = {}  # per pipeline (memory_key), shared by its instances
_FIRST_SEEN_LOCK = threading.Lock()  # bundles run on several threads of the SDK process


class _FirstSeenInMemory(beam.DoFn):
    """`_FirstSeen` on runners that run a job in one process (Prism): Article -> the article,
    or on DUPLICATES a Duplicate of the first article seen with its text, decided by one
    `core.dedup.FirstSeen` per pipeline. Keyed state costs a blocking round trip to Prism per
    read and per commit (the longest waits of the SDK's bundle threads under a steady
    stream); here articles also keep their windows (no re-windowing)."""

    def __init__(self, ttl_s: float, memory_key: str, now: Clock) -> None:
        self.ttl_s = ttl_s
        self.memory_key = memory_key
        self.now = now
        self.memory: FirstSeen | None = None
        self.exact = Metrics.counter("dedup", "exact")

    def setup(self) -> None:
        with _FIRST_SEEN_LOCK:
            self.memory = _FIRST_SEEN.setdefault(self.memory_key, FirstSeen(self.ttl_s))

    def process(self, article: Article, timestamp: Any = beam.DoFn.TimestampParam) -> Iterator[Any]:
        assert self.memory is not None
        with _FIRST_SEEN_LOCK:
            seen = self.memory.first(
                article.content_fingerprint, article.article_id, float(timestamp)
            )
        if seen is None:
            yield article
            return
        self.exact.inc()
        yield beam.pvalue.TaggedOutput(
            DUPLICATES, duplicate_record(article, seen, "exact", 1.0, self.now())
        )


class StreamArticles(beam.PTransform):
    """PBegin -> the consumer group's commits (per window). See the module docstring."""

    def __init__(self, settings: StreamSettings, now: Clock = utc_now) -> None:
        super().__init__()
        self.settings = settings
        self.now = now

    def _keep_first_seen(
        self, articles: beam.PCollection
    ) -> tuple[beam.PCollection, beam.PCollection]:
        """Articles -> (the first seen with their text, exact duplicates): see `_FirstSeen`."""
        s, now = self.settings, self.now
        if single_process_runner(articles.pipeline):
            first = articles | "KeepFirstSeen" >> beam.ParDo(
                _FirstSeenInMemory(
                    s.first_seen_ttl_s, f"{s.pipeline.output_uri}|{uuid.uuid4().hex}", now
                )
            ).with_outputs(DUPLICATES, main="articles")
            return first.articles, first[DUPLICATES]
        first = (
            articles
            | "GlobalWindow" >> beam.WindowInto(window.GlobalWindows())
            | "KeyByFingerprint" >> beam.Map(lambda a: (a.content_fingerprint, a))
            | "KeepFirstSeen"
            >> beam.ParDo(_FirstSeen(s.first_seen_ttl_s, now)).with_outputs(
                DUPLICATES, main="articles"
            )
        )
        rewindowed = first.articles | "RewindowArticles" >> _windowing(s)
        return rewindowed, first[DUPLICATES] | "RewindowDuplicates" >> _windowing(s)

    def _across_windows(self, within: DedupResult) -> DedupResult:
        s, ps = self.settings, self.settings.pipeline
        return within | "DeduplicateAcrossWindows" >> DeduplicateAcrossWindows(
            ps.dedup,
            IndexEntries(ps.output_uri, ps.s3, s.catalog),
            memory_key=f"{ps.output_uri}|{uuid.uuid4().hex}",  # this pipeline's own memory
            near_duplicates=ps.near_duplicates,
            now=self.now,
        )

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        s, ps, now = self.settings, self.settings.pipeline, self.now
        if s.kafka_source == "java":
            read: beam.PTransform = ReadKafkaWithJava(
                s.kafka, s.topic, s.group_id, s.kafka_expansion_jar or ""
            )
        else:
            read = ReadKafkaStream(
                s.kafka,
                s.topic,
                s.group_id,
                idle_after_s=s.idle_after_s,
                stop_after_idle_s=s.stop_after_idle_s,
                stop_file=s.stop_file,
                discover_interval_s=None if s.stop_after_idle_s else 60.0,
                held=(s.held or StreamState(s.topic)).coverage,
            )
        messages = pbegin | "ReadKafkaStream" >> read | "WindowMessages" >> _windowing(s)
        outputs = decode_and_process(
            messages,
            ps,
            now=now,
            streaming=StreamingSteps(self._keep_first_seen, self._across_windows),
        )
        dead = outputs["dead_letter"]
        # File names carry this job's own token: a committed file is never overwritten by a
        # later run, or by a second job on the same output, writing the same window's rows.
        written = outputs | "WriteOutputs" >> WriteOutputs(ps, tag=f"s{uuid.uuid4().hex[:12]}")
        gate = {"messages": messages, "files": written}
        if s.dlq_topic:
            gate["sent"] = dead | "PublishDeadLetters" >> PublishDeadLetters(s.kafka, s.dlq_topic)
        held = s.held or StreamState(s.topic)
        return (
            gate
            | "CommitToTables" >> CommitToTables(ps.output_uri, s.catalog, ps.s3, s.group_id, held)
            | "CommitOffsets" >> CommitOffsets(s.kafka, s.group_id, s.topic)
        )
