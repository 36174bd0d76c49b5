"""ValidateArticles: Article -> Avro-shaped dict checked against schemas/article.avsc.

In: PCollection[Article]. Out: `valid` (dicts ready for the Parquet sink) and `dead_letter`
(DeadLetter, step "validate", code "schema_invalid"). A record that fails never reaches the sink.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.core import schemas
from pipelines.core.clock import Clock, utc_now
from pipelines.core.errors import DEAD_LETTER, make_dead_letter
from pipelines.core.records import Article
from pipelines.core.validate import validate_record

STEP = "validate"
# The step name inside CheckSchema, kept stable: savepoints map operators by step name.
CHECK_LABEL = "ParDo(ApplyOrDeadLetter)"


class _Validate(beam.DoFn):
    def __init__(self, schema_name: str, now: Clock) -> None:
        self.schema_name = schema_name
        self.now = now
        self.ok = Metrics.counter(STEP, "ok")

    def process(self, article: Article) -> Iterator[Any]:
        try:
            row = validate_record(article, schema_name=self.schema_name)
        except Exception as exc:  # routed to the dead-letter output, never dropped
            letter = make_dead_letter(STEP, exc, article, self.now)
            Metrics.counter(STEP, letter.error_code).inc()
            yield beam.pvalue.TaggedOutput(DEAD_LETTER, letter)
            return
        self.ok.inc()
        yield row


class ValidateArticles(beam.PTransform):
    def __init__(self, schema_name: str = schemas.ARTICLE, now: Clock = utc_now) -> None:
        super().__init__()
        self.schema_name = schema_name
        self.now = now

    def expand(self, articles: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        check = beam.ParDo(_Validate(self.schema_name, self.now))
        check.label = CHECK_LABEL
        return articles | "CheckSchema" >> check.with_outputs(DEAD_LETTER, main="valid")
