"""Shared pieces of the performance benchmarks: sizes, result rows, timing and process memory.

- `Size` / `size_from_env`: what BENCH_SIZE=small|large means for every measurement.
- `Row` / `Target`: one line of the results table (ours, the baseline, their ratio, the
  target and whether it is met). `finish_row` computes ratio and verdict; pure, tested.
- `run_monitored`: runs a command as a child process and samples the RSS of its whole
  process tree (DirectRunner workers and Prism included) every 0.1 s for the peak.
- `median_of`: alternating repeats of in-process variants, the median time of each;
  `median_run`: the median of repeated child-process runs. Every ratio is taken between
  medians of three (the machine is shared: one disturbed run must not decide a verdict).
- Stack helpers: fresh Kafka topics, S3 prefixes removed after a measurement.
"""

from __future__ import annotations

import dataclasses
import math
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
BENCH_PREFIX = "bench/perf"  # under the configured bucket; removed after each measurement


@dataclass(frozen=True)
class Size:
    """How much input each measurement gets. Page counts are HTML pages from the generator."""

    name: str
    items: int  # generated items held in memory: stage, Avro, Kafka and streaming inputs
    pages_from_items: int  # the HTML pages among this many generated items feed backfills
    max_pages: int  # ... at most this many of them
    batch_pages: int  # measure 1: ours vs the naive loop on this many pages (0: all pages)
    memory_pages: tuple[int, int]  # measure 5: peak memory at these two sizes (0: all pages)
    worker_pages: int  # measure 5: 1 vs 2 workers on this many pages (0: all pages)
    clean_pages: int
    ner_docs: int
    # Kafka -> Parquet rows (the corpus's records, repeated as needed), one measure per count:
    # at a few thousand the tax is mostly start-up, ten times more shows the cost per record.
    tax_messages: tuple[int, ...]
    # streaming: generated items of its own corpus (enough distinct articles for the warm-up,
    # the backlog and stream_seconds at the target rate: repeats would be cheap duplicates)
    stream_items: int
    stream_backlog: int  # streaming: articles sent at once to measure capacity
    stream_seconds: float  # streaming: how long the target rate is offered
    stream_window_s: float
    repeat: int  # in-process stage variants: runs of each, median kept
    runs: int  # child-process measurements (batch, workers): runs of each, median kept
    memory_runs: int  # the memory row's larger backfill: runs, median kept (smaller: runs)


SIZES = {
    "small": Size(
        name="small",
        items=2_000,
        pages_from_items=5_600,  # about 2,000 HTML pages: the "about 2,000 articles"
        max_pages=2_000,
        batch_pages=0,
        memory_pages=(100, 1_000),  # 1 vs 10 slices of 100 (see batch.py)
        worker_pages=500,  # more backfills: keep them short
        clean_pages=300,
        ner_docs=120,
        tax_messages=(2_000, 20_000),
        stream_items=4_000,  # 3,720 articles: 20 + 1,500 + 40 s x 50/s
        stream_backlog=1_500,
        stream_seconds=40.0,
        stream_window_s=5.0,
        repeat=3,
        runs=3,
        memory_runs=3,
    ),
    # The memory row at 20,000 articles: one backfill of 20,000 pages (~7 minutes on 2 cores,
    # so once: memory_runs=1) against the median of three of 2,000; the other measures as at
    # the small size.
    "medium": Size(
        name="medium",
        items=2_000,
        pages_from_items=56_000,  # about 20,000 HTML pages
        max_pages=20_000,
        batch_pages=2_000,
        memory_pages=(2_000, 20_000),  # 1 vs 10 default slices
        worker_pages=500,
        clean_pages=300,
        ner_docs=120,
        tax_messages=(2_000, 20_000),
        stream_items=4_000,  # 3,720 articles: 20 + 1,500 + 40 s x 50/s
        stream_backlog=1_500,
        stream_seconds=40.0,
        stream_window_s=5.0,
        repeat=3,
        runs=3,
        memory_runs=1,
    ),
    "large": Size(
        name="large",
        items=20_000,
        pages_from_items=300_000,  # about 105,000 HTML pages
        max_pages=100_000,
        batch_pages=10_000,
        memory_pages=(10_000, 100_000),
        worker_pages=10_000,
        clean_pages=3_000,
        ner_docs=1_000,
        tax_messages=(100_000,),
        stream_items=20_000,
        stream_backlog=3_000,
        stream_seconds=300.0,
        stream_window_s=10.0,
        repeat=3,
        runs=3,
        memory_runs=1,
    ),
}


