"""`newswire compact URI --dt DATE | --all`: merge small data files of the output's Iceberg
tables into large ones, and (optionally) expire old snapshots and remove orphan files.

    newswire compact s3://newswire/news --dt 2024-10-02
    newswire compact s3://newswire/news --dt 2024-10-02 --kind articles --target-size 64MiB
    newswire compact s3://newswire/news --all --dry-run --json
    newswire compact s3://newswire/news --all --expire-older-than 7d --remove-orphans-older-than 1h

For each table (articles, duplicates, dead_letter, fingerprints, or `--kind`) and each day
partition (`--dt`, or with `--all` every partition, and the unpartitioned fingerprints), the
data files smaller than half `--target-size` are merged into files of about that size: rows
deduplicated by identity (a replayed window may have written a row twice), sorted by it. The
merged files replace the small ones in ONE Iceberg snapshot (operation "overwrite": the
inputs deleted, the outputs added), so every Iceberg reader (pyiceberg, DuckDB, Spark, Trino)
sees either the old files or the new ones. Only the files read are replaced: rows a streaming
writer appends meanwhile stay. A commit that loses a race with another writer is retried on
the reloaded table; if another compaction removed one of its inputs first, it gives up
("raced") and deletes what it wrote. Table properties (a streaming writer's state) are not
touched.

The replaced files stay in the table's history (older snapshots, time travel) until their
snapshots expire: `--expire-older-than 7d` expires snapshots older than that, always keeping
the current one. Files then referenced by no snapshot are deleted by
`--remove-orphans-older-than 1h`, which deletes data files under `<table>/data/` that no
snapshot references and no pending commit lists, once older than the limit. The limit must
exceed the longest a commit can take (files are written before they are committed): 1h is a
safe value; never use 0 while anything writes to the output. Both are off by default.

Exit status: 0 when done or nothing to do, 1 when a group could not be committed (raced, or a
file with columns the current schema lacks), 2 on bad arguments, 3 when the store or the
catalog cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from pipelines.commands import uri_arg
from pipelines.config import Config

TABLES = ("articles", "duplicates", "dead_letter", "fingerprints")
DEFAULT_TARGET = 128 * 1024 * 1024
COMMIT_ATTEMPTS = 10
COMPACTED = "newswire.compacted-files"  # snapshot summary: how many files were merged
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?))?b?\s*$", re.IGNORECASE)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_EPOCH = date(1970, 1, 1)


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


def parse_age(value: str) -> timedelta:
    """A non-negative duration: "90s", "30m", "1h", "7d", "2w"; a bare number is seconds."""
    match = _DURATION.match(value)
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {value!r} (e.g. 1h, 7d)")
    number, unit = match.groups()
    return timedelta(seconds=float(number) * _UNITS[(unit or "s").lower()])


def parse_day(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "compact",
        help="merge the output tables' small files atomically; expire snapshots, remove orphans",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "uri", type=uri_arg, help="output URI given to run/backfill (s3://bucket/prefix or folder)"
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--dt", nargs="+", type=parse_day, metavar="DATE", help="YYYY-MM-DD (one or more)"
    )
    which.add_argument(
        "--all", action="store_true", help="every partition that has more than one small file"
    )
    p.add_argument("--kind", choices=[*TABLES, "all"], default="all", help="one table only")
    p.add_argument(
        "--target-size",
        type=parse_size,
        default=DEFAULT_TARGET,
        help="size of merged files, e.g. 128MiB (default)",
    )
    p.add_argument(
        "--expire-older-than",
        type=parse_age,
        metavar="DURATION",
        help="expire snapshots older than this (e.g. 7d), keeping the current one (default: none)",
    )
    p.add_argument(
        "--remove-orphans-older-than",
        type=parse_age,
        metavar="DURATION",
        help="delete unreferenced data files older than this; 1h is safe (default: off)",
    )
    p.add_argument("--dry-run", action="store_true", help="plan only; write and delete nothing")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.set_defaults(func=run)


# --- planning (pure) ----------------------------------------------------------------------


def plan_groups(sizes: Mapping[str, int], target_bytes: int) -> list[list[str]]:
    """Groups of files to merge, each into files of about `target_bytes`.

    Only files smaller than half the target are merged (bigger ones are done). Small files are
    taken in path order and grouped up to about `target_bytes` each, which also bounds the
    memory one merge needs. A lone small file is left alone, or joins the previous group.
    """
    small = sorted(k for k, size in sizes.items() if size < target_bytes / 2)
    groups: list[list[str]] = []
    total = 0
    for key in small:
        if groups and total + sizes[key] <= target_bytes:
            groups[-1].append(key)
            total += sizes[key]
        else:
            groups.append([key])
            total = sizes[key]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2].extend(groups.pop())
    return [g for g in groups if len(g) >= 2]


def keep_order(identities: Sequence[str]) -> list[int]:
    """Indices of the rows to keep, in output order: the first row of each identity (rows come
    in input order), sorted by identity. A replayed window may have put the same row into two
    files; a compaction must never multiply it."""
    first: dict[str, int] = {}
    for i, ident in enumerate(identities):
        first.setdefault(ident, i)
    return [first[ident] for ident in sorted(first)]


def split_sizes(rows: int, input_bytes: int, target_bytes: int) -> list[int]:
    """Rows per output file: as many files as the input bytes need at the target size, rows
    spread evenly (merged files compress at least as well as the small ones)."""
    if rows <= 0:
        return []
    files = min(rows, max(1, math.ceil(input_bytes / max(target_bytes, 1))))
    base, extra = divmod(rows, files)
    return [base + (1 if n < extra else 0) for n in range(files)]


# --- reports --------------------------------------------------------------------------------


@dataclass
class Merge:
    inputs: list[str]
    bytes_in: int
    outputs: list[str] = field(default_factory=list)
    bytes_out: int | None = None
    rows_in: int | None = None
    rows_out: int | None = None
    snapshot_id: int | None = None
    # planned (dry run), committed, raced (an input was replaced meanwhile), skipped: <why>
    status: str = "planned"


@dataclass
class Report:
    table: str
    partition: str  # "dt=YYYY-MM-DD", or "" for an unpartitioned table
    dry_run: bool
    files_before: int
    files_after: int
    merges: list[Merge] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(m.status in ("planned", "committed") for m in self.merges)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}


# --- merging --------------------------------------------------------------------------------


class _Unmergeable(Exception):
    pass


def _conform(table: Any, schema: Any) -> Any:
    """A file's rows in the current schema: fields added since it was written read as null.
    A column the schema no longer has would be lost, so such a file is not merged."""
    import pyarrow as pa

    unknown = sorted(set(table.column_names) - set(schema.names))
    if unknown:
        raise _Unmergeable(f"columns not in the current schema: {', '.join(unknown)}")
    columns = []
    for f in schema:
        if f.name in table.column_names:
            column = table.column(f.name)
            columns.append(column if column.type == f.type else column.cast(f.type))
        elif f.nullable:
            columns.append(pa.nulls(table.num_rows, f.type))
        else:
            raise _Unmergeable(f"required column {f.name} missing")
    return pa.Table.from_arrays(columns, schema=schema)


def _partition_name(table: Any, data_file: Any) -> str:
    """ "dt=YYYY-MM-DD" for a day-partitioned file, "" for an unpartitioned table."""
    spec = table.specs()[data_file.spec_id]
    if not spec.fields:
        return ""
    days = data_file.partition[0]
    if days is None:
        return "dt=null"
    return f"dt={(_EPOCH + timedelta(days=int(days))).isoformat()}"


def live_files(table: Any) -> dict[str, dict[str, Any]]:
    """The current snapshot's data files of a table, per partition name: {path: DataFile}."""
    out: dict[str, dict[str, Any]] = {}
    if table.current_snapshot() is None:
        return out
    for task in table.scan().plan_files():
        out.setdefault(_partition_name(table, task.file), {})[task.file.file_path] = task.file
    return out


