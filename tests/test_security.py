"""Security settings: Kafka TLS/SASL client settings, secrets kept out of logs and output,
and hostile inputs that must end as dead letters without taking the job down.

- Kafka: `KafkaConfig.client_kwargs()` for SASL_SSL + SCRAM-SHA-512 and SASL_PLAINTEXT + PLAIN,
  accepted by every kafka-python client, and used by every client the package creates
  (checked on the source); a real round trip through a private broker's SASL_PLAINTEXT
  listener (deploy/local/kafka.sh with NEWSWIRE_KAFKA_SASL=1) with a right and a wrong password.
- Secrets: a backfill with debug logging, whose S3 credentials come only from the standard
  chain (AWS_* environment variables), never shows the secret key in its output, its logs,
  its temporary files or the Parquet it writes.
- Hostile pages: a 50 MB page and a 200,000-deep <div> nest become dead letters with stable
  codes, through CleanArticles and through a whole backfill run, which still exits 0 and
  writes the ordinary articles next to them.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.config import REPO_ROOT, Config, KafkaConfig, reveal
from pipelines.core.records import RawArticle
from pipelines.transforms.clean import CleanArticles
from tests.ports import free_run

NOW = datetime(2026, 1, 1, tzinfo=UTC)
HOSTILE_SIZE = 50 * 1024 * 1024
BOMB_DEPTH = 200_000


def _article_page(n: int) -> bytes:
    body = " ".join(
        f"The regional council of Easthaven met for the {n}th time this year to discuss the "
        f"harbour budget, and members agreed on item {i} after a long debate about repairs."
        for i in range(6)
    )
    return (
        f"<html><head><title>Council report {n}</title></head><body><article>"
        f"<h1>Council report {n}</h1><p>{body}</p><p>{body}</p></article></body></html>"
    ).encode()


def _hostile_page() -> bytes:
    """50 MB of plausible markup: well over the 20 MB body limit."""
    para = b"<p>" + b"Filler words of a page that never ends. " * 25 + b"</p>\n"
    head = b"<html><head><title>Huge</title></head><body>"
    return head + para * (HOSTILE_SIZE // len(para) + 1) + b"</body></html>"


def _html_bomb() -> bytes:
    """200,000 nested <div>s around a few words (2.2 MB: under the size limit)."""
    return (
        b"<html><head><title>Bomb</title></head><body>"
        + b"<div>" * BOMB_DEPTH
        + b"deep"
        + b"</div>" * BOMB_DEPTH
        + b"</body></html>"
    )


# Kafka client settings ---------------------------------------------------------------------


def test_sasl_ssl_scram_kwargs() -> None:
    config = Config.from_env(
        {
            "NEWSWIRE_KAFKA_BOOTSTRAP": "b1.example:9096,b2.example:9096",
            "NEWSWIRE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "NEWSWIRE_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "NEWSWIRE_KAFKA_SASL_USERNAME": "pipeline",
            "NEWSWIRE_KAFKA_SASL_PASSWORD": "scram-pass-123",
            "NEWSWIRE_KAFKA_SSL_CAFILE": "/etc/newswire/kafka-ca.pem",
        }
    )
    assert config.kafka.client_kwargs() == {
        "bootstrap_servers": ["b1.example:9096", "b2.example:9096"],
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "pipeline",
        "sasl_plain_password": "scram-pass-123",
        "ssl_cafile": "/etc/newswire/kafka-ca.pem",
    }
    assert "scram-pass-123" not in repr(config)


def test_sasl_plaintext_plain_kwargs() -> None:
    kafka = KafkaConfig(
        bootstrap_servers="127.0.0.1:9094",
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="PLAIN",
        sasl_username="newswire",
        sasl_password="plain-pass-456",
    )
    assert kafka.client_kwargs() == {
        "bootstrap_servers": ["127.0.0.1:9094"],
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "PLAIN",
        "sasl_plain_username": "newswire",
        "sasl_plain_password": "plain-pass-456",
    }
    assert "plain-pass-456" not in repr(kafka)


def test_plaintext_default_has_no_sasl_settings() -> None:
    kwargs = Config.from_env({}).kafka.client_kwargs()
    assert kwargs == {"bootstrap_servers": ["127.0.0.1:9092"], "security_protocol": "PLAINTEXT"}


def test_kwargs_are_known_to_every_kafka_python_client() -> None:
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

    kafka = KafkaConfig(
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-256",
        sasl_username="u",
        sasl_password="p",
        ssl_cafile="/ca.pem",
    )
    keys = set(kafka.client_kwargs())
    for client in (KafkaProducer, KafkaConsumer, KafkaAdminClient):
        assert keys <= set(client.DEFAULT_CONFIG), client.__name__


def test_the_producer_uses_the_security_settings() -> None:
    from pipelines.io.kafka_producer import ArticleProducer

    kafka = KafkaConfig(
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="u",
        sasl_password="p",
        ssl_cafile="/ca.pem",
    )
    settings = ArticleProducer(kafka).client_settings()
    assert kafka.client_kwargs().items() <= settings.items()


_CLIENTS = {"KafkaProducer", "KafkaConsumer", "KafkaAdminClient"}


def _kafka_client_calls(path: Path) -> Iterator[tuple[int, bool]]:
    """(line, passes **<...>.client_kwargs()) for each Kafka client constructed in a file."""
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in _CLIENTS:
            continue
        uses = any(
            kw.arg is None
            and isinstance(kw.value, ast.Call)
            and getattr(kw.value.func, "attr", None) in ("client_kwargs", "client_settings")
            for kw in node.keywords
        )
        yield node.lineno, uses


def test_every_kafka_client_in_the_package_takes_the_security_settings() -> None:
    found, missing = [], []
    for path in sorted((REPO_ROOT / "pipelines").rglob("*.py")):
        for line, uses in _kafka_client_calls(path):
            where = f"{path.relative_to(REPO_ROOT)}:{line}"
            found.append(where)
            if not uses:
                missing.append(where)
    assert len(found) >= 5, found  # producer, consumers, admin clients: the scan sees them
    assert not missing, f"Kafka clients built without client_kwargs(): {missing}"


# S3 credentials ---------------------------------------------------------------------------


def test_production_s3_config_leaves_credentials_to_the_standard_chain() -> None:
    s3 = Config.from_env({"NEWSWIRE_S3_LOCAL": "0", "AWS_SECRET_ACCESS_KEY": "x"}).s3
    assert s3.access_key_id is None and s3.secret_access_key is None
    assert s3.client_kwargs() == {"region_name": "us-east-1"}  # boto3 finds the keys itself
    local = Config.from_env({"NEWSWIRE_S3_SECRET_KEY": "local-secret-789"})
    assert "local-secret-789" not in repr(local) and "local-secret-789" not in str(local.s3)


# hostile inputs through CleanArticles ------------------------------------------------------


def _make_raw(name: str) -> RawArticle:
    body = {"huge": _hostile_page, "bomb": _html_bomb}.get(name, lambda: _article_page(1))()
    return RawArticle(name, "text/html", body, f"{name}.html")


def test_hostile_pages_become_dead_letters_in_clean_articles() -> None:
    with TestPipeline() as p:
        # Built on the worker: beam.Create would pickle (and bz2) 50 MB into the graph.
        raws = p | beam.Create(["huge", "bomb", "fine"]) | beam.Map(_make_raw)
        out = raws | CleanArticles(now=lambda: NOW)
        assert_that(
            out.articles | beam.Map(lambda a: a.article_id), equal_to(["fine"]), label="Articles"
        )
        assert_that(
            out.dead_letter | beam.Map(lambda d: (d.article_id, d.step, d.error_code)),
            equal_to([("huge", "clean", "too_large"), ("bomb", "clean", "no_text")]),
            label="DeadLetters",
        )


# a whole backfill run ------------------------------------------------------------------------


def _read_outputs(config: Config, uri: str) -> dict[str, bytes]:
    from pipelines.io.objectstore import open_store

    store = open_store(uri, config.s3)
    try:
        return {key: store.get(key) for key in store.list()}
    finally:
        store.close()


@pytest.fixture(scope="module")
def backfill_run(
    stack: Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """One backfill over two articles, a 50 MB page and an HTML bomb, to S3, with -v."""
    secret = reveal(stack.s3.secret_access_key)
    assert secret and len(secret) >= 12, "the stack's S3 secret is the needle: it must be long"
    base = tmp_path_factory.mktemp("security")
    inputs = base / "inputs"
    inputs.mkdir()
    (inputs / "a.html").write_bytes(_article_page(1))
    (inputs / "b.html").write_bytes(_article_page(2))
    (inputs / "huge.html").write_bytes(_hostile_page())
    (inputs / "bomb.html").write_bytes(_html_bomb())
    tmp = base / "tmp"
    tmp.mkdir()
    uri = f"s3://{stack.s3.bucket}/tests/security-{uuid.uuid4().hex[:12]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWIRE_S3_", "AWS_"))}
    env |= {
        # Production settings: no keys in newswire's config, boto3's chain finds them in the
        # environment. The endpoint is the local stack's.
        "NEWSWIRE_S3_LOCAL": "0",
        "NEWSWIRE_S3_ENDPOINT": stack.s3.endpoint_url or "",
        "NEWSWIRE_S3_BUCKET": stack.s3.bucket,
        "AWS_ACCESS_KEY_ID": stack.s3.access_key_id or "",
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TMPDIR": str(tmp),
    }
    cmd = [sys.executable, "-m", "pipelines.cli", "-v", "backfill"]
    cmd += ["--input", str(inputs), "--output", uri]
    proc = subprocess.run(
        cmd, env=env, capture_output=True, timeout=600, stdin=subprocess.DEVNULL, cwd=base
    )
    yield {
        "proc": proc,
        "secret": secret,
        "outputs": _read_outputs(stack, uri),
        "tmp": tmp,
        "base": base,
    }


@pytest.mark.integration
def test_backfill_never_shows_the_s3_secret(backfill_run: dict[str, Any]) -> None:
    from pipelines.io.parquet import from_parquet_bytes

    proc, secret = backfill_run["proc"], backfill_run["secret"]
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log.decode(errors="replace")[-3000:]
    assert b"DEBUG" in log and b"botocore" in log  # debug logging was on, S3 was used
    assert b"Found credentials in environment variables" in log  # from boto3's chain
    needle = secret.encode()
    assert needle not in log
    outputs: dict[str, bytes] = backfill_run["outputs"]
    assert any(k.startswith("articles/") for k in outputs), sorted(outputs)
    for key, data in outputs.items():
        assert needle not in data, key
        if key.endswith(".parquet"):  # compressed: look at the values too
            assert secret not in repr(from_parquet_bytes(data)), key
    for path in list(backfill_run["tmp"].rglob("*")) + list(backfill_run["base"].glob("*")):
        if path.is_file():
            assert needle not in path.read_bytes(), path


@pytest.mark.integration
def test_backfill_turns_hostile_pages_into_dead_letters(backfill_run: dict[str, Any]) -> None:
    from pipelines.io.parquet import from_parquet_bytes

    proc = backfill_run["proc"]
    assert proc.returncode == 0, (proc.stdout + proc.stderr).decode(errors="replace")[-3000:]
    rows: dict[str, list[dict[str, Any]]] = {}
    for key, data in backfill_run["outputs"].items():
        if key.endswith(".parquet"):
            rows.setdefault(key.split("/")[0], []).extend(from_parquet_bytes(data))
    dead = {(Path(d["source"]).name, d["step"], d["error_code"]) for d in rows["dead_letter"]}
    # The 50 MB page is refused by its size before it is read; the bomb parses to nothing.
    assert dead == {("huge.html", "read", "too_large"), ("bomb.html", "clean", "no_text")}
    titles = sorted(a["title"] for a in rows["articles"])
    assert titles == ["Council report 1", "Council report 2"]


# SASL against a real broker ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sasl_broker(stack: Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaConfig]:
    """A private broker with a SASL_PLAINTEXT (PLAIN) listener; the shared one is untouched."""
    base = free_run(3)
    password = f"kafka-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "NEWSWIRE_STACK_DIR": str(tmp_path_factory.mktemp("sasl-stack")),
        "NEWSWIRE_CACHE": str(stack.stack.cache),
        "NEWSWIRE_KAFKA_PORT": str(base),
        "NEWSWIRE_KAFKA_SASL": "1",
        "NEWSWIRE_KAFKA_SASL_USERNAME": "newswire-test",
        "NEWSWIRE_KAFKA_SASL_PASSWORD": password,
    }
    script = str(REPO_ROOT / "deploy" / "local" / "kafka.sh")
    started = subprocess.run(
        ["bash", script, "start"], env=env, capture_output=True, text=True, timeout=180
    )
    try:
        assert started.returncode == 0, started.stderr
        yield KafkaConfig(
            bootstrap_servers=f"127.0.0.1:{base + 2}",
            security_protocol="SASL_PLAINTEXT",
            sasl_mechanism="PLAIN",
            sasl_username="newswire-test",
            sasl_password=password,
        )
    finally:
        subprocess.run(["bash", script, "stop"], env=env, capture_output=True, timeout=120)


@pytest.mark.integration
def test_produce_and_consume_through_sasl_plain(sasl_broker: KafkaConfig) -> None:
    from kafka import KafkaAdminClient, KafkaConsumer
    from kafka.admin import NewTopic
    from kafka.errors import KafkaError

    from pipelines.core import schemas
    from pipelines.core.avro import SingleObjectCodec
    from pipelines.core.records import raw_article_from_avro
    from pipelines.io.kafka_producer import ArticleProducer

    topic = f"sasl-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(**sasl_broker.client_kwargs())
    try:
        admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    finally:
        admin.close()
    raws = [RawArticle(f"id{i}", "text/html", _article_page(i), f"p{i}.html") for i in range(3)]
    with ArticleProducer(sasl_broker, topic=topic) as producer:
        for raw in raws:
            assert producer.send(raw)
    assert producer.stats.delivered == 3 and producer.stats.failed == 0

    consumer = KafkaConsumer(
        topic,
        **sasl_broker.client_kwargs(),
        auto_offset_reset="earliest",
        consumer_timeout_ms=5000,
    )
    try:
        values = [m.value for m in consumer]
    finally:
        consumer.close()
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    got = sorted(raw_article_from_avro(codec.decode(v)).article_id for v in values)
    assert got == ["id0", "id1", "id2"]

    wrong = KafkaConfig(
        bootstrap_servers=sasl_broker.bootstrap_servers,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="PLAIN",
        sasl_username="newswire-test",
        sasl_password="not-the-password",
    )
    with pytest.raises(KafkaError):
        KafkaAdminClient(**wrong.client_kwargs(), bootstrap_timeout_ms=4000).list_topics()


# secrets in job graphs ---------------------------------------------------------------------

PLANTED = {
    "NEWSWIRE_S3_SECRET_KEY": "planted-s3-secret-5f1c",
    "NEWSWIRE_KAFKA_SASL_PASSWORD": "planted-sasl-password-9a2e",
}


def _planted_config() -> Config:
    return Config.from_env(
        {
            **PLANTED,
            "NEWSWIRE_S3_ACCESS_KEY": "AKIAPLANTED",
            "NEWSWIRE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "NEWSWIRE_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "NEWSWIRE_KAFKA_SASL_USERNAME": "pipeline",
        }
    )


def _job_graphs(config: Config, tmp_path: Path) -> Iterator[tuple[str, beam.Pipeline]]:
    """Every job graph newswire submits: streaming, backfill from files, backfill from a topic."""
    from pipelines.cli import build_parser
    from pipelines.commands.backfill import build_pipeline, settings_for
    from pipelines.commands.run import stream_settings
    from pipelines.io.kafka_source import OffsetRange
    from pipelines.streaming import StreamArticles

    parser = build_parser()
    output = f"s3://{config.s3.bucket}/graph-test"
    args = parser.parse_args(["run", "--output", output, "--cpu-workers", "0"])
    args.passthrough = []
    stream = beam.Pipeline()
    _ = stream | "StreamArticles" >> StreamArticles(
        stream_settings(args, config, str(tmp_path / "stop"), held=None)
    )
    yield "run", stream
    for source in (["--input", str(tmp_path)], ["--from-topic", "raw-articles"]):
        args = parser.parse_args(["backfill", *source, "--output", output, "--cpu-workers", "0"])
        args.passthrough = []
        ranges = [OffsetRange("raw-articles", 0, 0, 10)]
        files = [str(tmp_path / "a.html")] if "--input" in source else None
        pipeline = build_pipeline(args, config, settings_for(args, config), files, ranges, [], "r")
        yield f"backfill {source[0]}", pipeline


def _payloads(pipeline: beam.Pipeline) -> Iterator[tuple[str, bytes]]:
    """The graph as a runner receives it, and each pickled function in it unpickled and
    pickled again without compression (so any string it holds is visible as bytes)."""
    from apache_beam.internal import pickler
    from apache_beam.internal.cloudpickle import cloudpickle
    from apache_beam.portability import common_urns
    from apache_beam.portability.api import beam_runner_api_pb2

    proto = pipeline.to_runner_api()
    yield "proto", proto.SerializeToString()
    for name, transform in proto.components.transforms.items():
        if transform.spec.urn == common_urns.primitives.PAR_DO.urn:
            pardo = beam_runner_api_pb2.ParDoPayload.FromString(transform.spec.payload)
            if pardo.do_fn.payload:
                yield name, cloudpickle.dumps(pickler.loads(pardo.do_fn.payload))
        elif transform.spec.urn == common_urns.composites.COMBINE_PER_KEY.urn:
            combine = beam_runner_api_pb2.CombinePayload.FromString(transform.spec.payload)
            yield name, cloudpickle.dumps(pickler.loads(combine.combine_fn.payload))
    for name, strategy in proto.components.windowing_strategies.items():
        if strategy.window_fn.urn == "beam:window_fn:pickled_python:v1":
            yield name, cloudpickle.dumps(pickler.loads(strategy.window_fn.payload))


def test_no_secret_is_pickled_into_any_job_graph(tmp_path: Path) -> None:
    config = _planted_config()
    # The entry process itself still has them, for its own clients.
    assert config.s3.client_kwargs()["aws_secret_access_key"] == PLANTED["NEWSWIRE_S3_SECRET_KEY"]
    assert (
        config.kafka.client_kwargs()["sasl_plain_password"]
        == PLANTED["NEWSWIRE_KAFKA_SASL_PASSWORD"]
    )
    checked = 0
    for graph, pipeline in _job_graphs(config, tmp_path):
        for where, data in _payloads(pipeline):
            for variable, secret in PLANTED.items():
                assert secret.encode() not in data, f"{variable} in {graph}: {where}"
            checked += 1
    assert checked > 30  # every ParDo of three graphs was looked at


@pytest.mark.integration
def test_a_streaming_run_never_shows_its_secrets(
    stack: Config, sasl_broker: KafkaConfig, tmp_path: Path
) -> None:
    """A whole `newswire -v run` through the SASL broker into S3, with both secrets given the
    documented way (NEWSWIRE_* variables): neither is in anything it prints, Prism's output
    and debug logging included, nor in the files it leaves."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    from pipelines.io.kafka_producer import ArticleProducer
    from pipelines.io.tables import Tables
    from tests.iceberg_reader import duckdb_rows

    s3_secret = reveal(stack.s3.secret_access_key)
    kafka_password = reveal(sasl_broker.sasl_password)
    assert s3_secret and kafka_password and len(s3_secret) >= 12
    topic = f"sasl-run-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(**sasl_broker.client_kwargs())
    try:
        admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    finally:
        admin.close()
    with ArticleProducer(sasl_broker, topic=topic) as producer:
        for i in range(4):
            assert producer.send(RawArticle(f"s{i}", "text/html", _article_page(i), f"p{i}"))
    output = f"s3://{stack.s3.bucket}/tests/secrets-{uuid.uuid4().hex[:12]}"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWIRE_", "AWS_"))}
    env |= {
        "NEWSWIRE_KAFKA_BOOTSTRAP": sasl_broker.bootstrap_servers,
        "NEWSWIRE_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "NEWSWIRE_KAFKA_SASL_MECHANISM": "PLAIN",
        "NEWSWIRE_KAFKA_SASL_USERNAME": sasl_broker.sasl_username or "",
        "NEWSWIRE_KAFKA_SASL_PASSWORD": kafka_password,
        "NEWSWIRE_S3_ENDPOINT": stack.s3.endpoint_url or "",
        "NEWSWIRE_S3_ACCESS_KEY": stack.s3.access_key_id or "",
        "NEWSWIRE_S3_SECRET_KEY": s3_secret,
        "NEWSWIRE_CACHE": str(stack.stack.cache),
        "NEWSWIRE_STACK_DIR": str(stack.stack.dir),
        "TMPDIR": str(tmp),
    }
    cmd = [sys.executable, "-m", "pipelines.cli", "-v", "run", "--topic", topic]
    cmd += ["--output", output, "--group", f"g-{topic}", "--window", "2s", "--dlq-topic", "none"]
    cmd += ["--idle-after", "2s", "--stop-after-idle", "8s", "--status-every", "2s"]
    proc = subprocess.run(
        cmd, env=env, capture_output=True, timeout=600, stdin=subprocess.DEVNULL, cwd=tmp_path
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log.decode(errors="replace")[-3000:]
    assert b"DEBUG" in log and b"[status]" in log
    tables = Tables(output, stack.catalog, stack.s3)
    try:
        rows = duckdb_rows(tables.metadata_location("articles"), "article_id", s3=stack.s3)
    finally:
        tables.close()
    assert len(rows) == 4  # it really ran, through both secrets
    for secret in (s3_secret, kafka_password):
        assert secret.encode() not in log
        for path in tmp.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path


# exposure ---------------------------------------------------------------------------------


def _listening(pids: set[int]) -> list[str]:
    """Local addresses of the TCP sockets listening in any of `pids`."""
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        owners = {int(p) for p in re.findall(r"pid=(\d+)", line)}
        if owners & pids:
            found.append(line.split()[3])
    return found


def _group_pids(pgid: int) -> set[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,pgid="], capture_output=True, text=True)
    return {int(p) for p, g in (line.split() for line in out.stdout.splitlines()) if int(g) == pgid}


@pytest.mark.integration
def test_a_streaming_job_listens_on_loopback_only(
    stack: Config, kafka_topic: str, s3_uri: str, tmp_path: Path
) -> None:
    """Everything a local `newswire run` starts (its Prism, the LOOPBACK worker pool, the CPU
    workers) and the local stack listen on 127.0.0.1 / ::1 only: Prism's job API and the
    worker pool run the code their callers send."""
    import signal
    import time

    log = tmp_path / "job.log"
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--topic", kafka_topic, "--output"]
    cmd += [s3_uri, "--group", f"g-{kafka_topic}", "--status-every", "2s", "--cpu-workers", "1"]
    proc = subprocess.Popen(
        cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while b"[status]" not in log.read_bytes():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        from pipelines.io import stack as local_stack

        pids = _group_pids(proc.pid)
        assert len(pids) >= 2 and _listening(pids), pids  # the job and its Prism
        services = {s.pid for s in local_stack.status(stack) if s.pid}
        assert len(services) == 2  # Kafka and SeaweedFS, which `newswire stack up` starts
        addresses = _listening(pids | services)
        loopback = ("127.0.0.1", "[::1]", "[::ffff:127.0.0.1]")
        assert [a for a in addresses if a.rsplit(":", 1)[0] not in loopback] == []
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
