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
    newswire config                    the effective configuration and where it came from

The configuration is built here once (`Config.from_env`) and passed to every command.
Unknown flags are errors (exit 2, naming the closest known flag); `run` and `backfill` pass
the arguments after `--` to Beam's PipelineOptions untouched. Exit codes: see
`pipelines.commands` (0 done, 1 done with failures, 2 usage, 3 a dependency unreachable).
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from pipelines.commands import UNREACHABLE, USAGE, UsageError
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
    "config",
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


def _command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            return action.choices[name]
    return parser


def _refuse(parser: argparse.ArgumentParser, unknown: list[str], beam: bool) -> None:
    """Exit 2 on the first unknown argument, naming the closest known flag."""
    known = [s for a in parser._actions for s in a.option_strings if s.startswith("--")]
    flags = [u for u in unknown if u.startswith("-")]
    if not flags:
        parser.error(f"unexpected argument: {unknown[0]}")
    flag = flags[0].split("=", 1)[0]
    close = difflib.get_close_matches(flag, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    where = "; Beam options go after --" if beam else ""
    parser.error(f"unknown flag {flags[0]}{hint}{where}")


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The parsed command line; `args.passthrough` holds what came after `--` (run, backfill)."""
    argv = list(argv)
    parser = build_parser()
    cut = argv.index("--") if "--" in argv else len(argv)
    args, unknown = parser.parse_known_args(argv[:cut])
    beam = bool(getattr(args, "accepts_passthrough", False))
    command = _command_parser(parser, args.command)
    if not beam:  # `--` keeps its usual meaning (what follows is positional)
        args, unknown = parser.parse_known_args(argv)
    if unknown:
        _refuse(command, unknown, beam)
    args.passthrough = argv[cut + 1 :] if beam else []
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
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
    from pipelines.io.probes import CatalogConflict, Unreachable

    try:
        config = Config.from_env(os.environ)
    except ValueError as exc:  # e.g. a port that is not a number
        print(f"newswire: error: invalid NEWSWIRE_* setting: {exc}", file=sys.stderr)
        return USAGE
    try:
        return int(args.func(args, config) or 0)
    except (UsageError, CatalogConflict) as exc:
        print(f"newswire {args.command}: error: {exc}", file=sys.stderr)
        return USAGE
    except Unreachable as exc:
        print(f"newswire {args.command}: {exc}", file=sys.stderr)
        return UNREACHABLE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
