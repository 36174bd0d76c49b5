"""Integration: the streaming job (`newswire run` on Prism) against the real Kafka and S3,
its Iceberg tables read back by DuckDB (an engine that is not ours), accounted by Kafka
record: every record (topic/partition/offset) has exactly one row in articles, duplicates
or dead_letter (a near-duplicate kept in articles in `mark` mode has both its articles row,
marked, and its duplicates row).

- latency: an article produced while the job runs is readable within window + 15 s;
  SIGTERM then drains: the job exits within 30 s with every offset committed.
- crash: items (with exact and near copies) are produced while the job is killed with
  SIGKILL at random moments and restarted. Size: NEWSWIRE_CRASH_ITEMS (default 600) and
  NEWSWIRE_CRASH_KILLS (default 3); the full run is NEWSWIRE_CRASH_ITEMS=20000
  NEWSWIRE_CRASH_KILLS=5. While the job is down after each kill, `newswire compact` merges
  the small files written so far.
- producer timestamps: +10 min, +10 years, year 10000, before the epoch, hours old, out of
  order within a partition; a kill -9 after the first commit and a restart.
- the topic deleted and re-created between runs; two jobs on one topic and output.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from pipelines.config import Config
from pipelines.core import schemas
from pipelines.core.avro import MARKER, SingleObjectCodec
from pipelines.core.records import RawArticle, to_avro

pytestmark = pytest.mark.integration

CODEC = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
WINDOW_S = 10


def _start_job(
    topic: str, output: str, group: str, log: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "pipelines.cli", "run", "--topic", topic, "--output", output,
        "--group", group, "--window", f"{WINDOW_S}s", "--idle-after", "3s",
        "--status-every", "5s", "--dlq-topic", f"{topic}.dlq", *extra,
    ]  # fmt: skip
    # A session of its own, so a kill reaches the Prism child process too.
    log.touch()
    offset = log.stat().st_size
    proc = subprocess.Popen(
        cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, env=None if env is None else {**os.environ, **env},
    )  # fmt: skip
    proc.log_offset = offset  # type: ignore[attr-defined]
    return proc


def _producer(config: Config):  # type: ignore[no-untyped-def]
    from kafka import KafkaProducer

    return KafkaProducer(**config.kafka.client_kwargs(), acks="all", linger_ms=5)


def _send(producer, topic: str, raws: list[RawArticle], **kw) -> list[str]:  # type: ignore[no-untyped-def]
    """Send; returns each record's Kafka source (kafka:<topic>/<partition>/<offset>)."""
    futures = [
        producer.send(topic, key=raw.article_id.encode(), value=CODEC.encode(to_avro(raw)), **kw)
        for raw in raws
    ]
    producer.flush()
    return [_source(f.get(timeout=30)) for f in futures]


def _source(meta) -> str:  # type: ignore[no-untyped-def]
    return f"kafka:{meta.topic}/{meta.partition}/{meta.offset}"


def _rows(config: Config, output: str, table: str, columns: str) -> list[tuple]:
    """`SELECT columns FROM table` through DuckDB's Iceberg reader."""
    from pipelines.io.tables import Tables
    from tests.iceberg_reader import duckdb_rows

    tables = Tables(output, config.catalog, config.s3)
    try:
        return duckdb_rows(tables.metadata_location(table), columns, s3=config.s3)
    finally:
        tables.close()


def _by_record(config: Config, output: str) -> dict[str, list[str]]:
    """Kafka source -> where its rows are ("article", "marked", "duplicate", "dead")."""
    places: dict[str, list[str]] = {}
    for source, marked in _rows(config, output, "articles", "source, duplicate_of IS NOT NULL"):
        places.setdefault(source, []).append("marked" if marked else "article")
    for (source,) in _rows(config, output, "duplicates", "source"):
        places.setdefault(source, []).append("duplicate")
    for (source,) in _rows(config, output, "dead_letter", "source"):
        places.setdefault(source, []).append("dead")
    return places


def _assert_each_record_once(places: dict[str, list[str]], sources: list[str]) -> None:
    """Every produced record has exactly one place (or, near-duplicate marked in articles,
    its marked row and its duplicates row), and the output holds no other record."""
    wrong = {
        src: sorted(places.get(src, []))
        for src in sources
        if sorted(places.get(src, [])) not in (["article"], ["duplicate"], ["dead"],
                                               ["duplicate", "marked"])
    }  # fmt: skip
    assert wrong == {}, f"{len(wrong)} of {len(sources)} misplaced: {list(wrong.items())[:10]}"
    assert set(places) <= set(sources), "rows for records that were never produced"


