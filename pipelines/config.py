"""The one configuration object, built once at the entry point and passed down.

`Config.from_env(os.environ)` is the only place that reads environment variables
(`NEWSWIRE_*`); command-line flags then override fields with `dataclasses.replace`.
Secrets are kept out of `repr` so a logged config never shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class KafkaConfig:
    bootstrap_servers: str = "127.0.0.1:9092"
    topic: str = "raw-articles"
    dlq_topic: str = "raw-articles.dlq"
    group_id: str = "newswire"
    security_protocol: str = "PLAINTEXT"  # PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL
    sasl_mechanism: str | None = None  # PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)
    ssl_cafile: str | None = None
    max_message_bytes: int = 1_000_000  # the broker's default message.max.bytes, less headroom

    def client_kwargs(self) -> dict[str, object]:
        """Connection settings shared by kafka-python producers, consumers and admins."""
        kwargs: dict[str, object] = {
            "bootstrap_servers": self.bootstrap_servers.split(","),
            "security_protocol": self.security_protocol,
        }
        if self.sasl_mechanism:
            kwargs.update(
                sasl_mechanism=self.sasl_mechanism,
                sasl_plain_username=self.sasl_username,
                sasl_plain_password=self.sasl_password,
            )
        if self.ssl_cafile:
            kwargs["ssl_cafile"] = self.ssl_cafile
        return kwargs


@dataclass(frozen=True)
class S3Config:
    """Object storage. Keys left unset fall back to boto3's standard credential chain."""

    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    bucket: str = "newswire"

    def client_kwargs(self) -> dict[str, object]:
        kwargs: dict[str, object] = {"region_name": self.region}
        if self.endpoint_url:
            kwargs["endpoint_url"] = self.endpoint_url
        if self.access_key_id and self.secret_access_key:
            kwargs["aws_access_key_id"] = self.access_key_id
            kwargs["aws_secret_access_key"] = self.secret_access_key
        return kwargs


@dataclass(frozen=True)
class CatalogConfig:
    """The Iceberg catalog that holds the output tables.

    `name` empty: the embedded pyiceberg SQL catalog at `uri` (SQLite by default; a
    PostgreSQL URI serves several machines). `name` set: that catalog as pyiceberg's own
    configuration defines it (`.pyiceberg.yaml`, `PYICEBERG_CATALOG__<NAME>__*`: REST, Glue,
    Hive, SQL). `namespace` empty: derived from the output URI's last path segment.
    """

    uri: str = ""
    name: str = ""
    namespace: str = ""


@dataclass(frozen=True)
class StackConfig:
    """The local stack started by `newswire stack up` (deploy/local/)."""

    dir: Path = REPO_ROOT / ".cache" / "stack"
    cache: Path = REPO_ROOT / ".cache"
    kafka_port: int = 9092
    s3_port: int = 8333
    weed_master_port: int = 9333
    weed_volume_port: int = 18080
    weed_filer_port: int = 8888


