"""`newswire backfill`: batch runs of the full pipeline into the output's Iceberg tables.

    newswire backfill --input 'crawl/**/*.warc.gz' data/*.jsonl --output s3://bucket/prefix
    newswire backfill --from-topic raw-articles --start 0 --end 2024-10-01T00:00:00Z --output DIR

DirectRunner by default, in this process, with cleaning and enrichment in one worker process
per CPU beside it (`--cpu-workers N`; `--workers N` for the DirectRunner's own N processes
instead); any other Beam runner through options after `--`, passed to Beam untouched (e.g.
`-- --runner=FlinkRunner --flink_master=...`), where each SDK process gets one CPU worker. Ends
with a summary table built from the pipeline's counters.

The DirectRunner keeps each stage's data in memory, so an `--input` of more than
`--files-per-run` files (default 2000) or `--mb-per-run` MB (default 32) runs as several
pipelines, one per slice of consecutive files within both limits, in order: memory stays flat
however large the input (bytes count too: a feed or a WARC file holds hundreds of articles).
The fingerprint index (a table of the output) carries dedup across the runs (an article in a
later slice is checked against everything the earlier ones admitted, exact and near duplicates
alike), as it does across separate backfills; each run groups only the entries its articles
can meet (`transforms.dedup`), so a run's memory does not grow with the index either.

Each run ends with one commit of every file it wrote to the tables (`io.tables.Tables.commit`):
the pipeline writes the keys of its files to `<output>/_newswire/runs/<run id>.json`, and this
process commits them once the pipeline has finished, with the snapshot summary
`newswire.input` = a digest of the run's input (its files' paths, sizes and modification
times; for --from-topic the topic and the offset ranges resolved before the run). A run
whose digest a snapshot already carries is skipped ("already ingested"): running the same
backfill again adds nothing. A pipeline that fails commits nothing: its files are orphans
that no reader sees (`Tables.remove_orphans` deletes them).

Exit status (README, "Exit codes"): 0 done; 1 done with failures: an input named on the
command line (a file, not a folder's or glob's) that could not be read, or, with
`--fail-on-dead-letters`, any dead letter; 2 a missing input or a bad URI; 3 the broker, store
or catalog unreachable (pre-flight).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipelines.commands import FAILED, OK, UsageError, uri_arg
from pipelines.commands.settings import default_cpu_workers, pipeline_settings, start_cpu_workers
from pipelines.config import Config, S3Config
from pipelines.core.slicing import split_runs
from pipelines.memory import fix_mmap_threshold, release_freed_memory

if TYPE_CHECKING:
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines.io.kafka_source import OffsetRange
    from pipelines.io.tables import Tables
    from pipelines.pipeline import PipelineSettings


FILES_PER_RUN = 2000  # files per pipeline run of a large --input: bounds its memory
MB_PER_RUN = 32.0  # ... and MB of input per run (2,000 generated pages are ~20 MB)
INPUT_DIGEST = "newswire.input"  # snapshot summary: which input a commit covers


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backfill",
        help="batch: files or a bounded Kafka range -> Parquet",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--input",
        nargs="+",
        type=uri_arg,
        metavar="PATH_OR_GLOB",
        help="files, folders, globs or s3:// URIs",
    )
    src.add_argument(
        "--from-topic", metavar="TOPIC", help="read a bounded range of this Kafka topic"
    )
    p.add_argument("--start", help="range start: offset (int) or ISO time (default: beginning)")
    p.add_argument(
        "--end", help="range end (exclusive): offset or ISO time (default: end at start)"
    )
    p.add_argument(
        "--output",
        required=True,
        type=uri_arg,
        metavar="URI",
        help="s3://bucket/prefix or a local folder",
    )
    p.add_argument("--near-duplicates", choices=["mark", "drop"], default="mark")
    p.add_argument("--threshold", type=float, help="near-duplicate Jaccard threshold")
    p.add_argument("--shards", type=int, default=1, help="parallel writers per partition and kind")
    p.add_argument("--workers", type=int, default=1, help="DirectRunner worker processes")
    p.add_argument(
        "--cpu-workers",
        type=int,
        help="processes for cleaning and enrichment beside the runner's (default: one per CPU "
        "with the in-process DirectRunner, else 1 per SDK process; 0 runs them in the SDK "
        "process, where a page that crashes or hangs them stops the job)",
    )
    p.add_argument(
        "--files-per-run",
        type=int,
        default=FILES_PER_RUN,
        help="split a larger --input into runs of at most this many files, so memory does not "
        "grow with the input (0: no limit on files)",
    )
    p.add_argument(
        "--mb-per-run",
        type=float,
        default=MB_PER_RUN,
        help="... and runs of at most this many MB of input (a larger file is a run alone; "
        "0: no limit)",
    )
    p.add_argument(
        "--fail-on-dead-letters",
        action="store_true",
        help="exit 1 when any record became a dead letter (default: only an unreadable input "
        "named on the command line does)",
    )
    p.add_argument("--no-summary", action="store_true")
    p.set_defaults(func=run, accepts_passthrough=True)


def parse_bound(value: str | None) -> int | datetime | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        pass
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise SystemExit(f"--start/--end time needs a zone (e.g. Z): {value}")
    return parsed


def cpu_workers(args: argparse.Namespace) -> int:
    """--cpu-workers, or its default for the DirectRunner in this process."""
    if args.cpu_workers is not None:
        return int(args.cpu_workers)
    other_runner = any(f.startswith("--runner") for f in args.passthrough)
    return default_cpu_workers(args.workers <= 1 and not other_runner)


def settings_for(args: argparse.Namespace, config: Config) -> PipelineSettings:
    return pipeline_settings(
        config,
        args.output,
        near_duplicates=args.near_duplicates,
        cpu_workers=cpu_workers(args),
        shards=args.shards,
        threshold=args.threshold,
    )


def direct_runner(options: PipelineOptions) -> Any:
    """The DirectRunner's batch engine (FnApiRunner), built as the DirectRunner builds it, but
    without the DirectRunner's first attempt to run the job on Prism: that attempt downloads
    Prism from GitHub at run time, which costs a failed download per pipeline offline (0.3-0.8
    s, per slice) and, online, would run backfills on another runner than the one measured."""
    from apache_beam.portability.api import beam_provision_api_pb2
    from apache_beam.runners.portability.fn_api_runner import fn_runner
    from apache_beam.runners.portability.portable_runner import JobServiceHandle

    encoded = JobServiceHandle.encode_pipeline_options(options.get_all_options())
    return fn_runner.FnApiRunner(
        provision_info=fn_runner.ExtendedProvisionInfo(
            beam_provision_api_pb2.ProvisionInfo(pipeline_options=encoded)
        )
    )


def make_pipeline(args: argparse.Namespace) -> Any:
    """The backfill's pipeline: the DirectRunner's engine unless --runner is passed through."""
    import apache_beam as beam

    options = pipeline_options(args)
    if any(f.startswith("--runner") for f in args.passthrough):
        return beam.Pipeline(options=options)
    return beam.Pipeline(runner=direct_runner(options), options=options)


def pipeline_options(args: argparse.Namespace) -> PipelineOptions:
    from apache_beam.options.pipeline_options import PipelineOptions

    flags = list(args.passthrough)
    if not any(f.startswith("--runner") for f in flags):
        flags.append("--runner=DirectRunner")  # its FnApiRunner, see direct_runner()
        if args.workers > 1:
            flags += [
                f"--direct_num_workers={args.workers}",
                "--direct_running_mode=multi_processing",
            ]
    return PipelineOptions(flags)


def run(args: argparse.Namespace, config: Config) -> int:
    from pipelines.io.probes import preflight

    preflight(
        config,
        topics=[args.from_topic] if args.from_topic else [],
        uris=[*(args.input or []), args.output],
        catalog_for=args.output,
    )
    files = input_files(args.input, config.s3) if args.input else None
    workers = cpu_workers(args)
    if workers == 0:
        return _run(args, config, files)
    from pipelines.transforms.pools import POOLS

    # One pool for every slice of a large input, started before Beam is imported.
    start_cpu_workers(workers, config)
    try:
        return _run(args, config, files)
    finally:
        POOLS.release(workers)


FileStat = tuple[str, int, str]  # (path, local ones absolute; size; modification time)


def file_digest(files: list[str], s3: S3Config) -> str:
    """Identity of an input of files: their sorted paths (local ones absolute) with sizes
    and modification times. A file changed in place is another input."""
    return stats_digest(file_stats(files, s3))


def stats_digest(stats: list[FileStat]) -> str:
    return _digest({"files": sorted(stats)})


def file_stats(files: list[str], s3: S3Config) -> list[FileStat]:
    """(path, size, modification time) of each file, in order."""
    entries: list[FileStat] = []
    client: Any = None
    try:
        for name in files:
            if name.startswith("s3://"):
                from pipelines.io.objectstore import make_s3_client, split_s3_uri

                client = client or make_s3_client(s3)
                bucket, key = split_s3_uri(name)
                head = client.head_object(Bucket=bucket, Key=key)
                modified = head["LastModified"].isoformat()
                entries.append((name, int(head["ContentLength"]), modified))
            else:
                stat = os.stat(name)
                entries.append((os.path.abspath(name), stat.st_size, str(stat.st_mtime_ns)))
    finally:
        if client is not None:
            client.close()
    return entries


def range_digest(topic: str, ranges: list[OffsetRange]) -> str:
    """Identity of a bounded read of a topic: the topic and its resolved offset ranges."""
    spans = sorted((r.partition, r.start, r.end) for r in ranges)
    return _digest({"topic": topic, "ranges": spans})


def _digest(identity: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def plan_ranges(config: Config, topic: str, start: Any, end: Any) -> list[OffsetRange]:
    """The offset ranges a bounded read of `topic` covers, resolved now (what the run then
    reads, whatever arrives meanwhile)."""
    from pipelines.io.kafka_source import _PlanRanges

    planner = _PlanRanges(config.kafka, start, end)
    planner.setup()
    try:
        return list(planner.process(topic))
    finally:
        planner.teardown()


def _is_glob(pattern: str) -> bool:
    return any(c in pattern for c in "*?[")


def input_files(patterns: list[str], s3: S3Config) -> list[str]:
    """The files of --input, in order; UsageError for a path that does not exist, or a glob
    or s3:// prefix that names no input file (an existing empty folder is not an error)."""
    from pipelines.io.files import list_input_files

    files: list[str] = []
    for pattern in patterns:
        local = not pattern.startswith("s3://")
        if local and not _is_glob(pattern) and not os.path.exists(pattern):
            raise UsageError(f"--input {pattern}: no such file or folder")
        found = list_input_files([pattern], s3)
        if not found and not (local and os.path.isdir(pattern)):
            raise UsageError(f"--input {pattern}: matches no input file")
        files.extend(found)
    return files


