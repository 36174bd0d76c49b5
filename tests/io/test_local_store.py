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


class _FlakyClient:
    """Fails the first `failures` calls with a connection error, like an S3 endpoint that is
    restarting."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.puts: list[str] = []

    def put_object(self, Bucket: str, Key: str, Body: bytes) -> None:
        from botocore.exceptions import EndpointConnectionError

        if self.failures:
            self.failures -= 1
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
        self.puts.append(Key)


def test_s3_store_retries_through_an_outage_then_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from botocore.exceptions import EndpointConnectionError

    from pipelines.io.objectstore import S3Store

    monkeypatch.setattr(time, "sleep", lambda s: None)
    store = S3Store("b", "p", _FlakyClient(failures=3))
    store.put("k", b"x")
    assert store.client.puts == ["p/k"]
    hopeless = S3Store("b", "p", _FlakyClient(failures=10**6), retry_for_s=0.0)
    with pytest.raises(EndpointConnectionError):
        hopeless.put("k", b"x")
