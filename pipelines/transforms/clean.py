"""CleanArticles: RawArticle -> Article (main text, title, authors, time, dateline, URLs).

In: PCollection[RawArticle]. Out: `articles` (Article) and `dead_letter` (DeadLetter, step
"clean": too_large, empty, undecodable, not_html, no_text, too_short, ...). The
logic is `pipelines.core.clean.clean_article`; the clock for `ingested_at` is injected.
With `workers > 0` the cleaning runs in that many worker processes (see transforms.workers),
which also run the `warm` callables as they start; a page that crashes its worker or takes
longer than `time_limit` is a dead letter (worker_crashed, time_limit_exceeded).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import apache_beam as beam

from pipelines.core.chunks import CleanChunk, TimeLimit
from pipelines.core.clean import CleanSettings
from pipelines.core.clock import Clock, utc_now
from pipelines.core.errors import DEAD_LETTER
from pipelines.transforms.workers import DEFAULT_TIME_LIMIT, ChunkedApply


class CleanArticles(beam.PTransform):
    def __init__(
        self,
        settings: CleanSettings | None = None,
        now: Clock = utc_now,
        max_body_bytes: int | None = None,
        workers: int = 0,
        warm: Sequence[Callable[[], None]] = (),
        time_limit: TimeLimit = DEFAULT_TIME_LIMIT,
    ) -> None:
        super().__init__()
        settings = settings or CleanSettings()
        if max_body_bytes is not None:
            settings = dataclasses.replace(settings, max_body_bytes=max_body_bytes)
        self.settings = settings
        self.now = now
        self.workers = workers
        self.warm = warm
        self.time_limit = time_limit

    def expand(self, raws: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        clean = CleanChunk(self.settings, self.now)
        return raws | "CleanRawArticles" >> beam.ParDo(
            ChunkedApply(
                "clean",
                clean,
                self.workers,
                chunk_size=4,
                now=self.now,
                warm=self.warm,
                time_limit=self.time_limit,
            )
        ).with_outputs(DEAD_LETTER, main="articles")