@dataclass(frozen=True)
class Config:
    kafka: KafkaConfig = field(default_factory=KafkaConfig)
    s3: S3Config = field(default_factory=S3Config)
    stack: StackConfig = field(default_factory=StackConfig)
    catalog: CatalogConfig = field(default_factory=CatalogConfig)
    spacy_model: str = "en_core_web_sm"
    near_duplicate_threshold: float = 0.4  # tuned in benchmarks/quality/near_dup_variants.py
    max_body_bytes: int = 20_000_000  # larger inputs go to dead letters (hostile-page guard)
    # Per-article time limit of the CPU steps (cleaning, enrichment in worker processes):
    # time_limit_s + time_limit_s_per_mb per MB of the article; past it the article is a dead
    # letter (time_limit_exceeded). About ten times the measured cost: core.chunks.TimeLimit.
    time_limit_s: float = 10.0
    time_limit_s_per_mb: float = 5.0
    # Where claim-checked bodies live (`newswire produce` puts them there; the pipeline reads a
    # message's body_ref only from under it): s3://bucket/prefix or an absolute local folder.
    # Empty: s3://<s3.bucket>/claims.
    claims_uri: str = ""

    def __post_init__(self) -> None:
        if not self.claims_uri:
            object.__setattr__(self, "claims_uri", f"s3://{self.s3.bucket}/claims")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Config:
        def get(name: str, default: str | None = None) -> str | None:
            return env.get(f"NEWSWIRE_{name}", default)

        stack = StackConfig(
            dir=Path(get("STACK_DIR") or StackConfig.dir),
            cache=Path(get("CACHE") or StackConfig.cache),
            kafka_port=int(get("KAFKA_PORT") or StackConfig.kafka_port),
            s3_port=int(get("S3_PORT") or StackConfig.s3_port),
            weed_master_port=int(get("WEED_MASTER_PORT") or StackConfig.weed_master_port),
            weed_volume_port=int(get("WEED_VOLUME_PORT") or StackConfig.weed_volume_port),
            weed_filer_port=int(get("WEED_FILER_PORT") or StackConfig.weed_filer_port),
        )
        kafka = KafkaConfig(
            bootstrap_servers=get("KAFKA_BOOTSTRAP") or f"127.0.0.1:{stack.kafka_port}",
            topic=get("KAFKA_TOPIC") or KafkaConfig.topic,
            dlq_topic=get("KAFKA_DLQ_TOPIC") or KafkaConfig.dlq_topic,
            group_id=get("KAFKA_GROUP") or KafkaConfig.group_id,
            security_protocol=get("KAFKA_SECURITY_PROTOCOL") or KafkaConfig.security_protocol,
            sasl_mechanism=get("KAFKA_SASL_MECHANISM"),
            sasl_username=get("KAFKA_SASL_USERNAME"),
            sasl_password=get("KAFKA_SASL_PASSWORD"),
            ssl_cafile=get("KAFKA_SSL_CAFILE"),
        )
        # Local defaults point at the stack's SeaweedFS only when no endpoint and no AWS
        # profile are configured; in production leave NEWSWIRE_S3_* unset and boto3's chain
        # (env, profile, instance role) provides credentials.
        local = get("S3_LOCAL", "1") == "1" and "AWS_PROFILE" not in env
        s3 = S3Config(
            endpoint_url=get("S3_ENDPOINT")
            or (f"http://127.0.0.1:{stack.s3_port}" if local else None),
            region=get("S3_REGION") or "us-east-1",
            access_key_id=get("S3_ACCESS_KEY") or ("newswire" if local else None),
            secret_access_key=get("S3_SECRET_KEY") or ("newswire-local-secret" if local else None),
            bucket=get("S3_BUCKET") or "newswire",
        )
        catalog = CatalogConfig(
            uri=get("CATALOG_URI") or f"sqlite:///{stack.cache / 'catalog.db'}",
            name=get("CATALOG") or "",
            namespace=get("CATALOG_NAMESPACE") or "",
        )
        return cls(
            kafka=kafka,
            s3=s3,
            stack=stack,
            catalog=catalog,
            spacy_model=get("SPACY_MODEL") or cls.spacy_model,
            max_body_bytes=int(get("MAX_BODY_BYTES") or cls.max_body_bytes),
            time_limit_s=float(get("TIME_LIMIT_S") or cls.time_limit_s),
            time_limit_s_per_mb=float(get("TIME_LIMIT_S_PER_MB") or cls.time_limit_s_per_mb),
            claims_uri=get("CLAIMS_URI") or f"s3://{s3.bucket}/claims",
            near_duplicate_threshold=float(
                get("NEAR_DUP_THRESHOLD") or cls.near_duplicate_threshold
            ),
        )

    def stack_env(self) -> dict[str, str]:
        """Environment for the deploy/local scripts."""
        return {
            "NEWSWIRE_STACK_DIR": str(self.stack.dir),
            "NEWSWIRE_CACHE": str(self.stack.cache),
            "NEWSWIRE_KAFKA_PORT": str(self.stack.kafka_port),
            "NEWSWIRE_S3_PORT": str(self.stack.s3_port),
            "NEWSWIRE_WEED_MASTER_PORT": str(self.stack.weed_master_port),
            "NEWSWIRE_WEED_VOLUME_PORT": str(self.stack.weed_volume_port),
            "NEWSWIRE_WEED_FILER_PORT": str(self.stack.weed_filer_port),
            "NEWSWIRE_S3_ACCESS_KEY": self.s3.access_key_id or "",
            "NEWSWIRE_S3_SECRET_KEY": self.s3.secret_access_key or "",
            "NEWSWIRE_S3_BUCKET": self.s3.bucket,
        }
