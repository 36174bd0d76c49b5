"""Reachability probes: the broker, a topic, a bucket, the catalog, each answered within a few
seconds. Commands call `preflight` before any work, so a missing dependency is one line that
says what is missing and what fixes it (exit 3), not a traceback after minutes of retries;
`newswire run --metrics-port` calls the same probes for `/ready`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pipelines.config import CatalogConfig, Config, KafkaConfig, S3Config

PROBE_TIMEOUT_S = 10.0  # a live service answers in well under a second; a busy host may not
T = TypeVar("T")


class Unreachable(Exception):
    """A dependency the command needs cannot be reached; the message says which and the fix."""


class CatalogConflict(RuntimeError):
    """The catalog's entry for an output's table cannot serve this output: it belongs to
    another output, or its files were deleted outside the catalog. Nothing was written."""


def _within(timeout: float, fn: Callable[[], T]) -> T:
    """fn() on a daemon thread, TimeoutError if it has not answered after `timeout` seconds
    (client libraries whose own timeouts do not bound every step, e.g. a catalog's)."""
    box: dict[str, Any] = {}

    def call() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=call, name="newswire-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {timeout:.0f} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _local(address: str) -> bool:
    return any(h in address for h in ("127.0.0.1", "localhost", "[::1]"))


def _reason(exc: BaseException) -> str:
    name = type(exc).__name__
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text if text.startswith(name) else f"{name}: {text}" if text else name


def _connect_any(servers: str, timeout: float) -> None:
    """A TCP connection to one of the bootstrap servers, else OSError: a closed port fails at
    once instead of after the client's request timeout."""
    import socket

    last: OSError | None = None
    for server in servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
            return
        except (OSError, ValueError) as exc:
            last = exc if isinstance(exc, OSError) else OSError(str(exc))
    raise last or OSError(f"no bootstrap server in {servers!r}")


def kafka_topics(kafka: KafkaConfig, timeout: float = PROBE_TIMEOUT_S) -> set[str]:
    """The broker's topics; raises Unreachable when it does not answer within `timeout`."""

    def list_topics() -> set[str]:
        from kafka import KafkaAdminClient

        ms = int(timeout * 1000)
        admin = KafkaAdminClient(
            **kafka.client_kwargs(),
            request_timeout_ms=ms,
            client_id="newswire-probe",
        )
        try:
            return set(admin.list_topics())
        finally:
            admin.close()

    try:
        _connect_any(kafka.bootstrap_servers, timeout)
        return _within(timeout + 1, list_topics)
    except Exception as exc:
        fix = (
            "start the local stack with `newswire stack up`, or set NEWSWIRE_KAFKA_BOOTSTRAP"
            if _local(kafka.bootstrap_servers)
            else "check NEWSWIRE_KAFKA_BOOTSTRAP and NEWSWIRE_KAFKA_SECURITY_PROTOCOL/SASL_*"
        )
        raise Unreachable(
            f"Kafka broker {kafka.bootstrap_servers} is not reachable ({_reason(exc)}): {fix}"
        ) from exc


def check_topics(
    kafka: KafkaConfig, topics: Sequence[str], timeout: float = PROBE_TIMEOUT_S
) -> None:
    """Unreachable unless the broker answers and every topic exists."""
    existing = kafka_topics(kafka, timeout)
    for topic in topics:
        if topic not in existing:
            create = (
                f"kafka-topics.sh --bootstrap-server {kafka.bootstrap_servers.split(',')[0]} "
                f"--create --topic {topic} --partitions 4"
            )
            stack = (
                " (`newswire stack init` creates NEWSWIRE_KAFKA_TOPIC and NEWSWIRE_KAFKA_DLQ_TOPIC)"
                if _local(kafka.bootstrap_servers)
                else ""
            )
            raise Unreachable(
                f"Kafka topic {topic!r} does not exist on {kafka.bootstrap_servers}: "
                f"create it with `{create}`{stack}"
            )


def check_bucket(s3: S3Config, bucket: str, timeout: float = PROBE_TIMEOUT_S) -> None:
    """Unreachable unless the object store answers and `bucket` exists and is ours."""
    from botocore.config import Config as BotoConfig
    from botocore.exceptions import ClientError

    from pipelines.io.objectstore import _session

    where = s3.endpoint_url or f"AWS S3 ({s3.region})"

    def head() -> None:
        client = _session().client(
            "s3",
            config=BotoConfig(
                connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1}
            ),
            **s3.client_kwargs(),
        )
        try:
            client.head_bucket(Bucket=bucket)
        finally:
            client.close()

    try:
        _within(timeout * 2 + 1, head)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchBucket", "NotFound"):
            hint = "`newswire stack init`" if s3.endpoint_url and _local(s3.endpoint_url) else ""
            how = hint or f"e.g. `aws s3 mb s3://{bucket}`"
            raise Unreachable(
                f"bucket {bucket!r} does not exist at {where}: create it ({how})"
            ) from None
        if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            raise Unreachable(
                f"bucket {bucket!r} at {where} refused our credentials ({code}): check "
                "NEWSWIRE_S3_ACCESS_KEY and NEWSWIRE_S3_SECRET_KEY, or the AWS credential chain"
            ) from exc
        raise Unreachable(f"bucket {bucket!r} at {where}: {_reason(exc)}") from exc
    except Exception as exc:
        fix = (
            "start the local stack with `newswire stack up`, or check NEWSWIRE_S3_ENDPOINT"
            if s3.endpoint_url and _local(s3.endpoint_url)
            else "check NEWSWIRE_S3_ENDPOINT and the network"
        )
        raise Unreachable(f"object store {where} is not reachable ({_reason(exc)}): {fix}") from exc


