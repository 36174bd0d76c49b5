"""Integration: the real Kafka broker and SeaweedFS S3 gateway of the local stack."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.config import Config
from pipelines.core import schemas
from pipelines.core.avro import SingleObjectCodec
from pipelines.core.records import BodyRef, RawArticle, raw_article_from_avro, to_avro
from pipelines.io.objectstore import make_s3_client, open_store

pytestmark = pytest.mark.integration


def _raw(i: int) -> RawArticle:
    return RawArticle(
        article_id=f"id-{i:05d}",
        content_type="text/html" if i % 2 else "text/plain",
        body=f"<p>Article {i} \u00e9\u4e2d</p>".encode() * (1 + i % 7),
        source=f"gen.jsonl:{i}",
        url=f"https://example.org/{i}" if i % 3 else None,
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=i),
        encoding="utf-8",
        outlet=None if i % 5 else "Outlet",
        language_hint="en" if i % 4 else None,
        body_ref=BodyRef(f"s3://b/{i}", i, "ab" * 32) if i % 11 == 0 else None,
        attributes={"n": str(i)},
    )


def test_thousand_single_object_records_round_trip_through_kafka(
    stack: Config, kafka_topic: str
) -> None:
    from kafka import KafkaConsumer, KafkaProducer

    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    sent = [_raw(i) for i in range(1000)]
    producer = KafkaProducer(**stack.kafka.client_kwargs(), acks="all", linger_ms=5)
    for raw in sent:
        producer.send(kafka_topic, key=raw.article_id.encode(), value=codec.encode(to_avro(raw)))
    producer.flush()
    producer.close()

    consumer = KafkaConsumer(
        kafka_topic,
        **stack.kafka.client_kwargs(),
        group_id=f"g-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=10_000,
    )
    received = {}
    for msg in consumer:
        raw = raw_article_from_avro(codec.decode(msg.value))
        assert msg.key == raw.article_id.encode()
        received[raw.article_id] = raw
        if len(received) == len(sent):
            break
    consumer.close()
    assert len(received) == 1000
    for raw in sent:
        assert dataclasses.asdict(received[raw.article_id]) == dataclasses.asdict(raw)


def test_s3_put_list_get_with_configured_credentials(stack: Config, s3_uri: str) -> None:
    store = open_store(s3_uri, stack.s3)
    store.put("a/one.bin", b"1")
    store.put("a/two.bin", b"22")
    store.put("b/three.bin", b"333")
    assert sorted(store.list("a/")) == ["a/one.bin", "a/two.bin"]
    assert sorted(store.list()) == ["a/one.bin", "a/two.bin", "b/three.bin"]
    assert store.get("b/three.bin") == b"333"
    assert store.exists("a/one.bin") and not store.exists("a/nope.bin")
    store.delete("a/one.bin")
    assert not store.exists("a/one.bin")
    store.close()


def test_s3_rejects_wrong_credentials(stack: Config) -> None:
    from botocore.exceptions import ClientError

    wrong = dataclasses.replace(stack.s3, secret_access_key="not-the-secret")
    client = make_s3_client(wrong)
    with pytest.raises(ClientError) as err:
        client.list_objects_v2(Bucket=stack.s3.bucket)
    assert err.value.response["Error"]["Code"] in (
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AccessDenied",
    )
    client.close()
