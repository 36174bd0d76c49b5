"""Destinations: one small interface over a local folder and an S3 bucket (boto3).

`open_store("s3://bucket/prefix", s3_config)` or `open_store("/some/dir", ...)` gives a store
whose keys are relative to that root. Every `put` is atomic for readers: S3 PUT replaces an
object whole, and the local store writes a temporary file and renames it.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from pipelines.config import S3Config


class ObjectStore(Protocol):
    @property
    def uri(self) -> str: ...

    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def get_prefix(self, key: str, limit: int) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def list(self, prefix: str = "") -> Iterator[str]: ...
    def sizes(self, prefix: str = "") -> dict[str, int]: ...
    def modified(self, prefix: str = "") -> dict[str, datetime]: ...
    def delete(self, key: str) -> None: ...
    def close(self) -> None: ...


def split_s3_uri(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError(f"not an s3:// URI: {uri}")
    return parsed.netloc, parsed.path.strip("/")


_SCHEMES = ("s3", "s3a", "s3n", "gs", "gcs", "file", "http", "https", "abfs", "abfss", "hdfs")


def check_uri(uri: str) -> str:
    """`uri` if it is an s3://bucket[/prefix] URI, a file:// URI or a local path; ValueError
    for a malformed or unsupported one (`s3:/bucket`, `S3://b`, `gs://b`), which would
    otherwise be taken for a local folder name."""
    scheme, colon, rest = uri.partition(":")
    if not colon or scheme.lower() not in _SCHEMES:
        return uri  # a local path (a colon elsewhere is part of a file name)
    if scheme == "s3" and rest.startswith("//"):
        if not urlparse(uri).netloc:
            raise ValueError(f"no bucket in {uri!r} (s3://bucket/prefix)")
        return uri
    if scheme == "file" and rest.startswith("//"):
        return uri
    if rest.startswith("//") and scheme.lower() not in ("s3", "file"):
        raise ValueError(f"unsupported URI scheme in {uri!r}: use s3://bucket/prefix or a path")
    fixed = f"{scheme.lower()}://{rest.lstrip('/')}"
    raise ValueError(f"malformed URI {uri!r}: did you mean {fixed!r}?")


_SESSION_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _session() -> Any:
    import boto3

    return boto3.session.Session()


def make_s3_client(s3: S3Config) -> Any:
    """A boto3 S3 client with retries that ride out a short outage of the object store.

    Clients come from one boto3 session per process: a session loads the S3 service model
    (~0.15 s of JSON) once, where a session per client loaded it for every DoFn. Sessions
    are not thread-safe, so clients are made under a lock; the clients themselves are.
    """
    from botocore.config import Config as BotoConfig

    boto_config = BotoConfig(
        retries={"max_attempts": 12, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
        s3={"addressing_style": "path"},
    )
    with _SESSION_LOCK:
        return _session().client("s3", config=boto_config, **s3.client_kwargs())


@dataclass
class LocalStore:
    root: Path

    @property
    def uri(self) -> str:
        return str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Temp file in the same folder, then rename: readers see the old file or the new one.
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def get_prefix(self, key: str, limit: int) -> bytes:
        """The object's first `limit` bytes (all of it when shorter): never reads more."""
        with self._path(key).open("rb") as fh:
            return _read_at_most(fh, limit)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str = "") -> Iterator[str]:
        base = self.root
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                key = path.relative_to(base).as_posix()
                if key.startswith(prefix):
                    yield key

    def sizes(self, prefix: str = "") -> dict[str, int]:
        """Key -> size in bytes, of the keys under `prefix` (one listing)."""
        found: dict[str, int] = {}
        for key in self.list(prefix):
            try:
                found[key] = self._path(key).stat().st_size
            except FileNotFoundError:  # deleted since listed
                continue
        return found

    def modified(self, prefix: str = "") -> dict[str, datetime]:
        """Key -> last modification time (UTC), of the keys under `prefix`."""
        found: dict[str, datetime] = {}
        for key in self.list(prefix):
            try:
                found[key] = datetime.fromtimestamp(self._path(key).stat().st_mtime, UTC)
            except FileNotFoundError:
                continue
        return found

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def close(self) -> None:
        pass