def check_catalog(
    catalog: CatalogConfig, s3: S3Config, output_uri: str, timeout: float = PROBE_TIMEOUT_S
) -> None:
    """Unreachable unless the Iceberg catalog answers (lists its namespaces)."""
    from pipelines.io.tables import open_catalog

    def list_namespaces() -> None:
        found = open_catalog(catalog, s3, output_uri)
        found.list_namespaces()
        engine = getattr(found, "engine", None)  # SqlCatalog: let go of its connections
        if engine is not None:
            engine.dispose()

    try:
        _within(timeout, list_namespaces)
    except Exception as exc:
        which = f"catalog {catalog.name!r}" if catalog.name else f"catalog {catalog.uri}"
        setting = (
            "NEWSWIRE_CATALOG and its pyiceberg settings"
            if catalog.name
            else ("NEWSWIRE_CATALOG_URI")
        )
        raise Unreachable(f"{which} is not reachable ({_reason(exc)}): check {setting}") from exc


def buckets_of(uris: Sequence[str]) -> list[str]:
    """The buckets of the s3:// URIs among `uris`, in order, once each."""
    from pipelines.io.objectstore import split_s3_uri

    found: list[str] = []
    for uri in uris:
        if uri.startswith("s3://"):
            bucket = split_s3_uri(uri)[0]
            if bucket not in found:
                found.append(bucket)
    return found


def preflight(
    config: Config,
    *,
    topics: Sequence[str] = (),
    uris: Sequence[str] = (),
    catalog_for: str | None = None,
    kafka: KafkaConfig | None = None,
    timeout: float = PROBE_TIMEOUT_S,
) -> None:
    """Check what a command needs, and only that: the broker and `topics` (when any), the
    buckets of the s3:// `uris`, the catalog of the output `catalog_for`. Raises
    Unreachable at the first that is missing."""
    if topics:
        check_topics(kafka or config.kafka, topics, timeout)
    for bucket in buckets_of(uris):
        check_bucket(config.s3, bucket, timeout)
    if catalog_for is not None:
        check_catalog(config.catalog, config.s3, catalog_for, timeout)
