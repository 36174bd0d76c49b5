"""Small-file compaction of an output partition: the commit protocol as pure functions.

The streaming job writes one small file per window and pane. `newswire compact` merges the
small files of a partition into a few large ones. S3 cannot rename several objects at once,
so a compaction is made visible by ONE object, its commit record:

    <output>/_compactions/<folder>/dt=DATE/<id>.<run>.started.json  1. a run begins
    <output>/<folder>/dt=DATE/part-c<id>-<n>.parquet                2. outputs (invisible)
    <output>/_compactions/<folder>/dt=DATE/<id>.json                3. commit: the atomic step

`id` is a hash of the sorted input keys (and target size), so re-running a crashed compaction
rewrites the same names. Readers decide what a partition holds with `visible_files` (the rule
is spelled out there); inputs are deleted only after a grace period (`vacuum_plan`), so a
reader that listed the old set can still read it. No I/O here: see `pipelines.io.compaction`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

COMPACTIONS_FOLDER = "_compactions"
_OUTPUT_NAME = re.compile(r"^part-c([0-9a-f]{16})-(\d+)\.parquet$")
_STARTED_SUFFIX = ".started.json"


@dataclass(frozen=True)
class Commit:
    """A committed compaction: `inputs` were merged into `outputs` (keys relative to the root)."""

    id: str
    folder: str
    partition: str  # "dt=YYYY-MM-DD"
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    rows: int
    committed_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "folder": self.folder,
            "partition": self.partition,
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "rows": self.rows,
            "committed_at": self.committed_at.astimezone(UTC).isoformat(),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Commit:
        return cls(
            id=str(d["id"]),
            folder=str(d["folder"]),
            partition=str(d["partition"]),
            inputs=tuple(str(k) for k in d["inputs"]),
            outputs=tuple(str(k) for k in d["outputs"]),
            rows=int(d["rows"]),
            committed_at=_when(d["committed_at"]),
        )


@dataclass(frozen=True)
class Started:
    """A run of compaction `id` that began writing outputs (`<id>.<run>.started.json`); dead
    when old and never committed. Each run has its own record: two runs of the same merge
    (same id, same names) must not delete each other's."""

    id: str
    folder: str
    partition: str
    started_at: datetime
    run: str

    @property
    def key(self) -> str:
        return started_key(self.folder, self.partition, self.id, self.run)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "folder": self.folder,
            "partition": self.partition,
            "started_at": self.started_at.astimezone(UTC).isoformat(),
            "run": self.run,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Started:
        return cls(
            str(d["id"]),
            str(d["folder"]),
            str(d["partition"]),
            _when(d["started_at"]),
            str(d["run"]),
        )


def _when(value: Any) -> datetime:
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def compaction_id(inputs: Iterable[str], target_bytes: int = 0) -> str:
    """16 hex digits derived from the sorted input keys and the target size: a re-run of the
    same merge writes the same names. The target is in it because it decides how the rows are
    split: two runs that split differently must not write over each other's files."""
    joined = "\n".join([*sorted(inputs), f"target={target_bytes}"]).encode("utf-8")
    return hashlib.blake2b(joined, digest_size=8).hexdigest()


def _data_folder(folder: str, partition: str) -> str:
    return f"{folder}/{partition}" if partition else folder


def output_key(folder: str, partition: str, cid: str, n: int) -> str:
    return f"{_data_folder(folder, partition)}/part-c{cid}-{n:03d}.parquet"


def records_prefix(folder: str, partition: str = "") -> str:
    """Where the commit records of a folder (or of one of its partitions) are."""
    return f"{COMPACTIONS_FOLDER}/{_data_folder(folder, partition)}/"


def commit_key(folder: str, partition: str, cid: str) -> str:
    return f"{records_prefix(folder, partition)}{cid}.json"


def started_key(folder: str, partition: str, cid: str, run: str) -> str:
    return f"{records_prefix(folder, partition)}{cid}.{run}{_STARTED_SUFFIX}"


def record_kind(key: str) -> str | None:
    """What a key under `_compactions/` is: "commit", "started" or None."""
    if key.endswith(_STARTED_SUFFIX):
        return "started"
    if key.endswith(".json"):
        return "commit"
    return None


def output_id(key: str) -> str | None:
    """The compaction id when `key` names a compaction output, else None."""
    match = _OUTPUT_NAME.match(key.rsplit("/", 1)[-1])
    return match.group(1) if match else None


