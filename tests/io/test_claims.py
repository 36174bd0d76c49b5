"""Claim check on a local store: upload, resolve, and the two failure codes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipelines.config import S3Config
from pipelines.core.errors import ArticleError
from pipelines.core.records import BodyRef, RawArticle
from pipelines.io.claims import CachedStores, check_in, resolve_body, split_claim_uri
from pipelines.io.objectstore import LocalStore, open_store


def _raw(body: bytes = b"<p>" + b"long story " * 1000 + b"</p>") -> RawArticle:
    return RawArticle(article_id="a" * 32, content_type="text/html", body=body, source="big.html")


def test_check_in_then_resolve_gives_the_body_back(tmp_path: Path) -> None:
    raw = _raw()
    sent = check_in(raw, LocalStore(tmp_path / "store"))
    digest = hashlib.sha256(raw.body).hexdigest()
    assert sent.body == b"" and sent.body_ref is not None
    assert sent.body_ref == BodyRef(
        f"{tmp_path}/store/claims/{'a' * 32}/{digest}", len(raw.body), digest
    )
    assert (tmp_path / "store" / "claims" / ("a" * 32) / digest).read_bytes() == raw.body
    stores = CachedStores(S3Config())
    back = resolve_body(sent, stores)
    assert back.body == raw.body and back.body_ref == sent.body_ref
    assert resolve_body(raw, stores) is raw  # nothing to resolve
    stores.close()


def test_missing_and_tampered_bodies_raise_their_codes(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    sent = check_in(_raw(), store)
    assert sent.body_ref is not None
    key = split_claim_uri(sent.body_ref.uri)[1]
    stores = CachedStores(S3Config())
    (Path("/") / key).write_bytes(b"x" * sent.body_ref.size)  # same size, other bytes
    with pytest.raises(ArticleError) as err:
        resolve_body(sent, stores)
    assert err.value.code == "claim_check_mismatch"
    (Path("/") / key).write_bytes(b"short")
    with pytest.raises(ArticleError) as err:
        resolve_body(sent, stores)
    assert err.value.code == "claim_check_mismatch"
    (Path("/") / key).unlink()
    with pytest.raises(ArticleError) as err:
        resolve_body(sent, stores)
    assert err.value.code == "claim_check_missing"


def test_claim_uris_split_into_store_root_and_key() -> None:
    assert split_claim_uri("s3://news/tests/x/claims/a/b") == ("s3://news", "tests/x/claims/a/b")
    assert split_claim_uri("/data/claims/a/b") == ("/", "data/claims/a/b")
    assert split_claim_uri("file:///data/claims/a/b") == ("/", "data/claims/a/b")
    for bad in ("s3://bucket", "relative/path", "http://host/x"):
        with pytest.raises(ValueError):
            split_claim_uri(bad)


def test_cached_stores_open_each_root_once(tmp_path: Path) -> None:
    opened: list[str] = []

    def opener(root: str, s3: S3Config) -> LocalStore:
        opened.append(root)
        store = open_store(str(tmp_path), s3)
        assert isinstance(store, LocalStore)
        return store

    stores = CachedStores(S3Config(), opener=opener)
    assert stores("/") is stores("/")
    stores("s3://other")
    assert opened == ["/", "s3://other"]
    stores.close()


def test_a_boto3_style_client_can_stand_in_for_the_factory(tmp_path: Path) -> None:
    import io

    raw = _raw()
    sent = check_in(raw, LocalStore(tmp_path))
    assert sent.body_ref is not None
    s3_ref = BodyRef(
        f"s3://bucket/claims/x/{sent.body_ref.sha256}", sent.body_ref.size, sent.body_ref.sha256
    )

    class Client:
        def get_object(self, Bucket: str, Key: str) -> dict[str, object]:
            assert (Bucket, Key) == ("bucket", f"claims/x/{s3_ref.sha256}")
            return {"Body": io.BytesIO(raw.body)}

    claimed = RawArticle(raw.article_id, raw.content_type, b"", raw.source, body_ref=s3_ref)
    assert resolve_body(claimed, Client()).body == raw.body
    with pytest.raises(ValueError):
        resolve_body(claimed, None)