def _read_at_most(stream: Any, limit: int, chunk: int = 1 << 20) -> bytes:
    """At most `limit` bytes from a file-like `stream`, reading `chunk` bytes at a time."""
    parts: list[bytes] = []
    left = max(limit, 0)
    while left > 0:
        part = stream.read(min(chunk, left))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _transient(exc: Exception) -> bool:
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(exc, ConnectionError | HTTPClientError):
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return status >= 500 or status == 429
    return False


class S3Store:
    """An S3 prefix. Calls ride out an outage of the object store: on connection errors and
    5xx answers they retry with capped exponential backoff for up to `retry_for_s` (boto3's
    own retries give up after well under a minute)."""

    def __init__(self, bucket: str, prefix: str, client: Any, retry_for_s: float = 300.0) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client
        self.retry_for_s = retry_for_s

    def _call(self, fn: Any, **kwargs: Any) -> Any:
        import time

        deadline = time.monotonic() + self.retry_for_s
        delay = 0.5
        while True:
            try:
                return fn(**kwargs)
            except Exception as exc:
                if not _transient(exc) or time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        self._call(self.client.put_object, Bucket=self.bucket, Key=self._key(key), Body=data)

    def get(self, key: str) -> bytes:
        def read(**kwargs: Any) -> bytes:
            data: bytes = self.client.get_object(**kwargs)["Body"].read()
            return data

        return bytes(self._call(read, Bucket=self.bucket, Key=self._key(key)))

    def get_prefix(self, key: str, limit: int) -> bytes:
        """The object's first `limit` bytes (all of it when shorter): the body stream is read
        in chunks and closed once `limit` bytes are in, so a larger object never fills memory."""

        def read(**kwargs: Any) -> bytes:
            body = self.client.get_object(**kwargs)["Body"]
            try:
                return _read_at_most(body, limit)
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

        return bytes(self._call(read, Bucket=self.bucket, Key=self._key(key)))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._call(self.client.head_object, Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def list(self, prefix: str = "") -> Iterator[str]:
        yield from self.sizes(prefix)

    def _listing(self, prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(key relative to this store, listed object) under `prefix`."""
        paginator = self.client.get_paginator("list_objects_v2")
        full = self._key(prefix) if prefix else (f"{self.prefix}/" if self.prefix else "")
        cut = len(self.prefix) + 1 if self.prefix else 0
        pages = self._call(
            lambda **kw: list(paginator.paginate(**kw)), Bucket=self.bucket, Prefix=full
        )
        for page in pages:
            for obj in page.get("Contents", []):
                yield obj["Key"][cut:], obj

    def sizes(self, prefix: str = "") -> dict[str, int]:
        """Key -> size in bytes, of the keys under `prefix` (the listing carries sizes)."""
        return {key: int(obj["Size"]) for key, obj in self._listing(prefix)}

    def modified(self, prefix: str = "") -> dict[str, datetime]:
        """Key -> last modification time (UTC), of the keys under `prefix`."""
        return {key: obj["LastModified"].astimezone(UTC) for key, obj in self._listing(prefix)}

    def delete(self, key: str) -> None:
        self._call(self.client.delete_object, Bucket=self.bucket, Key=self._key(key))

    def close(self) -> None:
        self.client.close()


def open_store(uri: str, s3: S3Config, client: Any | None = None) -> ObjectStore:
    """A store rooted at `uri`: `s3://bucket/prefix` or a local folder path."""
    if uri.startswith("s3://"):
        bucket, prefix = split_s3_uri(uri)
        return S3Store(bucket, prefix, client or make_s3_client(s3), retry_for_s=s3.retry_for_s)
    if "://" in uri and not uri.startswith("file://"):
        raise ValueError(f"unsupported output URI scheme: {uri}")
    return LocalStore(Path(uri.removeprefix("file://")))
