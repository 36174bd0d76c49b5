"""Loads the Avro schemas of `schemas/` (the single source of truth) with fastavro.

`schemas/<name>.avsc` is the current version of a record; older versions that data may still
be written with live in `schemas/history/<name>/v<N>.avsc`. An installed wheel carries the same
files as `pipelines/_schemas/`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import fastavro

RAW_ARTICLE = "raw_article"
ARTICLE = "article"
DEAD_LETTER = "dead_letter"
DUPLICATE = "duplicate"


def schema_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_schemas", here.parent / "schemas"):
        if (candidate / "article.avsc").is_file():
            return candidate
    raise FileNotFoundError("schemas/ not found next to the pipelines package")


def _parse(path: Path) -> dict[str, Any]:
    # _write_hint=False keeps fastavro's internal markers out of the dict, so the parsed
    # schema can be parsed again (reader/writer resolution does that).
    parsed = fastavro.parse_schema(json.loads(path.read_text()), _write_hint=False)
    assert isinstance(parsed, dict), f"{path} is not a record schema"
    return parsed


@cache
def load(name: str) -> dict[str, Any]:
    """The current version of schema `name`, parsed."""
    return _parse(schema_dir() / f"{name}.avsc")


@cache
def versions(name: str) -> tuple[dict[str, Any], ...]:
    """Every kept version of schema `name`, oldest first, the current one last."""
    history = schema_dir() / "history" / name
    older = (
        sorted(history.glob("v*.avsc"), key=lambda p: int(p.stem[1:])) if history.is_dir() else []
    )
    return (*(_parse(p) for p in older), load(name))


def field_names(name: str) -> list[str]:
    return [f["name"] for f in load(name)["fields"]]