def _compact(config: Config, output: str, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    """`newswire compact --all`: every partition of the output with several files."""
    cmd = [sys.executable, "-m", "pipelines.cli", "compact", output, "--all", *extra]
    return subprocess.Popen(cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _lag(config: Config, topic: str, group: str) -> int:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        **config.kafka.client_kwargs(), group_id=group, enable_auto_commit=False
    )
    try:
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        ends = consumer.end_offsets(tps)
        return sum(ends[tp] - (consumer.committed(tp) or 0) for tp in tps)
    finally:
        consumer.close(autocommit=False)


def _committed(config: Config, topic: str, group: str) -> int:
    """Sum of the group's committed offsets over the topic's partitions."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        **config.kafka.client_kwargs(), group_id=group, enable_auto_commit=False
    )
    try:
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.committed(tp) or 0 for tp in tps)
    finally:
        consumer.close(autocommit=False)


def _wait_running(log: Path, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    offset = getattr(proc, "log_offset", 0)  # this run's lines, not an earlier run's
    while time.monotonic() < deadline:
        if b"[status]" in log.read_bytes()[offset:]:
            return
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        time.sleep(0.5)
    raise AssertionError("job did not start: " + log.read_text(errors="replace")[-3000:])


def _generated(count: int, seed: int) -> list[RawArticle]:
    from pipelines.samples.generator import generate_corpus

    return generate_corpus(count, seed=seed).raw_articles()


def test_latency_then_sigterm_drains(
    stack: Config, kafka_topic: str, s3_uri: str, tmp_path: Path
) -> None:
    group = f"g-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "job.log"
    proc = _start_job(kafka_topic, s3_uri, group, log)
    try:
        _wait_running(log, proc)
        raw = _generated(5, seed=11)[0]
        producer = _producer(stack)
        sent_at = time.monotonic()
        _send(producer, kafka_topic, [raw])
        producer.close()
        found = None
        while time.monotonic() - sent_at < WINDOW_S + 15 + 5:
            ids = {r[0] for r in _rows(stack, s3_uri, "articles", "article_id")}
            if raw.article_id in ids:
                found = time.monotonic() - sent_at
                break
            time.sleep(0.5)
        assert found is not None, "article not written: " + log.read_text(errors="replace")[-3000:]
        assert found <= WINDOW_S + 15, f"readable after {found:.1f}s"

        proc.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        proc.wait(timeout=40)
        assert time.monotonic() - stopped_at <= 30
        assert proc.returncode == 0, log.read_text(errors="replace")[-3000:]
        # Drained to the end, not cancelled when the drain ran out of time.
        assert "newswire run: DONE" in log.read_text(errors="replace"), log.read_text()[-3000:]
        assert _lag(stack, kafka_topic, group) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def _malformed(n: int) -> list[tuple[bytes, bytes]]:
    """(key, value) pairs the pipeline must dead-letter: junk, unknown schema, no text."""
    out = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            value = b"not avro at all " + str(i).encode()
        elif kind == 1:
            value = MARKER + b"\x00\x11\x22\x33\x44\x55\x66\x77" + b"\x02"
        else:
            raw = RawArticle(
                f"empty-{i}", "text/html", b"<html><body><nav>Home</nav></body></html>", f"bad:{i}"
            )
            value = CODEC.encode(to_avro(raw))
        out.append((f"bad-{i}".encode(), value))
    return out


CRASH_ITEMS = int(os.environ.get("NEWSWIRE_CRASH_ITEMS", "600"))
CRASH_KILLS = int(os.environ.get("NEWSWIRE_CRASH_KILLS", "3"))


# The full size (20,000 items) takes about half an hour on two cores: the time limit grows
# with the size instead of the suite's 900 s.
@pytest.mark.timeout(max(900, int(CRASH_ITEMS * 0.15)))
def test_kill_and_restart_loses_and_duplicates_nothing(
    stack: Config, kafka_topic: str, s3_uri: str, tmp_path: Path
) -> None:
    from kafka import KafkaProducer

    items, kills = CRASH_ITEMS, CRASH_KILLS
    rng = random.Random(5)
    raws = _generated(items, seed=21)
    # Genuine copies: the same article sent again later (some after a restart).
    raws += [raws[i] for i in rng.sample(range(len(raws)), max(items // 20, 5))]
    bad = _malformed(max(items // 50, 6))
    group = f"g-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "job.log"
    sources: list[str] = []

    def produce() -> None:
        producer = KafkaProducer(**stack.kafka.client_kwargs(), acks="all", linger_ms=5)
        chunks = [raws[i : i + 100] for i in range(0, len(raws), 100)]
        for n, chunk in enumerate(chunks):
            sources.extend(_send(producer, kafka_topic, chunk))
            if n < len(bad):
                key, value = bad[n]
                sources.append(_source(producer.send(kafka_topic, key=key, value=value).get(30)))
            time.sleep(0.3)
        for key, value in bad[len(chunks) :]:
            sources.append(_source(producer.send(kafka_topic, key=key, value=value).get(30)))
        producer.flush()
        producer.close()

    producer_thread = threading.Thread(target=produce)
    producer_thread.start()
    try:
        for _ in range(kills):
            before = _committed(stack, kafka_topic, group)
            proc = _start_job(kafka_topic, s3_uri, group, log)
            _wait_running(log, proc)
            # A random moment: either within 3-30 s of start-up (reading, cleaning), or soon
            # after this run committed a window of its own (writing, committing).
            if rng.random() < 0.5:
                time.sleep(rng.uniform(3, 30))
            else:
                deadline = time.monotonic() + 1500
                while (
                    _committed(stack, kafka_topic, group) <= before
                    and _lag(stack, kafka_topic, group) > 0  # else nothing is left to commit
                ):
                    assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
                    assert time.monotonic() < deadline, "no commit in 1500 s"
                    time.sleep(0.5)
                time.sleep(rng.uniform(0, 8))
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            # Compaction while the job is down.
            assert _compact(stack, s3_uri, log).wait(timeout=300) == 0
        producer_thread.join(timeout=300)
        final = _start_job(kafka_topic, s3_uri, group, log, "--stop-after-idle", "15s")
        _wait_running(log, final)
        final.wait(timeout=1800)
        assert final.returncode == 0, log.read_text(errors="replace")[-4000:]
    finally:
        producer_thread.join(timeout=60)

    places = _by_record(stack, s3_uri)
    _assert_each_record_once(places, sources)
    ids = Counter(r[0] for r in _rows(stack, s3_uri, "articles", "article_id"))
    assert [a for a, n in ids.items() if n > 1] == [], "an article_id written twice"
    kinds = Counter(tuple(sorted(v)) for v in places.values())
    print(f"crash test: {len(sources)} records, {kills} kills: {dict(kinds)}")
    assert _lag(stack, kafka_topic, group) == 0


def _restart(config: Config, service: str, down_s: float) -> None:
    from pipelines.io import stack as local_stack

    local_stack._script(config, service, "stop")
    time.sleep(down_s)
    local_stack.up(config, services=(service,))


@pytest.mark.parametrize(("service", "down_s"), [("kafka", 5.0), ("seaweedfs", 30.0)])
def test_outage_of_broker_or_object_store_loses_and_duplicates_nothing(
    stack: Config, kafka_topic: str, s3_uri: str, tmp_path: Path, service: str, down_s: float
) -> None:
    raws = _generated(300, seed=31)
    group = f"g-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "job.log"
    proc = _start_job(kafka_topic, s3_uri, group, log)
    try:
        _wait_running(log, proc)
        producer = _producer(stack)
        sources = _send(producer, kafka_topic, raws[:150])
        producer.close()
        time.sleep(3)
        _restart(stack, service, down_s)
        producer = _producer(stack)
        sources += _send(producer, kafka_topic, raws[150:])
        producer.close()
        # The job retries through the outage; everything gets written and committed.
        deadline = time.monotonic() + 300
        while _lag(stack, kafka_topic, group) and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text(errors="replace")[-4000:]
            time.sleep(2)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        assert proc.returncode == 0, log.read_text(errors="replace")[-4000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    _assert_each_record_once(_by_record(stack, s3_uri), sources)
    assert _lag(stack, kafka_topic, group) == 0


def _topic(config: Config, partitions: int) -> str:
    """A topic that accepts any producer timestamp (the broker's own default refuses records
    more than an hour ahead)."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    name = f"test-{uuid.uuid4().hex[:12]}"
    anything = str(2**63 - 1)
    admin = KafkaAdminClient(**config.kafka.client_kwargs())
    configs = {
        "message.timestamp.after.max.ms": anything,
        "message.timestamp.before.max.ms": anything,
    }
    admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs)])
    admin.close()
    return name


