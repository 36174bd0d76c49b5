"""The newswire Beam graph's processing steps, one function for batch backfills and the
streaming job (`process_articles`; streaming.py adds its own steps through `StreamingSteps`).

    Kafka messages -> DecodeArticles -> raw articles   (`decode_and_process`, both)
    raw articles -> CleanArticles -> DeduplicateArticles -> EnrichArticles -> ValidateArticles
                 -> WriteOutputs (data files of the articles, duplicates, dead_letter and
                    fingerprints tables; committed to them by the caller, io.tables)

Reading and committing stay with the callers, because they differ in kind: a backfill reads
files (`ReadRawFiles`) or a bounded range of the topic and commits once after the run; the
stream reads without end and commits each window's files with its offsets (io.commit). Every
step's dead letters are flattened into one `dead_letter` output, each with the step and a
stable reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.config import S3Config
from pipelines.core.chunks import EnrichChunk, TimeLimit
from pipelines.core.clean import CleanSettings
from pipelines.core.clean import preload as preload_clean
from pipelines.core.clock import Clock, utc_now
from pipelines.core.dedup import DedupSettings
from pipelines.core.defaults import MAX_BODY_BYTES
from pipelines.core.enrich import EnrichSettings
from pipelines.core.layout import ARTICLES, DEAD_LETTERS, DUPLICATES, INDEX
from pipelines.core.records import DeadLetter, to_avro
from pipelines.io.sink import WriteParquet
from pipelines.transforms.clean import CleanArticles
from pipelines.transforms.decode import DecodeArticles
from pipelines.transforms.dedup import DeduplicateArticles, DedupResult
from pipelines.transforms.enrich import EnrichArticles
from pipelines.transforms.validate import ValidateArticles


@dataclass(frozen=True)
class PipelineSettings:
    output_uri: str
    s3: S3Config = field(default_factory=S3Config)
    clean: CleanSettings = field(default_factory=CleanSettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)
    enrich: EnrichSettings = field(default_factory=EnrichSettings)
    near_duplicates: str = "mark"  # or "drop"
    shards: int = 1  # files per partition grow with rows (max_rows), not with this
    max_body_bytes: int = MAX_BODY_BYTES
    # The configured claims location (Config.claims_uri): a message's body_ref is read only
    # from under it; None refuses every claim check.
    claims_uri: str | None = None
    # Worker processes for cleaning and enrichment (transforms.workers); 0 runs them in the
    # runner's own worker processes, unguarded: a page that crashes or hangs them stops the
    # job (the commands default to at least 1: commands.settings.default_cpu_workers).
    cpu_workers: int = 0
    # How long cleaning or enriching one article may take in a worker process (Config
    # time_limit_s, time_limit_s_per_mb); past it the article is a dead letter.
    time_limit: TimeLimit = field(default_factory=TimeLimit)


FirstSeenStep = Callable[[beam.PCollection], tuple[beam.PCollection, beam.PCollection]]
AcrossWindowsStep = Callable[[DedupResult], DedupResult]


@dataclass(frozen=True)
class StreamingSteps:
    """What only streaming adds to the processing steps, each applied where it stands:
    `keep_first_seen` after CleanArticles (articles -> (articles, exact duplicates of earlier
    windows)), `across_windows` after DeduplicateArticles (which then keeps the signatures and
    decides a window in memory)."""

    keep_first_seen: FirstSeenStep
    across_windows: AcrossWindowsStep


def process_articles(
    raws: beam.PCollection,
    settings: PipelineSettings,
    *,
    previous: Any = None,
    now: Clock = utc_now,
    streaming: StreamingSteps | None = None,
    dead_letters: tuple[beam.PCollection, ...] = (),
) -> dict[str, beam.PCollection]:
    """The processing steps of batch and streaming alike, applied in the caller's scope: their
    labels are the caller's (stable step names for Flink savepoints). `dead_letters` are the
    caller's earlier ones, flattened with every step's. See `ProcessArticles` for the outputs."""
    s = settings
    warm = (preload_clean, EnrichChunk(s.enrich).preload)  # workers load them meanwhile
    cleaned = raws | "CleanArticles" >> CleanArticles(
        s.clean,
        now,
        s.max_body_bytes,
        workers=s.cpu_workers,
        warm=warm,
        time_limit=s.time_limit,
    )
    articles, exact = cleaned.articles, None
    if streaming:
        articles, exact = streaming.keep_first_seen(articles)
    deduped = articles | "DeduplicateArticles" >> DeduplicateArticles(
        s.dedup,
        near_duplicates=s.near_duplicates,
        previous=previous,
        now=now,
        keep_signatures=streaming is not None,  # the check across windows reuses them
        in_memory=streaming is not None,  # a window's articles fit one worker
    )
    if streaming:
        deduped = streaming.across_windows(deduped)
    enriched = deduped.articles | "EnrichArticles" >> EnrichArticles(
        s.enrich, now=now, workers=s.cpu_workers, time_limit=s.time_limit
    )
    validated = enriched.articles | "ValidateArticles" >> ValidateArticles(now=now)
    dead = (
        *dead_letters,
        cleaned.dead_letter,
        deduped.dead_letter,
        enriched.dead_letter,
        validated.dead_letter,
    ) | "CollectDeadLetters" >> beam.Flatten()
    duplicates = deduped.duplicates
    if exact is not None:
        duplicates = (exact, duplicates) | "AllDuplicates" >> beam.Flatten()
    return {
        "articles": validated.valid,
        "duplicates": duplicates,
        "index": deduped.index,
        "dead_letter": dead,
    }


def decode_and_process(
    messages: beam.PCollection,
    settings: PipelineSettings,
    *,
    previous: Any = None,
    now: Clock = utc_now,
    streaming: StreamingSteps | None = None,
) -> dict[str, beam.PCollection]:
    """Kafka messages -> `DecodeArticles` -> `process_articles`, in the caller's scope (as
    `process_articles`); decoding's dead letters join every other step's."""
    s = settings
    decoded = messages | "DecodeArticles" >> DecodeArticles(
        s.s3, now, s.max_body_bytes, claims_uri=s.claims_uri
    )
    return process_articles(
        decoded.articles,
        s,
        previous=previous,
        now=now,
        streaming=streaming,
        dead_letters=(decoded.dead_letter,),
    )


class ProcessArticles(beam.PTransform):
    """RawArticle -> {articles, duplicates, index, dead_letter}: `process_articles` in batch.

    In: PCollection[RawArticle]; `previous` is a PCollection[IndexEntry] of articles that
    earlier runs admitted (or None). Out: a dict of PCollections — `articles` (validated
    Avro-shaped dicts), `duplicates` (Duplicate), `index` (IndexEntry), `dead_letter`
    (DeadLetter from every step).
    """

    def __init__(
        self, settings: PipelineSettings, previous: Any = None, now: Clock = utc_now
    ) -> None:
        super().__init__()
        self.settings = settings
        self.previous = previous
        self.now = now

    def expand(self, raws: beam.PCollection) -> dict[str, beam.PCollection]:
        return process_articles(raws, self.settings, previous=self.previous, now=self.now)


class ProcessMessages(ProcessArticles):
    """Kafka messages -> the outputs of `ProcessArticles`: `decode_and_process` in batch."""

    def expand(self, messages: beam.PCollection) -> dict[str, beam.PCollection]:
        return decode_and_process(messages, self.settings, previous=self.previous, now=self.now)


def _count_dead_letter(letter: DeadLetter) -> DeadLetter:
    # One counter per step and reason, of what actually reaches dead_letter/.
    Metrics.counter("dead_letter", f"{letter.step}:{letter.error_code}").inc()
    return letter


class WriteOutputs(beam.PTransform):
    """{articles, duplicates, index, dead_letter} -> Parquet files under the output URI."""

    def __init__(self, settings: PipelineSettings, tag: str = "") -> None:
        super().__init__()
        self.settings = settings
        self.tag = tag

    def expand(self, outputs: dict[str, beam.PCollection]) -> beam.PCollection:
        s = self.settings

        def write(name: str, kind: Any, rows: beam.PCollection) -> beam.PCollection:
            return rows | f"Write{name}" >> WriteParquet(
                s.output_uri, kind, s.s3, s.shards, tag=self.tag
            )

        dead = outputs["dead_letter"] | "CountDeadLetters" >> beam.Map(_count_dead_letter)
        written = (
            write("Articles", ARTICLES, outputs["articles"]),
            write(
                "Duplicates",
                DUPLICATES,
                outputs["duplicates"] | "DuplicateRows" >> beam.Map(to_avro),
            ),
            write(
                "DeadLetters",
                DEAD_LETTERS,
                dead | "DeadLetterRows" >> beam.Map(to_avro),
            ),
            write(
                "Index", INDEX, outputs["index"] | "IndexRows" >> beam.Map(lambda e: e.to_dict())
            ),
        )
        return written | "CollectWrittenFiles" >> beam.Flatten()
