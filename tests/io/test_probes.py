"""Reachability probes: a missing dependency is named, with its fix, within seconds."""

from __future__ import annotations

import dataclasses
import socket
import time
import uuid

import pytest

from pipelines.config import CatalogConfig, Config, KafkaConfig, S3Config
from pipelines.io import probes


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_buckets_of_the_s3_uris_once_each() -> None:
    uris = ["s3://a/x", "out/local", "s3://b/y", "s3://a/z"]
    assert probes.buckets_of(uris) == ["a", "b"]


def test_within_bounds_a_call_that_hangs() -> None:
    with pytest.raises(TimeoutError):
        probes._within(0.2, lambda: time.sleep(5))
    assert probes._within(1, lambda: 7) == 7


def test_a_closed_broker_port_fails_at_once_with_the_fix() -> None:
    kafka = KafkaConfig(bootstrap_servers=f"127.0.0.1:{_closed_port()}")
    with pytest.raises(probes.Unreachable, match="newswire stack up"):
        probes.check_topics(kafka, ["t"])


def test_a_closed_store_port_names_the_endpoint_setting() -> None:
    s3 = S3Config(endpoint_url=f"http://127.0.0.1:{_closed_port()}", access_key_id="a",
                  secret_access_key="b")  # fmt: skip
    with pytest.raises(probes.Unreachable, match="NEWSWIRE_S3_ENDPOINT"):
        probes.check_bucket(s3, "newswire")


def test_nothing_is_probed_that_the_command_does_not_need(tmp_path: object) -> None:
    down = Config(
        kafka=KafkaConfig(bootstrap_servers=f"127.0.0.1:{_closed_port()}"),
        s3=S3Config(endpoint_url=f"http://127.0.0.1:{_closed_port()}"),
        catalog=CatalogConfig(uri=f"sqlite:///{tmp_path}/c.db"),
    )
    probes.preflight(down, uris=["local/out"], catalog_for="local/out")


@pytest.mark.integration
def test_the_running_stack_passes_and_missing_things_are_named(stack: Config) -> None:
    probes.check_topics(stack.kafka, [stack.kafka.topic])
    probes.check_bucket(stack.s3, stack.s3.bucket)
    missing = f"missing-{uuid.uuid4().hex[:8]}"
    with pytest.raises(probes.Unreachable, match=f"topic '{missing}' does not exist"):
        probes.check_topics(stack.kafka, [missing])
    with pytest.raises(probes.Unreachable, match=f"bucket '{missing}' does not exist"):
        probes.check_bucket(stack.s3, missing)
    wrong = dataclasses.replace(stack.s3, secret_access_key="wrong")
    with pytest.raises(probes.Unreachable, match="refused our credentials"):
        probes.check_bucket(wrong, stack.s3.bucket)
