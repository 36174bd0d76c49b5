"""DecodeArticles: Kafka messages -> RawArticle, resolving claim checks.

In: PCollection[Message] (Avro single-object bytes plus Kafka lineage).
Out: `articles` (RawArticle, body always present) and `dead_letter` (DeadLetter, step
"decode": not_single_object, unknown_fingerprint, corrupt_payload, schema_mismatch,
key_mismatch, unsupported_content_type, body_too_large, claim_check_missing,
claim_check_mismatch).
The writer schema is found by fingerprint among every version kept in schemas/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.config import S3Config
from pipelines.core import schemas
from pipelines.core.avro import SingleObjectCodec
from pipelines.core.decode import decode_message
from pipelines.core.errors import ArticleError
from pipelines.core.records import Message, RawArticle
from pipelines.transforms.common import DEAD_LETTER, Clock, make_dead_letter, utc_now


class _DecodeFn(beam.DoFn):
    """Owns the codec (schemas parsed once per worker) and the S3 client for claim checks,
    made at the first claim check: most messages carry their body, and making a client costs
    a process start-up a quarter of a second."""

    def __init__(self, s3: S3Config | None, now: Clock, max_body_bytes: int) -> None:
        self.s3 = s3
        self.now = now
        self.max_body_bytes = max_body_bytes
        self.codec: SingleObjectCodec | None = None
        self.client: Any = None

    def setup(self) -> None:
        self.codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))

    def teardown(self) -> None:
        if self.client is not None:
            self.client.close()

    def process(self, message: Message) -> Iterator[Any]:
        assert self.codec is not None
        try:
            raw = decode_message(message, self.codec)
            if raw.body_ref is not None:
                if raw.body_ref.size > self.max_body_bytes:
                    # Refused before fetching: one hostile claim must not exhaust memory.
                    raise ArticleError(
                        "body_too_large",
                        f"claimed body of {raw.body_ref.size} bytes is over {self.max_body_bytes}",
                    )
                raw = self._resolve(raw)
        except Exception as exc:  # routed to the dead-letter output, never dropped
            letter = make_dead_letter("decode", exc, _as_raw(message), self.now)
            Metrics.counter("decode", letter.error_code).inc()
            yield beam.pvalue.TaggedOutput(DEAD_LETTER, letter)
            return
        Metrics.counter("decode", "ok").inc()
        yield raw

    def _resolve(self, raw: RawArticle) -> RawArticle:
        from pipelines.io.claims import resolve_body

        if self.client is None and self.s3 is not None:
            from pipelines.io.objectstore import make_s3_client

            self.client = make_s3_client(self.s3)
        return resolve_body(raw, self.client)


def _as_raw(message: Message) -> RawArticle:
    return RawArticle(article_id="", content_type="", body=message.value, source=message.source)


class DecodeArticles(beam.PTransform):
    def __init__(
        self, s3: S3Config | None = None, now: Clock = utc_now, max_body_bytes: int = 20_000_000
    ) -> None:
        super().__init__()
        self.s3 = s3
        self.now = now
        self.max_body_bytes = max_body_bytes

    def expand(self, messages: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        return messages | "DecodeMessages" >> beam.ParDo(
            _DecodeFn(self.s3, self.now, self.max_body_bytes)
        ).with_outputs(DEAD_LETTER, main="articles")
