"""How `newswire backfill` splits a large input into runs: consecutive files, at most
`max_files` of them and at most `max_bytes` of input per run.

The DirectRunner holds a run's data in memory, so a run's peak grows with what it reads.
Counting files alone does not bound that: a JSON-lines feed or a WARC holds hundreds of
articles, and listed in order such files sit together (`feeds/` before `html/`), so one run
of 2,000 files could hold most of a large input. Bytes bound it, whatever the files hold.
"""

from __future__ import annotations

from collections.abc import Sequence


def split_runs(sizes: Sequence[int], max_files: int, max_bytes: int) -> list[range]:
    """Index ranges of consecutive files, in order, each within both limits (0: no limit of
    that kind); a file larger than `max_bytes` is a run of its own. No files, no runs."""
    runs: list[range] = []
    start, total = 0, 0
    for i, size in enumerate(sizes):
        count = i - start
        full = (max_files > 0 and count >= max_files) or (
            max_bytes > 0 and count > 0 and total + size > max_bytes
        )
        if full:
            runs.append(range(start, i))
            start, total = i, 0
        total += size
    if start < len(sizes):
        runs.append(range(start, len(sizes)))
    return runs
