"""bind_loopback: wildcard gRPC binds of this process land on loopback only."""

from __future__ import annotations

import subprocess
import sys

from pipelines.io.loopback import loopback_address

_SERVE = """
import concurrent.futures, grpc, subprocess
from pipelines.io.loopback import bind_loopback
bind_loopback()
server = grpc.server(concurrent.futures.ThreadPoolExecutor(1))
port = server.add_insecure_port("[::]:0")
server.start()
print(port)
print(subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout)
"""


def test_wildcard_hosts_become_localhost() -> None:
    assert loopback_address("[::]:0") == "localhost:0"
    assert loopback_address("0.0.0.0:50000") == "localhost:50000"
    assert loopback_address(":8099") == "localhost:8099"
    assert loopback_address("10.0.0.5:50000") == "10.0.0.5:50000"
    assert loopback_address("localhost:0") == "localhost:0"


def test_a_wildcard_server_listens_on_loopback_only() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SERVE], capture_output=True, text=True, check=True
    ).stdout
    port, sockets = out.split("\n", 1)
    addresses = [line.split()[3] for line in sockets.splitlines() if len(line.split()) > 3]
    local = [a for a in addresses if a.endswith(f":{port}")]
    assert local, sockets
    assert all(a.rsplit(":", 1)[0] in ("127.0.0.1", "[::1]", "[::ffff:127.0.0.1]") for a in local)
