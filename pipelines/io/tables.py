"""The output as Apache Iceberg tables (pyiceberg): articles, duplicates, dead_letter and the
dedup fingerprint index, each at `<output>/<table>`, committed together.

Schemas come from `schemas/*.avsc` (through `io.parquet.arrow_schema`); a new field in an
`.avsc` reaches the table through Iceberg's own schema evolution (`union_by_name`) when the
tables are next opened. Articles are partitioned by `day(ingested_at)`, duplicates by
`day(detected_at)`, dead letters by `day(failed_at)`; the index is not partitioned.

One commit, several tables. Iceberg commits one table at a time, so a commit runs as:
1. the data files are already written (by the workers, `io.sink`), under `<table>/data/`;
2. a pending record `<output>/_newswire/pending/<commit_id>.json` lists them, per table;
3. the primary table (articles) commits first, in one transaction: its files, the snapshot
   summary (`newswire.commit-id` and what the commit covers) and, for a streaming writer,
   its state (offsets) in the table property `newswire.stream.<group>`;
4. then every other table with files, each snapshot tagged with the same commit id;
5. the pending record is deleted.
The primary's snapshot decides: a crash after step 3 is rolled forward at the next start
(`recover`: the files of the pending record are added to the tables that lack that commit);
a crash before it leaves files no snapshot references (orphans: `remove_orphans`).

A streaming writer's commit asserts that the table's state for its group is the one it last
wrote: a second job on the same group and output fails there, before it commits anything.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pipelines.config import CatalogConfig, S3Config
from pipelines.core.offsets import StreamState
from pipelines.io.objectstore import ObjectStore, open_store
from pipelines.io.parquet import arrow_schema
from pipelines.io.probes import CatalogConflict

log = logging.getLogger("newswire.tables")
T = TypeVar("T")

PRIMARY = "articles"


@dataclass(frozen=True)
class TableSpec:
    name: str
    schema: str  # schemas/<schema>.avsc
    partition_source: str | None  # day(<field>) partitioning, or none


SPECS = (
    TableSpec("articles", "article", "ingested_at"),
    TableSpec("duplicates", "duplicate", "detected_at"),
    TableSpec("dead_letter", "dead_letter", "failed_at"),
    TableSpec("fingerprints", "fingerprint_index", None),
)
TABLE_NAMES = tuple(s.name for s in SPECS)
PENDING = "_newswire/pending/"
COMMIT_ID = "newswire.commit-id"
COMMIT_RETRIES = 20


def _summary_values(table: Any, key: str) -> set[str]:
    """The values of snapshot summary `key` over `table`'s (unexpired) snapshots."""
    return {
        str(s.summary.get(key))
        for s in table.metadata.snapshots
        if s.summary is not None and s.summary.get(key) is not None
    }


def _without_retries(table: Any) -> Any:
    """`table` whose transactions do not retry on a conflict by themselves (pyiceberg 0.12
    re-applies a failed append on the new snapshot, dropping the snapshot assertion, which
    would write a stale stream state): our commit loop retries, after re-reading the state.
    Only this process's view changes; the table's own properties stay as they are."""
    from pyiceberg.table import Table

    props = {**table.metadata.properties, "commit.retry.num-retries": "0"}
    metadata = table.metadata.model_copy(update={"properties": props})
    return Table(table.name(), metadata, table.metadata_location, table.io, table.catalog)


def _same_snapshot(table: Any) -> Any:
    from pyiceberg.table.update import AssertRefSnapshotId

    return AssertRefSnapshotId(**{"ref": "main", "snapshot-id": table.metadata.current_snapshot_id})


class CommitConflict(RuntimeError):
    """Another writer committed this group's state since this one last did."""


def namespace_for(output_uri: str, configured: str = "") -> str:
    """The catalog namespace of an output: configured, else its last path segment."""
    if configured:
        return configured
    last = output_uri.rstrip("/").rsplit("/", 1)[-1] or "newswire"
    name = re.sub(r"[^0-9A-Za-z_]", "_", last).lower()
    return name if name[:1].isalpha() else f"n_{name}"


def state_key(group: str) -> str:
    return f"newswire.stream.{group}"


def _location(output_uri: str) -> str:
    """The output root as an Iceberg location (local folders as file:// URIs)."""
    root = output_uri.rstrip("/")
    if "://" in root:
        return root
    return Path(root).resolve().as_uri()


