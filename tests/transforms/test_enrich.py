from __future__ import annotations

from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.core.enrich import EnrichSettings
from pipelines.core.records import Article
from pipelines.transforms.enrich import EnrichArticles

NOW = datetime(2026, 1, 1, tzinfo=UTC)
FAILED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

TEXT = (
    "QUITO (Reuters) - Ecuador's energy minister Rosa Mena said on Friday that power cuts "
    "in Quito and Guayaquil would end next week as rain refilled hydroelectric reservoirs."
)


def _article(article_id: str, text: str) -> Article:
    return Article(
        article_id=article_id, text=text, source=f"kafka:t/0/{article_id}", ingested_at=NOW
    )


def test_enriches_articles_and_dead_letters_failures() -> None:
    articles = [
        _article("a", TEXT),
        _article("b", TEXT.replace("Friday", "Monday")),
        _article("c", " "),
    ]
    with TestPipeline() as p:
        out = (
            p
            | beam.Create(articles, reshuffle=False)
            | EnrichArticles(EnrichSettings(max_keywords=5), batch_size=2, now=lambda: FAILED_AT)
        )
        assert_that(
            out.articles
            | beam.Map(lambda a: (a.article_id, a.language, a.countries, len(a.keywords) <= 5)),
            equal_to([("a", "en", ["EC"], True), ("b", "en", ["EC"], True)]),
            label="CheckArticles",
        )
        assert_that(
            out.articles
            | beam.Map(
                lambda a: any(e.text == "Rosa Mena" and e.label == "PERSON" for e in a.entities)
            ),
            equal_to([True, True]),
            label="CheckEntities",
        )
        assert_that(
            out.dead_letter
            | beam.Map(
                lambda d: (d.article_id, d.step, d.error_code, d.raw, d.failed_at, d.source)
            ),
            equal_to([("c", "enrich", "empty_text", b" ", FAILED_AT, "kafka:t/0/c")]),
            label="CheckDeadLetters",
        )


def test_counts_enriched_skipped_and_dead_lettered_articles() -> None:
    german = (
        "Die Stadtwerke in Hamburg erhöhen zum Jahresbeginn die Strompreise, weil die Kosten "
        "für Energie und Netze gestiegen sind."
    )
    p = TestPipeline()
    articles = [_article("a", TEXT), _article("d", german), _article("c", "")]
    _ = p | beam.Create(articles, reshuffle=False) | EnrichArticles(now=lambda: FAILED_AT)
    result = p.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_namespace("enrich"))["counters"]
    totals = {c.key.metric.name: c.committed for c in counters}
    assert totals == {"ok": 2, "ner_skipped": 1, "empty_text": 1}
