"""Shared process pools: workers warm up as they start and import no Beam."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest

from pipelines.core.chunks import CleanChunk
from pipelines.core.clean import CleanSettings
from pipelines.core.records import RawArticle
from pipelines.transforms.pools import SharedPools

SCRAPE = (
    b"Harbour Plan Approved After Long Debate\n\n"
    b"The city council approved a plan on Monday to rebuild the old harbour front, ending a "
    b"debate that lasted more than two years and divided local residents of the town.\n"
)


def _fixed_now() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


def _mark(folder: str) -> None:
    Path(folder, str(os.getpid())).touch()


def _wait_for_mark(folder: str) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Path(folder, str(os.getpid())).exists():
            return True
        time.sleep(0.05)
    return False


def test_each_worker_runs_the_warm_up_of_its_pool(tmp_path: Path) -> None:
    pools = SharedPools()
    pools.acquire(2, warm=(partial(_mark, str(tmp_path)),))
    try:
        pool = pools.get(2)
        # Both workers start at once (the pool starts them when made): each marks itself.
        deadline = time.monotonic() + 60
        while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        marked = {int(p.name) for p in tmp_path.iterdir()}
        assert len(marked) == 2
        assert pool.submit(_wait_for_mark, str(tmp_path)).result(timeout=60)
        assert pool.submit(os.getpid).result(timeout=60) in marked
    finally:
        pools.release(2)


def test_a_later_user_shares_the_pool_and_the_last_release_shuts_it() -> None:
    pools = SharedPools()
    pools.acquire(1)
    pools.acquire(1, warm=(_fixed_now,))
    first = pools.get(1)
    pools.release(1)
    assert pools.get(1) is first
    pools.release(1)
    with pytest.raises(RuntimeError, match="shutdown"):
        first.submit(os.getpid)


def test_replacing_a_broken_pool_is_counted_once() -> None:
    pools = SharedPools()
    pools.acquire(1)
    try:
        broken = pools.get(1)
        pools.replace_broken(1, broken)
        pools.replace_broken(1, broken)  # a second user noticing the same break
        assert pools.restarts == 1 and pools.get(1) is not broken
    finally:
        pools.release(1)


def test_a_worker_cleaning_articles_has_not_imported_beam() -> None:
    pools = SharedPools()
    pools.acquire(1)
    try:
        pool = pools.get(1)
        raw = RawArticle("a", "text/plain", SCRAPE, "a.txt")
        (article,) = pool.submit(CleanChunk(CleanSettings(), _fixed_now), [raw]).result(60)
        assert article.title == "Harbour Plan Approved After Long Debate"
        pid = pool.submit(os.getpid).result(timeout=60)
        maps = Path(f"/proc/{pid}/maps").read_text()
        assert "spacy" not in maps  # nor the enrichment models: no warm-up was asked for
        assert "apache_beam" not in maps
    finally:
        pools.release(1)
