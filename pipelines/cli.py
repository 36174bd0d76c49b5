"""The `newswire` command line.

    newswire stack up|down|status      local Kafka + SeaweedFS (deploy/local/)
    newswire samples generate ...      synthetic raw articles with ground truth
    newswire produce PATH...           raw articles onto Kafka
    newswire clean PATH...             what the pipeline makes of raw files (JSON lines)
    newswire backfill ...              batch: files or a bounded Kafka range -> Parquet
    newswire run ...                   streaming: Kafka -> Parquet, exactly once in effect
    newswire inspect URI               summary of an output folder or bucket prefix
    newswire compact URI --dt DATE     merge a partition's small files, atomically
    newswire replay-dead-letters ...   send fixed-up dead letters back to the topic

The configuration is built here once (`Config.from_env`) and passed to every command.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from pipelines.config import Config

COMMANDS = (
    "stack",
    "samples",
    "produce",
    "clean",
    "backfill",
    "run",
    "inspect",
    "replay",
    "compact",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswire", description="News-article ingestion pipeline."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"pipelines.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, passthrough = parser.parse_known_args(argv)
    if passthrough and not getattr(args, "accepts_passthrough", False):
        parser.error(f"unrecognized arguments: {' '.join(passthrough)}")
    args.passthrough = passthrough
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # kafka-python logs every reconnect at INFO/ERROR; keep the console for our own messages.
    logging.getLogger("kafka").setLevel(logging.WARNING if not args.verbose else logging.INFO)
    # Beam logs one INFO line per string type hint it meets while building a job (hundreds,
    # as our modules use postponed annotations): noise, not news.
    logging.getLogger("apache_beam.typehints.native_type_compatibility").setLevel(
        logging.WARNING if not args.verbose else logging.INFO
    )
    config = Config.from_env(os.environ)
    try:
        return int(args.func(args, config) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
