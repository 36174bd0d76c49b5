"""`newswire stack status` shows the endpoints a user needs, never the S3 secret unless asked."""

from __future__ import annotations

import dataclasses

import pytest

from pipelines.cli import build_parser
from pipelines.commands import stack as stack_command
from pipelines.config import Config, S3Config
from pipelines.io import stack


def _config() -> Config:
    s3 = S3Config(access_key_id="AKIAEXAMPLE", secret_access_key="planted-secret-value")
    return dataclasses.replace(Config(), s3=s3)


def test_status_masks_the_secret_unless_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    healthy = [stack.ServiceStatus("kafka", True, True, 1, "127.0.0.1:9092", "")]
    monkeypatch.setattr(stack, "status", lambda config: healthy)
    for argv, shown in ((["stack", "status"], False), (["stack", "status", "--json"], False),
                        (["stack", "status", "--show-secrets"], True)):  # fmt: skip
        args = build_parser().parse_args(argv)
        assert stack_command.run(args, _config()) == 0
        out = capsys.readouterr().out
        assert ("planted-secret-value" in out) is shown, argv
        assert "AKIAEXAMPLE" in out  # the key id is not a secret
