"""Config: secrets travel as references (`Secret`), never as values."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from pipelines.config import LOCAL_S3_SECRET, Config, S3Config, Secret

_REVEAL = "import pickle, sys; print(pickle.loads(sys.stdin.buffer.read()).reveal())"


def _reveal_elsewhere(secret: Secret, env: dict[str, str]) -> str:
    """What another process (a remote worker) gets from an unpickled `secret`."""
    out = subprocess.run(
        [sys.executable, "-c", _REVEAL],
        input=pickle.dumps(secret),
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        check=True,
    )
    return out.stdout.decode().strip()


def test_a_held_secret_stays_in_its_process() -> None:
    secret = Secret.held("hunter2-value", env="NEWSWIRE_S3_SECRET_KEY")
    assert secret.reveal() == "hunter2-value"
    assert b"hunter2-value" not in pickle.dumps(secret)
    assert "hunter2-value" not in repr(secret)
    assert pickle.loads(pickle.dumps(secret)).reveal() == "hunter2-value"  # same process
    assert _reveal_elsewhere(secret, {}) == "None"
    assert _reveal_elsewhere(secret, {"NEWSWIRE_S3_SECRET_KEY": "from-env"}) == "from-env"


def test_from_env_holds_variables_and_files(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text("file-secret\n")
    config = Config.from_env(
        {"NEWSWIRE_S3_SECRET_KEY": "env-secret", "NEWSWIRE_KAFKA_SASL_PASSWORD_FILE": str(path)}
    )
    assert config.s3.credentials() == ("newswire", "env-secret")
    assert config.kafka.sasl_password is not None
    assert config.kafka.sasl_password.reveal() == "file-secret"
    assert config.kafka.sasl_password.file == str(path)
    assert _reveal_elsewhere(config.kafka.sasl_password, {}) == "file-secret"
    assert b"env-secret" not in pickle.dumps(config)


def test_the_local_default_and_production_defaults() -> None:
    local = Config.from_env({}).s3
    assert local.credentials() == ("newswire", LOCAL_S3_SECRET)
    production = Config.from_env({"NEWSWIRE_S3_LOCAL": "0"}).s3
    assert production.secret_access_key is None and production.credentials() is None
    assert (
        S3Config(access_key_id="a", secret_access_key="b").client_kwargs()["aws_secret_access_key"]
        == "b"
    )
