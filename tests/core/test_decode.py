from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.core import schemas
from pipelines.core.avro import SingleObjectCodec
from pipelines.core.decode import decode_message
from pipelines.core.errors import ArticleError
from pipelines.core.records import BodyRef, Message, RawArticle, raw_article_from_avro, to_avro

CODEC = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))


def _msg(raw: RawArticle, key: bytes | None = None) -> Message:
    return Message(
        CODEC.encode(to_avro(raw)), "kafka:t/1/42", key, datetime(2024, 5, 1, tzinfo=UTC)
    )


def test_decode_sets_kafka_lineage_and_keeps_producer_source() -> None:
    raw = RawArticle("id1", "text/plain", b"hello", "dir/a.txt")
    out = decode_message(_msg(raw, b"id1"), CODEC)
    assert out.source == "kafka:t/1/42"
    assert out.attributes["producer_source"] == "dir/a.txt"
    assert out.fetched_at == datetime(2024, 5, 1, tzinfo=UTC)  # from the message timestamp


@pytest.mark.parametrize(
    ("raw", "key", "code"),
    [
        (RawArticle("id1", "application/pdf", b"%PDF", "a.pdf"), None, "unsupported_content_type"),
        (RawArticle("id1", "text/html", b"<p>x</p>", "a.html"), b"other", "key_mismatch"),
    ],
)
def test_decode_rejects(raw: RawArticle, key: bytes | None, code: str) -> None:
    with pytest.raises(ArticleError) as err:
        decode_message(_msg(raw, key), CODEC)
    assert err.value.code == code


def _reference(message: Message, codec: SingleObjectCodec) -> RawArticle:
    """decode_message as first written: build the RawArticle, then set lineage on it."""
    raw = raw_article_from_avro(codec.decode(message.value))
    raw.attributes["producer_source"] = raw.source
    raw.source = message.source
    if raw.fetched_at is None and message.timestamp is not None:
        raw.fetched_at = message.timestamp
    return raw


@pytest.mark.parametrize("timestamp", [None, datetime(2024, 5, 1, tzinfo=UTC)])
@pytest.mark.parametrize(
    "raw",
    [
        RawArticle("id1", "text/plain", b"", "a.txt"),
        RawArticle(
            "id2",
            "text/html",
            b"<p>\xc3\xa9</p>",
            "dir/b.html",
            url="https://example.org/b",
            fetched_at=datetime(2023, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
            encoding="utf-8",
            outlet="Example",
            language_hint="fr",
            body_ref=BodyRef("s3://bucket/key", 12, "ab" * 32),
            attributes={"producer_source": "overwritten", "k": "v"},
        ),
    ],
)
def test_decode_matches_building_then_mutating(raw: RawArticle, timestamp: datetime | None) -> None:
    v1, _ = schemas.versions(schemas.RAW_ARTICLE)
    older = {f["name"]: getattr(raw, f["name"]) for f in v1["fields"]}
    for value in (CODEC.encode(to_avro(raw)), CODEC.encode(older, v1)):
        message = Message(value, "kafka:t/3/7", raw.article_id.encode(), timestamp)
        assert decode_message(message, CODEC) == _reference(message, CODEC)
