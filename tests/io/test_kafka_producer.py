"""ArticleProducer against a fake client: accounting, backpressure, claim check, encoding."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from kafka.errors import KafkaTimeoutError, NotLeaderForPartitionError
from kafka.future import Future

from pipelines.config import KafkaConfig
from pipelines.core import schemas
from pipelines.core.avro import SingleObjectCodec
from pipelines.core.records import RawArticle, raw_article_from_avro, to_avro
from pipelines.io.kafka_producer import ArticleProducer, ProducerError, ProducerSettings
from pipelines.io.objectstore import LocalStore


class FakeClient:
    """Records sends; the test decides when and how each future completes."""

    def __init__(self, partitions: set[int] | None = None, **settings: Any) -> None:
        self.settings = settings
        self.partitions = {0, 1} if partitions is None else partitions
        self.sent: list[tuple[str, bytes, bytes, Future]] = []
        self.closed = False
        self.auto: str | None = "ok"  # complete futures at once: "ok", "fail" or None (later)

    def configure(self, **settings: Any) -> FakeClient:
        """Stands in for the KafkaProducer constructor."""
        self.settings = settings
        return self

    def partitions_for(self, topic: str) -> set[int]:
        return self.partitions

    def send(self, topic: str, key: bytes, value: bytes) -> Future:
        future = Future()
        self.sent.append((topic, key, value, future))
        if self.auto == "ok":
            future.success(object())
        elif self.auto == "fail":
            future.failure(NotLeaderForPartitionError("leader moved"))
        return future

    def flush(self, timeout: float | None = None) -> None:
        pass

    def close(self, timeout: float | None = None) -> None:
        self.closed = True


def _producer(client: FakeClient, **kwargs: Any) -> ArticleProducer:
    producer = ArticleProducer(
        KafkaConfig(max_message_bytes=kwargs.pop("limit", 1_000_000)),
        topic="t",
        producer_factory=client.configure,
        list_topics=lambda: {"t"},
        **kwargs,
    )
    producer.setup()
    return producer


def _raw(i: int, size: int = 100) -> RawArticle:
    return RawArticle(
        article_id=f"{i:032x}",
        content_type="text/html",
        body=(f"<p>story {i} " + "x" * size + "</p>").encode(),
        source=f"feed.jsonl:{i}",
        url=f"https://example.org/{i}",
        encoding="utf-8",
    )


def test_sends_keyed_single_object_records_and_counts_deliveries() -> None:
    client = FakeClient()
    producer = _producer(client)
    for i in range(5):
        assert producer.send(_raw(i))
    producer.close()
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    for i, (topic, key, value, _) in enumerate(client.sent):
        assert topic == "t" and key == f"{i:032x}".encode()
        assert value == codec.encode(to_avro(_raw(i)))  # same bytes as the shared codec
        assert raw_article_from_avro(codec.decode(value)) == _raw(i)
    stats = producer.stats
    assert (stats.submitted, stats.delivered, stats.failed) == (5, 5, 0)
    assert stats.bytes == sum(len(v) for _, _, v, _ in client.sent) and client.closed


def test_client_settings_are_durable_and_batched() -> None:
    client = FakeClient()
    _producer(client, settings=ProducerSettings(compression="lz4"))
    s = client.settings
    assert s["acks"] == "all" and s["enable_idempotence"] is True
    assert s["compression_type"] == "lz4" and s["linger_ms"] > 0 and s["batch_size"] >= 64 * 1024
    assert s["max_request_size"] > 1_000_000 and s["retry_backoff_ms"] > 0
    with pytest.raises(ValueError):
        ProducerSettings(compression="brotli")


def test_delivery_failures_are_counted_and_reported() -> None:
    client = FakeClient()
    client.auto = "fail"
    failures: list[tuple[str, str]] = []
    producer = _producer(
        client, on_failure=lambda source, message: failures.append((source, message))
    )
    producer.send(_raw(1))
    producer.send(_raw(2))
    producer.close()
    assert producer.stats.failed == 2 and producer.stats.delivered == 0
    assert producer.stats.errors == {"NotLeaderForPartitionError": 2}
    assert [s for s, _ in failures] == ["feed.jsonl:1", "feed.jsonl:2"]


def test_send_errors_before_the_client_are_counted_too() -> None:
    client = FakeClient()

    def broken_send(topic: str, key: bytes, value: bytes) -> Future:
        raise KafkaTimeoutError("metadata not available")

    client.send = broken_send  # type: ignore[method-assign]
    producer = _producer(client)
    assert producer.send(_raw(1)) is False
    assert producer.stats.failed == 1 and producer.in_flight == 0


def test_unacknowledged_records_count_as_failed_on_close() -> None:
    client = FakeClient()
    client.auto = None
    producer = _producer(client)
    producer.send(_raw(1))
    producer.close(timeout=0.2)
    assert producer.stats.failed == 1 and producer.stats.errors["not_acknowledged"] == 1


def test_in_flight_records_are_bounded() -> None:
    client = FakeClient()
    client.auto = None
    producer = _producer(client, settings=ProducerSettings(max_in_flight_records=3))
    for i in range(3):
        producer.send(_raw(i))
    blocked = threading.Thread(target=producer.send, args=(_raw(3),))
    blocked.start()
    blocked.join(0.3)
    assert blocked.is_alive() and len(client.sent) == 3  # waits for an acknowledgement
    client.sent[0][3].success(object())
    blocked.join(5)
    assert not blocked.is_alive() and len(client.sent) == 4
    for *_, future in client.sent[1:]:
        future.success(object())
    producer.close()
    assert producer.stats.delivered == 4


def test_oversized_records_go_through_the_claim_check(tmp_path: Path) -> None:
    client = FakeClient()
    store = LocalStore(tmp_path)
    producer = _producer(client, limit=2_000, claims=lambda: store)
    producer.send(_raw(1, size=10))
    producer.send(_raw(2, size=50_000))
    producer.close()
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    small, big = (raw_article_from_avro(codec.decode(v)) for _, _, v, _ in client.sent)
    assert small.body_ref is None and small.body
    assert (
        big.body == b""
        and big.body_ref is not None
        and big.body_ref.size == len(_raw(2, 50_000).body)
    )
    assert big.body_ref.uri.startswith(f"{tmp_path}/claims/{2:032x}/")
    assert all(len(v) < 2_000 for _, _, v, _ in client.sent)
    assert producer.stats.claim_checked == 1 and producer.stats.delivered == 2


def test_oversized_record_without_a_store_fails_loudly() -> None:
    producer = _producer(FakeClient(), limit=2_000)
    assert producer.send(_raw(1, size=50_000)) is False
    assert producer.stats.errors == {"claim_check_failed": 1}


def test_missing_topic_is_an_error() -> None:
    with pytest.raises(ProducerError, match="does not exist"):
        _producer(FakeClient(partitions=set()))
    client = FakeClient()
    other = ArticleProducer(
        KafkaConfig(), topic="typo", producer_factory=client.configure, list_topics=lambda: {"t"}
    )
    with pytest.raises(ProducerError, match="'typo' does not exist"):
        other.setup()
    assert client.settings == {}  # checked before any client was created
