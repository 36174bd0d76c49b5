"""The streaming deployment: Kafka -> Beam -> Parquet on S3, exactly once in effect.

    ReadKafkaStream -> WindowInto(fixed event-time windows) -> DecodeArticles -> CleanArticles
      -> SkipAdmitted (what the output already holds, read at start)
      -> KeepFirstSeen (exact duplicates across windows, per content fingerprint, with a
         TTL: keyed state; on one-process runners (Prism) one in-memory table instead)
      -> DeduplicateArticles (near duplicates within the window, decided on one key in
         memory; the MinHash signatures it computes are kept for the next step)
      -> DeduplicateAcrossWindows (near duplicates of earlier windows' originals: a bounded
         in-memory LSH on one worker, rebuilt at start from the fingerprint index)
      -> EnrichArticles
      -> ValidateArticles -> WriteOutputs (file names carry window and pane)
      -> dead letters also to the DLQ topic
      -> CommitOffsets, per window, only after that window's files and DLQ sends are durable

Why it is exactly once in effect: offsets are committed only after the output holding them
is durable, so a crash replays from the last commit; and a replayed article or dead letter
that the output already holds is skipped at restart (`read_admitted` reads the data files
themselves, so an article counts as written exactly when its file exists).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
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

from pipelines.config import KafkaConfig, S3Config
from pipelines.core.chunks import EnrichChunk
from pipelines.core.dedup import FirstSeen, duplicate_record, replayed
from pipelines.core.records import Article, DeadLetter, Duplicate, Message
from pipelines.io.index import Admitted, IndexEntries, read_admitted
from pipelines.io.kafka_dlq import PublishDeadLetters
from pipelines.io.kafka_java import ReadKafkaWithJava
from pipelines.io.kafka_stream import CommitOffsets, ReadKafkaStream, parse_kafka_source
from pipelines.io.objectstore import open_store
from pipelines.pipeline import PipelineSettings, WriteOutputs
from pipelines.transforms.clean import CleanArticles
from pipelines.transforms.common import Clock, single_process_runner, utc_now
from pipelines.transforms.decode import DecodeArticles
from pipelines.transforms.dedup import DeduplicateAcrossWindows, DeduplicateArticles
from pipelines.transforms.enrich import EnrichArticles
from pipelines.transforms.validate import ValidateArticles

DUPLICATES = "duplicates"


@dataclass(frozen=True)
class StreamSettings:
    pipeline: PipelineSettings
    kafka: KafkaConfig
    topic: str
    group_id: str
    window_s: float = 60.0
    allowed_lateness_s: float = 3600.0
    idle_after_s: float = 5.0  # an idle partition's watermark follows the clock after this
    first_seen_ttl_s: float = 7 * 24 * 3600.0  # how long exact-duplicate state is kept
    dlq_topic: str | None = "raw-articles.dlq"
    stop_file: str | None = None  # drain when this file appears
    stop_after_idle_s: float | None = None  # finish when every partition is idle this long
    # "python": ReadKafkaStream (kafka-python, every runner); "java": Beam's KafkaIO through
    # the expansion service jar at `kafka_expansion_jar` (io.kafka_java).
    kafka_source: str = "python"
    kafka_expansion_jar: str | None = None


def _windowing(s: StreamSettings) -> beam.WindowInto:
    return beam.WindowInto(
        window.FixedWindows(s.window_s),
        trigger=trigger.AfterWatermark(late=trigger.AfterCount(1)),
        allowed_lateness=Duration(seconds=s.allowed_lateness_s),
        accumulation_mode=trigger.AccumulationMode.DISCARDING,
    )


class _AdmittedFn(beam.DoFn):
    """Reads what the output already holds once per worker, in setup(). (A singleton side
    input did the same, but made Prism spin a core even while the job was idle.)"""

    def __init__(self, output_uri: str, s3: S3Config) -> None:
        self.output_uri = output_uri
        self.s3 = s3
        self.admitted = Admitted(set(), {}, set())

    def setup(self) -> None:
        store = open_store(self.output_uri, self.s3)
        try:
            self.admitted = read_admitted(store)
        finally:
            store.close()


class _SkipAdmitted(_AdmittedFn):
    """A replay after a restart (core.dedup.replayed): Article -> the article, or nothing
    when the output holds it, or on DUPLICATES a Duplicate of the written article with the
    same text."""

    def __init__(self, output_uri: str, s3: S3Config, now: Clock) -> None:
        super().__init__(output_uri, s3)
        self.now = now

    def process(self, article: Article) -> Iterator[Any]:
        a = self.admitted
        verdict = replayed(article, a.ids, a.fingerprints, self.now())
        if verdict is None:
            Metrics.counter("stream", "already_written").inc()
        elif isinstance(verdict, Duplicate):
            Metrics.counter("dedup", "exact").inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, verdict)
        else:
            yield verdict


class _SkipRecordedDeadLetters(_AdmittedFn):
    def process(self, letter: DeadLetter) -> Iterator[DeadLetter]:
        if letter.source in self.admitted.dead_sources:
            Metrics.counter("stream", "dead_letter_already_written").inc()
            return
        yield letter


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


def _next_offset(message: Message) -> tuple[int, int]:
    _, partition, offset = parse_kafka_source(message.source)
    return partition, offset + 1


class StreamArticles(beam.PTransform):
    """PBegin -> the committed offsets (per window). See the module docstring."""

    def __init__(self, settings: StreamSettings, now: Clock = utc_now) -> None:
        super().__init__()
        self.settings = settings
        self.now = now

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
            )
        messages = pbegin | "ReadKafkaStream" >> read | "WindowMessages" >> _windowing(s)
        decoded = messages | "DecodeArticles" >> DecodeArticles(ps.s3, now, ps.max_body_bytes)
        warm = (EnrichChunk(ps.enrich).preload,)  # the workers' models load meanwhile
        cleaned = decoded.articles | "CleanArticles" >> CleanArticles(
            ps.clean, now, ps.max_body_bytes, workers=ps.cpu_workers, warm=warm
        )
        fresh = cleaned.articles | "SkipAdmitted" >> beam.ParDo(
            _SkipAdmitted(ps.output_uri, ps.s3, now)
        ).with_outputs(DUPLICATES, main="articles")
        if single_process_runner(pbegin.pipeline):
            first = fresh.articles | "KeepFirstSeen" >> beam.ParDo(
                _FirstSeenInMemory(s.first_seen_ttl_s, f"{ps.output_uri}|{uuid.uuid4().hex}", now)
            ).with_outputs(DUPLICATES, main="articles")
            rewindowed, exact = first.articles, first[DUPLICATES]
        else:
            first = (
                fresh.articles
                | "GlobalWindow" >> beam.WindowInto(window.GlobalWindows())
                | "KeyByFingerprint" >> beam.Map(lambda a: (a.content_fingerprint, a))
                | "KeepFirstSeen"
                >> beam.ParDo(_FirstSeen(s.first_seen_ttl_s, now)).with_outputs(
                    DUPLICATES, main="articles"
                )
            )
            rewindowed = first.articles | "RewindowArticles" >> _windowing(s)
            exact = first[DUPLICATES] | "RewindowDuplicates" >> _windowing(s)
        within = rewindowed | "DeduplicateArticles" >> DeduplicateArticles(
            ps.dedup,
            near_duplicates=ps.near_duplicates,
            now=now,
            keep_signatures=True,  # the check across windows reuses them
            in_memory=True,  # a window's articles fit one worker: fewer shuffles and hops
        )
        deduped = within | "DeduplicateAcrossWindows" >> DeduplicateAcrossWindows(
            ps.dedup,
            IndexEntries(ps.output_uri, ps.s3),
            memory_key=f"{ps.output_uri}|{uuid.uuid4().hex}",  # this pipeline's own memory
            near_duplicates=ps.near_duplicates,
            now=now,
        )
        enriched = deduped.articles | "EnrichArticles" >> EnrichArticles(
            ps.enrich, now=now, workers=ps.cpu_workers
        )
        validated = enriched.articles | "ValidateArticles" >> ValidateArticles(now=now)
        dead = (
            (
                decoded.dead_letter,
                cleaned.dead_letter,
                deduped.dead_letter,
                enriched.dead_letter,
                validated.dead_letter,
            )
            | "CollectDeadLetters" >> beam.Flatten()
            | "SkipRecordedDeadLetters"
            >> beam.ParDo(_SkipRecordedDeadLetters(ps.output_uri, ps.s3))
        )
        outputs = {
            "articles": validated.valid,
            "duplicates": (fresh[DUPLICATES], exact, deduped.duplicates)
            | "AllDuplicates" >> beam.Flatten(),
            "index": deduped.index,
            "dead_letter": dead,
        }
        durable = [
            outputs
            | "WriteOutputs" >> WriteOutputs(ps)
            | "FilesDone" >> beam.Map(lambda _: ("w", 1))
        ]
        if s.dlq_topic:
            published = dead | "PublishDeadLetters" >> PublishDeadLetters(s.kafka, s.dlq_topic)
            durable.append(published | "SendsDone" >> beam.Map(lambda _: ("w", 1)))
        offsets = (
            messages
            | "NextOffsets" >> beam.Map(_next_offset)
            | "MaxOffsetPerPartition" >> beam.CombinePerKey(max)
            | "KeyOffsets" >> beam.Map(lambda kv: ("w", kv))
        )
        done = tuple(durable) | "AllDurable" >> beam.Flatten()
        # The gate fires per window once its offsets and its writes are complete, so an offset
        # is committed only after the output holding it is durable.
        return (
            {"offsets": offsets, "durable": done}
            | "WaitForDurableOutput" >> beam.CoGroupByKey()
            | "OffsetsToCommit" >> beam.FlatMap(lambda kv: kv[1]["offsets"])
            | "CommitOffsets" >> CommitOffsets(s.kafka, s.group_id, s.topic)
        )
