"""Decode: a Kafka message (Avro single-object bytes) -> RawArticle with lineage.

The article's `source` becomes the Kafka lineage (`kafka:<topic>/<partition>/<offset>`);
the producer's own source (file and index) is kept in `attributes["producer_source"]`.
"""

from __future__ import annotations

from pipelines.core.avro import SingleObjectCodec
from pipelines.core.errors import ArticleError
from pipelines.core.records import Message, RawArticle, raw_article_from_avro

_CONTENT_TYPES = ("text/html", "text/plain")


def decode_message(message: Message, codec: SingleObjectCodec) -> RawArticle:
    record = codec.decode(message.value)
    try:
        raw = raw_article_from_avro(record, message.source, message.timestamp)
    except (KeyError, TypeError) as exc:
        raise ArticleError("schema_mismatch", f"record does not fit RawArticle: {exc}") from exc
    if raw.content_type not in _CONTENT_TYPES:
        raise ArticleError("unsupported_content_type", f"content type {raw.content_type!r}")
    if message.key is not None and message.key != raw.article_id.encode("utf-8"):
        raise ArticleError("key_mismatch", "message key differs from the record's article_id")
    return raw
