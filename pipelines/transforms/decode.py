"""DecodeArticles: Kafka messages -> RawArticle, resolving claim checks.

In: PCollection[Message] (Avro single-object bytes plus Kafka lineage).
Out: `articles` (RawArticle, body always present) and `dead_letter` (DeadLetter, step
"decode": not_single_object, unknown_fingerprint, corrupt_payload, schema_mismatch,
key_mismatch, unsupported_content_type, too_large, claim_check_forbidden,
claim_check_missing, claim_check_mismatch). Storage errors while fetching a claim-checked body
are not dead letters: they fail the bundle, for the runner to retry.
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
from pipelines.core.clock import Clock, utc_now
from pipelines.core.decode import decode_message
from pipelines.core.defaults import MAX_BODY_BYTES
from pipelines.core.errors import DEAD_LETTER, ArticleError, make_dead_letter
from pipelines.core.records import Message, RawArticle
from pipelines.io.objectstore import ObjectStore


class _DecodeFn(beam.DoFn):
    """Owns the codec (schemas parsed once per worker) and the S3 client for claim checks,
    made at the first claim check: most messages carry their body, and making a client costs
    a process start-up a quarter of a second.

    Only the article's own faults become dead letters: bytes that do not decode, and the
    ArticleError of a claim check (forbidden, missing, mismatched, too large). A storage
    error while fetching a body (OSError, botocore's errors: an outage outlasting the
    store's retries) propagates, so the bundle fails, the runner retries it, and the
    message's offset is not committed behind a dead letter it did not deserve."""

    def __init__(
        self, s3: S3Config | None, now: Clock, max_body_bytes: int, claims_uri: str | None
    ) -> None:
        self.s3 = s3
        self.now = now
        self.max_body_bytes = max_body_bytes
        self.claims_uri = claims_uri
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
        except Exception as exc:  # pure decoding of the message's bytes: the message's fault
            yield self._dead_letter(message, exc)
            return
        if raw.body_ref is not None:
            try:
                raw = self._resolve(raw)
            except ArticleError as exc:  # anything else is the store's fault: it propagates
                yield self._dead_letter(message, exc)
                return
        Metrics.counter("decode", "ok").inc()
        yield raw

    def _dead_letter(self, message: Message, exc: Exception) -> Any:
        letter = make_dead_letter("decode", exc, _as_raw(message), self.now)
        Metrics.counter("decode", letter.error_code).inc()
        return beam.pvalue.TaggedOutput(DEAD_LETTER, letter)

    def _resolve(self, raw: RawArticle) -> RawArticle:
        from pipelines.io.claims import resolve_body

        # Checked here too, before any store is opened: one hostile claim must not exhaust
        # memory, and a refused one costs no S3 client.
        return resolve_body(
            raw, self._store, claims_uri=self.claims_uri, max_bytes=self.max_body_bytes
        )

    def _store(self, root: str) -> ObjectStore:
        from pipelines.io.objectstore import make_s3_client, open_store

        if not root.startswith("s3://"):
            return open_store(root, self.s3 or S3Config())
        if self.s3 is None:
            raise ValueError("a claim-checked body in S3 needs an S3 configuration")
        if self.client is None:
            self.client = make_s3_client(self.s3)
        return open_store(root, self.s3, client=self.client)


def _as_raw(message: Message) -> RawArticle:
    return RawArticle(article_id="", content_type="", body=message.value, source=message.source)


class DecodeArticles(beam.PTransform):
    """`claims_uri` is the configured claims location (`Config.claims_uri`): a body_ref
    elsewhere is a `claim_check_forbidden` dead letter; None refuses every claim check."""

    def __init__(
        self,
        s3: S3Config | None = None,
        now: Clock = utc_now,
        max_body_bytes: int = MAX_BODY_BYTES,
        claims_uri: str | None = None,
    ) -> None:
        super().__init__()
        self.s3 = s3
        self.now = now
        self.max_body_bytes = max_body_bytes
        self.claims_uri = claims_uri
        if claims_uri is not None:
            from pipelines.io.claims import ClaimsLocation

            ClaimsLocation.parse(claims_uri)  # a bad location fails at construction

    def expand(self, messages: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        return messages | "DecodeMessages" >> beam.ParDo(
            _DecodeFn(self.s3, self.now, self.max_body_bytes, self.claims_uri)
        ).with_outputs(DEAD_LETTER, main="articles")