def catalog_properties(catalog: CatalogConfig, s3: S3Config, output_uri: str) -> dict[str, str]:
    props: dict[str, str] = {"s3.region": s3.region}
    if s3.endpoint_url:
        props["s3.endpoint"] = s3.endpoint_url
        props["s3.path-style-access"] = "true"
    credentials = s3.credentials()
    if credentials:
        props["s3.access-key-id"], props["s3.secret-access-key"] = credentials
    if not catalog.name:
        props["uri"] = catalog.uri
        props["warehouse"] = _location(output_uri)
    return props


def open_catalog(catalog: CatalogConfig, s3: S3Config, output_uri: str) -> Any:
    """The configured pyiceberg catalog (see CatalogConfig)."""
    props = catalog_properties(catalog, s3, output_uri)
    if catalog.name:
        from pyiceberg.catalog import load_catalog

        return load_catalog(catalog.name, **props)
    from pyiceberg.catalog.sql import SqlCatalog

    if catalog.uri.startswith("sqlite:///"):
        Path(catalog.uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return SqlCatalog("newswire", **props)


class Tables:
    """The output's tables in one catalog; owns the catalog client (close() when done)."""

    def __init__(
        self,
        output_uri: str,
        catalog: CatalogConfig,
        s3: S3Config,
        create: bool = True,
        retry_for_s: float | None = None,
    ) -> None:
        self.retry_for_s = s3.retry_for_s if retry_for_s is None else retry_for_s
        self.output_uri = output_uri.rstrip("/")
        self.location = _location(self.output_uri)
        self.namespace = namespace_for(self.output_uri, catalog.namespace)
        self.catalog = open_catalog(catalog, s3, self.output_uri)
        self.store: ObjectStore = open_store(self.output_uri, s3)
        self._tables: dict[str, Any] = {}
        if create:
            self.ensure()

    def close(self) -> None:
        self.store.close()
        engine = getattr(self.catalog, "engine", None)
        if engine is not None:
            engine.dispose()

    def identifier(self, name: str) -> str:
        return f"{self.namespace}.{name}"

    def ensure(self) -> None:
        """Create missing tables; evolve existing ones to the current `.avsc` schemas. Safe
        when several processes start at once (a lost race is looked at again)."""
        from pyiceberg.exceptions import CommitFailedException, NamespaceAlreadyExistsError

        with contextlib.suppress(NamespaceAlreadyExistsError):
            self.catalog.create_namespace(self.namespace)
        for spec in SPECS:
            for attempt in range(COMMIT_RETRIES):
                try:
                    self._tables[spec.name] = self._retrying(partial(self._ensure_table, spec))
                    break
                except CommitFailedException:
                    if attempt == COMMIT_RETRIES - 1:
                        raise
                    time.sleep(min(0.05 * 2**attempt, 1.0))

    def _ensure_table(self, spec: TableSpec) -> Any:
        from pyiceberg.exceptions import NoSuchTableError
        from pyiceberg.transforms import DayTransform

        schema = arrow_schema(spec.schema)
        ident = self.identifier(spec.name)
        location = f"{self.location}/{spec.name}"
        try:
            table = self.catalog.load_table(ident)
        except NoSuchTableError:
            table = self._create(ident, schema, location, spec)
        except FileNotFoundError as exc:
            # Not an outage (that raises other OSErrors, retried): the store answers a listing
            # and the metadata file the catalog names is gone.
            remaining = next(iter(self.store.list(f"{spec.name}/metadata/")), None)
            raise CatalogConflict(
                f"table {ident} in the catalog names a metadata file that no longer exists "
                f"({exc.filename or exc}); its files under {location} were deleted "
                f"{'in part ' if remaining else ''}outside the catalog. Restore them, or start "
                "this output afresh under a new NEWSWIRE_CATALOG_NAMESPACE"
            ) from exc
        if table.location().rstrip("/") != location:
            raise CatalogConflict(
                f"table {ident} lives at {table.location()}, not {location}: another output "
                "uses this namespace (set NEWSWIRE_CATALOG_NAMESPACE)"
            )
        known = {f.name for f in table.schema().fields}
        if any(f.name not in known for f in schema):
            with table.update_schema() as update:
                update.union_by_name(schema)
            table = self.catalog.load_table(ident)
        if spec.partition_source and not table.spec().fields:
            with table.update_spec() as update:
                update.add_field(spec.partition_source, DayTransform(), "dt")
            table = self.catalog.load_table(ident)
        return table

    def _create(self, ident: str, schema: Any, location: str, spec: TableSpec) -> Any:
        from pyiceberg.exceptions import TableAlreadyExistsError

        try:
            return self.catalog.create_table(
                ident,
                schema=schema,
                location=location,
                properties={"write.parquet.compression-codec": "zstd", "format-version": "2"},
            )
        except TableAlreadyExistsError:  # another process made it meanwhile
            return self.catalog.load_table(ident)

    def table(self, name: str, refresh: bool = False) -> Any:
        if refresh or name not in self._tables:
            ident = self.identifier(name)
            self._tables[name] = self._retrying(lambda: self.catalog.load_table(ident))
        return self._tables[name]

    def _retrying(self, call: Callable[[], T]) -> T:
        """`call()`, retried through a storage outage (pyarrow raises OSError) for up to
        `retry_for_s`: a commit or a restart waits for the store rather than failing."""
        deadline, delay = time.monotonic() + self.retry_for_s, 0.5
        while True:
            try:
                return call()
            except OSError as exc:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("object store unavailable (%s): retrying in %.1fs", exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

    def metadata_location(self, name: str) -> str:
        return str(self.table(name, refresh=True).metadata_location)

    def data_files(self, name: str) -> list[str]:
        """Paths of the data files of `name`'s current snapshot (what readers see)."""
        table = self.table(name, refresh=True)
        if table.current_snapshot() is None:
            return []
        return self._retrying(lambda: [t.file.file_path for t in table.scan().plan_files()])

    # --- streaming state ------------------------------------------------------------------

    def stream_state(self, group: str, topic: str) -> StreamState:
        """The state a streaming writer of `group` last committed (empty before the first)."""
        raw = self.table(PRIMARY, refresh=True).properties.get(state_key(group))
        if not raw:
            return StreamState(topic)
        state = StreamState.from_json(raw)
        if state.topic != topic:
            raise CommitConflict(
                f"consumer group {group!r} wrote this output from topic {state.topic!r}, not "
                f"{topic!r}: use another --group"
            )
        return state

    # --- commits --------------------------------------------------------------------------

    def commit(
        self,
        files: Mapping[str, Iterable[str]],
        summary: Mapping[str, str] | None = None,
        stream: tuple[str, StreamState, str] | None = None,
        commit_id: str | None = None,
    ) -> str:
        """Commit data files (paths relative to the output, per table) as one commit.

        `stream`: (group, new state, the commit id this writer last committed): the state is
        written in the primary's transaction only if the table still holds that commit id.
        Returns the commit id.
        """
        cid = commit_id or (stream[1].commit_id if stream else uuid.uuid4().hex)
        paths = {name: [self._path(f) for f in fs] for name, fs in files.items()}
        props = dict(summary or {})
        pending = {"commit_id": cid, "files": {n: ps for n, ps in paths.items() if ps}}
        pending["summary"] = props
        self.store.put(f"{PENDING}{cid}.json", json.dumps(pending).encode())
        self._commit_table(PRIMARY, paths.get(PRIMARY, []), cid, props, stream)
        self._finish(pending)
        return cid

    def recover(self, stale_after: timedelta = timedelta(hours=1)) -> list[str]:
        """Roll forward commits that reached the primary table but not every other table
        (idempotent, so safe beside a live writer), and drop pending records older than
        `stale_after` of commits that never reached it (a younger one may belong to a writer
        still committing). Returns the commit ids rolled forward."""
        done: list[str] = []
        pending_keys = {
            k: t for k, t in self.store.modified(PENDING).items() if k.endswith(".json")
        }
        if not pending_keys:
            return done
        committed = self.commit_ids(PRIMARY)
        now = datetime.now(UTC)
        for key, modified in pending_keys.items():
            try:
                pending = json.loads(self.store.get(key))
            except Exception:
                if not self.store.exists(key):
                    continue  # finished by its writer meanwhile
                raise
            if pending["commit_id"] in committed:
                log.warning("rolling forward commit %s to every table", pending["commit_id"])
                self._finish(pending)
                done.append(pending["commit_id"])
            elif now - modified > stale_after:
                self.store.delete(key)  # its files are orphans: remove_orphans() takes them
        return done

    def commit_ids(self, name: str) -> set[str]:
        return _summary_values(self.table(name, refresh=True), COMMIT_ID)

    def has_summary(self, name: str, key: str, value: str) -> bool:
        """Whether a snapshot of `name` (not expired) carries summary `key` = `value`."""
        return value in _summary_values(self.table(name, refresh=True), key)

    def _finish(self, pending: Mapping[str, Any]) -> None:
        cid = pending["commit_id"]
        for name in TABLE_NAMES:
            files = pending["files"].get(name, [])
            if name == PRIMARY or not files:
                continue
            # (a table that has this commit already is left as it is by _commit_table)
            self._commit_table(name, files, cid, pending["summary"], None)
        self.store.delete(f"{PENDING}{cid}.json")

    def _path(self, key: str) -> str:
        return key if "://" in key else f"{self.location}/{key.lstrip('/')}"

    def _commit_table(
        self,
        name: str,
        paths: list[str],
        cid: str,
        summary: Mapping[str, str],
        stream: tuple[str, StreamState, str] | None,
    ) -> None:
        from pyiceberg.exceptions import CommitFailedException

        props = {**summary, COMMIT_ID: cid}
        for attempt in range(COMMIT_RETRIES):
            table = self.table(name, refresh=True)
            if cid in _summary_values(table, COMMIT_ID):
                return  # in already: a retry after a failure that came after the commit
            if stream is not None:
                group, _, expected = stream
                raw = table.properties.get(state_key(group))
                held = StreamState.from_json(raw).commit_id if raw else ""
                if held != expected:
                    raise CommitConflict(
                        f"another job committed consumer group {group!r} to {self.output_uri} "
                        f"(commit {held or 'none'}, this job expected {expected or 'none'}): "
                        "two jobs on one topic and output; stop one of them"
                    )

            def attempt_commit(table: Any = table) -> None:
                with _without_retries(table).transaction() as tx:
                    if stream is not None:
                        # Appends alone commute in Iceberg (pyiceberg asserts nothing for
                        # them and rebases them on a conflict), but the state must be written
                        # over the snapshot it was read from: any commit since makes this one
                        # fail, and this loop looks again.
                        tx._stage((), (_same_snapshot(table),))
                        tx.set_properties({state_key(stream[0]): stream[1].to_json()})
                    if paths:
                        tx.add_files(paths, snapshot_properties=props)
                    else:
                        with tx.update_snapshot(snapshot_properties=props).fast_append():
                            pass

            try:
                self._retrying(attempt_commit)
                self._tables.pop(name, None)
                return
            except CommitFailedException:
                # Another writer (compaction, a backfill) moved the table: look again.
                self._tables.pop(name, None)
                time.sleep(min(0.05 * 2**attempt, 2.0))
        raise RuntimeError(f"could not commit {name} after {COMMIT_RETRIES} attempts")

    # --- maintenance ----------------------------------------------------------------------

    def referenced_files(self, name: str) -> set[str]:
        """Every file that a snapshot of `name` still references (data, manifests, lists).

        A data file counts while a snapshot holds it live: a manifest's DELETED entry only
        records that its snapshot removed the file (a compaction's replaced inputs), and once
        the snapshots that held it live have expired the file is unreferenced."""
        table = self.table(name, refresh=True)
        io = table.io
        out: set[str] = set()
        for snapshot in table.metadata.snapshots:
            out.add(snapshot.manifest_list)
            for manifest in snapshot.manifests(io):
                out.add(manifest.manifest_path)
                for entry in manifest.fetch_manifest_entry(io, discard_deleted=True):
                    out.add(entry.data_file.file_path)
        return out

    def remove_orphans(self, older_than: timedelta, now: datetime | None = None) -> list[str]:
        """Delete data files under each table's `data/` that no snapshot references and that
        are older than `older_than` (a running writer's files are younger), unless a pending
        commit lists them. Returns the keys deleted."""
        now = now or datetime.now(UTC)
        pending: set[str] = set()
        for key in self.store.list(PENDING):
            for files in json.loads(self.store.get(key))["files"].values():
                pending.update(files)
        deleted: list[str] = []
        for name in TABLE_NAMES:
            referenced = self.referenced_files(name)
            for key, modified in self._listed(f"{name}/data/"):
                path = self._path(key)
                if path in referenced or path in pending or now - modified < older_than:
                    continue
                self.store.delete(key)
                deleted.append(key)
        return deleted

    def _listed(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        yield from self.store.modified(prefix).items()

    def expire_snapshots(self, older_than: timedelta, keep_last: int = 1) -> int:
        """Expire snapshots older than `older_than`, keeping each table's last `keep_last`."""
        cutoff_ms = int((datetime.now(UTC) - older_than).timestamp() * 1000)
        expired = 0
        for name in TABLE_NAMES:
            table = self.table(name, refresh=True)
            snapshots = sorted(table.metadata.snapshots, key=lambda s: s.timestamp_ms)
            keep = {s.snapshot_id for s in snapshots[-keep_last:]}
            current = table.current_snapshot()
            if current is not None:
                keep.add(current.snapshot_id)
            old = [
                s.snapshot_id
                for s in snapshots
                if s.timestamp_ms < cutoff_ms and s.snapshot_id not in keep
            ]
            if old:
                table.maintenance.expire_snapshots().by_ids(old).commit()
                self._tables.pop(name, None)
                expired += len(old)
        return expired