def size_from_env(env: Mapping[str, str]) -> Size:
    name = (env.get("BENCH_SIZE") or "small").strip().lower()
    if name not in SIZES:
        raise SystemExit(f"BENCH_SIZE must be one of {', '.join(SIZES)}, not {name!r}")
    return SIZES[name]


# --- result rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """`op` is ">=" or "<="; `on` is "ratio" (ours / baseline) or "value" (ours alone)."""

    op: str
    value: float
    on: str = "ratio"

    def __post_init__(self) -> None:
        if self.op not in (">=", "<="):
            raise ValueError(f"target op must be >= or <=, not {self.op!r}")
        if self.on not in ("ratio", "value"):
            raise ValueError(f"target applies to 'ratio' or 'value', not {self.on!r}")

    def met_by(self, figure: float | None) -> bool | None:
        if figure is None or math.isnan(figure):
            return None
        return figure >= self.value if self.op == ">=" else figure <= self.value

    def describe(self, unit: str = "") -> str:
        if self.on == "ratio":
            return f"{self.op} {self.value:g}x"
        return f"{self.op} {self.value:g} {unit}".rstrip()


@dataclass
class Row:
    """One measured comparison (or a single figure when `baseline` is None)."""

    measure: str  # "1 batch", "2 tax", ...
    what: str
    unit: str
    ours: float | None
    baseline: float | None = None
    ours_label: str = "newswire"
    baseline_label: str = ""
    target: Target | None = None
    requirement: str = ""  # a target that is not a number ("bounded"), with `met` set directly
    ratio: float | None = None
    met: bool | None = None
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["target"] = dataclasses.asdict(self.target) if self.target else None
        d["target_text"] = self.target.describe(self.unit) if self.target else self.requirement
        return d


def ratio(ours: float | None, baseline: float | None) -> float | None:
    """ours / baseline, None when either is missing or the baseline is zero."""
    if ours is None or baseline is None or baseline == 0:
        return None
    return ours / baseline


def finish_row(row: Row) -> Row:
    """Fill in `ratio` (when there is a baseline) and `met` (when there is a target)."""
    if row.ratio is None:
        row.ratio = ratio(row.ours, row.baseline)
    if row.target is not None:
        figure = row.ratio if row.target.on == "ratio" else row.ours
        row.met = row.target.met_by(figure)
    return row


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("nan")


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


# --- timing and memory ----------------------------------------------------------------------


@dataclass
class ProcessRun:
    seconds: float
    peak_rss_mb: float  # sum over the process tree, sampled
    peak_processes: int
    returncode: int
    log: Path
    cpu_seconds: float = 0.0  # user + system over the process tree (load-independent cost)
    repeats: int = 1  # runs whose medians these are (median_run)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants in a thread."""

    def __init__(self, pid: int, interval_s: float = 0.1) -> None:
        import psutil

        self._root = psutil.Process(pid)
        self._interval = interval_s
        self._stop = threading.Event()
        self.peak_bytes = 0
        self.peak_processes = 0
        self._cpu: dict[int, float] = {}  # pid -> last CPU seconds seen
        self._names: dict[int, str] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def sample(self) -> None:
        import psutil

        try:
            procs = [self._root, *self._root.children(recursive=True)]
        except psutil.Error:
            return
        total = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
                times = proc.cpu_times()
                self._cpu[proc.pid] = times.user + times.system
                if proc.pid not in self._names:
                    self._names[proc.pid] = proc.name()
            except psutil.Error:
                continue
        if total > self.peak_bytes:
            self.peak_bytes = total
            self.peak_processes = len(procs)

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())

    def cpu_by_name(self) -> dict[str, float]:
        """CPU seconds per process name (e.g. python vs prism), summed over processes."""
        out: dict[str, float] = {}
        for pid, seconds in self._cpu.items():
            name = self._names.get(pid, "?")
            out[name] = round(out.get(name, 0.0) + seconds, 2)
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self._interval)


def child_env(tmp: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for child processes: Beam's temp folders go to `tmp`, output unbuffered."""
    env = dict(os.environ)
    env.update({"TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"})
    env.update(extra or {})
    return env


def run_monitored(
    cmd: Sequence[str],
    log: Path,
    env: Mapping[str, str] | None = None,
    timeout_s: float | None = None,
    check: bool = True,
    cwd: Path = ROOT,
) -> ProcessRun:
    """Run `cmd` to completion; wall time and the peak RSS of its process tree."""
    import resource

    log.parent.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None, cwd=cwd,
        )  # fmt: skip
        with TreeMemory(proc.pid) as memory:
            try:
                returncode = proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise RuntimeError(f"timed out after {timeout_s}s: {' '.join(cmd)}") from None
        seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run = ProcessRun(
        seconds, memory.peak_bytes / 1e6, memory.peak_processes, returncode, log,
        cpu_seconds=max(waited_cpu, memory.cpu_seconds),
    )  # fmt: skip
    if check and returncode != 0:
        raise RuntimeError(f"exit {returncode}: {' '.join(cmd)}\n{run.tail()}")
    return run


