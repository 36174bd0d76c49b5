"""`newswire backfill` (not implemented yet)."""

from __future__ import annotations

import argparse

from pipelines.config import Config


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("backfill", help="(not implemented yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    print("newswire backfill: not implemented yet")
    return 2
