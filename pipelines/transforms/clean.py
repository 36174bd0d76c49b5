"""CleanArticles: RawArticle -> Article (main text, title, authors, time, dateline, URLs).

In: PCollection[RawArticle]. Out: `articles` (Article) and `dead_letter` (DeadLetter, step
"clean": empty_body, undecodable, not_html, no_text, body_too_large, ...). The logic is
`pipelines.core.clean.clean_article`; the clock for `ingested_at` is injected.
"""

from __future__ import annotations

import dataclasses

import apache_beam as beam

from pipelines.core.clean import CleanSettings, clean_article
from pipelines.core.records import Article, RawArticle
from pipelines.transforms.common import DEAD_LETTER, ApplyOrDeadLetter, Clock, utc_now


class _Clean:
    """Picklable callable: the settings and the clock travel to the workers with it."""

    def __init__(self, settings: CleanSettings | None, now: Clock, max_body_bytes: int) -> None:
        self.settings = settings
        self.now = now
        self.max_body_bytes = max_body_bytes

    def __call__(self, raw: RawArticle) -> Article:
        from pipelines.core.clean import clean_article

        if len(raw.body) > self.max_body_bytes:
            raise ArticleError(
                "body_too_large",
                f"{len(raw.body)} bytes is over the limit of {self.max_body_bytes}",
            )
        return clean_article(raw, ingested_at=self.now(), settings=self.settings)


class CleanArticles(beam.PTransform):
    def __init__(
        self,
        settings: CleanSettings | None = None,
        now: Clock = utc_now,
        max_body_bytes: int = 20_000_000,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.now = now
        self.max_body_bytes = max_body_bytes

    def expand(self, raws: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        settings = dataclasses.replace(
            self.settings or CleanSettings(), max_body_bytes=self.max_body_bytes
        )
        clean = _Clean(settings, self.now)
        return raws | "CleanRawArticles" >> beam.ParDo(
            ApplyOrDeadLetter("clean", clean, self.now)
        ).with_outputs(DEAD_LETTER, main="articles")
