"""EnrichArticles: language, entities, countries, keywords and topics (pipelines.core.enrich).

In: PCollection[Article].
Out: `articles` (enriched Article) and `dead_letter` (DeadLetter, step "enrich": empty_text,
ner_failed, enrich_failed; raw = the article text, UTF-8).
Articles are enriched in chunks of at most `batch_size` so spaCy's NER runs batched; the
models are loaded once per process (the DoFn's, or each worker's with `workers > 0`, see
transforms.workers).
Counters: enrich/ok (enriched), enrich/ner_skipped (not in the NER model's language), and
enrich/<error code> per dead letter.
"""

from __future__ import annotations

import threading
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.core.enrich import EnrichmentModels, EnrichSettings, enrich_articles, load_models
from pipelines.core.errors import ArticleError
from pipelines.core.records import Article
from pipelines.transforms.common import DEAD_LETTER, Clock, utc_now
from pipelines.transforms.workers import ChunkedApply, Failure

STEP = "enrich"

# Loaded models per process (the SDK worker's, or a CPU worker's), by settings: loading takes
# seconds and hundreds of MB, so every DoFn instance and chunk in a process shares them.
_MODELS: dict[EnrichSettings, EnrichmentModels] = {}
_MODELS_LOCK = threading.Lock()


def _models(settings: EnrichSettings) -> EnrichmentModels:
    with _MODELS_LOCK:
        if settings not in _MODELS:
            _MODELS[settings] = load_models(settings)
        return _MODELS[settings]


class _EnrichChunk:
    """Picklable task: a chunk of articles -> enriched articles or Failures."""

    def __init__(self, settings: EnrichSettings) -> None:
        self.settings = settings

    def __call__(self, articles: list[Article]) -> list[Article | Failure]:
        results = enrich_articles(articles, _models(self.settings))
        return [Failure.of(r) if isinstance(r, ArticleError) else r for r in results]


class _EnrichFn(ChunkedApply):
    def __init__(self, settings: EnrichSettings, workers: int, batch_size: int, now: Clock):
        super().__init__(STEP, _EnrichChunk(settings), workers, batch_size, now)
        self.settings = settings
        self.ner_skipped = Metrics.counter(STEP, "ner_skipped")

    def setup(self) -> None:
        super().setup()
        if self.workers == 0:
            _models(self.settings)  # load before the first bundle, not inside it

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
    ) -> None:
        super().__init__()
        self.settings = settings or EnrichSettings()
        self.batch_size = batch_size
        self.now = now
        self.workers = workers

    def expand(self, articles: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        # With workers, smaller chunks spread a bundle over them; spaCy's batching gains
        # little beyond a few documents.
        chunk = self.batch_size if self.workers == 0 else min(self.batch_size, 8)
        return articles | "EnrichBatch" >> beam.ParDo(
            _EnrichFn(self.settings, self.workers, chunk, self.now)
        ).with_outputs(DEAD_LETTER, main="articles")
