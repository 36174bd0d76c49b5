"""Integration: `newswire stack up` twice is safe, status is healthy, down leaves nothing running.

Runs a second, private stack on other ports and folders so it does not disturb the
session's shared stack.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def _free_port_block(n: int) -> int:
    """A base port where base..base+n-1 and their +10000 gRPC twins are free on loopback."""
    for base in range(21000, 29000, 37):
        ports = [base + i for i in range(n)] + [base + i + 10000 for i in range(n)]
        if all(_free(p) for p in ports):
            return base
    raise RuntimeError("no free port block")


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "stack", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )


def _our_processes(stack_dir: Path) -> list[str]:
    out = subprocess.run(["ps", "-eww", "-o", "pid,args"], text=True, capture_output=True).stdout
    return [line for line in out.splitlines() if str(stack_dir) in line]


def test_stack_up_twice_status_down(tmp_path: Path) -> None:
    base = _free_port_block(6)
    stack_dir = tmp_path / "stack"
    env = {
        **os.environ,
        "NEWSWIRE_STACK_DIR": str(stack_dir),
        "NEWSWIRE_KAFKA_PORT": str(base),
        "NEWSWIRE_KAFKA_CONTROLLER_PORT": str(base + 1),
        "NEWSWIRE_S3_PORT": str(base + 2),
        "NEWSWIRE_WEED_MASTER_PORT": str(base + 3),
        "NEWSWIRE_WEED_VOLUME_PORT": str(base + 4),
        "NEWSWIRE_WEED_FILER_PORT": str(base + 5),
    }
    try:
        first = _cli(env, "up")
        assert first.returncode == 0, first.stdout + first.stderr
        second = _cli(env, "up")
        assert second.returncode == 0, second.stdout + second.stderr
        assert f"127.0.0.1:{base}" in second.stdout
        status = _cli(env, "status", "--json")
        assert status.returncode == 0, status.stdout + status.stderr
        import json

        services = json.loads(status.stdout)["services"]
        assert {s["name"]: s["healthy"] for s in services} == {"kafka": True, "seaweedfs": True}
        assert _our_processes(stack_dir)
        # A taken port gives a clear error instead of a second broker.
        taken = _cli({**env, "NEWSWIRE_STACK_DIR": str(tmp_path / "other")}, "up")
        assert taken.returncode != 0 and "taken" in (taken.stdout + taken.stderr)
    finally:
        down = _cli(env, "down")
        _cli({**env, "NEWSWIRE_STACK_DIR": str(tmp_path / "other")}, "down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert _our_processes(stack_dir) == []
    stopped = _cli(env, "status", "--json")
    assert stopped.returncode == 3  # the services cannot be reached (README, Exit codes)
