from __future__ import annotations

import copy
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipelines.config import REPO_ROOT
from pipelines.core.enrich import (
    EnrichmentModels,
    EnrichSettings,
    enrich_article,
    enrich_articles,
    load_models,
)
from pipelines.core.errors import ArticleError
from pipelines.core.records import Article, Entity

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SAMPLE = "samples/urdupoint-2024-09-26-pakistan-china-ev.txt"

ENGLISH = (
    "LIMA (Reuters) - Peru's central bank held interest rates steady on Thursday as inflation "
    "eased, central bank president Julio Velarde told reporters in Lima.\n\n"
    "Velarde said Peruvian exporters of copper to China had benefited from strong demand, "
    "while the currency stayed stable against the dollar.\n\n"
    "(Reporting by Jane Roe; Editing by John Doe)"
)
GERMAN = (
    "Die Bundesregierung hat am Mittwoch in Berlin neue Hilfen für die Wirtschaft "
    "beschlossen. Die Inflation und hohe Energiepreise belasten die Unternehmen, sagte der "
    "Finanzminister nach der Kabinettssitzung."
)


def article(article_id: str, text: str, **kw: Any) -> Article:
    return Article(
        article_id=article_id, text=text, source=f"test/{article_id}", ingested_at=NOW, **kw
    )


@pytest.fixture(scope="module")
def models() -> EnrichmentModels:
    return load_models(EnrichSettings())


def shared_file(relative: str) -> Path | None:
    roots = [os.environ.get("NEWSWIRE_SHARED"), REPO_ROOT.parent / "shared", "/work/shared"]
    for root in roots:
        if root and (Path(root) / relative).is_file():
            return Path(root) / relative
    return None


def test_sample_article_acceptance(models: EnrichmentModels) -> None:
    path = shared_file(SAMPLE)
    if path is None:
        pytest.skip(f"{SAMPLE} not available")
    paragraphs = [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
    start = next(i for i, p in enumerate(paragraphs) if p.startswith("ISLAMABAD"))
    out = enrich_article(article("ev", "\n\n".join(paragraphs[start:])), models)
    assert out.language == "en"
    labels = {e.text: e.label for e in out.entities}
    assert labels.get("Shehzad Ahmad Khan") == "PERSON"
    assert labels.get("Shanghai") in {"GPE", "LOC"}
    assert labels.get("Taizhou") in {"GPE", "LOC"}
    assert "ISLAMABAD" not in labels  # the dateline is not an ORG
    assert {"PK", "CN"} <= set(out.countries)
    assert "medtop:04000000" in out.topics


def test_english_article_is_fully_enriched(models: EnrichmentModels) -> None:
    src = article("en", ENGLISH, title="Peru central bank holds rates")
    out = enrich_article(src, models)
    assert out.language == "en"
    assert Entity("Julio Velarde", "PERSON", 2) in out.entities
    texts = {e.text for e in out.entities}
    assert "Lima" in texts and "Reuters" not in texts and "Jane Roe" not in texts
    assert out.countries == ["CN", "PE"]  # Peru, Lima, Peruvian, China; the dateline LIMA
    assert "central bank" in out.keywords
    assert out.topics[0] == "medtop:04000000"
    assert out.word_count == len(ENGLISH.split()) - 1  # "-" is not a word
    versions = out.enrichment_versions
    assert versions["ner"].startswith("spacy-") and "en_core_web_sm" in versions["ner"]
    assert {"language", "spacy", "spacy_model", "geo", "keywords", "topics", "enrich_rules"} <= set(
        versions
    )


def test_non_english_article_skips_ner_but_gets_the_rest(models: EnrichmentModels) -> None:
    out = enrich_article(article("de", GERMAN, dateline="Berlin"), models)
    assert out.language == "de"
    assert out.entities == []
    assert out.enrichment_versions["ner"] == "skipped:de"
    assert out.countries == ["DE"]  # from the dateline
    assert out.topics == ["medtop:04000000"]
    assert "Bundesregierung" in out.keywords


def test_batch_keeps_order_isolates_failures_and_does_not_mutate(models: EnrichmentModels) -> None:
    batch = [
        article("a", ENGLISH),
        article("empty", "  \n "),
        article("b", GERMAN, word_count=99, enrichment_versions={"clean": "v1"}),
    ]
    before = copy.deepcopy(batch)
    results = enrich_articles(batch, models)
    assert batch == before
    assert [type(r).__name__ for r in results] == ["Article", "ArticleError", "Article"]
    assert isinstance(results[1], ArticleError) and results[1].code == "empty_text"
    b = results[2]
    assert isinstance(b, Article)
    assert b.word_count == 99  # kept when the cleaner already counted
    assert b.enrichment_versions["clean"] == "v1"  # earlier steps' versions are kept


def test_a_ner_failure_fails_only_its_article(models: EnrichmentModels) -> None:
    class Flaky:
        """Stands in for spaCy: the batch call fails, and so does one article."""

        def __init__(self, real: Any) -> None:
            self.real = real

        def pipe(self, texts: list[str], batch_size: int) -> Any:
            raise RuntimeError("batch failed")

        def __call__(self, text: str) -> Any:
            if "poison" in text:
                raise ValueError("cannot parse")
            return self.real(text)

    flaky = EnrichmentModels(
        models.settings, Flaky(models.nlp), models.ner_language, models.lexicon, models.versions
    )
    results = enrich_articles(
        [article("ok", ENGLISH), article("bad", ENGLISH + " poison pill")], flaky
    )
    assert isinstance(results[0], Article) and results[0].entities
    assert isinstance(results[1], ArticleError)
    assert results[1].code == "ner_failed"
    assert "cannot parse" in results[1].message


def test_ner_input_is_capped(models: EnrichmentModels) -> None:
    capped = EnrichmentModels(
        EnrichSettings(ner_max_chars=60), models.nlp, "en", models.lexicon, models.versions
    )
    text = "Maria Lopez met officials in Lima. " + "The meeting went on. " * 30 + "Pedro Diaz left."
    out = enrich_article(article("long", text), capped)
    names = {e.text for e in out.entities}
    assert "Maria Lopez" in names and "Pedro Diaz" not in names


def test_a_batch_leaves_no_new_strings_in_the_models_vocabulary(models: EnrichmentModels) -> None:
    # A long-running worker sees millions of distinct tokens: kept, they would grow its memory
    # with the input.
    text = "Zorvath Quenlix met Brindlemoor officials in Vostrapol on Tuesday, aides said. " * 3
    before = len(models.nlp.vocab.strings)
    out = enrich_article(article("new-words", text), models)
    assert len(models.nlp.vocab.strings) == before
    assert out.entities  # the entities themselves survive the batch
