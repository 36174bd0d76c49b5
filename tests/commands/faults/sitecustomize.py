"""Fault injection for tests, outside the code under test: Python imports `sitecustomize` at
start-up from its path, so every process started with this folder on PYTHONPATH (a command
and the worker processes it spawns) cleans a page whose body holds `POISON:EXIT` by dying,
and one that holds `POISON:SPIN` by spinning forever."""

from __future__ import annotations

import os
from typing import Any


def _install() -> None:
    import pipelines.core.chunks as chunks

    real = chunks.clean_article

    def clean_article(raw: Any, **kwargs: Any) -> Any:
        if b"POISON:EXIT" in raw.body:
            os._exit(3)
        if b"POISON:SPIN" in raw.body:
            while True:
                pass
        return real(raw, **kwargs)

    chunks.clean_article = clean_article  # type: ignore[assignment]


_install()