def named_inputs(patterns: list[str]) -> set[str]:
    """The inputs named one by one (a file or an s3:// object, not a folder, glob or prefix
    listing): one that cannot be read fails the backfill (exit 1)."""
    return {
        p for p in patterns if not _is_glob(p) and (p.startswith("s3://") or not os.path.isdir(p))
    }


def unread_sources(tables: Tables, written: list[str]) -> dict[str, str]:
    """{source: "code: message"} of the "read" dead letters among a run's written files:
    whole inputs that could not be read (records inside a file have sources of their own)."""
    from pipelines.io.parquet import from_parquet_bytes
    from pipelines.io.runs import files_by_table

    failed: dict[str, str] = {}
    for key in files_by_table(written).get("dead_letter", []):
        for row in from_parquet_bytes(tables.store.get(key)):
            if row["step"] == "read":
                failed[row["source"]] = f"{row['error_code']}: {row['error_message']}"
    return failed


def _run(args: argparse.Namespace, config: Config, files: list[str] | None) -> int:
    """The backfill of `files` (the listed --input), or of the --from-topic range."""
    # Slice after slice, large freed buffers must go back to the system (pipelines.memory).
    fix_mmap_threshold()
    from pipelines.io.loopback import bind_loopback
    from pipelines.io.tables import Tables
    from pipelines.summary import add_counters, print_summary, summarize_counters

    bind_loopback()  # the DirectRunner's multi-process servers: local workers only
    settings = settings_for(args, config)
    started = time.monotonic()
    # (files of the run, or None: the source as given; the run's input digest)
    slices: list[tuple[list[str] | None, str]] = []
    ranges: list[OffsetRange] = []
    unread: dict[str, str] = {}
    if files is not None:
        stats = file_stats(files, config.s3)
        max_bytes = int(args.mb_per_run * 1e6) if args.mb_per_run > 0 else 0
        for run in split_runs([size for _, size, _ in stats], args.files_per_run, max_bytes):
            slices.append(([files[i] for i in run], stats_digest([stats[i] for i in run])))
        if not slices:  # nothing listed: the reader reports the inputs as given
            slices = [(None, _digest({"patterns": sorted(args.input)}))]
    else:
        ranges = plan_ranges(
            config, args.from_topic, parse_bound(args.start), parse_bound(args.end)
        )
        slices = [(None, range_digest(args.from_topic, ranges))]
    totals: dict[tuple[str, str], int] = {}
    print(f"backfill -> {settings.output_uri} ...", file=sys.stderr)
    tables = Tables(settings.output_uri, config.catalog, config.s3)
    try:
        for cid in tables.recover():
            print(f"rolled forward an interrupted commit ({cid})", file=sys.stderr)
        for number, (files_of_run, digest) in enumerate(slices, start=1):
            what = f"backfill run {number}/{len(slices)}" if len(slices) > 1 else "backfill"
            if tables.has_summary("articles", INPUT_DIGEST, digest):
                print(f"{what}: already ingested (input {digest[:12]}), skipped", file=sys.stderr)
                continue
            if len(slices) > 1:
                print(f"{what}: {len(files_of_run or [])} files", file=sys.stderr)
            counters, failed = _run_and_commit(
                args, config, settings, tables, files_of_run, ranges, digest
            )
            totals = add_counters(totals, counters)
            unread.update(failed)
            release_freed_memory()  # before the next slice: its peak should not stack on this one
    finally:
        tables.close()
    summary = summarize_counters(totals, time.monotonic() - started)
    if not args.no_summary:
        print_summary(summary, settings.output_uri)
    named = sorted(named_inputs(args.input or []) & set(unread))
    for source in named:
        print(f"error: could not read {source} ({unread[source]})", file=sys.stderr)
    if args.fail_on_dead_letters and summary["dead_letters"]:
        print(f"{summary['dead_letters']} dead letters (--fail-on-dead-letters)", file=sys.stderr)
        return FAILED
    return FAILED if named else OK


