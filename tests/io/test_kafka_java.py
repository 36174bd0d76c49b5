"""The Java KafkaIO source's glue: consumer properties, records -> Messages, a clear error
without the expansion jar. (The cross-language read itself needs Beam's expansion service
jar, which the Maven Central reachable here does not serve; see the README's known limits.)"""

from __future__ import annotations

from collections import namedtuple
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.config import KafkaConfig, Secret
from pipelines.io.kafka_java import ReadKafkaWithJava, consumer_config, to_message

Row = namedtuple("Row", "topic partition offset timestamp key value")


def test_consumer_config_leaves_commits_to_the_pipeline() -> None:
    config = consumer_config(KafkaConfig(bootstrap_servers="a:9092,b:9092"), "newswire")
    assert config["bootstrap.servers"] == "a:9092,b:9092"
    assert config["group.id"] == "newswire"
    assert config["enable.auto.commit"] == "false"
    assert config["auto.offset.reset"] == "earliest"
    assert config["security.protocol"] == "PLAINTEXT"
    assert "sasl.jaas.config" not in config


def test_consumer_config_carries_sasl_and_tls_settings() -> None:
    kafka = KafkaConfig(
        bootstrap_servers="k:9093",
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="pipeline",
        sasl_password=Secret.held("s3cret", env="NEWSWIRE_KAFKA_SASL_PASSWORD"),
        ssl_cafile="/etc/kafka/ca.pem",
    )
    config = consumer_config(kafka, "g")
    assert "s3cret" not in repr(config)
    assert 'password="${env:NEWSWIRE_KAFKA_SASL_PASSWORD}"' in config["sasl.jaas.config"]
    assert config["config.providers"] == "env"
    assert config["config.providers.env.class"].endswith(".EnvVarConfigProvider")
    assert config["security.protocol"] == "SASL_SSL"
    assert config["sasl.mechanism"] == "SCRAM-SHA-512"
    assert config["sasl.jaas.config"].startswith(
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
    )
    assert 'username="pipeline"' in config["sasl.jaas.config"]
    assert config["ssl.truststore.type"] == "PEM"
    assert config["ssl.truststore.location"] == "/etc/kafka/ca.pem"


def test_a_password_file_is_read_by_the_java_client_on_the_worker() -> None:
    kafka = KafkaConfig(
        security_protocol="SASL_SSL",
        sasl_mechanism="PLAIN",
        sasl_username="pipeline",
        sasl_password=Secret.held("s3cret", file="/run/secrets/kafka-password"),
    )
    config = consumer_config(kafka, "g")
    assert "s3cret" not in repr(config)
    assert 'password="${dir:/run/secrets:kafka-password}"' in config["sasl.jaas.config"]
    assert config["config.providers.dir.class"].endswith(".DirectoryConfigProvider")


def test_a_password_only_this_process_holds_is_refused() -> None:
    kafka = KafkaConfig(sasl_mechanism="PLAIN", sasl_username="u", sasl_password="s3cret")
    with pytest.raises(ValueError, match="NEWSWIRE_KAFKA_SASL_PASSWORD"):
        consumer_config(kafka, "g")


def test_records_become_messages_with_their_kafka_source() -> None:
    message = to_message(Row("raw-articles", 3, 1207, 1727337600000, b"id-1", b"\xc3\x01..."))
    assert message.source == "kafka:raw-articles/3/1207"
    assert message.key == b"id-1"
    assert message.value == b"\xc3\x01..."
    assert message.timestamp == datetime(2024, 9, 26, 8, 0, tzinfo=UTC)
    bare = to_message(Row("t", 0, 0, -1, None, None))
    assert (bare.key, bare.value, bare.timestamp) == (None, b"", None)


def test_a_missing_expansion_jar_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="expansion service jar not found"):
        ReadKafkaWithJava(KafkaConfig(), "t", "g", tmp_path / "missing.jar")
