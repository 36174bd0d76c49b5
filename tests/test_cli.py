"""The command line itself: unknown flags are errors (exit 2, with the closest known flag);
Beam options pass through only after `--`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main


def _exit_code(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    return int(exc.value.code or 0)


def test_unknown_flag_is_an_error_naming_the_closest_known_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["run", "--topic", "t", "--output", "o", "--windw", "5s"]
    assert _exit_code(argv) == 2
    err = capsys.readouterr().err
    assert "--windw" in err and "did you mean --window?" in err
    assert "after --" in err  # where Beam options go


def test_unknown_flag_with_a_value_after_equals(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code(["backfill", "--input", "x", "--output", "o", "--file-per-run=3"]) == 2
    assert "did you mean --files-per-run?" in capsys.readouterr().err


def test_beam_options_before_the_separator_are_unknown_flags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _exit_code(["backfill", "--input", "x", "--output", "o", "--runner=FlinkRunner"]) == 2
    assert "--runner=FlinkRunner" in capsys.readouterr().err


def test_options_after_the_separator_reach_beam_untouched() -> None:
    from pipelines.cli import parse

    args = parse(["run", "--output", "o", "--", "--flink_master=x:8081", "--windw", "5s"])
    assert args.command == "run" and args.output == "o"
    assert args.passthrough == ["--flink_master=x:8081", "--windw", "5s"]


def test_commands_without_beam_options_refuse_the_separator(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _exit_code(["inspect", "o", "--", "--runner=x"]) == 2
    assert "--runner=x" in capsys.readouterr().err


def test_a_real_invocation_with_a_typo_exits_2_before_running() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "backfill", "--input", "/nonexistent",
         "--output", "/tmp/x", "--windw", "5s"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "unknown flag --windw" in proc.stderr


# --- exit codes and pre-flight messages, from real invocations ------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _newswire(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *argv],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["backfill", "--input", "/no/such/input", "--output", "{tmp}/out"], {},
         "--input /no/such/input: no such file or folder"),
        (["backfill", "--input", "{tmp}/*.none", "--output", "{tmp}/out"], {},
         "matches no input file"),
        (["backfill", "--input", "{tmp}", "--output", "s3:/newswire/x"], {},
         "did you mean 's3://newswire/x'?"),
        (["run", "--output", "s3:newswire"], {}, "did you mean 's3://newswire'?"),
        (["inspect", "gs://bucket/x"], {}, "unsupported URI scheme"),
        (["inspect", "{tmp}"], {"NEWSWIRE_KAFKA_PORT": "abc"}, "invalid NEWSWIRE_* setting"),
    ],
)  # fmt: skip
def test_usage_and_configuration_errors_exit_2(
    tmp_path: Path, argv: list[str], env: dict[str, str], message: str
) -> None:
    proc = _newswire(*(a.format(tmp=tmp_path) for a in argv), env=env)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert message in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def _down(tmp_path: Path, kafka: bool = False, s3: bool = False) -> dict[str, str]:
    env = {"NEWSWIRE_CATALOG_URI": f"sqlite:///{tmp_path / 'catalog.db'}"}
    if kafka:
        env["NEWSWIRE_KAFKA_BOOTSTRAP"] = f"127.0.0.1:{_free_port()}"
    if s3:
        env["NEWSWIRE_S3_ENDPOINT"] = f"http://127.0.0.1:{_free_port()}"
    return env


BROKER_DOWN = "is not reachable (ConnectionRefusedError"
STACK_UP = "`newswire stack up`"


@pytest.mark.parametrize(
    ("argv", "down", "message"),
    [
        (["run", "--output", "s3://newswire/x"], "kafka", BROKER_DOWN),
        (["run", "--output", "s3://newswire/x"], "s3", "object store http://127.0.0.1:"),
        (["backfill", "--from-topic", "t", "--output", "{tmp}/out"], "kafka", BROKER_DOWN),
        (["backfill", "--input", "{tmp}", "--output", "s3://newswire/x"], "s3",
         "check NEWSWIRE_S3_ENDPOINT"),
        (["produce", "{tmp}"], "kafka", BROKER_DOWN),
        (["inspect", "s3://newswire/x"], "s3", "object store http://127.0.0.1:"),
        (["compact", "s3://newswire/x", "--all"], "s3", "object store http://127.0.0.1:"),
        (["replay-dead-letters", "{tmp}"], "kafka", BROKER_DOWN),
    ],
)  # fmt: skip
def test_a_dependency_that_is_down_is_one_line_and_exit_3(
    tmp_path: Path, argv: list[str], down: str, message: str, request: pytest.FixtureRequest
) -> None:
    if down != "kafka":
        request.getfixturevalue("stack")  # the broker up, so the other dependency is the one down
    env = _down(tmp_path, kafka=down == "kafka", s3=down == "s3")
    proc = _newswire(*(a.format(tmp=tmp_path) for a in argv), env=env)
    assert proc.returncode == 3, proc.stderr[-2000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith("newswire ")]
    assert len(lines) == 1 and message in lines[0] and STACK_UP in lines[0], proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_an_unreachable_catalog_exits_3(tmp_path: Path) -> None:
    env = {"NEWSWIRE_CATALOG_URI": "sqlite:////proc/no-such-dir/catalog.db"}
    proc = _newswire("inspect", str(tmp_path), env=env)
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert "catalog sqlite:////proc/no-such-dir/catalog.db is not reachable" in proc.stderr
    assert "NEWSWIRE_CATALOG_URI" in proc.stderr


@pytest.mark.integration
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--topic", "no-such-topic-{id}", "--output", "s3://newswire/x"],
         "Kafka topic 'no-such-topic-{id}' does not exist on"),
        (["produce", "{tmp}", "--topic", "no-such-topic-{id}"], "kafka-topics.sh"),
        (["run", "--output", "s3://no-such-bucket-{id}/x"],
         "bucket 'no-such-bucket-{id}' does not exist"),
        (["inspect", "s3://no-such-bucket-{id}/x"], "`newswire stack init`"),
    ],
)  # fmt: skip
def test_a_missing_topic_or_bucket_is_one_line_and_exit_3(
    stack: object, tmp_path: Path, argv: list[str], message: str
) -> None:
    import uuid

    ident = uuid.uuid4().hex[:8]
    proc = _newswire(*(a.format(tmp=tmp_path, id=ident) for a in argv), env=_down(tmp_path))
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert message.format(id=ident) in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_done_exits_0(tmp_path: Path) -> None:
    proc = _newswire("inspect", str(tmp_path), "--json", env=_down(tmp_path))
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_an_output_deleted_outside_the_catalog_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """The catalog still lists an output whose folder was deleted: a configuration error that
    names the fix, at once (not after the object store's retry window), no traceback."""
    import shutil

    out = tmp_path / "news"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Headline\n\nOne sentence of body text here.\n")
    argv = ["backfill", "--input", str(tmp_path / "in"), "--output", str(out), "--cpu-workers", "0"]
    first = _newswire(*argv, env=_down(tmp_path))
    assert first.returncode == 0, first.stderr[-2000:]
    shutil.rmtree(out)
    again = _newswire(*argv, env={**_down(tmp_path), "NEWSWIRE_S3_RETRY_S": "60"})
    assert again.returncode == 2, again.stderr[-2000:]
    assert "NEWSWIRE_CATALOG_NAMESPACE" in again.stderr, again.stderr[-2000:]
    assert "Traceback" not in again.stderr
