"""Keep the job's own gRPC servers on the loopback interface.

Beam's Python SDK starts gRPC servers in the process that runs a job: the worker pool behind
`--environment_type=LOOPBACK` (Prism and local Flink call it to start SDK workers, which then
run whatever code the caller sends) and the DirectRunner's control, data, state and logging
servers in multi-process mode. Beam binds them to every interface (``[::]:port``) and has no
setting for it, while their only clients are on this machine. `bind_loopback()` makes every
gRPC server of this process that asks for a wildcard address listen on ``localhost`` (IPv4
and IPv6 loopback) instead; explicit addresses are left alone.

It wraps one method of grpcio's server class (`grpc._server._Server`), the class behind
`grpc.server()`; tests/test_security.py lists the sockets of a real run, so a grpcio that
moves it fails there, not silently.
"""

from __future__ import annotations

import threading
from typing import Any

_WILDCARD_HOSTS = frozenset(("", "[::]", "[::0]", "0.0.0.0", "[0:0:0:0:0:0:0:0]"))
_lock = threading.Lock()
_installed = False


def loopback_address(address: str) -> str:
    """`address` with a wildcard host replaced by localhost ("[::]:0" -> "localhost:0")."""
    host, sep, port = address.rpartition(":")
    if sep and host in _WILDCARD_HOSTS:
        return f"localhost:{port}"
    return address


def bind_loopback() -> None:
    """Make wildcard binds of this process's gRPC servers loopback binds (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        from grpc import _server

        original = _server._Server.add_insecure_port

        def add_insecure_port(self: Any, address: str) -> int:
            return original(self, loopback_address(address))

        _server._Server.add_insecure_port = add_insecure_port
        _installed = True
