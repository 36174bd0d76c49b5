"""The Kafka producer of raw articles: Avro single-object records keyed by article_id.

`ArticleProducer` owns one kafka-python `KafkaProducer` (`setup()` creates it and checks the
topic; `close()` flushes and closes; it is also a context manager). Delivery is acks=all with
the idempotent producer, retries with backoff inside a delivery timeout, batch compression
(zstd by default, or lz4), and batching tuned for throughput (large batches, a short linger).

Every `send()` registers callbacks on the returned future, so each record ends up counted in
`stats` as delivered or failed, never silently dropped. The number of bytes and records sent
but not yet acknowledged is bounded (`max_in_flight_bytes` / `max_in_flight_records`):
`send()` blocks until the broker catches up, which keeps memory flat on large inputs.

Records larger than the topic's message limit (`KafkaConfig.max_message_bytes`) are not
dropped: their body goes to object storage through `pipelines.io.claims.check_in` and the
record carries the `body_ref` instead (claim check).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import fastavro

from pipelines.config import KafkaConfig
from pipelines.core import schemas
from pipelines.core.avro import SingleObjectCodec
from pipelines.core.records import RawArticle, to_avro
from pipelines.io.claims import CLAIMS_PREFIX, check_in
from pipelines.io.objectstore import ObjectStore

COMPRESSION_TYPES = ("zstd", "lz4", "gzip", "snappy", "none")
MAX_FAILURE_DETAILS = 1000


class ProducerError(RuntimeError):
    """The producer cannot run at all (no broker, no such topic, bad settings)."""


class ClaimCheckError(RuntimeError):
    """A record needs the claim check but no store is configured."""


@dataclass(frozen=True)
class ProducerSettings:
    compression: str = "zstd"
    linger_ms: int = 20
    batch_size: int = 512 * 1024
    max_in_flight_bytes: int = 64 * 1024 * 1024
    max_in_flight_records: int = 20_000
    delivery_timeout_ms: int = 120_000  # retries (with backoff) happen within this bound
    request_timeout_ms: int = 30_000
    retry_backoff_ms: int = 200
    max_block_ms: int = 30_000  # metadata waits in send()
    client_id: str = "newswire-producer"

    def __post_init__(self) -> None:
        if self.compression not in COMPRESSION_TYPES:
            raise ValueError(f"compression must be one of {', '.join(COMPRESSION_TYPES)}")


@dataclass
class DeliveryStats:
    """What happened to the records handed to `send()`."""

    submitted: int = 0
    delivered: int = 0
    failed: int = 0
    bytes: int = 0  # record value bytes acknowledged by the broker
    claim_checked: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # error type -> count
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source, message), capped


class ArticleProducer:
    def __init__(
        self,
        kafka: KafkaConfig,
        *,
        topic: str | None = None,
        settings: ProducerSettings | None = None,
        claims: Callable[[], ObjectStore] | None = None,
        claims_prefix: str = CLAIMS_PREFIX,
        on_failure: Callable[[str, str], None] | None = None,
        producer_factory: Callable[..., Any] | None = None,
        list_topics: Callable[[], Collection[str]] | None = None,
    ) -> None:
        self.kafka = kafka
        self.topic = topic or kafka.topic
        self.settings = settings or ProducerSettings()
        self.codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
        self.stats = DeliveryStats()
        self._claims_factory = claims
        self._claims: ObjectStore | None = None
        self._claims_prefix = claims_prefix
        self._on_failure = on_failure
        self._factory = producer_factory
        self._list_topics = list_topics or self._broker_topics
        self._producer: Any = None
        self._lock = threading.Condition()
        self._in_flight_bytes = 0
        self._in_flight_records = 0

    # lifecycle ---------------------------------------------------------------------------

    def client_settings(self) -> dict[str, Any]:
        """The kafka-python KafkaProducer arguments this producer uses."""
        s = self.settings
        return {
            **self.kafka.client_kwargs(),
            "client_id": s.client_id,
            "acks": "all",
            "enable_idempotence": True,  # retries never duplicate or reorder a partition
            "compression_type": None if s.compression == "none" else s.compression,
            "linger_ms": s.linger_ms,
            "batch_size": s.batch_size,
            "max_request_size": max(1_048_576, self.kafka.max_message_bytes + 65_536),
            "max_in_flight_requests_per_connection": 5,
            "delivery_timeout_ms": s.delivery_timeout_ms,
            "request_timeout_ms": s.request_timeout_ms,
            "retry_backoff_ms": s.retry_backoff_ms,
            "max_block_ms": s.max_block_ms,
            # A mistyped --topic must fail, not quietly create a topic. (kafka-python 3.0 does
            # not pass this on to its metadata requests yet, hence the check in setup().)
            "allow_auto_create_topics": False,
        }

    def setup(self) -> None:
        """Connect and check that the topic exists; raises ProducerError otherwise."""
        if self._producer is not None:
            return
        from kafka.errors import KafkaError

        try:
            known = self._list_topics()
        except (KafkaError, OSError, ValueError) as exc:
            raise ProducerError(
                f"cannot reach Kafka at {self.kafka.bootstrap_servers}: {exc}"
            ) from exc
        if self.topic not in known:
            raise ProducerError(
                f"topic {self.topic!r} does not exist on {self.kafka.bootstrap_servers}"
            )

        factory = self._factory
        if factory is None:
            from kafka import KafkaProducer

            factory = KafkaProducer
        try:
            self._producer = factory(**self.client_settings())
        except (KafkaError, OSError, ValueError) as exc:
            raise ProducerError(
                f"cannot connect to Kafka at {self.kafka.bootstrap_servers}: {exc}"
            ) from exc
        try:
            partitions = self._producer.partitions_for(self.topic)
        except KafkaError as exc:
            self._producer.close(timeout=5)
            self._producer = None
            raise ProducerError(f"topic {self.topic!r} is not available: {exc}") from exc
        if not partitions:
            self._producer.close(timeout=5)
            self._producer = None
            raise ProducerError(
                f"topic {self.topic!r} does not exist on {self.kafka.bootstrap_servers}"
            )

    def _broker_topics(self) -> Collection[str]:
        # Asked through the admin API: a producer's metadata request would create the topic.
        from kafka import KafkaAdminClient

        # The client logs every failed connection attempt; one clear error is raised instead.
        kafka_log = logging.getLogger("kafka")
        level = kafka_log.level
        kafka_log.setLevel(logging.CRITICAL)
        try:
            admin = KafkaAdminClient(
                **self.kafka.client_kwargs(),
                client_id=f"{self.settings.client_id}-setup",
                bootstrap_timeout_ms=min(10_000, self.settings.max_block_ms),
            )
            try:
                return set(admin.list_topics())
            finally:
                admin.close()
        finally:
            kafka_log.setLevel(level)

    def flush(self, timeout: float | None = None) -> None:
        """Send everything buffered and wait for every acknowledgement (or failure)."""
        if self._producer is None:
            return
        from kafka.errors import KafkaTimeoutError

        deadline = None if timeout is None else time.monotonic() + timeout
        # On timeout the records still in flight are left to the wait below and to close().
        with contextlib.suppress(KafkaTimeoutError):
            self._producer.flush(timeout=timeout)
        with self._lock:
            while self._in_flight_records:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._lock.wait(0.1 if left is None else min(0.1, left))

    def close(self, timeout: float | None = 60.0) -> None:
        """Flush, then close the client; records still unacknowledged count as failed."""
        if self._producer is not None:
            try:
                self.flush(timeout)
            finally:
                producer, self._producer = self._producer, None
                producer.close(timeout=0 if timeout == 0 else 10)
            with self._lock:
                lost = self._in_flight_records
                if lost:
                    self.stats.failed += lost
                    self.stats.errors["not_acknowledged"] += lost
                    self._in_flight_records = 0
                    self._in_flight_bytes = 0
        if self._claims is not None:
            self._claims.close()
            self._claims = None

    def __enter__(self) -> ArticleProducer:
        self.setup()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def in_flight(self) -> int:
        return self._in_flight_records

    # sending -----------------------------------------------------------------------------

    def encode(self, raw: RawArticle) -> tuple[bytes, bytes, RawArticle]:
        """(key, value, record sent): claim-checks the body when the record is too large."""
        key = raw.article_id.encode("utf-8")
        value = self._encode(raw)
        if len(key) + len(value) > self.kafka.max_message_bytes and raw.body:
            if self._claims is None:
                if self._claims_factory is None:
                    raise ClaimCheckError(
                        "record is over the message limit and no claim-check store is set"
                    )
                self._claims = self._claims_factory()
            raw = check_in(raw, self._claims, self._claims_prefix)
            value = self._encode(raw)
        return key, value, raw

    def _encode(self, raw: RawArticle) -> bytes:
        # Same bytes as self.codec.encode(record), but with the codec's precomputed header:
        # SingleObjectCodec.encode fingerprints the schema on every call (~2 ms in pure Python).
        buf = io.BytesIO()
        buf.write(self.codec.header)
        fastavro.schemaless_writer(buf, self.codec.reader, _avro_record(raw))
        return buf.getvalue()

    def send(self, raw: RawArticle) -> bool:
        """Queue one article; False if it failed before reaching the client (counted)."""
        if self._producer is None:
            raise ProducerError("setup() was not called")
        from kafka.errors import KafkaError

        self.stats.submitted += 1
        try:
            key, value, sent = self.encode(raw)
        except _CLAIM_ERRORS as exc:
            self._failed(raw.source, "claim_check_failed", f"{type(exc).__name__}: {exc}")
            return False
        if sent.body_ref is not None:
            self.stats.claim_checked += 1
        size = len(key) + len(value)
        self._reserve(size)
        try:
            future = self._producer.send(self.topic, key=key, value=value)
        except KafkaError as exc:
            self._release(size)
            self._failed(raw.source, type(exc).__name__, str(exc))
            return False
        except BaseException:
            self._release(size)  # e.g. KeyboardInterrupt: keep the in-flight count exact
            raise
        future.add_callback(self._delivered, size, len(value))
        future.add_errback(self._errored, size, raw.source)
        return True

    def _reserve(self, size: int) -> None:
        s = self.settings
        with self._lock:
            while self._in_flight_records and (
                self._in_flight_bytes + size > s.max_in_flight_bytes
                or self._in_flight_records >= s.max_in_flight_records
            ):
                self._lock.wait(1.0)
            self._in_flight_bytes += size
            self._in_flight_records += 1

    def _release(self, size: int) -> None:
        with self._lock:
            self._in_flight_bytes -= size
            self._in_flight_records -= 1
            self._lock.notify_all()

    def _delivered(self, size: int, value_bytes: int, _metadata: Any) -> None:
        with self._lock:
            self.stats.delivered += 1
            self.stats.bytes += value_bytes
        self._release(size)

    def _errored(self, size: int, source: str, exc: BaseException) -> None:
        self._release(size)
        self._failed(source, type(exc).__name__, str(exc) or type(exc).__name__)

    def _failed(self, source: str, kind: str, message: str) -> None:
        with self._lock:
            self.stats.failed += 1
            self.stats.errors[kind] += 1
            if len(self.stats.failures) < MAX_FAILURE_DETAILS:
                self.stats.failures.append((source, f"{kind}: {message}"))
        if self._on_failure is not None:
            self._on_failure(source, f"{kind}: {message}")


_RAW_FIELDS = tuple(f.name for f in dataclasses.fields(RawArticle))


def _avro_record(raw: RawArticle) -> dict[str, Any]:
    """`to_avro(raw)` without its generic recursion (this runs once per record sent)."""
    record = {name: getattr(raw, name) for name in _RAW_FIELDS}
    if raw.body_ref is not None:
        record["body_ref"] = to_avro(raw.body_ref)
    return record


def _claim_errors() -> tuple[type[Exception], ...]:
    """Exceptions a claim-check upload can raise (no store, filesystem, boto3)."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (ClaimCheckError, OSError, BotoCoreError, ClientError)


_CLAIM_ERRORS = _claim_errors()
