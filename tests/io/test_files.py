"""Input listing for backfills: local paths, folders, globs and s3:// prefixes -> files;
ReadRawFiles reads them into RawArticles and dead letters."""

from __future__ import annotations

from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.config import Config
from pipelines.io.files import ReadRawFiles, list_input_files
from pipelines.io.objectstore import open_store

PAGE = b"<html><head><title>Quay</title></head><body><p>The quay reopens.</p></body></html>"


def _tree(root: Path) -> None:
    (root / "b").mkdir(parents=True)
    (root / "a.html").write_bytes(PAGE)
    (root / "b" / "c.txt").write_bytes(b"The ferry runs again from Monday, the operator said.")
    (root / "b" / "notes.xyz").write_bytes(b"not an input")
    (root / "manifest.json").write_text("{}")
    (root / ".hidden.html").write_bytes(PAGE)


def test_folders_are_walked_in_order_and_only_input_files_kept(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert list_input_files([str(tmp_path)], Config().s3) == [
        str(tmp_path / "a.html"),
        str(tmp_path / "b" / "c.txt"),
    ]


def test_globs_and_plain_files_are_listed_as_given(tmp_path: Path) -> None:
    _tree(tmp_path)
    listed = list_input_files([f"{tmp_path}/**/*.txt", str(tmp_path / "a.html")], Config().s3)
    assert listed == [str(tmp_path / "b" / "c.txt"), str(tmp_path / "a.html")]


def test_read_raw_files_reads_articles_and_dead_letters_bad_files(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_bytes(PAGE)
    (tmp_path / "empty.html").write_bytes(b"")
    with TestPipeline() as p:
        out = p | ReadRawFiles([str(tmp_path)], Config().s3)
        assert_that(
            out.articles | beam.Map(lambda r: (Path(r.source).name, r.content_type)),
            equal_to([("good.html", "text/html")]),
            label="CheckArticles",
        )
        assert_that(
            out.dead_letter | beam.Map(lambda d: (Path(d.source).name, d.step, d.error_code)),
            equal_to([("empty.html", "read", "empty")]),
            label="CheckDeadLetters",
        )


@pytest.mark.integration
def test_s3_prefixes_and_globs_are_listed(stack: Config, s3_uri: str) -> None:
    store = open_store(s3_uri, stack.s3)
    for key in ("in/a.html", "in/b/c.txt", "in/b/notes.xyz", "other/d.html"):
        store.put(key, PAGE)
    store.close()
    assert list_input_files([f"{s3_uri}/in/"], stack.s3) == [
        f"{s3_uri}/in/a.html",
        f"{s3_uri}/in/b/c.txt",
    ]
    assert list_input_files([f"{s3_uri}/*/*.html"], stack.s3) == [
        f"{s3_uri}/in/a.html",
        f"{s3_uri}/other/d.html",
    ]
