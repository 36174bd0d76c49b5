"""The local stack: real Kafka 4 (KRaft) and SeaweedFS S3 on 127.0.0.1, plus the Prism binary.

Processes are started and stopped by the scripts in `deploy/local/` (so `make`, the CLI and
the test fixtures share one implementation); this module calls them, waits for health, and
creates the default bucket and topics. Used by `newswire stack up|down|status` and by
`tests/conftest.py`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.config import REPO_ROOT, Config, reveal

SCRIPTS = REPO_ROOT / "deploy" / "local"
SERVICES = ("kafka", "seaweedfs")


class StackError(RuntimeError):
    pass


@dataclass
class ServiceStatus:
    name: str
    running: bool
    healthy: bool
    pid: int | None
    endpoint: str
    detail: str = ""


def _script(
    config: Config, name: str, command: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **config.stack_env()}
    proc = subprocess.run(
        ["bash", str(SCRIPTS / f"{name}.sh"), command],
        env=env,
        text=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        raise StackError(f"{name} {command} failed:\n{proc.stderr.strip() or proc.stdout.strip()}")
    return proc


def check_tools(services: tuple[str, ...]) -> None:
    missing = []
    if "kafka" in services:
        missing += [t for t in ("java", "mvn") if shutil.which(t) is None]
    if missing:
        raise StackError(
            f"missing tools for the local stack: {', '.join(missing)} (see README: prerequisites)"
        )


def _pid(config: Config, name: str) -> int | None:
    pidfile = {"kafka": "kafka/kafka.pid", "seaweedfs": "seaweedfs/weed.pid"}[name]
    path = config.stack.dir / pidfile
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def kafka_healthy(config: Config, timeout: float = 5.0) -> tuple[bool, str]:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(
            **config.kafka.client_kwargs(),
            request_timeout_ms=int(timeout * 1000),
            client_id="newswire-health",
        )
    except (KafkaError, OSError, ValueError) as exc:
        return False, f"{type(exc).__name__}: {exc}"
    try:
        topics = admin.list_topics()
        return True, f"{len(topics)} topics"
    except (KafkaError, OSError) as exc:
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        admin.close()


def s3_healthy(config: Config) -> tuple[bool, str]:
    from botocore.exceptions import BotoCoreError, ClientError

    from pipelines.io.objectstore import make_s3_client

    client = make_s3_client(config.s3)
    try:
        client.head_bucket(Bucket=config.s3.bucket)
        return True, f"bucket {config.s3.bucket} ok"
    except (BotoCoreError, ClientError) as exc:
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        client.close()


def _ensure_bucket(config: Config, deadline: float) -> None:
    import boto3
    from botocore.config import Config as BotoConfig
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.session.Session().client(
        "s3", config=BotoConfig(retries={"max_attempts": 1}), **config.s3.client_kwargs()
    )
    last: Exception | None = None
    try:
        while time.monotonic() < deadline:
            try:
                client.head_bucket(Bucket=config.s3.bucket)
                return
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code in ("404", "NoSuchBucket", "NotFound"):
                    try:
                        client.create_bucket(Bucket=config.s3.bucket)
                        return
                    except ClientError as create_exc:
                        last = create_exc
                else:
                    last = exc
            except BotoCoreError as exc:
                last = exc
            time.sleep(0.5)
    finally:
        client.close()
    raise StackError(f"SeaweedFS S3 did not become ready: {last}")


def _ensure_topics(config: Config, deadline: float, partitions: int = 4) -> None:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import KafkaError, TopicAlreadyExistsError

    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(**config.kafka.client_kwargs(), client_id="newswire-stack")
            try:
                existing = set(admin.list_topics())
                wanted = [
                    t for t in (config.kafka.topic, config.kafka.dlq_topic) if t not in existing
                ]
                if wanted:
                    with contextlib.suppress(TopicAlreadyExistsError):
                        admin.create_topics(
                            [
                                NewTopic(t, num_partitions=partitions, replication_factor=1)
                                for t in wanted
                            ]
                        )
                return
            finally:
                admin.close()
        except (KafkaError, OSError) as exc:
            last = exc
            time.sleep(0.5)
    raise StackError(f"Kafka did not become ready: {last}")


def up(
    config: Config, services: tuple[str, ...] = SERVICES, timeout: float = 120.0
) -> list[ServiceStatus]:
    """Start the services (idempotent), wait until healthy, create bucket and topics."""
    check_tools(services)
    deadline = time.monotonic() + timeout
    for name in services:
        _script(config, name, "start")
    if "seaweedfs" in services:
        _ensure_bucket(config, deadline)
    if "kafka" in services:
        _ensure_topics(config, deadline)
    return status(config, services)


def init(config: Config, timeout: float = 120.0) -> None:
    """Create the bucket and topics on services someone else runs (docker compose, a cluster)."""
    deadline = time.monotonic() + timeout
    _ensure_bucket(config, deadline)
    _ensure_topics(config, deadline)


def down(config: Config, services: tuple[str, ...] = SERVICES) -> None:
    for name in reversed(services):
        _script(config, name, "stop")


def status(config: Config, services: tuple[str, ...] = SERVICES) -> list[ServiceStatus]:
    result = []
    for name in services:
        pid = _pid(config, name)
        if name == "kafka":
            endpoint = config.kafka.bootstrap_servers
            healthy, detail = kafka_healthy(config) if pid else (False, "not running")
        else:
            endpoint = config.s3.endpoint_url or "aws"
            healthy, detail = s3_healthy(config) if pid else (False, "not running")
        result.append(ServiceStatus(name, pid is not None, healthy, pid, endpoint, detail))
    return result


def prism_path(config: Config) -> Path:
    out = _script(config, "prism", "path").stdout.strip()
    return Path(out)


def build_prism(config: Config) -> Path:
    """Build (once) and return the Prism runner binary for the installed Beam version."""
    return Path(_script(config, "prism", "build").stdout.strip().splitlines()[-1])


MASKED = "**** (--show-secrets)"


def describe(config: Config, show_secrets: bool = False) -> dict[str, Any]:
    """Endpoints and credentials a user needs to talk to the local stack; the S3 secret (of
    whatever configuration is active, production's too) masked unless `show_secrets`."""
    secret = reveal(config.s3.secret_access_key)
    return {
        "kafka_bootstrap": config.kafka.bootstrap_servers,
        "topic": config.kafka.topic,
        "dlq_topic": config.kafka.dlq_topic,
        "s3_endpoint": config.s3.endpoint_url,
        "s3_bucket": config.s3.bucket,
        "s3_access_key_id": config.s3.access_key_id,
        "s3_secret_access_key": secret if show_secrets or not secret else MASKED,
        "s3_region": config.s3.region,
    }


def flink_job_server_jar(config: Config) -> Path:
    """Fetch (once, with mvn) and return the Beam Flink job-server jar for our Beam version."""
    return Path(_script(config, "flink", "jar").stdout.strip().splitlines()[-1])


def kafka_expansion_jar(config: Config) -> Path:
    """Fetch (once, with mvn) and return Beam's IO expansion service jar (Java KafkaIO)."""
    return Path(_script(config, "flink", "expansion-jar").stdout.strip().splitlines()[-1])