def _delete_topic(config: Config, name: str) -> None:
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(**config.kafka.client_kwargs())
    admin.delete_topics([name])
    admin.close()


def test_any_producer_timestamp_lands_once_through_a_kill(
    stack: Config, s3_uri: str, tmp_path: Path
) -> None:
    topic = _topic(stack, 1)
    group, log = f"g-{uuid.uuid4().hex[:8]}", tmp_path / "job.log"
    now_ms = int(time.time() * 1000)
    year = 365 * 24 * 3600 * 1000
    stamps = [
        now_ms + 10 * 60 * 1000,  # a producer clock 10 minutes ahead (the record A)
        now_ms,  # then a record on time (record B)
        now_ms + 10 * year,  # ten years ahead
        253_402_300_800_000,  # year 10000
        0,  # the epoch
        now_ms - 5 * 3600 * 1000,  # five hours old: later than any lateness
        now_ms - 60_000,  # out of order within the partition
        now_ms + 30_000,
    ]
    raws = _generated(60, seed=41)[: len(stamps) * 3]
    producer = _producer(stack)
    sources = [
        _send(producer, topic, [raw], timestamp_ms=ts)[0]
        for raw, ts in zip(raws[: len(stamps) * 2], stamps * 2, strict=True)
    ]
    proc = _start_job(topic, s3_uri, group, log)
    try:
        _wait_running(log, proc)
        deadline = time.monotonic() + 120
        while _committed(stack, topic, group) == 0:  # B's window committed: the worst moment
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "no commit in 120 s"
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        more = raws[len(stamps) * 2 :]
        sources += [
            _send(producer, topic, [raw], timestamp_ms=ts)[0]
            for raw, ts in zip(more, stamps, strict=True)
        ]
        producer.close()
        final = _start_job(topic, s3_uri, group, log, "--stop-after-idle", "8s")
        final.wait(timeout=300)
        assert final.returncode == 0, log.read_text(errors="replace")[-4000:]
        _assert_each_record_once(_by_record(stack, s3_uri), sources)
        assert _lag(stack, topic, group) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        _delete_topic(stack, topic)


