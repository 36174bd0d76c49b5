"""The one configuration object, built once at the entry point and passed down.

`Config.from_env(os.environ)` is the only place that reads environment variables
(`NEWSWIRE_*`); command-line flags then override fields with `dataclasses.replace`.
Secrets are never values in it: a `Secret` says where the value is found, so the config can
be pickled into a job graph, logged or shown by a runner's UI without carrying one.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.core.defaults import MAX_BODY_BYTES, NEAR_DUP_THRESHOLD

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_S3_SECRET = "newswire-local-secret"  # the local stack's published credential, not a secret

_IN_PROCESS: dict[str, str] = {}
_IN_PROCESS_LOCK = threading.Lock()
_IN_PROCESS_SALT = secrets.token_bytes(16)


@dataclass(frozen=True)
class Secret:
    """Where a secret is found, never its value.

    A job graph pickles its configuration to every worker and runner UIs show it, so the
    value is read only where a client is made (`reveal()`, in a DoFn's setup() or at the
    entry point): the value held in this process (`Secret.held`: the process that built the
    config; it never leaves the process), else the environment variable `env` of the process
    that asks, else the file `file`, else `default` (only for a published, non-secret value
    such as the local stack's). Workers in other processes or
    machines therefore need the variable or the file; without either they fall back to the
    client's own chain (boto3's instance role, for one).
    """

    env: str = ""
    file: str = ""
    held_id: str = ""
    default: str = ""

    @classmethod
    def held(cls, value: str, env: str = "", file: str = "") -> Secret:
        """A secret whose value stays in this process's memory (pickled, it is an opaque id);
        `env` and `file` say where other processes find it."""
        key = hmac.new(_IN_PROCESS_SALT, value.encode(), "sha256").hexdigest()[:24]
        with _IN_PROCESS_LOCK:
            _IN_PROCESS[key] = value
        return cls(env=env, file=file, held_id=key)

    def reveal(self) -> str | None:
        """The value, or None when none of the sources has one."""
        if self.held_id:
            with _IN_PROCESS_LOCK:
                value = _IN_PROCESS.get(self.held_id)
            if value is not None:
                return value
        if self.env and os.environ.get(self.env):
            return os.environ[self.env]
        if self.file and Path(self.file).is_file():
            return Path(self.file).read_text(encoding="utf-8").strip() or None
        return self.default or None


def reveal(secret: Secret | None) -> str | None:
    """The value of an optional secret (None when unset or not found)."""
    return secret.reveal() if secret is not None else None


def _secret(value: Secret | str | None) -> Secret | None:
    return Secret.held(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class KafkaConfig:
    bootstrap_servers: str = "127.0.0.1:9092"
    topic: str = "raw-articles"
    dlq_topic: str = "raw-articles.dlq"
    group_id: str = "newswire"
    security_protocol: str = "PLAINTEXT"  # PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL
    sasl_mechanism: str | None = None  # PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
    sasl_username: str | None = None
    sasl_password: Secret | None = None
    ssl_cafile: str | None = None
    max_message_bytes: int = 1_000_000  # the broker's default message.max.bytes, less headroom

    def __post_init__(self) -> None:
        object.__setattr__(self, "sasl_password", _secret(self.sasl_password))

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
                sasl_plain_password=reveal(self.sasl_password),
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
    secret_access_key: Secret | None = None
    bucket: str = "newswire"
    # How long a call rides out an outage of the store (connection errors, 5xx) before it
    # fails: its bundle then fails and the runner retries it; nothing becomes a dead letter.
    retry_for_s: float = 300.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "secret_access_key", _secret(self.secret_access_key))

    def credentials(self) -> tuple[str, str] | None:
        """(access key id, secret) when both are configured, else None (boto3's chain)."""
        secret = reveal(self.secret_access_key)
        if self.access_key_id and secret:
            return self.access_key_id, secret
        return None

    def client_kwargs(self) -> dict[str, object]:
        kwargs: dict[str, object] = {"region_name": self.region}
        if self.endpoint_url:
            kwargs["endpoint_url"] = self.endpoint_url
        credentials = self.credentials()
        if credentials:
            kwargs["aws_access_key_id"], kwargs["aws_secret_access_key"] = credentials
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
    near_duplicate_threshold: float = NEAR_DUP_THRESHOLD
    max_body_bytes: int = MAX_BODY_BYTES
    # Per-article time limit of the CPU steps (cleaning, enrichment in worker processes):
    # time_limit_s + time_limit_s_per_mb per MB of the article; past it the article is a dead
    # letter (time_limit_exceeded). About ten times the measured cost: core.chunks.TimeLimit.
    time_limit_s: float = 10.0
    time_limit_s_per_mb: float = 5.0
    # Where claim-checked bodies live (`newswire produce` puts them there; the pipeline reads a
    # message's body_ref only from under it): s3://bucket/prefix or an absolute local folder.
    # Empty: s3://<s3.bucket>/claims.
    claims_uri: str = ""
    # Which NEWSWIRE_* variables were set (names only), and NEWSWIRE_S3_LOCAL: what
    # `newswire config` reports as each value's source.
    variables_set: frozenset[str] = frozenset()
    s3_local: str = "1"

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
            sasl_password=_from_env(env, "KAFKA_SASL_PASSWORD"),
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
            secret_access_key=_from_env(env, "S3_SECRET_KEY", LOCAL_S3_SECRET if local else ""),
            bucket=get("S3_BUCKET") or "newswire",
            retry_for_s=float(get("S3_RETRY_S") or S3Config.retry_for_s),
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
            variables_set=frozenset(k for k in env if k.startswith("NEWSWIRE_")),
            s3_local=get("S3_LOCAL") or "1",
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
            "NEWSWIRE_S3_SECRET_KEY": reveal(self.s3.secret_access_key) or "",
            "NEWSWIRE_S3_BUCKET": self.s3.bucket,
        }


