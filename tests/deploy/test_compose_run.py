"""`docker compose up`, for real: every image built here, the default profile run, its output read.

Runs with NEWSWIRE_COMPOSE_TEST=1 (`make compose-test`, which `make test` runs); skipped
otherwise, as it builds images for minutes. What it does:

- a Docker engine: the one that answers, else a private dockerd (deploy/local/dockerd.sh: no
  bridge, no iptables; stopped at the end if this test started it);
- every image built on this machine without Docker Hub (deploy/local/images.sh: debootstrap
  bases, a wheelhouse, Kafka, SeaweedFS and Prism from the native stack's artifacts), each
  with its smoke checks in its build;
- docker-compose.yml with deploy/compose/test-host-network.yml (host network, 127.0.0.1 on
  free ports) up: Kafka, SeaweedFS, init, the producer's demo articles, the pipeline on Prism;
- the pipeline killed (SIGKILL, as a crash) while it works: Docker restarts it;
- the tables read from the host with DuckDB (tests/iceberg_reader.py, from the tables'
  metadata files on S3, not the pipeline's catalog): every record the producer sent is in
  exactly one of articles, duplicates, dead_letter; no article twice; README's query agrees;
- `docker-compose stop pipeline`: it drains (exit 0), the group's offsets are the topic's ends;
- `docker-compose down -v`: no container or volume of the project is left.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.config import REPO_ROOT, Config
from tests.ports import free_ports

pytestmark = [
    pytest.mark.compose,
    pytest.mark.slow,
    pytest.mark.timeout(5400),
    pytest.mark.skipif(
        os.environ.get("NEWSWIRE_COMPOSE_TEST") != "1",
        reason="builds images and runs docker-compose: NEWSWIRE_COMPOSE_TEST=1 (make compose-test)",
    ),
]

OVERRIDE = REPO_ROOT / "deploy" / "compose" / "test-host-network.yml"
OUTPUT_PREFIX = "demo"  # the pipeline service's --output=s3://newswire/demo
TABLES = ("articles", "duplicates", "dead_letter")
BUILD_TIMEOUT = 3600
SECRET = "newswire-local-secret"


def _log(message: str) -> None:
    print(f"[compose-test {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _run(
    cmd: list[str], env: dict[str, str], timeout: float, check: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cmd, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} -> {proc.returncode}\n{proc.stderr[-4000:]}")
    return proc


# --- the engine and the images ---------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> Iterator[dict[str, str]]:
    """The environment for docker and docker-compose: DOCKER_HOST of a running engine."""
    env = dict(os.environ)
    script = str(REPO_ROOT / "deploy" / "local" / "dockerd.sh")
    was_running = _run(["bash", script, "status"], env, 30, check=False).returncode == 0
    out = _run(["bash", script, "start"], env, 120).stdout
    match = re.search(r"export DOCKER_HOST=(\S+)", out)
    assert match, out
    env["DOCKER_HOST"] = match.group(1)
    started = not was_running and "newswire-dockerd" in env["DOCKER_HOST"]
    _log(f"engine {env['DOCKER_HOST']} ({'started here' if started else 'already running'})")
    try:
        yield env
    finally:
        if started:
            _run(["bash", script, "stop"], env, 120, check=False)
            _log("private dockerd stopped")


@pytest.fixture(scope="module")
def images(engine: dict[str, str]) -> dict[str, str]:
    """Every image built; KAFKA_IMAGE etc. for the compose file."""
    start = time.monotonic()
    proc = _run(
        ["bash", str(REPO_ROOT / "deploy" / "local" / "images.sh"), "build"],
        engine,
        BUILD_TIMEOUT,
    )
    _log(f"images built in {time.monotonic() - start:.0f} s")
    tags = dict(line.split("=", 1) for line in proc.stdout.split() if "=" in line)
    assert {"KAFKA_IMAGE", "SEAWEEDFS_IMAGE", "PIPELINE_IMAGE", "PRODUCER_IMAGE"} <= set(tags)
    return tags


# --- compose ---------------------------------------------------------------------------------


class Compose:
    """docker-compose on docker-compose.yml + the test override, as project `name`."""

    def __init__(self, env: dict[str, str], tmp: Path, name: str) -> None:
        self.env, self.name = env, name
        base = ["docker-compose", "-p", name, "-f", str(REPO_ROOT / "docker-compose.yml")]
        merged = _run([*base, "-f", str(OVERRIDE), "config"], env, 60).stdout
        config = yaml.safe_load(merged)
        # docker-compose 1.x cannot reset the base file's `ports` list in an override, and
        # docker refuses port bindings on the host network: drop them from the merged file.
        for service in config["services"].values():
            if service.get("network_mode") == "host":
                service.pop("ports", None)
        self.file = tmp / "compose.yml"
        self.file.write_text(yaml.safe_dump(config, sort_keys=False))
        self.cmd = ["docker-compose", "-p", name, "-f", str(self.file)]

    def __call__(self, *args: str, timeout: float = 300, check: bool = True) -> str:
        return _run([*self.cmd, *args], self.env, timeout, check).stdout

    def container(self, service: str) -> str:
        container_id = self("ps", "-q", service).strip()
        assert container_id, f"no container for {service}"
        return container_id

    def state(self, service: str) -> dict[str, Any]:
        out = _run(
            [
                "docker",
                "inspect",
                "-f",
                "{{json .State}}|{{.RestartCount}}",
                self.container(service),
            ],
            self.env,
            30,
        ).stdout
        state, restarts = out.strip().rsplit("|", 1)
        return {**yaml.safe_load(state), "RestartCount": int(restarts)}

    def logs(self) -> str:
        return self("logs", "--no-color", "--tail", "80", timeout=60, check=False)


def _wait(what: str, timeout: float, check: Any, every: float = 2.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


# --- reading the output from the host --------------------------------------------------------


def _latest_metadata(s3: Any, bucket: str, table: str) -> str | None:
    """s3:// location of the table's newest metadata file (the highest version number)."""
    prefix = f"{OUTPUT_PREFIX}/{table}/metadata/"
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    versions = [
        (int(m.group(1)), obj["Key"])
        for obj in listed
        if (m := re.match(re.escape(prefix) + r"(\d+)-[^/]+\.metadata\.json$", obj["Key"]))
    ]
    return f"s3://{bucket}/{max(versions)[1]}" if versions else None


