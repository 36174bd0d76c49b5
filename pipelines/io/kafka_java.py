"""ReadKafkaWithJava: Beam's own Java KafkaIO (`ReadFromKafka`) behind the same interface as
`ReadKafkaStream`, for runners where Java is at home (Flink, Dataflow).

    newswire run --kafka-source java --kafka-expansion-jar beam-sdks-java-io-expansion-service.jar

PBegin -> PCollection[Message], each with the kafka:<topic>/<partition>/<offset> source the
rest of the pipeline commits from. The consumer group's committed offsets are where it
starts; KafkaIO itself never commits (`commit_offset_in_finalize=False`): `CommitOffsets`
does, after the output is durable, exactly as with the Python source. Record timestamps are
the producers' (CreateTime), as with the Python source. Differences: no stop file (drain with
the runner: a Flink savepoint or a Dataflow drain), and partitions are discovered by KafkaIO.

The expansion service jar (`org.apache.beam:beam-sdks-java-io-expansion-service`, the
installed Beam version) is fetched with mvn like the Flink job server; its path is passed in,
never downloaded at run time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import apache_beam as beam

from pipelines.config import KafkaConfig
from pipelines.core.records import Message
from pipelines.io.kafka_source import kafka_source


def consumer_config(kafka: KafkaConfig, group_id: str) -> dict[str, str]:
    """Java consumer properties equivalent to our kafka-python settings."""
    config = {
        "bootstrap.servers": kafka.bootstrap_servers,
        "group.id": group_id,
        "enable.auto.commit": "false",
        "auto.offset.reset": "earliest",
        "max.partition.fetch.bytes": str(8 * 1024 * 1024),
        "security.protocol": kafka.security_protocol,
    }
    if kafka.sasl_mechanism:
        config["sasl.mechanism"] = kafka.sasl_mechanism
        module = {
            "PLAIN": "org.apache.kafka.common.security.plain.PlainLoginModule",
        }.get(kafka.sasl_mechanism, "org.apache.kafka.common.security.scram.ScramLoginModule")
        config.update(_password_reference(kafka))
        config["sasl.jaas.config"] = (
            f'{module} required username="{kafka.sasl_username}" '
            f'password="{config.pop("password")}";'
        )
    if kafka.ssl_cafile:
        # Java clients read PEM trust stores since Kafka 2.7.
        config["ssl.truststore.type"] = "PEM"
        config["ssl.truststore.location"] = kafka.ssl_cafile
    return config


def _password_reference(kafka: KafkaConfig) -> dict[str, str]:
    """Config-provider settings that make the Java client read the SASL password on the worker
    (KIP-297/421: `${env:NAME}` or `${dir:folder:file}`), plus "password", the reference to
    put in the JAAS line: the password itself never enters the job graph."""
    secret = kafka.sasl_password
    if secret is not None and secret.env:
        provider = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"
        return {
            "config.providers": "env",
            "config.providers.env.class": provider,
            "password": "${env:" + secret.env + "}",
        }
    if secret is not None and secret.file:
        path = Path(secret.file)
        provider = "org.apache.kafka.common.config.provider.DirectoryConfigProvider"
        return {
            "config.providers": "dir",
            "config.providers.dir.class": provider,
            "password": "${dir:" + str(path.parent) + ":" + path.name + "}",
        }
    raise ValueError(
        "the Java Kafka source reads the SASL password on the workers: set "
        "NEWSWIRE_KAFKA_SASL_PASSWORD (or NEWSWIRE_KAFKA_SASL_PASSWORD_FILE) there"
    )


def to_message(record: Any) -> Message:
    """A KafkaIO metadata row (topic, partition, offset, timestamp ms, key, value) -> Message."""
    millis = getattr(record, "timestamp", None)
    return Message(
        value=bytes(record.value or b""),
        source=kafka_source(record.topic, int(record.partition), int(record.offset)),
        key=bytes(record.key) if record.key is not None else None,
        timestamp=datetime.fromtimestamp(millis / 1000, UTC) if millis and millis > 0 else None,
    )


class ReadKafkaWithJava(beam.PTransform):
    """PBegin -> PCollection[Message] through Beam's Java KafkaIO (cross-language)."""

    def __init__(
        self, kafka: KafkaConfig, topic: str, group_id: str, expansion_jar: str | Path
    ) -> None:
        super().__init__()
        jar = Path(expansion_jar)
        if not jar.is_file():
            raise ValueError(
                f"Kafka expansion service jar not found: {jar} (fetch "
                "org.apache.beam:beam-sdks-java-io-expansion-service with mvn)"
            )
        self.kafka = kafka
        self.topic = topic
        self.group_id = group_id
        self.jar = str(jar)

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        from apache_beam.io.kafka import ReadFromKafka
        from apache_beam.transforms.external import JavaJarExpansionService

        return (
            pbegin
            | "ReadFromKafka"
            >> ReadFromKafka(
                consumer_config=consumer_config(self.kafka, self.group_id),
                topics=[self.topic],
                with_metadata=True,
                commit_offset_in_finalize=False,
                timestamp_policy=ReadFromKafka.create_time_policy,
                dynamic_read_poll_interval_seconds=60,
                expansion_service=JavaJarExpansionService(self.jar),
            )
            | "ToMessages" >> beam.Map(to_message)
        )
