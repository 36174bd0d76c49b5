"""The command line itself: unknown flags are errors (exit 2, with the closest known flag);
Beam options pass through only after `--`."""

from __future__ import annotations

import subprocess
import sys

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
