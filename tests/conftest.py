"""Shared fixtures.

Integration tests (marker `integration`) talk to the real local stack: Kafka 4 and SeaweedFS
on 127.0.0.1. The `stack` fixture starts it once per test session, or reuses one that is
already running, and stops it at the end only if this session started it. Each test gets its
own topic (`kafka_topic`) and bucket prefix (`s3_uri`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from pipelines.config import Config


@pytest.fixture(autouse=True)
def _beam_tmpdir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Beam leaves beam-temp* folders in TMPDIR; keep them inside pytest's tmp tree.
    monkeypatch.setenv("TMPDIR", str(tmp_path_factory.getbasetemp()))


@pytest.fixture(scope="session")
def config() -> Config:
    return Config.from_env(os.environ)


@pytest.fixture(scope="session")
def stack(config: Config) -> Iterator[Config]:
    from pipelines.io import stack as local_stack

    statuses = local_stack.status(config)
    started = not all(s.healthy for s in statuses)
    if started:
        try:
            local_stack.up(config)
        except local_stack.StackError:
            local_stack.down(config)  # leave nothing half-started behind
            raise
    yield config
    if started and os.environ.get("NEWSWIRE_KEEP_STACK") != "1":
        local_stack.down(config)


@pytest.fixture
def kafka_topic(stack: Config) -> Iterator[str]:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    name = f"test-{uuid.uuid4().hex[:12]}"
    admin = KafkaAdminClient(**stack.kafka.client_kwargs())
    admin.create_topics([NewTopic(name, num_partitions=4, replication_factor=1)])
    yield name
    admin.delete_topics([name])
    admin.close()


@pytest.fixture
def s3_uri(stack: Config) -> str:
    return f"s3://{stack.s3.bucket}/tests/{uuid.uuid4().hex[:12]}"


@pytest.fixture
def s3_client(stack: Config) -> Iterator[object]:
    from pipelines.io.objectstore import make_s3_client

    client = make_s3_client(stack.s3)
    yield client
    client.close()
