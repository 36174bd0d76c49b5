"""Measures 1 and 5: the whole batch pipeline beside a naive loop, and how it scales.

Every run is a child process on the same folder of generated HTML pages, timed from start to
exit (interpreter start, imports and model loading included, as a user waits for them), with
the peak RSS of its whole process tree (DirectRunner workers included) sampled every 0.1 s:

- ours: ``python -m pipelines.cli backfill --input PAGES --output s3://... --cpu-workers 2``
  (DirectRunner in one process, cleaning and enrichment in 2 worker processes), full clean +
  dedup + enrich + validate + Parquet on S3;
- naive: ``python -m benchmarks.perf.naive`` (one process, the same libraries);
- scaling: the backfill again on subsets: peak memory at two sizes (1 vs 10 slices), and
  with no worker processes (everything in one process). The DirectRunner's own
  multi-processing (``--workers 2``) was compared in earlier sessions (benchmarks/README.md).

Articles/s counts input pages (the same files for every run), so ratios are time ratios.
Each command runs `Size.runs` times (3, alternating ours and the naive loop), except the
memory row's larger size: `Size.memory_runs` times (3 at the small size; once at medium and
large, where one 20,000-page backfill takes ~7 minutes). Every figure is the median over
its runs (`common.median_run`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.perf.common import (
    PYTHON,
    ProcessRun,
    Row,
    Size,
    Target,
    child_env,
    delete_prefix,
    finish_row,
    log,
    median_run,
    rate,
    run_monitored,
    s3_uri,
    subset,
)

_SUMMARY_ROW = re.compile(r"^[│|]\s*([a-z][a-z ]+?)\s*[│|]\s*([\d.]+)\s*[│|]\s*$")


def parse_summary(text: str) -> dict[str, float]:
    """The counts of the table `newswire backfill` prints at the end ("written" -> 595)."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        m = _SUMMARY_ROW.match(line.strip())
        if m:
            out[m.group(1).strip()] = float(m.group(2))
    return out


# Process layouts compared: ours (one DirectRunner process + 2 CPU workers), everything in one
# process, and the DirectRunner's multi-processing mode (2 SDK worker processes).
OURS = ("--cpu-workers", "2")
ONE_PROCESS = ("--cpu-workers", "0")


def backfill(
    config: Any, pages: Path, work: Path, name: str, flags: tuple[str, ...], timeout_s: float
) -> tuple[ProcessRun, dict[str, float]]:
    """One backfill of `pages` into a fresh prefix (removed afterwards)."""
    output = s3_uri(config, work.name, name)
    cmd = [
        PYTHON, "-m", "pipelines.cli", "backfill", "--input", str(pages), "--output", output,
        *flags,
    ]  # fmt: skip
    log(f"{name}: backfill {' '.join(flags)} on {pages}")
    try:
        run = run_monitored(cmd, work / f"{name}.log", child_env(work / "tmp"), timeout_s)
    finally:
        delete_prefix(config, output)
    return run, parse_summary(run.tail(6000))


def naive(config: Any, pages: Path, work: Path, timeout_s: float) -> ProcessRun:
    output = s3_uri(config, work.name, "naive")
    cmd = [
        PYTHON, "-m", "benchmarks.perf.naive", "--input", str(pages), "--output", output,
        "--threshold", str(config.near_duplicate_threshold), "--spacy-model", config.spacy_model,
    ]  # fmt: skip
    log(f"naive: one-process loop on {pages}")
    try:
        return run_monitored(cmd, work / "naive.log", child_env(work / "tmp"), timeout_s)
    finally:
        delete_prefix(config, output)


def repeated_backfill(
    config: Any,
    pages: Path,
    work: Path,
    name: str,
    flags: tuple[str, ...],
    timeout_s: float,
    runs: int,
) -> tuple[ProcessRun, dict[str, float]]:
    """`runs` backfills of the same pages: their medians, and the summary of the first."""
    done = [backfill(config, pages, work, f"{name}-{i}", flags, timeout_s) for i in range(runs)]
    return median_run([r for r, _ in done]), done[0][1]


