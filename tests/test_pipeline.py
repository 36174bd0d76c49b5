"""pipelines.pipeline: one graph of processing steps for batch and streaming."""

from __future__ import annotations

from pathlib import Path

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipelines.config import Config, KafkaConfig
from pipelines.pipeline import PipelineSettings, ProcessArticles, ProcessMessages
from pipelines.streaming import StreamArticles, StreamSettings

SHARED = {
    "CleanArticles",
    "DeduplicateArticles",
    "EnrichArticles",
    "ValidateArticles",
    "CollectDeadLetters",
}
STREAMING_ONLY = {"KeepFirstSeen", "DeduplicateAcrossWindows", "AllDuplicates"}


def _steps(pipeline: beam.Pipeline, outer: str) -> set[str]:
    """The names of the steps directly inside the composite `outer`."""
    proto = pipeline.to_runner_api()
    return {
        t.unique_name[len(outer) + 1 :]
        for t in proto.components.transforms.values()
        if t.unique_name.startswith(f"{outer}/") and "/" not in t.unique_name[len(outer) + 1 :]
    }


def _batch(settings: PipelineSettings) -> set[str]:
    p = beam.Pipeline()
    _ = p | beam.Create([]) | "ProcessArticles" >> ProcessArticles(settings)
    return _steps(p, "ProcessArticles")


def _batch_from_kafka(settings: PipelineSettings) -> set[str]:
    p = beam.Pipeline()
    _ = p | beam.Create([]) | "ProcessMessages" >> ProcessMessages(settings)
    return _steps(p, "ProcessMessages")


def _streaming(settings: PipelineSettings, tmp_path: Path, runner: str) -> set[str]:
    stream = StreamSettings(
        pipeline=settings,
        kafka=KafkaConfig(),
        topic="raw-articles",
        group_id="newswire",
        stop_file=str(tmp_path / "stop"),
    )
    p = beam.Pipeline(options=PipelineOptions([f"--runner={runner}"]))
    _ = p | "StreamArticles" >> StreamArticles(stream)
    return _steps(p, "StreamArticles")


def test_batch_and_streaming_share_the_processing_steps_by_name(tmp_path: Path) -> None:
    settings = PipelineSettings(output_uri=str(tmp_path / "out"), s3=Config().s3)
    batch = _batch(settings)
    assert batch >= SHARED
    assert not batch & STREAMING_ONLY
    # Both shapes of streaming: one process (Prism) and keyed state (Flink).
    for runner in ("PrismRunner", "FlinkRunner"):
        streaming = _streaming(settings, tmp_path, runner)
        assert streaming >= batch, (runner, batch - streaming)
        assert streaming >= STREAMING_ONLY, runner


def test_batch_and_streaming_decode_and_process_kafka_messages_alike(tmp_path: Path) -> None:
    settings = PipelineSettings(output_uri=str(tmp_path / "out"), s3=Config().s3)
    batch = _batch_from_kafka(settings)
    assert batch >= SHARED | {"DecodeArticles"}
    assert not batch & STREAMING_ONLY
    for runner in ("PrismRunner", "FlinkRunner"):
        streaming = _streaming(settings, tmp_path, runner)
        assert streaming >= batch, (runner, batch - streaming)


# A savepoint maps state to these names: renaming one loses the streaming job's state.
STREAMING_STEPS = {
    "ReadKafkaStream",
    "WindowMessages",
    "DecodeArticles",
    *SHARED,
    "KeepFirstSeen",
    "DeduplicateAcrossWindows",
    "AllDuplicates",
    "WriteOutputs",
    "PublishDeadLetters",
    "CommitToTables",
    "CommitOffsets",
}
KEYED_STATE_STEPS = {"GlobalWindow", "KeyByFingerprint", "RewindowArticles", "RewindowDuplicates"}


def test_streaming_step_names_stay(tmp_path: Path) -> None:
    settings = PipelineSettings(output_uri=str(tmp_path / "out"), s3=Config().s3)
    assert _streaming(settings, tmp_path, "PrismRunner") == STREAMING_STEPS
    assert _streaming(settings, tmp_path, "FlinkRunner") == STREAMING_STEPS | KEYED_STATE_STEPS