def _run_and_commit(
    args: argparse.Namespace,
    config: Config,
    settings: PipelineSettings,
    tables: Tables,
    files: list[str] | None,
    ranges: list[OffsetRange],
    digest: str,
) -> tuple[dict[tuple[str, str], int], dict[str, str]]:
    """One pipeline run, then one commit of every file it wrote, tagged with its input; its
    counters and the inputs it could not read (`unread_sources`)."""
    from pipelines.io.index import index_files
    from pipelines.io.runs import files_by_table, read_run, run_key

    run_id = uuid.uuid4().hex
    counters = _run_pipeline(args, config, settings, files, ranges, index_files(tables), run_id)
    written = read_run(tables.store, run_id)
    tables.commit(files_by_table(written), summary={INPUT_DIGEST: digest}, commit_id=run_id)
    tables.store.delete(run_key(run_id))
    return counters, unread_sources(tables, written)


def _run_pipeline(
    args: argparse.Namespace,
    config: Config,
    settings: PipelineSettings,
    files: list[str] | None,
    ranges: list[OffsetRange],
    index: list[str],
    run_id: str,
) -> dict[tuple[str, str], int]:
    """One pipeline run over `files` (or the whole source, or the Kafka `ranges`); returns
    its counters. `index`: the fingerprint table's files, what earlier runs admitted. The
    run records the files it wrote under `run_id` (`io.runs`)."""
    from pipelines.summary import counters

    p = build_pipeline(args, config, settings, files, ranges, index, run_id)
    result = p.run()
    result.wait_until_finish()
    return counters(result)


