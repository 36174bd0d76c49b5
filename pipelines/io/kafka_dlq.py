"""PublishDeadLetters: dead letters also go to a Kafka topic (default `raw-articles.dlq`).

Each DeadLetter is sent Avro single-object encoded (schemas/dead_letter.avsc), keyed by its
source, and waited for (acks=all), so the pipeline can count it as durable before it commits
the input offsets. The producer is created in `setup()` and closed in `teardown()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.config import KafkaConfig
from pipelines.core import schemas
from pipelines.core.avro import SingleObjectCodec
from pipelines.core.records import DeadLetter, to_avro


class _PublishFn(beam.DoFn):
    def __init__(self, kafka: KafkaConfig, topic: str) -> None:
        self.kafka = kafka
        self.topic = topic
        self.producer: Any = None
        self.codec: SingleObjectCodec | None = None
        self.sent = Metrics.counter("dlq", "published")

    def setup(self) -> None:
        from kafka import KafkaProducer

        self.codec = SingleObjectCodec(schemas.versions(schemas.DEAD_LETTER))
        self.producer = KafkaProducer(
            **self.kafka.client_kwargs(),
            acks="all",
            retries=10,
            linger_ms=20,
            max_request_size=self.kafka.max_message_bytes + 65536,
        )

    def teardown(self) -> None:
        if self.producer is not None:
            self.producer.close(timeout=10)

    def process(self, letter: DeadLetter) -> Iterator[str]:
        assert self.codec is not None
        row = to_avro(letter)
        # Keep the message under the topic's limit: the full raw input is in dead_letter/.
        row["raw"] = row["raw"][: self.kafka.max_message_bytes // 2]
        future = self.producer.send(
            self.topic, key=letter.source.encode(), value=self.codec.encode(row)
        )
        future.get(timeout=60)  # raises after retries: the bundle is retried, nothing is lost
        self.sent.inc()
        yield letter.source


class PublishDeadLetters(beam.PTransform):
    """PCollection[DeadLetter] -> PCollection[str] (sources published, for the commit gate)."""

    def __init__(self, kafka: KafkaConfig, topic: str) -> None:
        super().__init__()
        self.kafka = kafka
        self.topic = topic

    def expand(self, letters: beam.PCollection) -> beam.PCollection:
        return letters | "SendToDeadLetterTopic" >> beam.ParDo(_PublishFn(self.kafka, self.topic))