@dataclass(frozen=True)
class View:
    """What a partition holds after applying the commit records in order."""

    visible: tuple[str, ...]  # sorted data keys a reader should read
    valid: tuple[Commit, ...]  # commits that count, in the order applied
    invalid: tuple[Commit, ...]  # commits that lost a race (their outputs stay invisible)


def apply_commits(keys: Iterable[str], commits: Iterable[Commit]) -> View:
    """The visibility rule.

    - A file named like a compaction output is visible only when it is an output of a valid
      commit: outputs of a compaction in progress (or crashed before committing) are not.
    - Commits are applied in (committed_at, id) order. A commit is valid only when each of its
      inputs is still available at that point: not consumed by an earlier valid commit, and,
      if it is itself a compaction output, produced by an earlier valid commit. Of two racing
      compactions over overlapping inputs only the first counts.
    - Inputs of a valid commit are invisible from then on, even when a replayed streaming
      window writes a file of the same name again.

    Validity does not look at whether an input is still listed: inputs are deleted after the
    grace period, and a commit must stay valid after that. (The order uses the compactors'
    clocks; a compactor checks for overlapping commits just before its own, so only commits
    landing within milliseconds of each other race, and clocks need only agree to well within
    the grace period for the order to be settled before any input is deleted.)
    """
    listed = set(keys)
    consumed: set[str] = set()
    produced: set[str] = set()
    valid: list[Commit] = []
    invalid: list[Commit] = []
    for commit in sorted(commits, key=lambda c: (c.committed_at, c.id)):
        available = all(
            k not in consumed and (output_id(k) is None or k in produced) for k in commit.inputs
        )
        # Outputs are ours alone: a commit naming outputs of another id is not one of ours.
        own = all(output_id(k) == commit.id for k in commit.outputs)
        if available and own and commit.inputs:
            consumed.update(commit.inputs)
            produced.update(commit.outputs)
            valid.append(commit)
        else:
            invalid.append(commit)
    visible = sorted(
        k for k in listed if k not in consumed and (output_id(k) is None or k in produced)
    )
    return View(tuple(visible), tuple(valid), tuple(invalid))


def visible_files(keys: Iterable[str], commits: Iterable[Commit]) -> list[str]:
    """The data keys a reader should read, sorted (see `apply_commits` for the rule)."""
    return list(apply_commits(keys, commits).visible)


def plan_compaction(sizes: Mapping[str, int], target_bytes: int) -> list[list[str]]:
    """Groups of visible files to merge, each group becoming one compaction.

    Only files smaller than half the target are merged (bigger ones are done). Small files are
    taken in key order and grouped up to about `target_bytes` each, which also bounds the
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
    in input-key order), sorted by identity. A replayed window may have put the same row into
    two files; a compaction must never multiply it."""
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


def vacuum_plan(
    keys: Iterable[str],
    commits: Iterable[Commit],
    started: Iterable[Started],
    now: datetime,
    grace_s: float,
) -> tuple[list[str], list[str]]:
    """(data keys, record keys) to delete, given a listing of a partition and its records.

    Deleted:
    - inputs of valid commits at least `grace_s` old, while still listed (a replayed window may
      write one again: it is invisible and goes too);
    - outputs of commits that lost a race, and then those commit records, once `grace_s` old;
    - outputs of compactions that never committed, once all their started records are
      `grace_s` old, and then those records; started records of committed compactions.
    Outputs with neither a commit nor a started record are left alone: a listing cannot prove
    such a compaction dead. Delete the data keys first: a record goes only after its files.
    """
    listed = set(keys)
    view = apply_commits(listed, commits)
    visible = set(view.visible)

    def old(when: datetime) -> bool:
        return (now - when).total_seconds() >= grace_s

    data: set[str] = set()
    records: set[str] = set()
    for commit in view.valid:
        if old(commit.committed_at):
            data.update(k for k in commit.inputs if k in listed)
    for commit in view.invalid:
        if old(commit.committed_at):
            data.update(k for k in commit.outputs if k in listed)
            records.add(commit_key(commit.folder, commit.partition, commit.id))
    committed = {c.id for c in (*view.valid, *view.invalid)}
    runs: dict[str, list[Started]] = {}
    for record in started:
        runs.setdefault(record.id, []).append(record)
    for cid, records_of_id in runs.items():
        if cid in committed:
            records.update(r.key for r in records_of_id)
        elif all(old(r.started_at) for r in records_of_id):  # no run of it may be alive
            data.update(k for k in listed if output_id(k) == cid)
            records.update(r.key for r in records_of_id)
    return sorted(data - visible), sorted(records)  # never delete what a reader should read
