"""Output layout: which folder, partition and file name a row goes to.

    <output>/articles/data/dt=YYYY-MM-DD/part-<shard>-<digest>.parquet  (ingest date)
    <output>/duplicates/data/dt=YYYY-MM-DD/...                           (detection date)
    <output>/dead_letter/data/dt=YYYY-MM-DD/...                          (failure date)
    <output>/fingerprints/data/part-<shard>-<digest>.parquet             (dedup fingerprint index)

Each folder is the data folder of an Iceberg table (`io.tables`): a file is part of the
output once a snapshot references it. Files hold one partition each (Iceberg's
`day(<field>)`), and their names derive from the identities of the rows they hold.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class OutputKind:
    folder: str
    schema: str
    identity: tuple[str, ...]
    partition_fields: tuple[str, ...]  # first non-null timestamp gives dt=; empty: no partition


ARTICLES = OutputKind("articles/data", "article", ("article_id",), ("ingested_at",))
DUPLICATES = OutputKind("duplicates/data", "duplicate", ("article_id", "source"), ("detected_at",))
DEAD_LETTERS = OutputKind(
    "dead_letter/data", "dead_letter", ("source", "step", "error_code"), ("failed_at",)
)
INDEX = OutputKind("fingerprints/data", "fingerprint_index", ("article_id",), ())
KINDS = {k.folder: k for k in (ARTICLES, DUPLICATES, DEAD_LETTERS, INDEX)}


def identity(row: dict[str, Any], kind: OutputKind) -> str:
    return identity_of(tuple(row.get(f) for f in kind.identity))


def identity_of(values: tuple[Any, ...]) -> str:
    """The identity of a row whose identity fields hold `values` (in `kind.identity` order)."""
    return "\x1f".join(str(v) for v in values)


def partition(row: dict[str, Any], kind: OutputKind) -> str:
    """Hive-style partition folder of a row ("dt=2024-09-26"), or "" when the kind has none."""
    for name in kind.partition_fields:
        value = row.get(name)
        if isinstance(value, datetime):
            return f"dt={value.date().isoformat()}"
    return ""


def shard(row: dict[str, Any], kind: OutputKind, shards: int) -> int:
    if shards <= 1:
        return 0
    # crc32, not hash(): Python's str hash differs between worker processes.
    return zlib.crc32(identity(row, kind).encode("utf-8")) % shards


def file_key(
    kind: OutputKind, part: str, shard_no: int, identities: list[str], tag: str = ""
) -> str:
    """Key of the file holding rows with these identities (sorted inside)."""
    digest = hashlib.blake2b(
        "\n".join(sorted(identities)).encode("utf-8"), digest_size=10
    ).hexdigest()
    folder = f"{kind.folder}/{part}" if part else kind.folder
    tag = f"{tag}-" if tag else ""
    return f"{folder}/part-{tag}{shard_no:03d}-{digest}.parquet"
