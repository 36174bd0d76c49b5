from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.core import schemas
from pipelines.core.avro import SingleObjectCodec
from pipelines.core.decode import decode_message
from pipelines.core.errors import ArticleError
from pipelines.core.records import Message, RawArticle, to_avro

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
