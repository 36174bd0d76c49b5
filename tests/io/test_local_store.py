"""LocalStore: the object-store interface over a folder (no services needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import S3Config
from pipelines.io.objectstore import LocalStore, open_store, split_s3_uri


def test_local_store_put_is_atomic_and_listable(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "out"), S3Config())
    assert isinstance(store, LocalStore)
    store.put("articles/dt=2024-01-01/a.parquet", b"x")
    store.put("articles/dt=2024-01-01/a.parquet", b"yy")
    assert store.get("articles/dt=2024-01-01/a.parquet") == b"yy"
    assert list(store.list("articles/")) == ["articles/dt=2024-01-01/a.parquet"]
    assert not list((tmp_path / "out").rglob(".tmp-*"))


def test_split_s3_uri() -> None:
    assert split_s3_uri("s3://bucket/a/b/") == ("bucket", "a/b")
    assert split_s3_uri("s3://bucket") == ("bucket", "")
    with pytest.raises(ValueError):
        split_s3_uri("http://x/y")
    with pytest.raises(ValueError):
        open_store("gs://bucket/x", S3Config())