def test_topic_recreated_between_runs_is_read_from_its_start(
    stack: Config, s3_uri: str, tmp_path: Path
) -> None:
    topic = _topic(stack, 2)
    group, log = f"g-{uuid.uuid4().hex[:8]}", tmp_path / "job.log"
    raws = _generated(30, seed=51)
    producer = _producer(stack)
    first = _send(producer, topic, raws[:20])
    producer.close()
    job = _start_job(topic, s3_uri, group, log, "--stop-after-idle", "6s")
    assert job.wait(timeout=300) == 0, log.read_text(errors="replace")[-4000:]
    _delete_topic(stack, topic)
    for _ in range(60):  # deletion is asynchronous
        try:
            from kafka import KafkaAdminClient
            from kafka.admin import NewTopic

            admin = KafkaAdminClient(**stack.kafka.client_kwargs())
            admin.create_topics([NewTopic(topic, 2, 1)])
            admin.close()
            break
        except Exception:
            time.sleep(1)
    producer = _producer(stack)
    second = _send(producer, topic, raws[20:25])  # lower offsets than the first run held
    try:
        # Killed right after its first commit on the new topic, then restarted.
        job = _start_job(topic, s3_uri, group, log)
        _wait_running(log, job)
        assert "offset reset detected" in log.read_text(errors="replace")
        deadline = time.monotonic() + 120
        while _committed(stack, topic, group) == 0:
            assert job.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "no commit in 120 s"
            time.sleep(0.2)
        os.killpg(job.pid, signal.SIGKILL)
        job.wait(timeout=30)
        second += _send(producer, topic, raws[25:])
        producer.close()
        job = _start_job(topic, s3_uri, group, log, "--stop-after-idle", "6s")
        assert job.wait(timeout=300) == 0, log.read_text(errors="replace")[-4000:]
        places = _by_record(stack, s3_uri)
        # The new records reuse the old ones' offsets: each source now names two records.
        for src in second:
            assert len(places.get(src, [])) >= 1, f"{src} of the new topic not written"
        assert sum(len(v) for v in places.values()) >= len(first) + len(second)
        ids = {r[0] for r in _rows(stack, s3_uri, "articles", "article_id")}
        ids |= {r[0] for r in _rows(stack, s3_uri, "duplicates", "article_id")}
        assert {r.article_id for r in raws[20:]} <= ids
    finally:
        _delete_topic(stack, topic)


