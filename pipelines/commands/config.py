"""`newswire config`: the effective configuration, each value with where it came from.

    newswire config                  every setting: value and source (default, environment, flag)
    newswire config --topic T        ... as a command given `--topic T` sees it
    newswire config --json
    newswire config --markdown       the table of every NEWSWIRE_* variable (README)

Secrets (the S3 secret key, the SASL password) are masked unless --show-secrets.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from pipelines.config import VARIABLES, Config, Secret
from pipelines.io.stack import MASKED

# Flags of other commands that override a setting: dest -> variable.
FLAGS = {
    "topic": "KAFKA_TOPIC",
    "group": "KAFKA_GROUP",
    "dlq_topic": "KAFKA_DLQ_TOPIC",
    "bootstrap_servers": "KAFKA_BOOTSTRAP",
    "claims_uri": "CLAIMS_URI",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "config",
        help="show the effective configuration and where each value came from",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for dest, name in FLAGS.items():
        p.add_argument(f"--{dest.replace('_', '-')}", help=f"as a command's flag (NEWSWIRE_{name})")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="machine-readable output")
    out.add_argument(
        "--markdown", action="store_true", help="the table of every NEWSWIRE_* variable"
    )
    p.add_argument("--show-secrets", action="store_true", help="print secrets instead of a mask")
    p.set_defaults(func=run)


def _value(config: Config, path: str) -> Any:
    value: Any = config
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _shown(value: Any) -> str:
    if isinstance(value, Secret):
        return value.reveal() or ""
    return "" if value is None else str(value)


def effective(
    config: Config, flags: Mapping[str, str], show_secrets: bool = False
) -> list[dict[str, str]]:
    """[{variable, value, source}] of every setting of `config` (built from the environment,
    then `flags` {variable name: value} applied as the commands apply them)."""
    env = config.variables_set
    rows = []
    for var in VARIABLES:
        if not var.field and var.name != "S3_LOCAL":
            continue  # read by scripts or tests, not by the configuration
        key = f"NEWSWIRE_{var.name}"
        if var.name in flags:
            value, source = flags[var.name], "flag"
        else:
            value = _shown(_value(config, var.field)) if var.field else config.s3_local
            source = "environment" if key in env or f"{key}_FILE" in env else "default"
        if var.secret and value and not show_secrets:
            value = MASKED
        rows.append({"variable": key, "value": value, "source": source})
    return rows


def markdown_table() -> str:
    """The README's table of every NEWSWIRE_* variable: name, default, what it sets."""
    defaults = Config.from_env({})
    lines = ["| variable | default | what |", "|---|---|---|"]
    for var in VARIABLES:
        computed = _shown(_value(defaults, var.field)) if var.field else ""
        shown = var.default or (f"`{computed}`" if computed else "unset")
        lines.append(f"| `NEWSWIRE_{var.name}` | {shown} | {var.doc} |")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, config: Config) -> int:
    if args.markdown:
        print(markdown_table(), end="")
        return 0
    flags = {name: getattr(args, dest) for dest, name in FLAGS.items() if getattr(args, dest)}
    rows = effective(config, flags, args.show_secrets)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r["variable"]) for r in rows)
    value_width = min(max(len(r["value"]) for r in rows), 60)
    for r in rows:
        print(f"{r['variable']:<{width}}  {r['value'] or '-':<{value_width}}  {r['source']}")
    return 0
