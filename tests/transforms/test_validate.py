from __future__ import annotations

from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.core.records import Article
from pipelines.transforms.validate import ValidateArticles

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_invalid_records_never_reach_the_valid_output() -> None:
    ok = Article("a", "text", "s1", NOW, content_fingerprint="f", word_count=1)
    bad = Article("b", "text", "s2", NOW, content_fingerprint="f", word_count=1)
    bad.countries = [None]  # type: ignore[list-item]
    with TestPipeline() as p:
        out = p | beam.Create([ok, bad]) | ValidateArticles(now=lambda: NOW)
        assert_that(
            out.valid | beam.Map(lambda r: r["article_id"]), equal_to(["a"]), label="CheckValid"
        )
        assert_that(
            out.dead_letter | beam.Map(lambda d: (d.article_id, d.step, d.error_code)),
            equal_to([("b", "validate", "schema_invalid")]),
            label="CheckDead",
        )
