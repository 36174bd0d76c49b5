"""What a step needs to know about the Beam runner it runs on."""

from __future__ import annotations

import apache_beam as beam


def single_process_runner(pipeline: beam.Pipeline) -> bool:
    """Whether every bundle of a job runs in one SDK process: Prism, and the Direct runner
    (which hands streaming jobs to Prism). Process-wide state is then job-wide."""
    return type(pipeline.runner).__name__ in {
        "PrismRunner",
        "DirectRunner",
        "SwitchingDirectRunner",
    }
