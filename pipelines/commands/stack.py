"""`newswire stack up|down|status`: the local Kafka + SeaweedFS stack (see deploy/local/)."""

from __future__ import annotations

import argparse
import json

from pipelines.commands import FAILED, OK, UNREACHABLE
from pipelines.config import Config


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("stack", help="start, stop or check the local Kafka + SeaweedFS stack")
    p.add_argument("action", choices=["up", "down", "status", "init", "prism"])
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--show-secrets", action="store_true", help="print the S3 secret instead of a mask"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from pipelines.io import stack

    try:
        if args.action == "down":
            stack.down(config)
            print("stack stopped")
            return 0
        if args.action == "init":
            stack.init(config)
            print("bucket and topics ready")
            return 0
        if args.action == "prism":
            print(stack.build_prism(config))
            return 0
        statuses = stack.up(config) if args.action == "up" else stack.status(config)
    except stack.StackError as exc:
        print(f"error: {exc}")
        return FAILED
    info = stack.describe(config, show_secrets=args.show_secrets)
    if args.json:
        print(json.dumps({"services": [s.__dict__ for s in statuses], "endpoints": info}))
    else:
        for s in statuses:
            state = "healthy" if s.healthy else ("running, unhealthy" if s.running else "stopped")
            print(f"{s.name:<10} {state:<18} pid={s.pid or '-':<8} {s.endpoint}  {s.detail}")
        if all(s.healthy for s in statuses):
            print()
            for key, value in info.items():
                print(f"{key:<22} {value}")
    return OK if all(s.healthy for s in statuses) else UNREACHABLE
