"""`newswire run` settings that need no running stack."""

from __future__ import annotations

import os

import pytest


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "cpus"),  # Prism: one SDK process for the whole job
        (["--runner", "direct"], "cpus"),
        (["--cpu-workers", "1"], 1),
        (["--runner", "flink"], 0),  # parallelizes by itself
        (["--runner", "dataflow"], 0),
    ],
)
def test_cpu_workers_default_to_one_per_cpu_only_for_one_process_runners(
    argv: list[str], expected: object
) -> None:
    from pipelines.cli import build_parser
    from pipelines.commands.run import stream_cpu_workers

    args, _ = build_parser().parse_known_args(["run", "--topic", "t", "--output", "o", *argv])
    want = len(os.sched_getaffinity(0)) if expected == "cpus" else expected
    assert stream_cpu_workers(args) == want