def _places(config: Config) -> dict[str, list[str]]:
    """Kafka source -> where its rows are ("article", "marked", "duplicate", "dead"), read
    with DuckDB from the tables' newest metadata files."""
    import boto3

    from tests.iceberg_reader import duckdb_rows

    s3 = boto3.client("s3", **config.s3.client_kwargs())
    queries = {
        "articles": "source, CASE WHEN duplicate_of IS NULL THEN 'article' ELSE 'marked' END",
        "duplicates": "source, 'duplicate'",
        "dead_letter": "source, 'dead'",
    }
    places: dict[str, list[str]] = {}
    try:
        for table, select in queries.items():
            location = _latest_metadata(s3, config.s3.bucket, table)
            for source, place in duckdb_rows(location, select, s3=config.s3) if location else []:
                places.setdefault(source, []).append(place)
    finally:
        s3.close()
    return places


def _readme_query(config: Config) -> int:
    """README's compose quickstart query: the table's folder, the newest metadata guessed."""
    from tests.iceberg_reader import connect

    con = connect(config.s3)
    try:
        con.execute("SET unsafe_enable_version_guessing = true")
        table = f"s3://{config.s3.bucket}/{OUTPUT_PREFIX}/articles"
        row = con.execute(f"SELECT count(*) FROM iceberg_scan('{table}')").fetchone()
        assert row is not None
        return int(row[0])
    finally:
        con.close()


