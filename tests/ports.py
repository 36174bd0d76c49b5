"""Free TCP ports on 127.0.0.1 for the private servers some tests start (a broker, SeaweedFS,
a compose stack) beside the shared stack."""

from __future__ import annotations

import random
import socket

LOW, HIGH = 20000, 30000  # SeaweedFS also takes port + 10000 (gRPC): stays under 40000


def port_free(port: int) -> bool:
    """Whether a server could listen on `port` of 127.0.0.1 now."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int, grpc: bool = False) -> list[int]:
    """`count` distinct free ports; with `grpc`, each one's port + 10000 is free too."""
    found: list[int] = []
    while len(found) < count:
        port = random.randrange(LOW, HIGH)
        pair = (port, port + 10000) if grpc else (port,)
        if port not in found and all(port_free(p) for p in pair):
            found.append(port)
    return found


def free_run(count: int) -> int:
    """The first of `count` consecutive free ports (a broker's listeners)."""
    while True:
        base = random.randrange(LOW, HIGH - count)
        if all(port_free(p) for p in range(base, base + count)):
            return base
