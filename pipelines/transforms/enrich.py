"""EnrichArticles: language, entities, countries, keywords and topics (pipelines.core.enrich).

In: PCollection[Article].
Out: `articles` (enriched Article) and `dead_letter` (DeadLetter, step "enrich": empty_text,
ner_failed, enrich_failed; with workers, worker_crashed and time_limit_exceeded; raw = the
article text, UTF-8).
Articles are enriched in chunks of at most `batch_size` so spaCy's NER runs batched; the
models are loaded once per process (the DoFn's, or each worker's with `workers > 0`, see
transforms.workers, where they load as the worker starts).
Counters: enrich/ok (enriched), enrich/ner_skipped (not in the NER model's language), and
enrich/<error code> per dead letter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.core.chunks import EnrichChunk, TimeLimit
from pipelines.core.clock import Clock, utc_now
from pipelines.core.enrich import EnrichSettings
from pipelines.core.errors import DEAD_LETTER
from pipelines.transforms.workers import DEFAULT_TIME_LIMIT, ChunkedApply

STEP = "enrich"


class _EnrichFn(ChunkedApply):
    def __init__(
        self,
        settings: EnrichSettings,
        workers: int,
        batch_size: int,
        now: Clock,
        warm: Sequence[Callable[[], None]],
        time_limit: TimeLimit,
    ):
        self.chunk_task = EnrichChunk(settings)
        warm = (*warm, self.chunk_task.preload)  # a pool this step starts loads its models
        super().__init__(STEP, self.chunk_task, workers, batch_size, now, warm, time_limit)
        self.ner_skipped = Metrics.counter(STEP, "ner_skipped")

    def setup(self) -> None:
        super().setup()
        if self.workers == 0:
            self.chunk_task.preload()  # load before the first bundle, not inside it

    def count(self, result: Any) -> None:
        if result.enrichment_versions.get("ner", "").startswith("skipped:"):
            self.ner_skipped.inc()


class EnrichArticles(beam.PTransform):
    def __init__(
        self,
        settings: EnrichSettings | None = None,
        batch_size: int = 32,
        now: Clock = utc_now,
        workers: int = 0,
        warm: Sequence[Callable[[], None]] = (),
        time_limit: TimeLimit = DEFAULT_TIME_LIMIT,
    ) -> None:
        super().__init__()
        self.settings = settings or EnrichSettings()
        self.batch_size = batch_size
        self.now = now
        self.workers = workers
        self.warm = warm
        self.time_limit = time_limit

    def expand(self, articles: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        # With workers, smaller chunks spread a bundle over them; spaCy's batching gains
        # little beyond a few documents.
        chunk = self.batch_size if self.workers == 0 else min(self.batch_size, 8)
        return articles | "EnrichBatch" >> beam.ParDo(
            _EnrichFn(self.settings, self.workers, chunk, self.now, self.warm, self.time_limit)
        ).with_outputs(DEAD_LETTER, main="articles")