def test_a_second_job_on_the_same_topic_and_output_stops_with_a_clear_error(
    stack: Config, kafka_topic: str, s3_uri: str, tmp_path: Path
) -> None:
    group = f"g-{uuid.uuid4().hex[:8]}"
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"
    raws = _generated(60, seed=61)
    a = _start_job(kafka_topic, s3_uri, group, log_a)
    b = _start_job(kafka_topic, s3_uri, group, log_b)
    try:
        _wait_running(log_a, a)
        _wait_running(log_b, b)
        producer = _producer(stack)
        sources = _send(producer, kafka_topic, raws)
        producer.close()
        deadline = time.monotonic() + 180
        while a.poll() is None and b.poll() is None:
            assert time.monotonic() < deadline, "neither job saw the other"
            time.sleep(0.5)
        loser, loser_log = (a, log_a) if a.poll() is not None else (b, log_b)
        winner = b if loser is a else a
        assert loser.returncode != 0
        assert "two jobs on one topic and output" in loser_log.read_text(errors="replace")
        deadline = time.monotonic() + 180
        while _lag(stack, kafka_topic, group) > 0:
            assert winner.poll() is None
            assert time.monotonic() < deadline, "the remaining job did not catch up"
            time.sleep(1)
        winner.send_signal(signal.SIGTERM)
        winner.wait(timeout=60)
        _assert_each_record_once(_by_record(stack, s3_uri), sources)
    finally:
        for proc in (a, b):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)


def _count(config: Config, topic: str) -> int:
    """Records in a topic (0 when it does not exist)."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**config.kafka.client_kwargs(), enable_auto_commit=False)
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in partitions]
        ends, starts = consumer.end_offsets(tps), consumer.beginning_offsets(tps)
        return sum(ends[tp] - starts[tp] for tp in tps)
    finally:
        consumer.close(autocommit=False)


def test_claim_checked_records_wait_out_an_object_store_outage(
    stack: Config, kafka_topic: str, s3_uri: str, tmp_path: Path
) -> None:
    """Claim-checked records arrive while SeaweedFS is down for longer than the job's storage
    retries (NEWSWIRE_S3_RETRY_S=20: botocore's own attempts take ~40 s, then ours give up):
    fetching their bodies fails, which is the store's fault, not theirs. None may become a dead
    letter (the DLQ topic, fed as dead letters arise, stays empty), nor have its offset
    committed; once the store is back (and the job restarted if the failure stopped it),
    every one lands in the tables."""
    from pipelines.io import stack as local_stack
    from pipelines.io.claims import ClaimsLocation, check_in
    from pipelines.io.objectstore import open_store

    location = ClaimsLocation.parse(stack.claims_uri)
    store = open_store(location.root, stack.s3)
    try:
        raws = [check_in(raw, store, "/".join(location.prefix)) for raw in _generated(12, 41)]
    finally:
        store.close()
    assert all(raw.body_ref is not None and not raw.body for raw in raws)
    group = f"g-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "job.log"
    env = {"NEWSWIRE_S3_RETRY_S": "20"}
    proc = _start_job(kafka_topic, s3_uri, group, log, env=env)
    restarts = 0
    try:
        _wait_running(log, proc)
        local_stack._script(stack, "seaweedfs", "stop")
        try:
            producer = _producer(stack)
            sources = _send(producer, kafka_topic, raws)
            producer.close()
            time.sleep(100)  # past botocore's attempts and our 20 s
            assert _committed(stack, kafka_topic, group) == 0, "offsets committed while down"
            assert _count(stack, f"{kafka_topic}.dlq") == 0, "dead letters for the store's fault"
        finally:
            local_stack.up(stack, services=("seaweedfs",))
        deadline = time.monotonic() + 300
        while _lag(stack, kafka_topic, group) and time.monotonic() < deadline:
            if proc.poll() is not None:  # the failure stopped the job: the operator restarts it
                assert proc.returncode != 0, log.read_text(errors="replace")[-4000:]
                restarts += 1
                proc = _start_job(kafka_topic, s3_uri, group, log, env=env)
                _wait_running(log, proc)
            time.sleep(2)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        assert proc.returncode == 0, log.read_text(errors="replace")[-4000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    places = _by_record(stack, s3_uri)
    _assert_each_record_once(places, sources)
    assert sorted(places) == sorted(sources)
    assert not [s for s in sources if "dead" in places[s]], places
    assert _count(stack, f"{kafka_topic}.dlq") == 0
    print(f"claim-check outage: {len(sources)} records, {restarts} restarts")
