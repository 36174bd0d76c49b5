"""CleanArticles wiring: a scrape becomes an Article; each bad body a dead letter with its code."""

from __future__ import annotations

from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.core.records import RawArticle
from pipelines.transforms.clean import CleanArticles

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SCRAPE = (
    b"Home | World | Sport\n\nHarbour Plan Approved After Long Debate\n\n"
    b"Mara Quill Published March 3, 2025 | 10:15 AM\n\n"
    b"LISBON (Reuters) - The city council approved a plan on Monday to rebuild the old harbour "
    b"front, ending a debate that lasted more than two years and divided local residents.\n\n"
    b"The plan adds a tram line, two parks and a sea wall designed for storms that engineers "
    b"expect to grow stronger over the coming decades, officials said after the vote.\n"
)


def test_clean_outputs_and_dead_letters() -> None:
    raws = [
        RawArticle("ok", "text/plain", SCRAPE, "a.txt"),
        RawArticle("empty", "text/plain", b"", "b.txt"),
        RawArticle("big", "text/html", b"<p>" + b"x" * 5000 + b"</p>", "c.html"),
        RawArticle("short", "text/plain", b"Too short.", "d.txt"),
    ]
    with TestPipeline() as p:
        out = p | beam.Create(raws) | CleanArticles(now=lambda: NOW, max_body_bytes=4000)
        assert_that(
            out.articles
            | beam.Map(lambda a: (a.article_id, a.title, a.authors, a.dateline, a.ingested_at)),
            equal_to(
                [("ok", "Harbour Plan Approved After Long Debate", ["Mara Quill"], "LISBON", NOW)]
            ),
            label="CheckArticles",
        )
        assert_that(
            out.dead_letter | beam.Map(lambda d: (d.article_id, d.step, d.error_code)),
            equal_to(
                [
                    ("empty", "clean", "empty"),
                    ("big", "clean", "too_large"),
                    ("short", "clean", "too_short"),
                ]
            ),
            label="CheckDeadLetters",
        )
