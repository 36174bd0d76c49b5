"""`newswire compact URI --dt DATE`: merge a partition's small files into large ones, atomically.

    newswire compact s3://newswire/news --dt 2024-10-02
    newswire compact s3://newswire/news --dt 2024-10-02 --kind articles --target-size 64MiB
    newswire compact s3://newswire/news --dt 2024-10-02 --dry-run --json
    newswire compact s3://newswire/news --all          # every partition with several files

For each folder (articles, duplicates, dead_letter, or `--kind`), the visible files of
`dt=DATE` smaller than half `--target-size` are merged into files of about that size: rows
deduplicated by identity, sorted by it. The new files become visible at once, through one
commit record under `<URI>/_compactions/` that newswire's readers honour (inspect, streaming
restart, replay-dead-letters). Merged inputs are deleted only after `--grace` (default 10m),
so a reader that listed them can finish; each run also deletes what earlier runs left past
their grace period. Use `--grace 0` only when nothing reads the output. Run one compaction of
a partition at a time (e.g. from cron); a racing one loses cleanly ("raced").

Exit status: 0 when done or nothing to do, 1 when a group could not be committed (raced,
aborted, or a file with columns the current schema lacks), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, date, datetime
from typing import Any

from pipelines.config import Config

FOLDERS = ("articles", "duplicates", "dead_letter")
DEFAULT_TARGET = 128 * 1024 * 1024
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?))?b?\s*$", re.IGNORECASE)


def parse_size(value: str) -> int:
    """Bytes from "128MiB", "128MB" (decimal), "64k", "1000": KB/MB/GB are powers of 1000,
    KiB/MiB/GiB powers of 1024."""
    match = _SIZE.match(value)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 128MiB, 64MB)")
    number, prefix, binary = match.groups()
    power = "_kmgt".index(prefix.lower()) if prefix else 0
    size = int(float(number) * (1024 if binary else 1000) ** power)
    if size < 1:
        raise argparse.ArgumentTypeError(f"size must be positive: {value!r}")
    return size


def parse_grace(value: str) -> float:
    from pipelines.commands.run import parse_duration

    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a duration: {value!r} (e.g. 10m, 0)") from exc
    if seconds < 0:
        raise argparse.ArgumentTypeError(f"grace must not be negative: {value!r}")
    return seconds


def parse_day(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "compact",
        help="merge a partition's small Parquet files atomically",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("uri", help="output URI given to run/backfill (s3://bucket/prefix or folder)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--dt", nargs="+", type=parse_day, metavar="DATE", help="YYYY-MM-DD (one or more)"
    )
    which.add_argument(
        "--all", action="store_true", help="every partition that has more than one file"
    )
    p.add_argument("--kind", choices=[*FOLDERS, "all"], default="all")
    p.add_argument(
        "--target-size",
        type=parse_size,
        default=DEFAULT_TARGET,
        help="size of merged files, e.g. 128MiB (default)",
    )
    p.add_argument(
        "--grace",
        type=parse_grace,
        default=600.0,
        help="delete merged inputs this long after the commit (default 10m)",
    )
    p.add_argument("--dry-run", action="store_true", help="plan only; write and delete nothing")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.set_defaults(func=run)


def _size(n: int | None) -> str:
    if n is None:
        return "?"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def _print(report: Any) -> None:
    where = f"{report.folder}/{report.partition}"
    for m in report.merges:
        source = f"{_files(len(m.inputs))} ({_size(m.bytes_in)})"
        if m.status == "planned":
            print(f"{where}: would merge {source} into about {_files(len(m.outputs))} [c{m.id}]")
        elif m.status == "committed":
            print(
                f"{where}: merged {source} -> {_files(len(m.outputs))} ({_size(m.bytes_out)}), "
                f"{m.rows_in} -> {m.rows_out} rows [c{m.id}]"
            )
        else:
            print(f"{where}: {source} not merged: {m.status} [c{m.id}]")
    if report.deleted or report.deleted_records:
        verb = "would delete" if report.dry_run else "deleted"
        print(
            f"{where}: {verb} {_files(len(report.deleted))} past the grace period, "
            f"{len(report.deleted_records)} records"
        )
    if not report.merges and not report.deleted:
        print(f"{where}: nothing to do ({_files(report.files_before)})")
    else:
        print(f"{where}: {report.files_before} -> {report.files_after} visible files")


def run(args: argparse.Namespace, config: Config) -> int:
    from pipelines.io.compaction import compact_partition, partitions_with_several_files
    from pipelines.io.objectstore import open_store

    try:
        store = open_store(args.uri.rstrip("/"), config.s3)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    folders = FOLDERS if args.kind == "all" else (args.kind,)
    try:
        if args.all:
            todo = [(f, p) for f in folders for p in partitions_with_several_files(store, f)]
        else:
            todo = [(f, f"dt={day}") for day in args.dt for f in folders]
        reports = [
            compact_partition(
                store,
                folder,
                partition,
                args.target_size,
                args.grace,
                now=lambda: datetime.now(UTC),
                dry_run=args.dry_run,
            )
            for folder, partition in todo
        ]
    finally:
        store.close()
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=2))
    else:
        for report in reports:
            _print(report)
    return 0 if all(r.ok for r in reports) else 1
