"""Claim check: article bodies too large for a Kafka message travel through object storage.

The producer puts the body under ``<claims location>/<article_id>/<sha256>`` (`check_in`;
`newswire produce` uses `Config.claims_uri`, by default ``s3://<bucket>/claims``) and sends
the record with an empty body and `body_ref` (uri, size, sha256). The pipeline's decode step
calls `resolve_body`, which accepts a reference only under the same configured location
(whoever can write to the topic writes body_ref), reads at most one byte more than the
declared size and verifies size and digest, raising `ArticleError("claim_check_forbidden")`,
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
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
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


def _segments(path: str) -> tuple[str, ...] | None:
    """The "/"-separated parts of `path`, or None when any is empty, "." or ".." (no `//`,
    no traversal, no leading or trailing slash) or holds a backslash or a NUL."""
    parts = tuple(path.split("/"))
    for part in parts:
        if part in ("", ".", "..") or "\\" in part or "\x00" in part:
            return None
    return parts


@dataclass(frozen=True)
class ClaimsLocation:
    """The one place claim-checked bodies may be read from: a store root ("s3://bucket" or
    "/") and the key prefix under it. Built from the configured `claims_uri`
    (s3://bucket/prefix, or an absolute local folder, optionally as file://)."""

    root: str
    prefix: tuple[str, ...]

    @classmethod
    def parse(cls, uri: str) -> ClaimsLocation:
        if uri.startswith("s3://"):
            bucket, _, key = uri.removeprefix("s3://").partition("/")
            prefix = tuple(part for part in key.split("/") if part)
            if not bucket or (prefix and _segments("/".join(prefix)) is None):
                raise ValueError(f"claims location is not a usable s3:// URI: {uri}")
            return cls(f"s3://{bucket}", prefix)
        path = uri.removeprefix("file://")
        if "://" in path or not path.startswith("/"):
            raise ValueError(f"claims location is neither s3:// nor an absolute folder: {uri}")
        return cls("/", tuple(part for part in posixpath.normpath(path).split("/") if part))

    @property
    def uri(self) -> str:
        return "/".join((self.root.rstrip("/"), *self.prefix)) or "/"

    def locate(self, uri: str) -> tuple[str, str]:
        """(store root, key) of a body_ref URI under this location; anything else (another
        bucket or scheme, a path outside the folder, `..`, `//`) raises
        ArticleError("claim_check_forbidden"), whose message says nothing about the URI."""
        if self.root == "/":
            path = uri.removeprefix("file://")
            key = path[1:] if path.startswith("/") else None
        else:
            key = uri[len(self.root) + 1 :] if uri.startswith(self.root + "/") else None
        parts = _segments(key) if key is not None else None
        n = len(self.prefix)
        if parts is None or len(parts) <= n or parts[:n] != self.prefix:
            raise ArticleError(
                "claim_check_forbidden", "body_ref is outside the configured claims location"
            )
        return self.root, "/".join(parts)


def _is_missing(exc: Exception) -> bool:
    """The object is not there. Anything else (network, credentials, a bucket that is gone:
    the configured location's, so a fault of the deployment) is not the article's fault."""
    if isinstance(exc, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        return True
    response: Any = getattr(exc, "response", None)  # botocore ClientError
    if isinstance(response, dict):
        code = str(response.get("Error", {}).get("Code", ""))
        return code in ("NoSuchKey", "404", "NotFound")
    return False


def resolve_body(
    raw: RawArticle,
    store_factory: StoreFactory | Any,
    *,
    claims_uri: str | ClaimsLocation | None,
    max_bytes: int | None = None,
) -> RawArticle:
    """`raw` with its claim-checked body fetched back and verified (unchanged if no body_ref).

    `store_factory` maps a store root ("s3://bucket" or "/") to an ObjectStore (see
    `CachedStores`); a boto3 S3 client is accepted too and used for s3:// references.
    `claims_uri` is the configured claims location (`Config.claims_uri`); None accepts no
    claim check at all. Whoever can write to the topic writes body_ref, so it is untrusted.

    Raises ArticleError with the article's fault, for the dead-letter output:
    "claim_check_forbidden" when the reference is not under `claims_uri` (nothing is read),
    "too_large" when it declares more than `max_bytes` (nothing is read),
    "claim_check_missing" when the object is gone and "claim_check_mismatch" when its size
    or SHA-256 differ from the reference (the message tells neither the real size nor the
    real digest). At most min(declared size, max_bytes) + 1 bytes are read.
    Other storage errors (credentials, network, an outage outlasting the store's retries)
    propagate: they are not the article's fault, and the runner's retry should see them.
    """
    ref = raw.body_ref
    if ref is None:
        return raw
    if ref.size < 0:
        raise ArticleError("claim_check_mismatch", "body_ref declares a negative size")
    if max_bytes is not None and ref.size > max_bytes:
        raise ArticleError("too_large", f"claimed body of {ref.size} bytes is over {max_bytes}")
    if claims_uri is None:
        raise ArticleError(
            "claim_check_forbidden", "no claims location is configured: claim checks are refused"
        )
    location = (
        claims_uri if isinstance(claims_uri, ClaimsLocation) else ClaimsLocation.parse(claims_uri)
    )
    root, key = location.locate(ref.uri)
    store = _factory(store_factory)(root)
    try:
        # One byte more than declared: enough to see a larger object, never all of it.
        data = store.get_prefix(key, ref.size + 1)
    except Exception as exc:
        if _is_missing(exc):
            raise ArticleError("claim_check_missing", f"{ref.uri} does not exist") from exc
        raise
    if len(data) != ref.size or hashlib.sha256(data).hexdigest() != ref.sha256:
        raise ArticleError(
            "claim_check_mismatch",
            f"{ref.uri} does not match its reference (size {ref.size}, SHA-256 {ref.sha256})",
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