def _run_detail(run: ProcessRun, pages: int, summary: dict[str, float] | None = None) -> dict:
    d: dict[str, Any] = {
        "pages": pages,
        "runs": run.repeats,
        "seconds": round(run.seconds, 2),
        "peak_rss_mb": round(run.peak_rss_mb, 1),
        "processes": run.peak_processes,
        "cpu_seconds": round(run.cpu_seconds, 2),
        "cpu_ms_per_article": round(1000 * run.cpu_seconds / pages, 1) if pages else None,
    }
    if summary:
        d["summary"] = summary
    return d


def _pages(pages_dir: Path, pages: int, work: Path, n: int) -> Path:
    """A folder of the first `n` pages (all of them: `pages_dir` itself)."""
    if n >= pages:
        return pages_dir
    folder = work / f"pages-{n}"
    if not folder.exists():
        subset(pages_dir, folder, n)
    return folder


def _timeout(all_pages: int) -> float:
    return max(600.0, all_pages * 1.0)  # generous: ~1 s per page is 20x slower than expected


def _backfills(
    config: Any,
    pages_dir: Path,
    all_pages: int,
    work: Path,
    prefix: str,
    done: dict[tuple[int, tuple[str, ...]], ProcessRun],
    runs: int,
) -> Callable[[int, tuple[str, ...]], ProcessRun]:
    """get(n, flags): the median run of `runs` backfills of the first n pages with `flags`,
    each (n, flags) run once (`done` holds runs made already)."""

    def get(n: int, flags: tuple[str, ...]) -> ProcessRun:
        if (n, flags) not in done:
            name = f"{prefix}-{n}-{'-'.join(f.strip('-') for f in flags)}"
            folder = _pages(pages_dir, all_pages, work, n)
            done[(n, flags)] = repeated_backfill(
                config, folder, work, name, flags, _timeout(all_pages), runs
            )[0]
        return done[(n, flags)]

    return get


def run(size: Size, config: Any, pages_dir: Path, all_pages: int, work: Path) -> list[Row]:
    timeout = _timeout(all_pages)
    pages = min(size.batch_pages or all_pages, all_pages)
    folder = _pages(pages_dir, all_pages, work, pages)
    ours_runs: list[tuple[ProcessRun, dict[str, float]]] = []
    base_runs: list[ProcessRun] = []
    for i in range(size.runs):  # alternating, so a disturbed stretch hits both
        ours_runs.append(backfill(config, folder, work, f"backfill-ours-{i}", OURS, timeout))
        base_runs.append(naive(config, folder, work, timeout))
    ours, ours_summary = median_run([r for r, _ in ours_runs]), ours_runs[0][1]
    base = median_run(base_runs)
    rows = [
        finish_row(
            Row(
                measure="1 batch",
                what="whole pipeline: HTML -> Parquet on S3",
                unit="articles/s",
                ours=rate(pages, ours.seconds),
                baseline=rate(pages, base.seconds),
                ours_label="backfill --cpu-workers 2",
                baseline_label="naive loop (1 process)",
                target=Target(">=", 1.5),
                note=(
                    f"{pages} pages, median of {size.runs} runs each; CPU per article ours "
                    f"{1000 * ours.cpu_seconds / pages:.0f} ms, naive "
                    f"{1000 * base.cpu_seconds / pages:.0f} ms"
                ),
                detail={
                    "ours": _run_detail(ours, pages, ours_summary),
                    "naive": _run_detail(base, pages),
                },
            )
        ),
        finish_row(
            Row(
                measure="1 batch",
                what="whole pipeline: peak memory",
                unit="MB",
                ours=ours.peak_rss_mb,
                baseline=base.peak_rss_mb,
                ours_label=f"backfill --cpu-workers 2 ({ours.peak_processes} processes)",
                baseline_label="naive loop",
                note=(
                    f"RSS summed over the process tree, median of {size.runs} runs each (no "
                    "target in the issue)"
                ),
            )
        ),
    ]

    # Measure 5: 1 vs 2 worker processes (the batch row's own runs reused).
    get = _backfills(
        config, pages_dir, all_pages, work, "backfill", {(pages, OURS): ours}, size.runs
    )
    worker_n = min(size.worker_pages or all_pages, all_pages)
    one, two = get(worker_n, ONE_PROCESS), get(worker_n, OURS)
    rows.append(
        finish_row(
            Row(
                measure="5 scaling",
                what=f"2 vs 1 worker processes ({worker_n:,} articles)",
                unit="articles/s",
                ours=rate(worker_n, two.seconds),
                baseline=rate(worker_n, one.seconds),
                ours_label="--cpu-workers 2",
                baseline_label="--cpu-workers 0 (1 process)",
                note=(
                    "no target in the issue; 2.0x is perfect scaling on 2 free cores; median "
                    f"of {size.runs} runs each"
                ),
                detail={
                    "baseline": _run_detail(one, worker_n),
                    "ours": _run_detail(two, worker_n),
                },
            )
        )
    )
    return rows