def _merge(tables: Any, name: str, partition: str, merge: Merge, target_bytes: int) -> None:
    """Read `merge.inputs`, write the merged files, and replace the inputs by them in one
    snapshot (retried on a concurrent commit). Sets the merge's status."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyiceberg.exceptions import CommitFailedException, ValidationException
    from pyiceberg.io.pyarrow import parquet_file_to_data_file

    from pipelines.core.layout import KINDS, identity
    from pipelines.io.parquet import arrow_schema, table_to_parquet_bytes
    from pipelines.io.tables import SPECS

    spec = next(s for s in SPECS if s.name == name)
    kind = KINDS[f"{name}/data"]
    table = tables.table(name, refresh=True)
    schema = arrow_schema(spec.schema)
    try:
        parts = []
        for path in merge.inputs:
            with table.io.new_input(path).open() as stream:
                parts.append(_conform(pq.read_table(pa.BufferReader(stream.read())), schema))
        data = pa.concat_tables(parts)
    except _Unmergeable as exc:
        merge.status = f"skipped: {exc}"
        return
    merge.rows_in = data.num_rows
    columns = [data.column(f).to_pylist() for f in kind.identity]
    idents = [
        identity(dict(zip(kind.identity, values, strict=True)), kind)
        for values in zip(*columns, strict=True)
    ]
    merged = data.take(pa.array(keep_order(idents), type=pa.int64()))
    merge.rows_out = merged.num_rows

    folder = f"{name}/data/{partition}/" if partition else f"{name}/data/"
    run_id = uuid.uuid4().hex[:12]
    keys: list[str] = []
    merge.bytes_out = 0
    offset = 0
    for n, count in enumerate(split_sizes(merged.num_rows, merge.bytes_in, target_bytes)):
        key = f"{folder}compact-{run_id}-{n:03d}.parquet"
        body = table_to_parquet_bytes(merged.slice(offset, count))
        tables.store.put(key, body)
        keys.append(key)
        merge.bytes_out += len(body)
        offset += count
    merge.outputs = [tables._path(k) for k in keys]
    added = [parquet_file_to_data_file(table.io, table.metadata, p) for p in merge.outputs]

    props = {COMPACTED: str(len(merge.inputs))}
    for attempt in range(COMMIT_ATTEMPTS):
        table = tables.table(name, refresh=True)
        live = live_files(table).get(partition, {})
        if any(p not in live for p in merge.inputs):
            break  # another compaction replaced one of them first
        try:
            with (
                table.transaction() as tx,
                tx.update_snapshot(snapshot_properties=props).overwrite() as overwrite,
            ):
                for path in merge.inputs:
                    overwrite.delete_data_file(live[path])
                for data_file in added:
                    overwrite.append_data_file(data_file)
        except (CommitFailedException, ValidationException):
            # Another writer committed meanwhile (a streaming window, a backfill): the commit did
            # not land. Look at the table again and replace the same files on top of its state.
            time.sleep(min(0.1 * 2**attempt, 2.0))
            continue
        current = tables.table(name, refresh=True).current_snapshot()
        merge.snapshot_id = current.snapshot_id if current is not None else None
        merge.status = "committed"
        return
    for key in keys:  # not committed: nothing references them
        tables.store.delete(key)
    merge.status = "raced"


def compact_table(
    tables: Any, name: str, days: Sequence[str] | None, target_bytes: int, dry_run: bool
) -> list[Report]:
    """Compact the partitions of table `name`: the given days, or (None) every partition."""
    table = tables.table(name, refresh=True)
    partitioned = bool(table.spec().fields)
    files = live_files(table)
    if days is None:
        wanted = sorted(files)
    elif partitioned:
        wanted = [f"dt={d}" for d in days]
    else:
        return []  # --dt names days; an unpartitioned table has none
    reports = []
    for partition in wanted:
        sizes = {p: f.file_size_in_bytes for p, f in files.get(partition, {}).items()}
        groups = plan_groups(sizes, target_bytes)
        if days is None and not groups:
            continue  # --all reports only what it merges
        report = Report(name, partition, dry_run, len(sizes), len(sizes))
        for group in groups:
            bytes_in = sum(sizes[p] for p in group)
            merge = Merge(group, bytes_in)
            report.merges.append(merge)
            if dry_run:
                merge.outputs = ["?"] * len(split_sizes(len(group), bytes_in, target_bytes))
            else:
                _merge(tables, name, partition, merge, target_bytes)
            if merge.status in ("planned", "committed"):
                report.files_after -= len(group) - len(merge.outputs)
        reports.append(report)
    return reports


# --- output ---------------------------------------------------------------------------------


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


def _print(report: Report) -> None:
    where = f"{report.table}/{report.partition}" if report.partition else report.table
    for m in report.merges:
        source = f"{_files(len(m.inputs))} ({_size(m.bytes_in)})"
        if m.status == "planned":
            print(f"{where}: would merge {source} into about {_files(len(m.outputs))}")
        elif m.status == "committed":
            print(
                f"{where}: merged {source} -> {_files(len(m.outputs))} ({_size(m.bytes_out)}), "
                f"{m.rows_in} -> {m.rows_out} rows [snapshot {m.snapshot_id}]"
            )
        else:
            print(f"{where}: {source} not merged: {m.status}")
    if not report.merges:
        print(f"{where}: nothing to do ({_files(report.files_before)})")
    else:
        print(f"{where}: {report.files_before} -> {report.files_after} data files")


def run(args: argparse.Namespace, config: Config) -> int:
    from pipelines.io.probes import preflight
    from pipelines.io.tables import Tables

    uri = args.uri.rstrip("/")
    preflight(config, uris=[uri], catalog_for=uri)
    # A dry run creates nothing (a missing table has nothing to merge); a real run brings the
    # tables to the current schemas first, which the merged files are written in.
    tables = Tables(uri, config.catalog, config.s3, create=not args.dry_run)
    names = TABLES if args.kind == "all" else (args.kind,)
    reports: list[Report] = []
    expired = 0
    removed: list[str] = []
    try:
        for name in names:
            if args.dry_run and not tables.catalog.table_exists(tables.identifier(name)):
                continue
            reports.extend(
                compact_table(
                    tables, name, None if args.all else args.dt, args.target_size, args.dry_run
                )
            )
        if not args.dry_run and args.expire_older_than is not None:
            expired = tables.expire_snapshots(args.expire_older_than, keep_last=1)
        if not args.dry_run and args.remove_orphans_older_than is not None:
            removed = tables.remove_orphans(args.remove_orphans_older_than)
    finally:
        tables.close()
    if args.json:
        body = {
            "reports": [r.to_dict() for r in reports],
            "expired_snapshots": expired,
            "removed_orphans": removed,
        }
        print(json.dumps(body, indent=2))
    else:
        for report in reports:
            _print(report)
        if not reports:
            print("nothing to do")
        if args.expire_older_than is not None and not args.dry_run:
            print(f"expired {expired} snapshots")
        if args.remove_orphans_older_than is not None and not args.dry_run:
            print(f"removed {_files(len(removed))} no snapshot references")
    return 0 if all(r.ok for r in reports) else 1
