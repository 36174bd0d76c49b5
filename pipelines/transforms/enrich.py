"""EnrichArticles: language, entities, countries, keywords and topics (pipelines.core.enrich).

In: PCollection[Article].
Out: `articles` (enriched Article) and `dead_letter` (DeadLetter, step "enrich": empty_text,
ner_failed, enrich_failed; raw = the article text, UTF-8).
Articles are grouped with `BatchElements` (at most `batch_size` per batch) so spaCy's NER
runs batched; the DoFn loads the models once per DoFn instance in `setup()`.
Counters: enrich/ok (enriched), enrich/ner_skipped (not in the NER model's language), and
enrich/<error code> per dead letter.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.core.enrich import EnrichmentModels, EnrichSettings, enrich_articles, load_models
from pipelines.core.errors import ArticleError
from pipelines.core.records import Article
from pipelines.transforms.common import DEAD_LETTER, Clock, make_dead_letter, utc_now

STEP = "enrich"


class _EnrichBatchFn(beam.DoFn):
    """Owns the loaded models; the enrichment logic lives in pipelines.core.enrich."""

    def __init__(self, settings: EnrichSettings, now: Clock) -> None:
        self.settings = settings
        self.now = now
        self.models: EnrichmentModels | None = None
        self.ok = Metrics.counter(STEP, "ok")
        self.ner_skipped = Metrics.counter(STEP, "ner_skipped")

    def setup(self) -> None:
        self.models = load_models(self.settings)

    def process(self, batch: list[Article]) -> Iterator[Any]:
        assert self.models is not None
        for article, result in zip(batch, enrich_articles(batch, self.models), strict=True):
            if isinstance(result, ArticleError):
                letter = make_dead_letter(STEP, result, article, self.now)
                Metrics.counter(STEP, letter.error_code).inc()
                yield beam.pvalue.TaggedOutput(DEAD_LETTER, letter)
                continue
            self.ok.inc()
            if result.enrichment_versions.get("ner", "").startswith("skipped:"):
                self.ner_skipped.inc()
            yield result


class EnrichArticles(beam.PTransform):
    def __init__(
        self, settings: EnrichSettings | None = None, batch_size: int = 32, now: Clock = utc_now
    ) -> None:
        super().__init__()
        self.settings = settings or EnrichSettings()
        self.batch_size = batch_size
        self.now = now

    def expand(self, articles: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        return (
            articles
            | "BatchArticles"
            >> beam.BatchElements(min_batch_size=1, max_batch_size=self.batch_size)
            | "EnrichBatch"
            >> beam.ParDo(_EnrichBatchFn(self.settings, self.now)).with_outputs(
                DEAD_LETTER, main="articles"
            )
        )