def median_of(
    variants: Mapping[str, Callable[[], Any]],
    repeat: int,
    clock: Callable[[], float] = time.process_time,
) -> dict[str, float]:
    """Run each variant `repeat` times, alternating; the median seconds of each.

    The default clock is this process's CPU time: on a shared machine it leaves out the time
    the process waited for a core, which wall time would charge to whichever variant was
    unlucky. (Single-process variants only: child processes are not counted.)
    """
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(max(1, repeat)):
        for name, fn in variants.items():
            started = clock()
            fn()
            times[name].append(clock() - started)
    return {name: statistics.median(t) for name, t in times.items()}


def median_run(runs: Sequence[ProcessRun]) -> ProcessRun:
    """One ProcessRun of the medians of repeated runs of a command: wall time, peak RSS and
    CPU each the median over the runs (the log and exit code of the first)."""
    if not runs:
        raise ValueError("no runs")
    first = runs[0]
    return dataclasses.replace(
        first,
        seconds=statistics.median(r.seconds for r in runs),
        peak_rss_mb=statistics.median(r.peak_rss_mb for r in runs),
        peak_processes=max(r.peak_processes for r in runs),
        cpu_seconds=statistics.median(r.cpu_seconds for r in runs),
        repeats=len(runs),
    )


# --- inputs ----------------------------------------------------------------------------------


def html_pages(items: int, seed: int, limit: int | None = None) -> Iterator[bytes]:
    """The raw HTML files among the first `items` generated items (malformed ones included,
    as a crawl has them), at most `limit`. Streams: large sizes are never all in memory."""
    from pipelines.samples import generate

    count = 0
    for item in generate(items, seed):
        if item.fmt != "html":
            continue
        if limit is not None and count >= limit:
            return
        count += 1
        yield item.payload


def write_pages(folder: Path, pages: Iterable[bytes]) -> int:
    """One file per page, `<n>.html`, in 1,000-file subfolders; the number written."""
    n = 0
    for n, page in enumerate(pages, start=1):
        sub = folder / f"{(n - 1) // 1000:04d}"
        if (n - 1) % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{n - 1:07d}.html").write_bytes(page)
    return n


def subset(folder: Path, dest: Path, count: int) -> int:
    """Hard-link (or copy) the first `count` pages of `folder` into `dest`."""
    files = sorted(folder.rglob("*.html"))[:count]
    for i, f in enumerate(files):
        target = dest / f.relative_to(folder)
        if i % 1000 == 0 or not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(f, target)
        except OSError:
            target.write_bytes(f.read_bytes())
    return len(files)


# --- the local stack ------------------------------------------------------------------------


def run_id() -> str:
    return uuid.uuid4().hex[:8]


def create_topic(config: Any, partitions: int = 4, prefix: str = "bench-perf") -> str:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    name = f"{prefix}-{run_id()}"
    admin = KafkaAdminClient(**config.kafka.client_kwargs(), client_id="newswire-bench")
    try:
        admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])
    finally:
        admin.close()
    return name


def delete_topics(config: Any, names: Iterable[str]) -> None:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    names = [n for n in names if n]
    if not names:
        return
    admin = KafkaAdminClient(**config.kafka.client_kwargs(), client_id="newswire-bench")
    try:
        admin.delete_topics(names)
    except KafkaError:
        pass  # best effort: a leftover benchmark topic is harmless
    finally:
        admin.close()


def s3_uri(config: Any, *parts: str) -> str:
    return "/".join((f"s3://{config.s3.bucket}", BENCH_PREFIX, *parts))


def delete_prefix(config: Any, uri: str) -> int:
    """Remove every object under an s3:// URI (what a measurement wrote); the number removed."""
    from pipelines.io.objectstore import make_s3_client, split_s3_uri

    bucket, prefix = split_s3_uri(uri)
    client = make_s3_client(config.s3)
    removed = 0
    try:
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix.rstrip("/") + "/"):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            for i in range(0, len(keys), 1000):
                client.delete_objects(Bucket=bucket, Delete={"Objects": keys[i : i + 1000]})
                removed += len(keys[i : i + 1000])
    finally:
        client.close()
    return removed


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