def memory(size: Size, config: Any, pages_dir: Path, all_pages: int, work: Path) -> list[Row]:
    """Measure 5: peak memory of one backfill at two input sizes (`BENCH_ONLY=memory` runs it
    alone: at the large size it is the 10,000 vs 100,000 row, ~45 minutes)."""
    small_n = min(size.memory_pages[0], all_pages)
    big_n = min(size.memory_pages[1] or all_pages, all_pages)
    # The smaller size always runs `size.runs` times (a minute each): one run of it moved by
    # 200 MB between medium runs, which alone decided the row; the larger one
    # `size.memory_runs` times.
    small_get = _backfills(config, pages_dir, all_pages, work, "memory", {}, size.runs)
    big_get = _backfills(config, pages_dir, all_pages, work, "memory", {}, size.memory_runs)

    # Input size: backfill runs a large input as slices of --files-per-run files (and
    # --mb-per-run MB: 2,000 generated pages are ~20 MB, below it), one pipeline each, so its
    # memory is bounded by a slice. The 10k vs 100k articles are 5 vs 50 default
    # slices, medium's 2,000 vs 20,000 1 vs 10; at the small size, 100 vs 1,000 are 1 vs 10
    # slices of 100.
    from pipelines.commands.backfill import FILES_PER_RUN

    per_run = min(small_n, FILES_PER_RUN)
    sliced = OURS if per_run == FILES_PER_RUN else (*OURS, "--files-per-run", str(per_run))
    small_run, big_run = small_get(small_n, sliced), big_get(big_n, sliced)
    slices = (-(-small_n // per_run), -(-big_n // per_run))
    big_runs = f"median of {size.memory_runs}" if size.memory_runs > 1 else "one run"
    runs_note = (
        f"median of {size.runs} runs each"
        if size.memory_runs == size.runs
        else f"{small_n:,}: median of {size.runs} runs, {big_n:,}: {big_runs}"
    )
    return [
        finish_row(
            Row(
                measure="5 scaling",
                what=f"peak memory {big_n:,} vs {small_n:,} articles",
                unit="MB",
                ours=big_run.peak_rss_mb,
                baseline=small_run.peak_rss_mb,
                ours_label=f"{big_n:,} articles ({slices[1]} slices)",
                baseline_label=f"{small_n:,} articles ({slices[0]} slices)",
                target=Target("<=", 1.2),
                note=(
                    f"backfill --cpu-workers 2 --files-per-run {per_run}; ratio = growth of peak "
                    f"RSS with input size; " + runs_note
                ),
                detail={
                    "small": _run_detail(small_run, small_n),
                    "big": _run_detail(big_run, big_n),
                },
            )
        )
    ]
