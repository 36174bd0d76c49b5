"""`make bench`: every performance measurement, as ratios against baselines run alongside.

    BENCH_SIZE=small .venv/bin/python -m benchmarks.perf     # ~2,000 generated items, ~15 min
    BENCH_SIZE=medium .venv/bin/python -m benchmarks.perf    # memory at 2,000 vs 20,000, ~15 min
    BENCH_SIZE=large .venv/bin/python -m benchmarks.perf     # 100,000 articles: hours

Runs, in this order, on generated input (seed 7): 3 stages (clean, near-duplicates,
entities, Avro decode; in process), 2 framework tax (Kafka -> Parquet), 1 + 5 batch
pipeline vs naive loop and scaling (child processes), 4 streaming (Prism), 6 a streaming
restart against 100 vs 10,000 articles already in the tables. Starts the local
stack if it is not running and leaves it running (`make stack-down` stops it: other work on
the machine may be using it by then). Prints one table
with every ratio, its target and whether it is met, and writes benchmarks/results/perf.json,
perf.md and perf.png. Ratios are between medians of three: repetitions inside the run for the
stages, runs of the command for tax (every size) and batch/scaling (small; once at medium and
large, where one backfill takes minutes: `common.Size.runs`); streaming and restart are one
run each. A measurement that fails is reported as such and the others still run;
the exit status is then 1. BENCH_ONLY=stages,tax,batch,memory,stream,restart runs a
subset (`BENCH_SIZE=large BENCH_ONLY=memory`: the 10,000 vs 100,000 memory row alone).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.perf.common import (
    RESULTS_DIR,
    Row,
    Size,
    html_pages,
    log,
    size_from_env,
    write_pages,
)

SEED = 7
MEASURES = ("stages", "tax", "batch", "memory", "stream", "restart")


def _ensure_stack(config: Any) -> None:
    """Start the local stack if it is not running (it is left running afterwards)."""
    from pipelines.io import stack

    if not all(s.healthy for s in stack.status(config)):
        log("starting the local stack (Kafka, SeaweedFS); `make stack-down` stops it")
        stack.up(config)


def _failed(measure: str, exc: BaseException) -> Row:
    return Row(
        measure=measure, what="(failed)", unit="", ours=None,
        note=f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:300] if str(exc) else ''}",
    )  # fmt: skip


def run(size: Size, only: set[str], work: Path) -> tuple[list[Row], bool]:
    from benchmarks.perf import batch, restart, stages, streaming, tax
    from pipelines.config import Config
    from pipelines.samples import generate_corpus

    # A catalog of the run's own, gone with its work folder: tables the measures drop from the
    # store must not outlive them in a shared catalog (the next run would find stale entries).
    os.environ["NEWSWIRE_CATALOG_URI"] = f"sqlite:///{work / 'catalog.db'}"
    config = Config.from_env(os.environ)
    if only - {"stages"}:
        _ensure_stack(config)
    rows: list[Row] = []
    ok = True
    log(f"generating {size.items:,} items (seed {SEED})")
    corpus = generate_corpus(size.items, seed=SEED)
    raws = corpus.raw_articles()

    def pages() -> tuple[Path, int]:
        folder = work / "pages"
        if not folder.exists():
            n = write_pages(folder, html_pages(size.pages_from_items, SEED, size.max_pages))
            (work / "pages.count").write_text(str(n))
        return folder, int((work / "pages.count").read_text())

    steps: dict[str, Callable[[], list[Row]]] = {
        "stages": lambda: stages.run(size, corpus),
        "tax": lambda: [r for n in size.tax_messages for r in tax.run(config, raws, n, work)],
        "batch": lambda: batch.run(size, config, *pages(), work),
        "memory": lambda: batch.memory(size, config, *pages(), work),
        "stream": lambda: streaming.run(
            size, config, generate_corpus(size.stream_items, seed=SEED).raw_articles(), work
        ),
        "restart": lambda: restart.run(config, raws, work),
    }
    labels = {
        "stages": "3 stage",
        "tax": "2 tax",
        "batch": "1 batch",
        "memory": "5 scaling",
        "stream": "4 stream",
        "restart": "6 restart",
    }
    for name in MEASURES:
        if name not in only:
            continue
        t0 = time.monotonic()
        try:
            rows.extend(steps[name]())
        except Exception as exc:  # reported in the table; the other measures still run
            ok = False
            traceback.print_exc()
            rows.append(_failed(labels[name], exc))
        log(f"{name}: {time.monotonic() - t0:.0f}s")
    return rows, ok


def main() -> int:
    from benchmarks.perf import report

    size = size_from_env(os.environ)
    only = {m.strip() for m in os.environ.get("BENCH_ONLY", ",".join(MEASURES)).split(",")}
    unknown = only - set(MEASURES)
    if unknown:
        raise SystemExit(f"BENCH_ONLY: unknown {sorted(unknown)}; choose from {MEASURES}")
    started = time.monotonic()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="newswire-perf-"))
    try:
        rows, ok = run(size, only, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - started
    order = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5}
    rows.sort(key=lambda r: order.get(r.measure[:1], 9))
    title = (
        f"newswire performance, BENCH_SIZE={size.name}: {seconds / 60:.1f} min on "
        f"{os.cpu_count()} CPUs (load average {load_before[0]:.1f} at start, "
        f"{os.getloadavg()[0]:.1f} at end)"
    )
    print(report.format_table(rows, title))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    meta = {
        "size": size.name,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "cpus": os.cpu_count(),
        "load_average": {"start": load_before, "end": os.getloadavg()},
        "measures": sorted(only),
    }
    report.write_json(RESULTS_DIR / "perf.json", meta, rows)
    (RESULTS_DIR / "perf.md").write_text(report.format_markdown(rows, title))
    report.write_chart(RESULTS_DIR / "perf.png", rows, f"newswire vs baselines ({size.name})")
    print(f"\nwritten: {RESULTS_DIR / 'perf.json'}, perf.md, perf.png", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
