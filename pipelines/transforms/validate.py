"""ValidateArticles: Article -> Avro-shaped dict checked against schemas/article.avsc.

In: PCollection[Article]. Out: `valid` (dicts ready for the Parquet sink) and `dead_letter`
(DeadLetter, step "validate", code "schema_invalid"). A record that fails never reaches the sink.
"""

from __future__ import annotations

import functools

import apache_beam as beam

from pipelines.core import schemas
from pipelines.core.clock import Clock, utc_now
from pipelines.core.errors import DEAD_LETTER
from pipelines.core.validate import validate_record
from pipelines.transforms.common import ApplyOrDeadLetter


class ValidateArticles(beam.PTransform):
    def __init__(self, schema_name: str = schemas.ARTICLE, now: Clock = utc_now) -> None:
        super().__init__()
        self.schema_name = schema_name
        self.now = now

    def expand(self, articles: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        check = functools.partial(validate_record, schema_name=self.schema_name)
        return articles | "CheckSchema" >> beam.ParDo(
            ApplyOrDeadLetter("validate", check, self.now)
        ).with_outputs(DEAD_LETTER, main="valid")
