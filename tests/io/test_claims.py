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
    location = f"{tmp_path}/store/claims"
    back = resolve_body(sent, stores, claims_uri=location)
    assert back.body == raw.body and back.body_ref == sent.body_ref
    assert resolve_body(raw, stores, claims_uri=location) is raw  # nothing to resolve
    stores.close()


def test_missing_and_tampered_bodies_raise_their_codes(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    sent = check_in(_raw(), store)
    assert sent.body_ref is not None
    key = split_claim_uri(sent.body_ref.uri)[1]
    stores = CachedStores(S3Config())
    (Path("/") / key).write_bytes(b"x" * sent.body_ref.size)  # same size, other bytes
    with pytest.raises(ArticleError) as err:
        resolve_body(sent, stores, claims_uri=str(tmp_path))
    assert err.value.code == "claim_check_mismatch"
    (Path("/") / key).write_bytes(b"short")
    with pytest.raises(ArticleError) as err:
        resolve_body(sent, stores, claims_uri=str(tmp_path))
    assert err.value.code == "claim_check_mismatch"
    (Path("/") / key).unlink()
    with pytest.raises(ArticleError) as err:
        resolve_body(sent, stores, claims_uri=str(tmp_path))
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
    location = "s3://bucket/claims"
    assert resolve_body(claimed, Client(), claims_uri=location).body == raw.body
    with pytest.raises(ValueError):
        resolve_body(claimed, None, claims_uri=location)


# --- Whoever can write to the topic writes body_ref: it is untrusted ---------------------------


def _claimed(uri: str, size: int, sha256: str) -> RawArticle:
    return RawArticle(
        "a" * 32, "text/html", b"", "kafka:t/0/1", body_ref=BodyRef(uri, size, sha256)
    )


def _secret(tmp_path: Path) -> tuple[Path, bytes, str]:
    path = tmp_path / "secret.env"
    data = b"AWS_SECRET_ACCESS_KEY=hunter2-very-secret"
    path.write_bytes(data)
    return path, data, hashlib.sha256(data).hexdigest()


class RecordingStore:
    """A fake store that records what it is asked for, serving `objects`."""

    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects
        self.asked: list[tuple[str, int | None]] = []

    @property
    def uri(self) -> str:
        return "s3://news"

    def get(self, key: str) -> bytes:
        self.asked.append((key, None))
        return self.objects[key]

    def get_prefix(self, key: str, limit: int) -> bytes:
        self.asked.append((key, limit))
        if key not in self.objects:
            raise FileNotFoundError(key)
        return self.objects[key][:limit]


def test_references_outside_the_claims_location_are_forbidden(tmp_path: Path) -> None:
    secret, data, digest = _secret(tmp_path)
    environ = Path("/proc/self/environ")
    store = RecordingStore({"claims/a/b": b"x"})
    opened: list[str] = []

    def factory(root: str) -> RecordingStore:
        opened.append(root)
        return store

    cases = [
        (str(secret), "s3://news/claims"),  # a local absolute path, claims in S3
        (str(environ), "s3://news/claims"),
        (f"file://{secret}", "s3://news/claims"),
        ("s3://other-bucket/claims/a/b", "s3://news/claims"),
        ("s3://news/claims/../news/articles/x", "s3://news/claims"),
        ("s3://news/claims/a/../../secret", "s3://news/claims"),
        ("s3://news/claims//a/b", "s3://news/claims"),
        ("s3://news//claims/a/b", "s3://news/claims"),
        ("s3://news/claimsx/a/b", "s3://news/claims"),
        ("s3://news/claims", "s3://news/claims"),
        ("s3://news.evil/claims/a/b", "s3://news/claims"),
        ("http://news/claims/a/b", "s3://news/claims"),
        (str(secret), f"{tmp_path}/claims"),  # a local folder, the file beside it
        (f"{tmp_path}/claims/../secret.env", f"{tmp_path}/claims"),
        (f"{tmp_path}/claims/./../secret.env", f"{tmp_path}/claims"),
        (f"file://{tmp_path}/claims/../secret.env", f"{tmp_path}/claims"),
        (str(environ), f"{tmp_path}/claims"),
        ("s3://news/claims/a/b", f"{tmp_path}/claims"),
        (f"relative/{tmp_path}/claims/a", f"{tmp_path}/claims"),
    ]
    for uri, location in cases:
        for size, sha in ((len(data), digest), (1, "00" * 32)):
            with pytest.raises(ArticleError) as err:
                resolve_body(_claimed(uri, size, sha), factory, claims_uri=location)
            assert err.value.code == "claim_check_forbidden", uri
            text = str(err.value)
            assert "hunter2" not in text and digest not in text and str(len(data)) not in text
            assert str(environ) not in text and str(secret) not in text
    assert opened == [] and store.asked == []  # nothing was even opened
    with pytest.raises(ArticleError) as err:  # no location configured: no claim check at all
        resolve_body(_claimed(str(secret), len(data), digest), factory, claims_uri=None)
    assert err.value.code == "claim_check_forbidden"


def test_a_body_larger_than_declared_is_a_mismatch_read_no_further() -> None:
    big = b"y" * 10_000
    store = RecordingStore({"claims/a/b": big})
    declared = hashlib.sha256(big[:100]).hexdigest()
    with pytest.raises(ArticleError) as err:
        resolve_body(
            _claimed("s3://news/claims/a/b", 100, declared),
            lambda root: store,
            claims_uri="s3://news/claims",
            max_bytes=1_000,
        )
    assert err.value.code == "claim_check_mismatch"
    assert store.asked == [("claims/a/b", 101)]  # declared + 1, never the whole object
    with pytest.raises(ArticleError) as err:  # declared over the limit: not even asked
        resolve_body(
            _claimed("s3://news/claims/a/b", 5_000, declared),
            lambda root: store,
            claims_uri="s3://news/claims",
            max_bytes=1_000,
        )
    assert err.value.code == "too_large" and len(store.asked) == 1


def test_mismatch_messages_reveal_neither_real_size_nor_digest(tmp_path: Path) -> None:
    real = b"the real body, 31 bytes long..."
    folder = tmp_path / "claims"
    LocalStore(folder).put("a/b", real)
    real_digest = hashlib.sha256(real).hexdigest()
    stores = CachedStores(S3Config())
    for size, sha in ((len(real), "0" * 64), (7, real_digest), (7, "0" * 64)):
        with pytest.raises(ArticleError) as err:
            resolve_body(_claimed(f"{folder}/a/b", size, sha), stores, claims_uri=str(folder))
        assert err.value.code == "claim_check_mismatch"
        text = str(err.value).replace(f"{folder}/a/b", "<uri>")
        assert real_digest not in text or sha == real_digest
        assert str(len(real)) not in text or size == len(real)
    stores.close()


def test_local_store_reads_at_most_the_limit(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put("k", b"0123456789")
    assert store.get_prefix("k", 4) == b"0123"
    assert store.get_prefix("k", 100) == b"0123456789"
    assert store.get_prefix("k", 0) == b""


def test_s3_store_reads_the_body_stream_in_chunks_and_stops() -> None:
    import io

    from pipelines.io.objectstore import S3Store

    read_sizes: list[int] = []

    class Body(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            read_sizes.append(-1 if size is None else size)
            return super().read(size)

    body = Body(b"z" * (3 << 20))

    class Client:
        def get_object(self, Bucket: str, Key: str) -> dict[str, object]:
            assert (Bucket, Key) == ("news", "claims/a/b")
            return {"Body": body}

    data = S3Store("news", "", Client()).get_prefix("claims/a/b", (1 << 20) + 1)
    assert len(data) == (1 << 20) + 1 and body.closed
    assert read_sizes and all(0 < size <= (1 << 20) for size in read_sizes)


def test_the_claims_location_is_one_config_value() -> None:
    from pipelines.config import Config

    assert Config.from_env({}).claims_uri == "s3://newswire/claims"
    assert Config.from_env({"NEWSWIRE_S3_BUCKET": "x"}).claims_uri == "s3://x/claims"
    assert Config.from_env({"NEWSWIRE_CLAIMS_URI": "/data/claims"}).claims_uri == "/data/claims"
    assert Config().claims_uri == "s3://newswire/claims"
