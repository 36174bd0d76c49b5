"""Claim check: article bodies too large for a Kafka message travel through object storage.

The producer puts the body under ``<root>/claims/<article_id>/<sha256>`` (`check_in`) and sends
the record with an empty body and `body_ref` (uri, size, sha256). The pipeline's decode step
calls `resolve_body`, which fetches the body back and verifies size and digest, raising
`ArticleError("claim_check_missing")` or `ArticleError("claim_check_mismatch")` for the
dead-letter output. Keys are content-addressed, so re-sending an article rewrites the same
object and a retried upload is harmless.

Stores are opened through a factory ``store_factory(root_uri) -> ObjectStore``, where
root_uri is ``s3://bucket`` for S3 URIs and the filesystem root for local paths; use
`CachedStores` to open each root once per worker instead of once per article.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from pipelines.config import S3Config
from pipelines.core.errors import ArticleError
from pipelines.core.records import BodyRef, RawArticle
from pipelines.io.objectstore import ObjectStore, open_store, split_s3_uri

CLAIMS_PREFIX = "claims"

StoreFactory = Callable[[str], ObjectStore]


def claim_key(article_id: str, sha256: str, prefix: str = CLAIMS_PREFIX) -> str:
    return (
        f"{prefix.strip('/')}/{article_id}/{sha256}"
        if prefix.strip("/")
        else f"{article_id}/{sha256}"
    )


def check_in(raw: RawArticle, store: ObjectStore, prefix: str = CLAIMS_PREFIX) -> RawArticle:
    """Upload `raw.body` to `store` and return a copy that carries a `body_ref` instead."""
    digest = hashlib.sha256(raw.body).hexdigest()
    key = claim_key(raw.article_id, digest, prefix)
    store.put(key, raw.body)
    uri = f"{store.uri.rstrip('/')}/{key}"
    return dataclasses.replace(
        raw, body=b"", body_ref=BodyRef(uri=uri, size=len(raw.body), sha256=digest)
    )


def split_claim_uri(uri: str) -> tuple[str, str]:
    """(store root, key) of a body_ref URI: ("s3://bucket", "claims/…") or ("/", "tmp/…")."""
    if uri.startswith("s3://"):
        bucket, key = split_s3_uri(uri)
        if not key:
            raise ValueError(f"claim URI has no key: {uri}")
        return f"s3://{bucket}", key
    path = PurePosixPath(uri.removeprefix("file://"))
    if not path.is_absolute() or path.name == "":
        raise ValueError(f"claim URI is neither s3:// nor an absolute path: {uri}")
    return "/", str(path).lstrip("/")


def _is_missing(exc: Exception) -> bool:
    if isinstance(exc, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        return True
    response: Any = getattr(exc, "response", None)  # botocore ClientError
    if isinstance(response, dict):
        code = str(response.get("Error", {}).get("Code", ""))
        return code in ("NoSuchKey", "404", "NotFound", "NoSuchBucket")
    return False


def resolve_body(raw: RawArticle, store_factory: StoreFactory | Any) -> RawArticle:
    """`raw` with its claim-checked body fetched back and verified (unchanged if no body_ref).

    `store_factory` maps a store root ("s3://bucket" or "/") to an ObjectStore (see
    `CachedStores`); a boto3 S3 client is accepted too and used for s3:// references.

    Raises ArticleError("claim_check_missing") when the object is gone and
    ArticleError("claim_check_mismatch") when its size or SHA-256 differ from the reference.
    Other storage errors (credentials, network) propagate: they are not the article's fault,
    and the runner's retry should see them.
    """
    ref = raw.body_ref
    if ref is None:
        return raw
    try:
        root, key = split_claim_uri(ref.uri)
    except ValueError as exc:
        raise ArticleError("claim_check_missing", str(exc)) from exc
    store = _factory(store_factory)(root)
    try:
        data = store.get(key)
    except Exception as exc:
        if _is_missing(exc):
            raise ArticleError("claim_check_missing", f"{ref.uri} does not exist") from exc
        raise
    if len(data) != ref.size:
        raise ArticleError(
            "claim_check_mismatch",
            f"{ref.uri} has {len(data)} bytes, the reference says {ref.size}",
        )
    digest = hashlib.sha256(data).hexdigest()
    if digest != ref.sha256:
        raise ArticleError(
            "claim_check_mismatch",
            f"{ref.uri} has SHA-256 {digest}, the reference says {ref.sha256}",
        )
    # body_ref stays: lineage says where the body came from.
    return dataclasses.replace(raw, body=data)


def _factory(source: StoreFactory | Any) -> StoreFactory:
    if callable(source):
        return source
    if source is None:
        raise ValueError("a claim-checked body needs an object store, and none is configured")
    client = source  # a boto3 S3 client: wrap it; closing the wrapper would close the client

    def open_root(root: str) -> ObjectStore:
        return open_store(root, S3Config(), client=client)

    return open_root


class CachedStores:
    """A store factory that opens each root once; `close()` closes them all."""

    def __init__(
        self, s3: S3Config, opener: Callable[[str, S3Config], ObjectStore] = open_store
    ) -> None:
        self.s3 = s3
        self._opener = opener
        self._stores: dict[str, ObjectStore] = {}

    def __call__(self, root: str) -> ObjectStore:
        store = self._stores.get(root)
        if store is None:
            store = self._stores[root] = self._opener(root, self.s3)
        return store

    def close(self) -> None:
        for store in self._stores.values():
            store.close()
        self._stores.clear()