def build_pipeline(
    args: argparse.Namespace,
    config: Config,
    settings: PipelineSettings,
    files: list[str] | None,
    ranges: list[OffsetRange],
    index: list[str],
    run_id: str,
) -> Any:
    """The graph of one backfill run (see `_run_pipeline`), not yet run."""
    import apache_beam as beam

    from pipelines.io.files import ReadRawFiles
    from pipelines.io.index import ReadFingerprintIndex
    from pipelines.io.kafka_source import _ReadRange
    from pipelines.io.runs import RecordWrittenFiles
    from pipelines.pipeline import ProcessArticles, ProcessMessages, WriteOutputs

    p = make_pipeline(args)
    previous = p | "ReadFingerprintIndex" >> ReadFingerprintIndex(
        settings.output_uri, settings.s3, index
    )
    if args.input:
        read = p | "ReadRawFiles" >> ReadRawFiles(
            files or args.input, settings.s3, config.max_body_bytes
        )
        outputs = read.articles | "ProcessArticles" >> ProcessArticles(settings, previous=previous)
        outputs["dead_letter"] = (
            outputs["dead_letter"],
            read.dead_letter,
        ) | "AllDeadLetters" >> beam.Flatten()
    else:
        messages = (
            p
            | "OffsetRanges" >> beam.Create(ranges)
            | "SpreadRanges" >> beam.Reshuffle()
            | "ReadOffsetRanges" >> beam.ParDo(_ReadRange(config.kafka))
        )
        outputs = messages | "ProcessMessages" >> ProcessMessages(settings, previous=previous)
    # Files named per run: a run never replaces a file that an earlier commit references.
    written = outputs | "WriteOutputs" >> WriteOutputs(settings, tag=f"r{run_id[:12]}")
    _ = written | "RecordWrittenFiles" >> RecordWrittenFiles(
        settings.output_uri, settings.s3, run_id
    )
    return p
