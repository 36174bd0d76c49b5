"""Compaction I/O: list what a partition visibly holds, and merge its small files atomically.

Readers call `list_visible(store, "articles")` instead of listing the folder, so they see
either the files before a compaction or the files after it, never both and never neither.
`compact_partition` is what `newswire compact` runs for one folder and day:

    started record -> merged outputs (part-c<id>-<n>.parquet) -> commit record -> vacuum

The protocol and the visibility rule are in `pipelines.core.compaction`.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.core.compaction import (
    Commit,
    Started,
    commit_key,
    compaction_id,
    keep_order,
    output_id,
    output_key,
    plan_compaction,
    record_kind,
    records_prefix,
    split_sizes,
    vacuum_plan,
    visible_files,
)
from pipelines.core.layout import ARTICLES, DEAD_LETTERS, DUPLICATES, OutputKind, identity
from pipelines.io.objectstore import ObjectStore
from pipelines.io.parquet import arrow_schema, table_to_parquet_bytes

COMPACTABLE: dict[str, OutputKind] = {k.folder: k for k in (ARTICLES, DUPLICATES, DEAD_LETTERS)}

Clock = Callable[[], datetime]


def _data_prefix(folder: str, partition: str) -> str:
    return f"{folder}/{partition}/" if partition else f"{folder}/"


def list_data(store: ObjectStore, folder: str, partition: str = "") -> list[str]:
    """Every Parquet key under the folder (or one partition), visible or not."""
    return [k for k in store.list(_data_prefix(folder, partition)) if k.endswith(".parquet")]


def read_records(
    store: ObjectStore, folder: str, partition: str = ""
) -> tuple[list[Commit], list[Started]]:
    """Commit and started records of a folder (or one partition). A record that does not
    parse raises: ignoring a commit could show a reader rows twice."""
    commits: list[Commit] = []
    started: list[Started] = []
    for key in store.list(records_prefix(folder, partition)):
        kind = record_kind(key)
        if kind is None:
            continue
        try:
            body = json.loads(store.get(key))
            if kind == "commit":
                commits.append(Commit.from_dict(body))
            else:
                started.append(Started.from_dict(body))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"unreadable compaction record {key}: {exc}") from exc
    return commits, started


def list_visible(store: ObjectStore, folder: str, partition: str = "") -> list[str]:
    """The Parquet keys a reader should read, sorted: all partitions, or one ("dt=...")."""
    # Data first, records second. A compaction writes its outputs, then its commit, and only
    # then (after the grace period) deletes its inputs. Listed in this order, a commit landing
    # between the two listings is seen together with outputs that were already listed (new
    # view), and inputs deleted after the data listing belong to a commit the second listing
    # sees. The other order could miss the commit and the deleted inputs at once.
    keys = list_data(store, folder, partition)
    commits, _ = read_records(store, folder, partition)
    return visible_files(keys, commits)


def partitions_with_several_files(store: ObjectStore, folder: str) -> list[str]:
    """The partitions ("dt=...") of `folder` listing more than one data file: small files to
    merge, or merged inputs still waiting for the vacuum (what `compact --all` visits)."""
    counts: dict[str, int] = {}
    for key in store.list(folder + "/"):
        parts = key.split("/")
        if len(parts) == 3 and parts[1].startswith("dt=") and key.endswith(".parquet"):
            counts[parts[1]] = counts.get(parts[1], 0) + 1
    return sorted(p for p, n in counts.items() if n > 1)


@dataclass
class Merge:
    """One group of files merged (or planned, with --dry-run) into compaction `id`."""

    id: str
    inputs: list[str]
    outputs: list[str]
    bytes_in: int
    bytes_out: int | None = None
    rows_in: int | None = None
    rows_out: int | None = None
    # planned (dry run), committed, raced (another compaction took an input first),
    # aborted (outputs or started record vanished), skipped: <why>
    status: str = "planned"


@dataclass
class CompactionReport:
    folder: str
    partition: str
    dry_run: bool
    files_before: int  # visible data files
    files_after: int
    merges: list[Merge] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # data files vacuumed (or to vacuum)
    deleted_records: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(m.status in ("planned", "committed") for m in self.merges)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}


class _Unmergeable(Exception):
    pass


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A file's table in the current schema: fields added since it was written read as null.
    A column the schema no longer has would be lost, so such a file is not merged."""
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


def _identities(table: pa.Table, kind: OutputKind) -> list[str]:
    columns = [table.column(name).to_pylist() for name in kind.identity]
    rows = zip(*columns, strict=True)
    return [identity(dict(zip(kind.identity, values, strict=True)), kind) for values in rows]


def _put_json(store: ObjectStore, key: str, body: dict[str, Any]) -> None:
    store.put(key, json.dumps(body, indent=1).encode("utf-8"))


