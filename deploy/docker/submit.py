"""Submit the streaming pipeline and exit: the driver program for Flink application mode and
for Dataflow Flex Templates (installed in the pipeline image as /opt/newswire/submit.py).

`newswire run` submits the job, then watches it (status lines, drain on SIGTERM) until it
ends. A Flink application cluster (Beam's FlinkPortableClientEntryPoint runs this program in
the JobManager and appends `--job_endpoint=localhost:<port>`) and a Flex Template launch (the
launcher runs this file, then starts the job it described) need a driver that submits and
returns. This one takes the flags of `newswire run` and builds the same pipeline with the same
runner flags (`pipelines.commands.run.runner_flags`):

    python /opt/newswire/submit.py --runner flink --topic raw-articles \\
        --output s3://newswire/news --window 60s --group newswire --dlq-topic raw-articles.dlq \\
        --checkpointing_interval=30000 ...

Also accepted, for Flex Template parameters (whose names cannot contain dashes):
`--dlq_topic` for `--dlq-topic` (any run flag spelled with underscores), a Beam runner class
name for `--runner` (DataflowRunner -> dataflow), and `--newswire_<setting>=VALUE` for the
environment variable NEWSWIRE_<SETTING> (e.g. --newswire_kafka_bootstrap=host:9093). Secrets
are refused as parameters (they would show in the job's launch parameters): give them to the
launcher's environment or use the platform's identity (see docs/operations.md).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

log = logging.getLogger("newswire.submit")

RUNNER_CLASSES = {
    "DataflowRunner": "dataflow",
    "FlinkRunner": "flink",
    "PrismRunner": "prism",
    "DirectRunner": "direct",
}
_SETTING_RE = re.compile(r"^--newswire_([a-z0-9_]+)=(.*)$", re.DOTALL)
_SECRET_WORDS = ("password", "secret")


def _run_parser() -> tuple[argparse.ArgumentParser, list[str]]:
    """The `newswire run` argument parser (as a subcommand) and its option strings."""
    from pipelines.commands import run as run_command

    parser = argparse.ArgumentParser(prog="submit.py", add_help=False)
    sub = parser.add_subparsers(dest="command")
    run_command.register(sub)
    flags = [s for action in sub.choices["run"]._actions for s in action.option_strings]
    return parser, flags


def normalize(argv: Sequence[str], run_flags: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """(arguments for `newswire run`, NEWSWIRE_* environment overrides) from driver args."""
    dashed = {"--" + flag[2:].replace("-", "_"): flag for flag in run_flags if flag[:2] == "--"}
    out: list[str] = []
    env: dict[str, str] = {}
    for arg in argv:
        setting = _SETTING_RE.match(arg)
        if setting:
            name = setting.group(1)
            if any(word in name for word in _SECRET_WORDS):
                raise SystemExit(f"refusing --newswire_{name}: pass secrets in the environment")
            env[f"NEWSWIRE_{name.upper()}"] = setting.group(2)
            continue
        flag, sep, value = arg.partition("=")
        if flag in dashed:
            flag = dashed[flag]
        if flag == "--runner" and sep:
            value = RUNNER_CLASSES.get(value, value)
        out.append(flag + sep + value)
    # "--runner DataflowRunner" (two words)
    for i, arg in enumerate(out[:-1]):
        if arg == "--runner":
            out[i + 1] = RUNNER_CLASSES.get(out[i + 1], out[i + 1])
    return out, env


def build(
    argv: Sequence[str], environ: Mapping[str, str], read_tables: bool = True
) -> tuple[Any, Any]:
    """(the Beam pipeline, its StreamSettings) for these driver arguments, not yet run.
    `read_tables`: start from the offsets the output's tables hold, as `newswire run` does
    (False only to inspect the graph without the services)."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines.commands.run import held_state, runner_flags, stream_settings
    from pipelines.config import Config
    from pipelines.streaming import StreamArticles

    parser, run_flags = _run_parser()
    args_list, overrides = normalize(argv, run_flags)
    args, passthrough = parser.parse_known_args(["run", *args_list])
    args.passthrough = passthrough
    config = Config.from_env({**environ, **overrides})
    # The same settings as `newswire run`; drain with the runner (Flink stop-with-savepoint,
    # Dataflow drain) rather than a stop file.
    held = None
    if read_tables:
        topic = args.topic or config.kafka.topic
        held = held_state(config, args.output, topic, args.group or config.kafka.group_id)
    settings = stream_settings(args, config, stop_file=None, held=held)
    pipeline = beam.Pipeline(options=PipelineOptions(runner_flags(args, config)))
    _ = pipeline | "StreamArticles" >> StreamArticles(settings)
    return pipeline, settings


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    pipeline, settings = build(sys.argv[1:] if argv is None else argv, os.environ)
    result = pipeline.run()
    job = getattr(result, "job_id", None)  # Dataflow; portable runners log their own
    log.info(
        "submitted %s -> %s (job %s)",
        settings.topic,
        settings.pipeline.output_uri,
        (job() if callable(job) else job) or "-",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
