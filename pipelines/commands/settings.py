"""The job settings the commands build from the configuration: one builder for backfill and run.

Beam is not imported here at module level: `start_cpu_workers` runs before it is.
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING

from pipelines.config import Config

if TYPE_CHECKING:
    from pipelines.core.enrich import EnrichSettings
    from pipelines.pipeline import PipelineSettings


def default_cpu_workers(one_sdk_process: bool) -> int:
    """The CPU workers a job gets unless told: one per CPU when the runner runs all of the job's
    Python in one process (the in-process DirectRunner, Prism), whose GIL would hold the heavy
    steps to one core; one per SDK process when the runner parallelizes by itself (Flink,
    Dataflow, the DirectRunner with several SDK processes), not for speed but so that a page
    that crashes or hangs its worker is a dead letter rather than a dead SDK process whose
    bundle the runner retries forever (transforms.workers). Measured against none (backfill of
    600 real pages, 2 cores): the same CPU within noise, 9-24% less wall time (the processes
    overlap), +160-200 MB peak memory."""
    return len(os.sched_getaffinity(0)) if one_sdk_process else 1


def start_cpu_workers(workers: int, config: Config) -> None:
    """Start the job's CPU worker processes now, before this process imports Beam: they
    import and load the models meanwhile. Release with `transforms.pools.POOLS.release`."""
    from pipelines.core.chunks import EnrichChunk
    from pipelines.core.clean import preload as preload_clean
    from pipelines.transforms.pools import POOLS

    POOLS.acquire(workers, warm=(preload_clean, EnrichChunk(enrich_settings(config)).preload))


def enrich_settings(config: Config) -> EnrichSettings:
    from pipelines.core.enrich import EnrichSettings

    return dataclasses.replace(EnrichSettings(), spacy_model=config.spacy_model)


def pipeline_settings(
    config: Config,
    output: str,
    *,
    near_duplicates: str,
    cpu_workers: int,
    shards: int = 1,
    threshold: float | None = None,
) -> PipelineSettings:
    """The processing steps' settings; `threshold` None is the configured one."""
    from pipelines.core.chunks import TimeLimit
    from pipelines.core.dedup import DedupSettings
    from pipelines.pipeline import PipelineSettings

    threshold = config.near_duplicate_threshold if threshold is None else threshold
    return PipelineSettings(
        output_uri=output.rstrip("/"),
        s3=config.s3,
        dedup=dataclasses.replace(DedupSettings(), threshold=threshold),
        enrich=enrich_settings(config),
        near_duplicates=near_duplicates,
        shards=shards,
        max_body_bytes=config.max_body_bytes,
        claims_uri=config.claims_uri,
        cpu_workers=cpu_workers,
        time_limit=TimeLimit(config.time_limit_s, config.time_limit_s_per_mb),
    )
