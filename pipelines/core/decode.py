"""Decode: a Kafka message (Avro single-object bytes) -> RawArticle with lineage.

The article's `source` becomes the Kafka lineage (`kafka:<topic>/<partition>/<offset>`);
the producer's own source (file and index) is kept in `attributes["producer_source"]`.
"""

from __future__ import annotations

from pipelines.core.avro import SingleObjectCodec
from pipelines.core.errors import ArticleError
from pipelines.core.records import BodyRef, Message, RawArticle, _utc

_CONTENT_TYPES = ("text/html", "text/plain")


def decode_message(message: Message, codec: SingleObjectCodec) -> RawArticle:
    record = codec.decode(message.value)
    # As records.raw_article_from_avro, but the RawArticle is built once with its final
    # source, attributes and fetched_at: this runs once per Kafka message.
    try:
        article_id = record["article_id"]
        content_type = record["content_type"]
        body = record["body"]
        producer_source = record["source"]
        fetched = record.get("fetched_at")
        ref = record.get("body_ref")
        body_ref = BodyRef(**ref) if ref else None
        attributes = dict(record.get("attributes") or {})  # a fresh dict per record
    except (KeyError, TypeError) as exc:
        raise ArticleError("schema_mismatch", f"record does not fit RawArticle: {exc}") from exc
    if content_type not in _CONTENT_TYPES:
        raise ArticleError("unsupported_content_type", f"content type {content_type!r}")
    if message.key is not None and message.key != article_id.encode("utf-8"):
        raise ArticleError("key_mismatch", "message key differs from the record's article_id")
    attributes["producer_source"] = producer_source
    return RawArticle(
        article_id,
        content_type,
        body,
        message.source,
        record.get("url"),
        message.timestamp if fetched is None else _utc(fetched),
        record.get("encoding"),
        record.get("outlet"),
        record.get("language_hint"),
        body_ref,
        attributes,
    )
