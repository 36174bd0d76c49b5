"""Which Kafka records an output holds: offset ranges per topic-partition, as pure data.

Every record the job reads covers the half-open range [from, offset + 1), where `from` is the
position the reader held before it (the previous record's offset + 1, or where it started):
so gaps in a partition's offsets (compaction, transaction markers) are covered too. A commit
adds the ranges of the records whose rows it makes durable; merged, they say exactly which
records the tables hold, whatever order windows were committed in.

`StreamState` is what a streaming writer keeps in its tables' properties: its commit
sequence number, the id of its last commit, and the ranges. A restart resumes each partition
where its held range from the log's start ends and skips records inside later ranges.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Range = tuple[int, int]  # [start, end) of offsets


def add_range(ranges: Iterable[Range], start: int, end: int) -> list[Range]:
    """`ranges` with [start, end) added, sorted and merged (touching ranges join)."""
    if end <= start:
        return sorted(ranges)
    merged: list[Range] = []
    for lo, hi in sorted([*ranges, (start, end)]):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def covers(ranges: Iterable[Range], offset: int) -> bool:
    return any(lo <= offset < hi for lo, hi in ranges)


def resume_offset(ranges: list[Range], earliest: int) -> int:
    """Where a partition's reading resumes: the end of the held range that contains
    `earliest` (the log's first retained offset), else `earliest`. A range committed out of
    order, with records before it not held, does not move the resume point."""
    position = earliest
    for lo, hi in ranges:
        if lo <= position < hi:
            position = hi
    return position


Coverage = dict[int, list[Range]]  # partition -> merged ranges


def merge_coverage(
    base: Mapping[int, list[Range]], added: Iterable[tuple[int, int, int]]
) -> Coverage:
    """`base` plus (partition, start, end) ranges."""
    out: Coverage = {p: list(r) for p, r in base.items()}
    for partition, start, end in added:
        out[partition] = add_range(out.get(partition, []), start, end)
    return out


@dataclass(frozen=True)
class StreamState:
    """One streaming writer's progress on one topic, kept in each table's properties."""

    topic: str
    seq: int = 0  # commits made so far
    commit_id: str = ""  # the last commit's id ("" before the first)
    coverage: Coverage = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "topic": self.topic,
                "seq": self.seq,
                "commit_id": self.commit_id,
                "offsets": {
                    str(p): [list(r) for r in rs] for p, rs in sorted(self.coverage.items())
                },
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> StreamState:
        d = json.loads(text)
        return cls(
            topic=str(d["topic"]),
            seq=int(d["seq"]),
            commit_id=str(d["commit_id"]),
            coverage={int(p): [(int(a), int(b)) for a, b in rs] for p, rs in d["offsets"].items()},
        )

    def advanced(self, commit_id: str, added: Iterable[tuple[int, int, int]]) -> StreamState:
        return StreamState(
            self.topic, self.seq + 1, commit_id, merge_coverage(self.coverage, added)
        )

    def without(self, partitions: Iterable[int]) -> StreamState:
        """This state with `partitions` forgotten (their offsets were reset: topic re-created)."""
        drop = set(partitions)
        kept = {p: r for p, r in self.coverage.items() if p not in drop}
        return StreamState(self.topic, self.seq, self.commit_id, kept)

    def frontier(self) -> dict[int, int]:
        """{partition: offset below which every record is held} (the first range's end, when
        the first range starts at 0 or at the job's first position)."""
        return {p: rs[0][1] for p, rs in self.coverage.items() if rs}


def state_to_extend(held: StreamState, initial: StreamState, job_id: str) -> StreamState | None:
    """The state a job's next commit builds on: the tables' (`held`) when this job wrote it
    (its commit ids start with `job_id-`), the one it started from when the tables still hold
    that (with partitions found reset already forgotten), else None: another job committed
    since this one started."""
    if held.commit_id.startswith(f"{job_id}-"):
        return held
    if held.commit_id == initial.commit_id:
        return initial
    return None


def reset_partitions(coverage: Mapping[int, list[Range]], log_ends: Mapping[int, int]) -> list[int]:
    """Partitions whose log now ends below what the state holds: their offsets were reset
    (topic deleted and re-created), so the held ranges name other records. (A re-created
    partition that has already grown past the old end looks like the old one: Kafka's topic
    ids would tell them apart; kafka-python does not expose them.)"""
    return sorted(
        p
        for p, ranges in coverage.items()
        if ranges and p in log_ends and log_ends[p] < ranges[0][1]
    )