def _summary(places: dict[str, list[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for where in places.values():
        key = "+".join(sorted(where))
        counts[key] = counts.get(key, 0) + 1
    return counts


ONE_PLACE = (["article"], ["duplicate"], ["dead"], ["duplicate", "marked"])


def _topic_ends(bootstrap: str, topic: str) -> dict[int, int]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(parts).items()}
    finally:
        consumer.close()


def _group_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int | None]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return {tp.partition: consumer.committed(tp) for tp in parts}
    finally:
        consumer.close(autocommit=False)


# --- the test --------------------------------------------------------------------------------


def test_compose_up_produces_articles_survives_a_crash_and_drains(
    engine: dict[str, str], images: dict[str, str], tmp_path: Path
) -> None:
    kafka_port, kafka_internal, kafka_controller, metrics_port = free_ports(4)
    s3_port, master, volume, filer = free_ports(4, grpc=True)
    env = {
        **engine,
        **images,
        "COMPOSE_TEST_KAFKA_PORT": str(kafka_port),
        "COMPOSE_TEST_KAFKA_INTERNAL_PORT": str(kafka_internal),
        "COMPOSE_TEST_KAFKA_CONTROLLER_PORT": str(kafka_controller),
        "COMPOSE_TEST_S3_PORT": str(s3_port),
        "COMPOSE_TEST_WEED_MASTER_PORT": str(master),
        "COMPOSE_TEST_WEED_VOLUME_PORT": str(volume),
        "COMPOSE_TEST_WEED_FILER_PORT": str(filer),
        "COMPOSE_TEST_METRICS_PORT": str(metrics_port),
    }
    env.pop("NEWSWIRE_S3_SECRET_KEY", None)  # the compose file's local default
    bootstrap = f"127.0.0.1:{kafka_port}"
    config = Config.from_env(
        {
            "NEWSWIRE_S3_ENDPOINT": f"http://127.0.0.1:{s3_port}",
            "NEWSWIRE_S3_ACCESS_KEY": "newswire",
            "NEWSWIRE_S3_SECRET_KEY": SECRET,
        }
    )
    compose = Compose(env, tmp_path, f"newswire-test-{os.getpid()}")

    _check_images(env, images)
    try:
        start = time.monotonic()
        compose("up", "-d", "--no-build", timeout=600)
        _log(f"up in {time.monotonic() - start:.0f} s")
        for service in ("kafka", "seaweedfs", "pipeline"):
            user = _run(
                ["docker", "exec", compose.container(service), "id", "-u"], env, 60
            ).stdout.strip()
            assert user != "0", f"{service} runs as root"

        producer = _wait(
            "the producer to exit",
            300,
            lambda: (s := compose.state("producer"))["Status"] == "exited" and s,
        )
        assert producer["ExitCode"] == 0, compose.logs()
        ends = _topic_ends(bootstrap, "raw-articles")
        sent = sum(ends.values())
        assert sent >= 400, (ends, compose.logs())  # 500 samples, some refused by the producer
        _log(f"producer sent {sent} records: {ends}")

        # A crash while the pipeline works (its first status line: reading, the first window
        # open; a window closing at a minute boundary may have committed): SIGKILL it.
        _wait(
            "the pipeline's first status line",
            300,
            lambda: "[status]" in compose("logs", "--no-color", "pipeline", timeout=60),
        )
        before = compose.state("pipeline")
        assert before["Running"], compose.logs()
        _log(f"killing the pipeline (pid {before['Pid']}); rows now: {_summary(_places(config))}")
        os.kill(before["Pid"], signal.SIGKILL)
        _wait(
            "Docker to restart the pipeline",
            120,
            lambda: (
                (s := compose.state("pipeline"))["RestartCount"] > before["RestartCount"]
                and s["Running"]
            ),
        )

        def all_there() -> dict[str, list[str]] | None:
            places = _places(config)
            return places if len(places) >= sent else None

        places = _wait("a row for every record", 600, all_there, every=10)
        _log(f"records by place: {_summary(places)}")
        # Each record in exactly one place (a near-duplicate: marked in articles and in
        # duplicates), none twice, none that was not sent.
        sources = {f"kafka:raw-articles/{p}/{o}" for p, end in ends.items() for o in range(end)}
        wrong = {k: v for k, v in places.items() if sorted(v) not in ONE_PLACE}
        assert not wrong, list(wrong.items())[:10]
        assert set(places) == sources, (len(places), len(sources))
        in_articles = sum(1 for where in places.values() if {"article", "marked"} & set(where))
        assert _readme_query(config) == in_articles

        start = time.monotonic()
        compose("stop", "pipeline", timeout=180)
        stopped = compose.state("pipeline")
        _log(f"pipeline stopped in {time.monotonic() - start:.0f} s: exit {stopped['ExitCode']}")
        assert stopped["ExitCode"] == 0, compose.logs()
        assert _group_offsets(bootstrap, "newswire", "raw-articles") == ends
        assert _places(config) == places
    except BaseException:
        print(compose.logs())
        raise
    finally:
        compose("down", "-v", "--remove-orphans", timeout=300, check=False)
    left = _run(
        ["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={compose.name}"],
        env,
        60,
    ).stdout.split()
    volumes = _run(
        [
            "docker",
            "volume",
            "ls",
            "-q",
            "--filter",
            f"label=com.docker.compose.project={compose.name}",
        ],
        env,
        60,
    ).stdout.split()
    assert not left and not volumes, (left, volumes)


def _check_images(env: dict[str, str], images: dict[str, str]) -> None:
    """Not root; no credential in any layer, setting or history line."""
    for name in images.values():
        user = _run(["docker", "image", "inspect", "-f", "{{.Config.User}}", name], env, 60)
        assert user.stdout.strip() not in ("", "0", "root"), f"{name} runs as root"
        history = _run(["docker", "history", "--no-trunc", name], env, 60).stdout
        settings = _run(["docker", "image", "inspect", name], env, 60).stdout
        for text in (history, settings):
            assert SECRET not in text, f"{name}: the local S3 secret is in the image"
            assert not re.search(r"(SECRET|PASSWORD)[A-Z_]*=\S", text), f"{name}: a secret"
            assert "COMPOSE_TEST_" not in text, f"{name}: a test setting"
