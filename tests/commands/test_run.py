"""`newswire run` settings that need no running stack."""

from __future__ import annotations

import os

import pytest


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "cpus"),  # Prism: one SDK process for the whole job
        (["--runner", "direct"], "cpus"),
        (["--cpu-workers", "1"], 1),
        (["--runner", "flink"], 1),  # parallelizes by itself; one worker isolates the pages
        (["--runner", "dataflow"], 1),
    ],
)
def test_cpu_workers_default_to_one_per_cpu_for_one_process_runners_else_one(
    argv: list[str], expected: object
) -> None:
    from pipelines.cli import build_parser
    from pipelines.commands.run import stream_cpu_workers

    args, _ = build_parser().parse_known_args(["run", "--topic", "t", "--output", "o", *argv])
    want = len(os.sched_getaffinity(0)) if expected == "cpus" else expected
    assert stream_cpu_workers(args) == want


@pytest.mark.integration
def test_start_brings_the_group_offsets_to_what_the_tables_hold(
    stack: object, kafka_topic: str, s3_uri: str, tmp_path: object
) -> None:
    """A crash between a table commit and the group commit leaves the group behind (lag
    monitoring would show records as unread forever): the next start catches it up."""
    import dataclasses
    import uuid
    from pathlib import Path

    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    from pipelines.commands.run import held_state
    from pipelines.config import CatalogConfig, Config
    from pipelines.core.offsets import StreamState
    from pipelines.io.tables import Tables

    assert isinstance(stack, Config) and isinstance(tmp_path, Path)
    config = dataclasses.replace(stack, catalog=CatalogConfig(uri=f"sqlite:///{tmp_path}/c.db"))
    producer = KafkaProducer(**config.kafka.client_kwargs())
    for i in range(10):
        producer.send(kafka_topic, value=b"x", partition=i % 2)
    producer.flush()
    producer.close()
    group = f"g-{uuid.uuid4().hex[:8]}"
    tables = Tables(s3_uri, config.catalog, config.s3)
    state = StreamState(kafka_topic).advanced("job-1", [(0, 0, 5), (1, 0, 5)])
    tables.commit({}, stream=(group, state, ""), commit_id="job-1")  # no group commit after
    tables.close()

    assert held_state(config, s3_uri, kafka_topic, group).coverage == state.coverage
    consumer = KafkaConsumer(**config.kafka.client_kwargs(), group_id=group)
    try:
        committed = {p: consumer.committed(TopicPartition(kafka_topic, p)) for p in (0, 1)}
    finally:
        consumer.close(autocommit=False)
    assert committed == {0: 5, 1: 5}
