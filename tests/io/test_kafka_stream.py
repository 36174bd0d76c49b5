"""Integration: ReadKafkaStream / CommitOffsets against the real local Kafka broker on Prism.

Streaming pipelines run on Prism (the in-process DirectRunner ignores --streaming). Each one
ends by itself via `stop_after_idle_s`; `finally` cancels it if a test fails first.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import apache_beam as beam
import pytest
from apache_beam.io.restriction_trackers import OffsetRange
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.runner import PipelineState
from apache_beam.transforms.window import FixedWindows
from apache_beam.utils.timestamp import Duration, Timestamp

from pipelines.config import Config
from pipelines.core.records import Message
from pipelines.io import stack as local_stack
from pipelines.io.kafka_stream import (
    INFINITY,
    STOP_CHECK_S,
    CommitOffsets,
    ReadKafkaStream,
    _CommitFn,
    _DiscoverPartitions,
    _OpenOffsetTracker,
    _ReadPartition,
    _WatermarkBoard,
    group_lag,
    parse_kafka_source,
)

pytestmark = pytest.mark.integration

PARTITIONS = 4
WINDOW_S = 5
DEADLINE_S = 60


@pytest.fixture(scope="module")
def prism(config: Config) -> str:
    path = local_stack.prism_path(config)
    if not path.is_file():
        pytest.skip(f"no Prism binary at {path}: run `newswire stack prism`")
    return str(path)


def _streaming_options(prism: str) -> PipelineOptions:
    return PipelineOptions(
        [
            "--runner=PrismRunner",
            f"--prism_location={prism}",
            "--environment_type=LOOPBACK",
            "--streaming",
            # A Prism server of its own: Beam shares one per process, and a DirectRunner test
            # that ran earlier in this process may have left one without our binary.
            "--experiments=disable_prism_server_singleton",
        ]
    )


def _produce(config: Config, topic: str, count: int, base_ms: int) -> dict[str, int]:
    """count messages round-robin over the partitions, 100 ms apart -> {source: timestamp_ms}."""
    from kafka import KafkaProducer

    producer = KafkaProducer(**config.kafka.client_kwargs(), acks="all", linger_ms=5)
    futures = []
    for i in range(count):
        ts = base_ms + i * 100
        future = producer.send(
            topic, key=b"k%d" % i, value=b"msg-%d" % i, partition=i % PARTITIONS, timestamp_ms=ts
        )
        futures.append((future, ts))
    producer.flush()
    sent = {}
    for future, ts in futures:
        meta = future.get(timeout=10)
        sent[f"kafka:{topic}/{meta.partition}/{meta.offset}"] = ts
    producer.close()
    return sent


def _wait(result: Any) -> str:
    """Wait for a pipeline that should end by itself; cancel it if it does not."""
    state = result.wait_until_finish(duration=DEADLINE_S * 1000)
    if not PipelineState.is_terminal(state):
        result.cancel()
    return str(state)


def _cancel_if_running(result: Any) -> None:
    if result is not None and not PipelineState.is_terminal(result.state):
        result.cancel()


class _WriteWindow(beam.DoFn):
    """(key, [(source, timestamp_ms)]) per window -> one JSON file per pane."""

    def __init__(self, out: str) -> None:
        self.out = out

    def process(
        self, kv: tuple[int, list[tuple[str, int]]], w: Any = beam.DoFn.WindowParam
    ) -> None:
        start = w.start.micros // 1_000_000
        name = Path(self.out) / f"{start}-{uuid.uuid4().hex[:8]}.json"
        tmp = name.with_suffix(".tmp")
        tmp.write_text(json.dumps({"window_start": start, "items": sorted(kv[1])}))
        tmp.rename(name)  # the test polls the folder: never show a half-written file


class _WriteBundle(beam.DoFn):
    """Message -> its source, one JSON file per bundle."""

    def __init__(self, out: str) -> None:
        self.out = out
        self.sources: list[str] = []

    def start_bundle(self) -> None:
        self.sources = []

    def process(self, msg: Message) -> None:
        self.sources.append(msg.source)

    def finish_bundle(self) -> None:
        if self.sources:
            (Path(self.out) / f"{uuid.uuid4().hex}.json").write_text(json.dumps(self.sources))


def _millis(msg: Message) -> int:
    assert msg.timestamp is not None
    return int(msg.timestamp.timestamp() * 1000)


def test_reads_every_message_once_into_ingestion_time_windows(
    stack: Config, kafka_topic: str, prism: str, tmp_path: Path
) -> None:
    # Record timestamps ten minutes in the past: windows follow the time of reading instead,
    # so none of these records is late and none holds a window open.
    started = time.time()
    base_ms = (int(started) // WINDOW_S * WINDOW_S - 600) * 1000
    sent = _produce(stack, kafka_topic, 200, base_ms)

    out = tmp_path / "windows"
    out.mkdir()
    pipeline = beam.Pipeline(options=_streaming_options(prism))
    _ = (
        pipeline
        | ReadKafkaStream(
            stack.kafka,
            kafka_topic,
            f"g-{uuid.uuid4().hex[:8]}",
            idle_after_s=1,
            stop_after_idle_s=3,
        )
        | beam.WindowInto(FixedWindows(WINDOW_S))
        | beam.Map(lambda m: (0, (m.source, _millis(m))))
        | beam.GroupByKey()
        | beam.ParDo(_WriteWindow(str(out)))
    )
    result = None
    try:
        result = pipeline.run()
        state = _wait(result)
    finally:
        _cancel_if_running(result)
    assert state == PipelineState.DONE

    panes = [json.loads(p.read_text()) for p in out.glob("*.json")]
    items = [(src, ts) for pane in panes for src, ts in pane["items"]]
    sources = [src for src, _ in items]
    assert len(sources) == 200  # nothing dropped as late, nothing read twice
    assert set(sources) == set(sent)
    assert dict(items) == sent  # elements carry the Kafka record timestamp as data
    # ... and are windowed by when they were read, not by it.
    assert min(pane["window_start"] for pane in panes) >= started // WINDOW_S * WINDOW_S


def test_commits_offsets_and_a_new_pipeline_resumes_where_the_output_ends(
    stack: Config, kafka_topic: str, prism: str, tmp_path: Path
) -> None:
    from kafka import KafkaConsumer, TopicPartition

    base_ms = (int(time.time()) - 600) * 1000
    sent = _produce(stack, kafka_topic, 200, base_ms)
    half = {p: 25 for p in range(PARTITIONS)}  # 50 per partition: commit the first half
    group = f"g-{uuid.uuid4().hex[:8]}"

    commit = beam.Pipeline(options=_streaming_options(prism))
    # Both element shapes, plus stale pairs that must not move an offset back.
    elements: list[Any] = [(0, 25), (1, 25), {2: 25, 3: 25}, (0, 10), (3, 1)]
    _ = commit | beam.Create(elements) | CommitOffsets(stack.kafka, group, topic=kafka_topic)
    result = None
    try:
        result = commit.run()
        assert _wait(result) == PipelineState.DONE
    finally:
        _cancel_if_running(result)

    consumer = KafkaConsumer(**stack.kafka.client_kwargs(), group_id=group)
    try:
        committed = {p: consumer.committed(TopicPartition(kafka_topic, p)) for p in range(4)}
    finally:
        consumer.close(autocommit=False)
    assert committed == half

    # The output holds offsets 0-24 of every partition and 30-34 of partition 0 (a window
    # committed out of order): a new pipeline reads the rest, once.
    held = {p: [(0, 25)] for p in range(PARTITIONS)}
    held[0].append((30, 35))
    out = tmp_path / "read"
    out.mkdir()
    read = beam.Pipeline(options=_streaming_options(prism))
    _ = (
        read
        | ReadKafkaStream(
            stack.kafka, kafka_topic, group, idle_after_s=1, stop_after_idle_s=3, held=held
        )
        | beam.ParDo(_WriteBundle(str(out)))
    )
    result = None
    try:
        result = read.run()
        assert _wait(result) == PipelineState.DONE
    finally:
        _cancel_if_running(result)

    sources = [s for f in out.glob("*.json") for s in json.loads(f.read_text())]

    def wanted(source: str) -> bool:
        _, partition, offset = parse_kafka_source(source)
        return offset >= 25 and not (partition == 0 and 30 <= offset < 35)

    rest = {s for s in sent if wanted(s)}
    assert len(sources) == 95
    assert set(sources) == rest


# Pure pieces (no broker), kept here next to the transforms they belong to.


def test_parse_kafka_source() -> None:
    assert parse_kafka_source("kafka:a/b.c/3/17") == ("a/b.c", 3, 17)
    with pytest.raises(ValueError):
        parse_kafka_source("file:x.jsonl:3")


def test_open_range_tracker_only_checkpoints() -> None:
    tracker = _OpenOffsetTracker(OffsetRange(5, INFINITY))
    assert not tracker.is_bounded()
    assert tracker.try_claim(5)
    assert tracker.try_split(0.5) is None  # would strand a residual far past the log end
    primary, residual = tracker.try_split(0)
    assert (primary.start, primary.stop) == (5, 6)
    assert (residual.start, residual.stop) == (6, INFINITY)
    assert not tracker.try_claim(6)
    tracker.check_done()


def test_watermark_board_waits_for_every_partition() -> None:
    read_id = uuid.uuid4().hex
    t = Timestamp.of
    _WatermarkBoard.post(read_id, 0, t(100))
    assert _WatermarkBoard.floor(read_id, 0, 3, t(120)) is None  # 1 and 2 unknown
    _WatermarkBoard.post(read_id, 1, t(90))
    _WatermarkBoard.post(read_id, 2, None)
    assert _WatermarkBoard.floor(read_id, 0, 3, t(120)) is None  # 2 has no watermark yet
    _WatermarkBoard.post(read_id, 2, t(200))
    assert _WatermarkBoard.floor(read_id, 0, 3, t(120)) == t(90)
    assert _WatermarkBoard.floor(read_id, 1, 3, t(95)) == t(95)  # own value, not the posted one
    _WatermarkBoard.post(read_id, 1, None)  # an unknown watermark never erases a known one
    assert _WatermarkBoard.floor(read_id, 0, 3, t(120)) == t(90)


class _FakeState:
    def __init__(self) -> None:
        self.value: Any = None

    def read(self) -> Any:
        return self.value

    def write(self, value: Any) -> None:
        self.value = value


class _FakeConsumer:
    def __init__(self) -> None:
        self.commits: list[dict[Any, Any]] = []

    def commit(self, offsets: dict[Any, Any]) -> None:
        self.commits.append(offsets)


def _commit_bundles(fn: _CommitFn, state: _FakeState, bundles: list[list[tuple[int, int]]]) -> None:
    for bundle in bundles:
        fn.start_bundle()
        for pair in bundle:
            fn.process(("t", pair), state=state)
        fn.finish_bundle()


def test_commit_never_moves_an_offset_back() -> None:
    from kafka import TopicPartition

    fn = _CommitFn(Config().kafka, "g", "t")
    fake = _FakeConsumer()
    fn.consumer = fake
    state = _FakeState()
    _commit_bundles(fn, state, [[(0, 25), (1, 7), (0, 30)], [(0, 10), (1, 7)], [(1, 8)]])
    offsets = [{tp.partition: om.offset for tp, om in c.items()} for c in fake.commits]
    assert offsets == [{0: 30, 1: 7}, {1: 8}]  # the stale bundle committed nothing
    assert all(tp == TopicPartition("t", tp.partition) for c in fake.commits for tp in c)
    assert state.value == {0: 30, 1: 8}

    # A failed commit fails the bundle; its retry on the same instance is not taken as stale.
    class _Failing(_FakeConsumer):
        def commit(self, offsets: dict[Any, Any]) -> None:
            raise RuntimeError("broker unavailable")

    fn.consumer = _Failing()
    before = dict(state.value)
    fn.start_bundle()
    fn.process(("t", (0, 40)), state=_FakeState())  # the runner discards this state on failure
    with pytest.raises(RuntimeError):
        fn.finish_bundle()
    assert state.value == before
    fn.consumer = fake
    _commit_bundles(fn, state, [[(0, 40)]])
    assert [c[TopicPartition("t", 0)].offset for c in fake.commits[2:]] == [40]

    # A fresh instance (worker restart) still refuses to go back: the rule lives in state.
    again = _CommitFn(Config().kafka, "g", "t")
    again.consumer = fake
    _commit_bundles(again, state, [[(0, 12)]])
    assert len(fake.commits) == 3


class _FakeReader:
    def __init__(self, highwater: int | None, position: int) -> None:
        self.hw, self.pos = highwater, position

    def highwater(self, tp: Any) -> int | None:
        return self.hw

    def position(self, tp: Any, timeout_ms: int | None = None) -> int:
        return self.pos


def test_only_a_partition_at_its_log_end_counts_as_idle() -> None:
    # An empty poll is not enough: right after a seek, fetches can take longer than a poll.
    dofn = _ReadPartition(Config().kafka, "r", 100, 500, 0.5, 10.0, 2.0, None, False)
    assert not dofn._caught_up(_FakeReader(None, 0), None)  # nothing fetched yet
    assert not dofn._caught_up(_FakeReader(120, 100), None)  # backlog
    assert dofn._caught_up(_FakeReader(120, 120), None)
    assert dofn._caught_up(_FakeReader(0, 0), None)  # empty partition


class _FakeTracker:
    def __init__(self, start: int) -> None:
        self.restriction = OffsetRange(start, INFINITY)
        self.claimed: list[int] = []
        self.deferred: Any = None

    def current_restriction(self) -> OffsetRange:
        return self.restriction

    def try_claim(self, position: int) -> bool:
        self.claimed.append(position)
        return True

    def defer_remainder(self, delay: Any = None) -> None:
        self.deferred = delay


class _FakeWatermark:
    def __init__(self) -> None:
        self.value: Any = None

    def current_watermark(self) -> Any:
        return self.value

    def set_watermark(self, value: Any) -> None:
        self.value = value


class _ListingConsumer:
    def __init__(self) -> None:
        self.relistings = 0

    def topics(self) -> None:
        self.relistings += 1

    def partitions_for_topic(self, topic: str) -> set[int]:
        return {0, 1, 2} if self.relistings else {0, 1}

    def beginning_offsets(self, tps: list[Any]) -> dict[Any, int]:
        return dict.fromkeys(tps, 0)

    def committed(self, tp: Any) -> None:
        return None


def _discover(fn: _DiscoverPartitions, start: int) -> tuple[list[int], _FakeTracker]:
    tracker = _FakeTracker(start)
    found = list(fn.process("t", tracker=tracker, watermark=_FakeWatermark()))
    return [p.partition for p in found], tracker


def test_discovery_relists_on_its_interval_and_a_drain_ends_it_at_once(tmp_path: Path) -> None:
    now = [1000.0]
    stop = tmp_path / "stop"
    fn = _DiscoverPartitions(Config().kafka, "g", 60.0, None, str(stop), clock=lambda: now[0])
    consumer = _ListingConsumer()
    fn.consumer = consumer

    found, tracker = _discover(fn, 0)
    assert found == [0, 1]
    # Deferred for a short wake-up, not the whole interval: a drain must not wait 60 s.
    assert tracker.deferred == Duration.of(STOP_CHECK_S)

    now[0] += 30  # woken between listings: nothing listed, deferred again
    found, tracker = _discover(fn, 2)
    assert (found, consumer.relistings, tracker.claimed) == ([], 0, [])
    assert tracker.deferred == Duration.of(STOP_CHECK_S)

    now[0] += 31  # the interval is over: the topic is listed again, a new partition found
    found, tracker = _discover(fn, 2)
    assert (found, consumer.relistings) == ([2], 1)

    stop.touch()  # a drain: the open range is done at the next wake-up, without a listing
    found, tracker = _discover(fn, 3)
    assert (found, consumer.relistings, tracker.claimed, tracker.deferred) == (
        [],
        1,
        [INFINITY],
        None,
    )

    # Without a stop file (nothing can ask for a drain) it sleeps the whole interval.
    quiet = _DiscoverPartitions(Config().kafka, "g", 60.0, None, clock=lambda: now[0])
    quiet.consumer = _ListingConsumer()
    assert _discover(quiet, 0)[1].deferred == Duration.of(60.0)


class _LagConsumer:
    def partitions_for_topic(self, topic: str) -> set[int]:
        return {1, 0}

    def end_offsets(self, tps: list[Any]) -> dict[Any, int]:
        return {tp: 10 * (tp.partition + 1) for tp in tps}

    def committed(self, tp: Any) -> int | None:
        return {0: 4}.get(tp.partition)


def test_group_lag_counts_an_uncommitted_partition_from_zero() -> None:
    assert group_lag(_LagConsumer(), "t") == {0: 6, 1: 20}
