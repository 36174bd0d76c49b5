"""URIs the commands accept: a malformed one is an error, never silently a local folder."""

from __future__ import annotations

import re

import pytest

from pipelines.io.objectstore import check_uri


@pytest.mark.parametrize(
    ("uri", "error"),
    [
        ("s3://newswire/news", None),
        ("file:///tmp/out", None),
        ("out/news", None),
        ("/tmp/a:b", None),
        ("s3:/newswire/news", "did you mean 's3://newswire/news'?"),
        ("s3:newswire", "did you mean 's3://newswire'?"),
        ("S3://newswire", "did you mean 's3://newswire'?"),
        ("s3://", "no bucket"),
        ("gs://bucket/x", "unsupported URI scheme"),
    ],
)
def test_check_uri(uri: str, error: str | None) -> None:
    if error is None:
        assert check_uri(uri) == uri
    else:
        with pytest.raises(ValueError, match=re.escape(error)):
            check_uri(uri)