def _merge(
    store: ObjectStore,
    kind: OutputKind,
    partition: str,
    inputs: list[str],
    sizes: dict[str, int],
    target_bytes: int,
    now: Clock,
) -> Merge:
    folder = kind.folder
    cid = compaction_id(inputs, target_bytes)
    merge = Merge(cid, inputs, [], sum(sizes[k] for k in inputs))
    started = Started(cid, folder, partition, now(), uuid.uuid4().hex[:8])
    _put_json(store, started.key, started.to_dict())
    try:
        schema = arrow_schema(kind.schema)
        table = pa.concat_tables(
            [_conform(pq.read_table(io.BytesIO(store.get(k))), schema) for k in inputs]
        )
    except _Unmergeable as exc:
        store.delete(started.key)
        merge.status = f"skipped: {exc}"
        return merge
    merge.rows_in = table.num_rows
    merged = table.take(pa.array(keep_order(_identities(table, kind)), type=pa.int64()))
    merge.rows_out = merged.num_rows
    merge.bytes_out = 0
    offset = 0
    for n, count in enumerate(split_sizes(merged.num_rows, merge.bytes_in, target_bytes)):
        key = output_key(folder, partition, cid, n)
        data = table_to_parquet_bytes(merged.slice(offset, count))
        store.put(key, data)
        merge.outputs.append(key)
        merge.bytes_out += len(data)
        offset += count
    # A crashed earlier attempt of this same compaction may have left more outputs.
    for key in list_data(store, folder, partition):
        if output_id(key) == cid and key not in merge.outputs:
            store.delete(key)

    def abandon(status: str, keep_outputs: bool = False) -> Merge:
        if not keep_outputs:
            _delete(store, merge.outputs)
        store.delete(started.key)
        merge.status = status
        return merge

    # Last checks before the commit. The same merge committed meanwhile by another run wrote
    # the same bytes under the same names, which its commit makes visible: keep them. A merge
    # that committed one of our inputs first wins the race. A vacuum that judged this run dead
    # (it ran longer than the grace period) deleted our started record or outputs.
    commits, _ = read_records(store, folder, partition)
    if any(c.id == cid for c in commits):
        return abandon("raced", keep_outputs=True)
    if any(set(c.inputs) & set(inputs) for c in commits):
        return abandon("raced")
    if not store.exists(started.key) or not all(store.exists(k) for k in merge.outputs):
        return abandon("aborted")
    commit = Commit(
        cid, folder, partition, tuple(inputs), tuple(merge.outputs), merged.num_rows, now()
    )
    _put_json(store, commit_key(folder, partition, cid), commit.to_dict())  # the atomic step
    store.delete(started.key)
    merge.status = "committed"
    return merge


def _delete(store: ObjectStore, keys: Iterable[str]) -> None:
    for key in keys:
        store.delete(key)


def compact_partition(
    store: ObjectStore,
    folder: str,
    partition: str,
    target_bytes: int,
    grace_s: float,
    now: Clock,
    dry_run: bool = False,
) -> CompactionReport:
    """Merge the small visible files of `<folder>/<partition>/` and vacuum what is past the
    grace period. With `dry_run`, only plan: report what would be merged and deleted."""
    if folder not in COMPACTABLE:
        raise ValueError(f"not a compactable folder: {folder} (one of {', '.join(COMPACTABLE)})")
    kind = COMPACTABLE[folder]
    sizes = {
        k: size
        for k, size in store.sizes(_data_prefix(folder, partition)).items()
        if k.endswith(".parquet")
    }
    commits, _ = read_records(store, folder, partition)  # after the data: see list_visible
    visible = visible_files(sizes, commits)
    report = CompactionReport(folder, partition, dry_run, len(visible), len(visible))
    for group in plan_compaction({k: sizes[k] for k in visible}, target_bytes):
        if dry_run:  # the names it would write, counted from the input bytes
            cid, bytes_in = compaction_id(group, target_bytes), sum(sizes[k] for k in group)
            files = len(split_sizes(len(group), bytes_in, target_bytes))
            outputs = [output_key(folder, partition, cid, n) for n in range(files)]
            report.merges.append(Merge(cid, group, outputs, bytes_in))
        else:
            report.merges.append(_merge(store, kind, partition, group, sizes, target_bytes, now))

    # Vacuum from a fresh listing, so that it sees the commits just written (--grace 0).
    keys = list_data(store, folder, partition)
    commits, started = read_records(store, folder, partition)
    data, records = vacuum_plan(keys, commits, started, now(), grace_s)
    report.deleted, report.deleted_records = data, records
    if not dry_run:
        _delete(store, data)  # files before records: a record goes only after its files
        _delete(store, records)
    report.files_after = len(visible_files(set(keys) - set(data), commits))
    if dry_run:
        report.files_after -= sum(len(m.inputs) - len(m.outputs) for m in report.merges)
    return report