def _from_env(env: Mapping[str, str], name: str, default: str = "") -> Secret | None:
    """The secret NEWSWIRE_<name> (or in the file named by NEWSWIRE_<name>_FILE): held in this
    process, found by other processes in the same variable or file."""
    variable = f"NEWSWIRE_{name}"
    if env.get(variable):
        return Secret.held(env[variable], env=variable)
    if env.get(f"{variable}_FILE"):
        path = env[f"{variable}_FILE"]
        return Secret.held(Path(path).read_text(encoding="utf-8").strip(), file=path)
    return Secret(default=default) if default else None


@dataclass(frozen=True)
class Variable:
    """One NEWSWIRE_* environment variable: `field` is the Config attribute it sets (dotted),
    empty for a variable only the deploy/local scripts, tests or benchmarks read."""

    name: str
    field: str
    doc: str
    default: str = ""  # Markdown shown instead of the computed default (derived, a path)
    secret: bool = False


# Every NEWSWIRE_* variable: `newswire config` shows the effective values, `newswire config
# --markdown` the README table (tests/commands/test_config.py keeps both in step with
# from_env, the scripts and the README).
VARIABLES: tuple[Variable, ...] = (
    Variable(
        "KAFKA_BOOTSTRAP",
        "kafka.bootstrap_servers",
        "Kafka bootstrap servers, comma-separated",
        "`127.0.0.1:$NEWSWIRE_KAFKA_PORT`",
    ),
    Variable("KAFKA_TOPIC", "kafka.topic", "topic of raw articles"),
    Variable(
        "KAFKA_DLQ_TOPIC", "kafka.dlq_topic", "topic the streaming job also sends dead letters to"
    ),
    Variable(
        "KAFKA_GROUP", "kafka.group_id", "consumer group of the streaming job (lag monitoring)"
    ),
    Variable(
        "KAFKA_SECURITY_PROTOCOL",
        "kafka.security_protocol",
        "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL",
    ),
    Variable(
        "KAFKA_SASL_MECHANISM", "kafka.sasl_mechanism", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"
    ),
    Variable("KAFKA_SASL_USERNAME", "kafka.sasl_username", "SASL user"),
    Variable("KAFKA_SASL_PASSWORD", "kafka.sasl_password", "SASL password", secret=True),
    Variable(
        "KAFKA_SASL_PASSWORD_FILE",
        "",
        "a file holding the SASL password, instead of the variable (workers read it too)",
    ),
    Variable("KAFKA_SSL_CAFILE", "kafka.ssl_cafile", "CA bundle for TLS to the brokers"),
    Variable(
        "S3_LOCAL",
        "",
        "1: S3 defaults point at the local stack's SeaweedFS (unless AWS_PROFILE is set); "
        "0: boto3's credential chain",
        "`1`",
    ),
    Variable(
        "S3_ENDPOINT",
        "s3.endpoint_url",
        "S3 endpoint URL (unset: AWS)",
        "`http://127.0.0.1:$NEWSWIRE_S3_PORT` if local",
    ),
    Variable("S3_REGION", "s3.region", "S3 region"),
    Variable("S3_ACCESS_KEY", "s3.access_key_id", "S3 access key id", "`newswire` if local"),
    Variable(
        "S3_SECRET_KEY",
        "s3.secret_access_key",
        "S3 secret key",
        "the local stack's if local",
        secret=True,
    ),
    Variable(
        "S3_SECRET_KEY_FILE",
        "",
        "a file holding the S3 secret key, instead of the variable (workers read it too)",
    ),
    Variable("S3_BUCKET", "s3.bucket", "bucket of the local stack and of claim checks"),
    Variable(
        "S3_RETRY_S",
        "s3.retry_for_s",
        "seconds a storage call rides out an outage before its bundle fails (and is retried)",
    ),
    Variable(
        "CLAIMS_URI",
        "claims_uri",
        "where claim-checked bodies go, the only place they are read from",
        "`s3://$NEWSWIRE_S3_BUCKET/claims`",
    ),
    Variable(
        "CATALOG_URI",
        "catalog.uri",
        "SQL catalog (SQLite, PostgreSQL) of the Iceberg tables",
        "`sqlite:///$NEWSWIRE_CACHE/catalog.db`",
    ),
    Variable(
        "CATALOG",
        "catalog.name",
        "a catalog pyiceberg's own configuration defines (REST, Glue, Hive, SQL) instead",
    ),
    Variable(
        "CATALOG_NAMESPACE",
        "catalog.namespace",
        "catalog namespace (unset: the output's last path segment)",
    ),
    Variable("SPACY_MODEL", "spacy_model", "spaCy model for named entities"),
    Variable("MAX_BODY_BYTES", "max_body_bytes", "larger raw inputs become dead letters"),
    Variable(
        "TIME_LIMIT_S",
        "time_limit_s",
        "seconds an article may take in a CPU-worker step (plus the per-MB part) before it "
        "becomes a time_limit_exceeded dead letter",
    ),
    Variable(
        "TIME_LIMIT_S_PER_MB",
        "time_limit_s_per_mb",
        "seconds added to that limit per MB of the article",
    ),
    Variable(
        "NEAR_DUP_THRESHOLD",
        "near_duplicate_threshold",
        "Jaccard similarity from which an article is a near duplicate",
    ),
    Variable(
        "CACHE", "stack.cache", "downloads, built tools and the default catalog", "`<repo>/.cache`"
    ),
    Variable(
        "STACK_DIR",
        "stack.dir",
        "data, logs and pid files of the local stack",
        "`$NEWSWIRE_CACHE/stack`",
    ),
    Variable("KAFKA_PORT", "stack.kafka_port", "local stack: Kafka port"),
    Variable("S3_PORT", "stack.s3_port", "local stack: SeaweedFS S3 port"),
    Variable(
        "WEED_MASTER_PORT",
        "stack.weed_master_port",
        "local stack: SeaweedFS master port (and +10000)",
    ),
    Variable(
        "WEED_VOLUME_PORT",
        "stack.weed_volume_port",
        "local stack: SeaweedFS volume port (and +10000)",
    ),
    Variable(
        "WEED_FILER_PORT", "stack.weed_filer_port", "local stack: SeaweedFS filer port (and +10000)"
    ),
    Variable(
        "KAFKA_CONTROLLER_PORT",
        "",
        "local stack (deploy/local/kafka.sh): KRaft controller port",
        "`$NEWSWIRE_KAFKA_PORT` + 1",
    ),
    Variable(
        "KAFKA_SASL",
        "",
        "local stack (deploy/local/kafka.sh): 1 adds a SASL_PLAINTEXT listener",
        "`0`",
    ),
    Variable(
        "KAFKA_SASL_PORT",
        "",
        "local stack (deploy/local/kafka.sh): SASL listener port, when SASL is on",
        "`$NEWSWIRE_KAFKA_PORT` + 2",
    ),
    Variable("WEED", "", "deploy/local/seaweedfs.sh: the weed binary", "the venv's"),
    Variable(
        "PYTHON",
        "",
        "deploy/local/prism.sh: the Python whose Beam version Prism is built for",
        "the venv's",
    ),
    Variable(
        "BEAM_VERSION", "", "deploy/local: Beam version of Prism and the Flink jars", "the venv's"
    ),
    Variable(
        "FLINK_VERSION", "", "deploy/local/flink.sh: Flink version of the job-server jar", "`1.19`"
    ),
    Variable("SHARED", "", "make eval / make bench: the shared benchmark data", "`../shared`"),
    Variable(
        "KEYPHRASE_DIR",
        "",
        "make eval / make eval-data: the prepared DUC-2001 keyphrase set (never committed)",
        "`../shared/benchmarks/keyphrase` if present, else `.cache/datasets/keyphrase`",
    ),
    Variable("KEEP_STACK", "", "tests: 1 keeps a stack the tests started running", "`0`"),
    Variable(
        "COMPOSE_TEST", "", "tests: 1 runs the docker compose test (make compose-test)", "`0`"
    ),
    Variable(
        "DOCKERD",
        "",
        "deploy/local/dockerd.sh: `private` starts a private dockerd even if an engine answers",
    ),
    Variable(
        "DEBIAN_MIRROR",
        "",
        "deploy/local/images.sh: Debian mirror of the local base images",
        "the one in /etc/apt/sources.list*",
    ),
    Variable(
        "IMAGES_FLINK",
        "",
        "deploy/local/images.sh: 1 also builds the Flink image (needs the Beam job-server jar)",
        "`0`",
    ),
    Variable("CRASH_ITEMS", "", "tests: records of the streaming crash test", "`600`"),
    Variable("CRASH_KILLS", "", "tests: kills of the streaming crash test", "`3`"),
)
