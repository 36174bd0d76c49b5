"""Transitional: the Parquet keys of an output folder, for readers not yet on Iceberg.

The `_compactions/` commit-record protocol is gone: `newswire compact` now replaces small files
inside the Iceberg tables (`pipelines.io.tables`), in one snapshot. This module keeps only
`list_visible` for the readers that still list folders (inspect, replay-dead-letters, the
streaming restart admission) until they read the tables. It lists files, not a snapshot: a
compaction's replaced inputs stay listed until their snapshots expire and `remove_orphans`
deletes them (`newswire compact --expire-older-than ... --remove-orphans-older-than ...`), so
such a reader can see their rows twice meanwhile. Read `Tables.data_files` instead.
"""

from __future__ import annotations

from pipelines.io.objectstore import ObjectStore


def list_visible(store: ObjectStore, folder: str, partition: str = "") -> list[str]:
    """The Parquet keys under `<folder>/` (or one partition "dt=..."), sorted."""
    prefix = f"{folder}/{partition}/" if partition else f"{folder}/"
    return sorted(k for k in store.list(prefix) if k.endswith(".parquet"))
