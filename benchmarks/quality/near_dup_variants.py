"""Near-duplicate quality: republished-copy variants of real texts, scored with our core dedup.

`make_variant(text, seed)` mimics how an outlet republishes wire copy: a new headline line,
the outlet's boilerplate lines (top and/or bottom), the last paragraphs cut, a paragraph of
its own inserted, two body paragraphs swapped, and light copy-editing (word substitutions,
a few dropped words). `variant_url(url, seed)` gives the copy a different address. Everything
is a pure function of its arguments and the seed (``random.Random`` with a string seed), so
runs are reproducible; the texts used here are only read, never written anywhere.

`evaluate_pairs(texts)` holds out a share of the texts; every other text becomes a story of
its original plus `variants_per_text` variants (profiles light/medium/heavy). Each held-out
text becomes a "follow-up": its own body with a recap paragraph (at most a quarter of its
length) of one of the stories, i.e. a different story on the same topic, which must NOT be
merged. Every item gets a random publication time, and `pipelines.core.dedup` (signatures, LSH
buckets, verification, earliest original; no Beam) runs over all of them. It reports:

- link precision/recall: each item that has an earlier item of its own story should be linked
  (duplicate_of) to one of them; a link to another story is a false positive;
- pair precision/recall: over all item pairs, "same predicted cluster" (following links) vs
  "same story";
- wrong merges: how many pairs of different stories ended up in one cluster (and the rate over
  all different-story pairs); follow-up merges separately;
- the exact word-shingle Jaccard of original/variant pairs and the largest between different
  originals, to show the margin around the threshold;
- docs/s of signing and of the whole detection (one process, wall clock: noisy on a shared
  machine), and with --compare-datasketch
  the same procedure with datasketch.MinHash + MinHashLSH (same shingles, same bands/rows,
  same verification) scored the same way, with our speed-up over it.

Run: ``.venv/bin/python -m benchmarks.quality.near_dup_variants [--data FILE] [--variants N]
[--threshold T] [--shingle-size K] [--compare-datasketch] [--json OUT]``
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Hashable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pipelines.core import dedup, minhash
from pipelines.core.errors import ArticleError

GROUND_TRUTH = Path("/work/shared/benchmarks/article-extraction/ground-truth.json")
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“(])")

# Synthetic outlets: each has its own boilerplate, reused on every copy it publishes (as real
# outlets do), so boilerplate overlap between different stories is part of the test.
OUTLETS: dict[str, tuple[str, ...]] = {
    "dailyledger": (
        "Follow the Daily Ledger on social media for breaking news.",
        "Sign up for our morning briefing to get the day's top stories in your inbox.",
        "Copyright The Daily Ledger. All rights reserved.",
    ),
    "metro-courier": (
        "Advertisement",
        "Metro Courier staff contributed to this report.",
        "Have a news tip? Contact our newsroom any time.",
    ),
    "valleypost": (
        "This article was produced with material from wire services.",
        "Support independent local journalism: subscribe today.",
    ),
    "harbor-times": (
        "Read more from Harbor Times on our website and app.",
        "Comments are closed for this article.",
        "Photo credit: file image.",
    ),
    "northstar": (
        "Northstar News Network. Reporting by our correspondents; editing by the news desk.",
        "Listen to our daily podcast wherever you get your podcasts.",
    ),
    "citywire-online": (
        "Related coverage appears below.",
        "Share this story with your friends and family.",
        "Get the latest updates by enabling notifications.",
    ),
}
HEADLINE_PREFIXES = ("", "", "", "UPDATE 2-", "WATCH: ", "Exclusive: ", "Analysis: ", "LIVE: ")
INSERTED_PARAGRAPHS = (
    "Residents who spoke to this newspaper on Tuesday said they had been following the "
    "developments closely and wanted clearer answers from those in charge.",
    "It was not immediately clear how the announcement would affect people in the region, "
    "and several local groups said they were still studying the details.",
    "Our reporters contacted the offices involved for further comment but had not received a "
    "reply by the time of publication.",
    "Readers can find earlier coverage of this topic in our archive, including interviews "
    "with people directly affected.",
    "Local leaders are expected to discuss the matter at a public meeting later this month, "
    "according to a notice posted on the council website.",
)
# Light copy-edits: house style and wording changes a sub-editor makes (both directions).
SUBSTITUTIONS = {
    "said": "says",
    "says": "said",
    "percent": "per cent",
    "per cent": "percent",
    "U.S.": "US",
    "US": "U.S.",
    "government": "administration",
    "people": "residents",
    "however": "but",
    "also": "additionally",
    "about": "around",
    "more than": "over",
    "announced": "unveiled",
    "told": "informed",
    "Monday": "on Monday",
    "Tuesday": "on Tuesday",
    "would": "will",
    "company": "firm",
    "officials": "authorities",
    "million": "mln",
}
_SUB_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in SUBSTITUTIONS) + r")\b")

PROFILES: dict[str, dict[str, float]] = {
    # cut: largest share of trailing paragraphs removed; edit: share of eligible words
    # substituted; drop: share of words deleted; insert/swap/top/bottom: probabilities.
    "light": {"cut": 0.15, "edit": 0.2, "drop": 0.005, "insert": 0.3, "swap": 0.1, "top": 0.5},
    "medium": {"cut": 0.3, "edit": 0.4, "drop": 0.01, "insert": 0.6, "swap": 0.3, "top": 0.7},
    "heavy": {"cut": 0.45, "edit": 0.6, "drop": 0.02, "insert": 0.9, "swap": 0.5, "top": 0.9},
}


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs (non-empty lines); a text of one or two long lines is cut into sentence runs."""
    paras = [p.strip() for p in text.splitlines() if p.strip()]
    if len(paras) >= 3:
        return paras
    sentences = [s for p in paras for s in _SENTENCE_RE.split(p) if s.strip()]
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)] or paras


def make_headline(paragraphs: Sequence[str], rng: random.Random) -> str:
    words = paragraphs[0].split()[:14] if paragraphs else []
    if len(words) > 6:
        start = rng.randrange(0, 3)
        words = words[start : start + rng.randrange(6, 11)]
    title = " ".join(w.strip(",;:") for w in words).rstrip(".")
    return rng.choice(HEADLINE_PREFIXES) + title[:1].upper() + title[1:]


def cut_tail(paragraphs: list[str], rng: random.Random, max_share: float) -> list[str]:
    """Drop up to `max_share` of the paragraphs from the end (the lead is always kept)."""
    n = len(paragraphs)
    drop = rng.randint(0, int(n * max_share))
    return paragraphs[: max(1, n - drop)]


def insert_paragraph(paragraphs: list[str], rng: random.Random) -> list[str]:
    at = rng.randint(1, max(1, len(paragraphs)))
    return [*paragraphs[:at], rng.choice(INSERTED_PARAGRAPHS), *paragraphs[at:]]


def swap_paragraphs(paragraphs: list[str], rng: random.Random) -> list[str]:
    if len(paragraphs) < 4:
        return paragraphs
    i = rng.randrange(1, len(paragraphs) - 1)
    out = list(paragraphs)
    out[i], out[i + 1] = out[i + 1], out[i]
    return out


def copy_edit(text: str, rng: random.Random, edit_share: float, drop_share: float) -> str:
    """Substitute some house-style words and delete a few words at random."""
    text = _SUB_RE.sub(
        lambda m: SUBSTITUTIONS[m.group(0)] if rng.random() < edit_share else m.group(0), text
    )
    if drop_share <= 0:
        return text
    lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        kept = [w for w in words if len(words) < 8 or rng.random() >= drop_share]
        lines.append(" ".join(kept))
    return "\n".join(lines)


def make_variant(text: str, seed: int | str, profile: str | None = None) -> str:
    """A republished copy of `text` as a (synthetic) outlet would print it."""
    rng = random.Random(f"variant:{seed}")
    params = PROFILES[profile or rng.choice(sorted(PROFILES))]
    outlet = rng.choice(sorted(OUTLETS))
    boiler = OUTLETS[outlet]
    paras = split_paragraphs(text)
    headline = make_headline(paras, rng)
    paras = cut_tail(paras, rng, params["cut"])
    if rng.random() < params["swap"]:
        paras = swap_paragraphs(paras, rng)
    if rng.random() < params["insert"]:
        paras = insert_paragraph(paras, rng)
    top = [boiler[0]] if rng.random() < params["top"] else []
    bottom = list(boiler[1:])
    body = copy_edit("\n".join(paras), rng, params["edit"], params["drop"])
    return "\n".join([headline, *top, body, *bottom])


def variant_url(url: str | None, seed: int | str) -> str:
    rng = random.Random(f"url:{seed}")
    outlet = rng.choice(sorted(OUTLETS))
    slug = re.sub(r"[^a-z0-9]+", "-", (url or "story").lower().rsplit("/", 1)[-1])[:60].strip("-")
    return f"https://www.{outlet}.example/news/{rng.randrange(10**6, 10**7)}/{slug or 'story'}"


def make_follow_up(background: str, other_story: str, seed: int | str) -> str:
    """A different story on the same topic: `other_story`'s body plus one background paragraph
    of `background` (a follow-up recapping earlier coverage), the recap cut to at most a fifth
    of the result. Not a duplicate of either."""
    rng = random.Random(f"follow:{seed}")
    own = split_paragraphs(other_story)
    own_words = sum(len(p.split()) for p in own)
    recap = rng.choice(split_paragraphs(background)).split()[: max(12, own_words // 4)]
    at = rng.randint(1, max(1, len(own)))
    return "\n".join([*own[:at], " ".join(recap), *own[at:]])


# --- evaluation ------------------------------------------------------------------------------


def _clusters(n: int, links: dict[int, int]) -> list[int]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links.items():
        parent[find(a)] = find(b)
    return [find(i) for i in range(n)]


def _pairs_by_label(labels: Sequence[Hashable]) -> int:
    counts: dict[Hashable, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return sum(c * (c - 1) // 2 for c in counts.values())


def build_items(
    texts: Sequence[str], variants_per_text: int, seed: int, follow_up_share: float
) -> tuple[list[str], list[int], list[str]]:
    """(item texts, story label per item, kind per item: original/variant/follow_up).

    A share `follow_up_share` of the texts is held out: each held-out text becomes the body of
    a follow-up to one of the other stories (with a recap paragraph of it) and appears nowhere
    else, so the follow-up really is a different story.
    """
    rng = random.Random(f"items:{seed}")
    order = list(range(len(texts)))
    rng.shuffle(order)
    n_held = int(len(texts) * follow_up_share) if len(texts) > 1 else 0
    held, stories = order[:n_held], sorted(order[n_held:])
    items: list[str] = []
    story: list[int] = []
    kinds: list[str] = []
    for i in stories:
        items.append(texts[i])
        story.append(i)
        kinds.append("original")
        for j in range(variants_per_text):
            items.append(make_variant(texts[i], f"{seed}:{i}:{j}"))
            story.append(i)
            kinds.append("variant")
    for h in held:
        about = rng.choice(stories)
        items.append(make_follow_up(texts[about], texts[h], f"{seed}:{h}"))
        story.append(h)
        kinds.append("follow_up")
    return items, story, kinds


Links = dict[int, int]  # item index -> index of the earlier item it duplicates


def detect_ours(
    items: Sequence[str], ranks: Sequence[dedup.Rank], settings: dedup.DedupSettings
) -> tuple[Links, dict[str, float]]:
    """pipelines.core.dedup end to end: signatures, LSH buckets, verification, earliest."""
    started = time.perf_counter()
    candidates = []
    for i, text in enumerate(items):
        try:
            sig = dedup.signature(text, settings)
        except ArticleError:  # an empty text cannot take part (the pipeline dead-letters it)
            continue
        candidates.append(dedup.Candidate(str(i), ranks[i], sig))
    signed = time.perf_counter()
    matches = dedup.near_duplicate_matches(candidates, settings)
    finished = time.perf_counter()
    links = {int(m.article_id): int(m.duplicate_of) for m in matches.values()}
    return links, {"signature_s": signed - started, "total_s": finished - started}


def detect_datasketch(
    items: Sequence[str], ranks: Sequence[dedup.Rank], settings: dedup.DedupSettings
) -> tuple[Links, dict[str, float]]:
    """The same procedure with datasketch: MinHash (update_batch over the same shingles),
    MinHashLSH with our bands/rows, items inserted in first-seen order, each linked to the
    earliest earlier candidate with MinHash.jaccard >= threshold."""
    from datasketch import MinHash, MinHashLSH

    k = settings.shingle_size
    started = time.perf_counter()
    sigs: dict[int, Any] = {}
    for i, text in enumerate(items):
        toks = minhash.tokens(text)
        if not toks:
            continue
        m = MinHash(num_perm=settings.num_perm, seed=1)
        m.update_batch(
            [" ".join(toks[j : j + k]).encode() for j in range(max(1, len(toks) - k + 1))]
        )
        sigs[i] = m
    signed = time.perf_counter()
    lsh = MinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm, params=settings.lsh)
    links: Links = {}
    for i in sorted(sigs, key=lambda i: ranks[i]):
        m = sigs[i]
        found = [int(c) for c in lsh.query(m) if m.jaccard(sigs[int(c)]) >= settings.threshold]
        if found:
            links[i] = min(found, key=lambda c: ranks[c])
        lsh.insert(str(i), m)
    finished = time.perf_counter()
    return links, {"signature_s": signed - started, "total_s": finished - started}


def score(
    links: Links, story: Sequence[int], kinds: Sequence[str], ranks: Sequence[dedup.Rank]
) -> dict[str, Any]:
    """Link and pair precision/recall of `links` against the true stories."""
    true_links = sum(1 for a, b in links.items() if story[a] == story[b])
    # Items that should be linked: every item with an earlier item of the same story.
    earliest: dict[int, dedup.Rank] = {}
    for i, s in enumerate(story):
        if s not in earliest or ranks[i] < earliest[s]:
            earliest[s] = ranks[i]
    should_link = sum(1 for i, s in enumerate(story) if ranks[i] != earliest[s])
    cluster = _clusters(len(story), links)
    same_story = _pairs_by_label(story)
    same_cluster = _pairs_by_label(cluster)
    both = _pairs_by_label(list(zip(cluster, story, strict=True)))
    different_story_pairs = len(story) * (len(story) - 1) // 2 - same_story
    wrong_pairs = same_cluster - both
    merged_stories: set[tuple[int, int]] = set()
    follow_up_merges = 0
    for a, b in links.items():
        if story[a] != story[b]:
            merged_stories.add((min(story[a], story[b]), max(story[a], story[b])))
            if "follow_up" in (kinds[a], kinds[b]):
                follow_up_merges += 1
    return {
        "link_precision": round(true_links / len(links), 4) if links else 1.0,
        "link_recall": round(true_links / should_link, 4) if should_link else 1.0,
        "pair_precision": round(both / same_cluster, 4) if same_cluster else 1.0,
        "pair_recall": round(both / same_story, 4) if same_story else 1.0,
        "wrong_merge_pairs": wrong_pairs,
        "wrong_merge_rate": round(wrong_pairs / different_story_pairs, 8)
        if different_story_pairs
        else 0.0,
        "merged_story_pairs": len(merged_stories),
        "follow_up_merges": follow_up_merges,
    }


def evaluate_pairs(
    texts: Sequence[str],
    settings: dedup.DedupSettings | None = None,
    variants_per_text: int = 3,
    seed: int = 0,
    follow_up_share: float = 0.3,
    compare_datasketch: bool = False,
) -> dict[str, Any]:
    """Run core dedup on originals + variants (+ follow-ups); pair precision/recall and more."""
    settings = settings or dedup.DedupSettings()
    items, story, kinds = build_items(texts, variants_per_text, seed, follow_up_share)
    rng = random.Random(f"times:{seed}")
    ranks = [
        dedup.order_key(
            BASE_TIME + timedelta(minutes=rng.randrange(0, 60 * 24 * 7)), BASE_TIME, f"{i:06d}"
        )
        for i in range(len(items))
    ]
    links, seconds = detect_ours(items, ranks, settings)
    bands, rows = settings.lsh
    result: dict[str, Any] = {
        "threshold": settings.threshold,
        "shingle_size": settings.shingle_size,
        "num_perm": settings.num_perm,
        "bands": bands,
        "rows": rows,
        "texts": len(texts),
        "items": len(items),
        "variants": kinds.count("variant"),
        "follow_ups": kinds.count("follow_up"),
        **score(links, story, kinds, ranks),
        **_jaccard_margins(texts, items, story, kinds, settings.shingle_size),
        "signature_docs_per_s": round(len(items) / seconds["signature_s"], 1),
        "detection_docs_per_s": round(len(items) / seconds["total_s"], 1),
    }
    if compare_datasketch:
        ds_links, ds_seconds = detect_datasketch(items, ranks, settings)
        result["datasketch"] = {
            **score(ds_links, story, kinds, ranks),
            "signature_docs_per_s": round(len(items) / ds_seconds["signature_s"], 1),
            "detection_docs_per_s": round(len(items) / ds_seconds["total_s"], 1),
            "speedup_signature": round(ds_seconds["signature_s"] / seconds["signature_s"], 2),
            "speedup_detection": round(ds_seconds["total_s"] / seconds["total_s"], 2),
        }
    return result


def _jaccard_margins(
    texts: Sequence[str],
    items: Sequence[str],
    story: Sequence[int],
    kinds: Sequence[str],
    k: int,
) -> dict[str, Any]:
    """Exact shingle Jaccard: variants vs their original, different originals, follow-ups."""
    originals = [minhash.shingles(t, k) for t in texts]
    variant_j = sorted(
        minhash.jaccard(minhash.shingles(items[i], k), originals[story[i]])
        for i in range(len(items))
        if kinds[i] == "variant"
    )
    cross = sorted(
        minhash.jaccard(originals[i], originals[j])
        for i in range(len(originals))
        for j in range(i + 1, len(originals))
    )
    used = [originals[story[i]] for i in range(len(items)) if kinds[i] == "original"]
    follow_j = sorted(
        max(minhash.jaccard(minhash.shingles(items[i], k), o) for o in used)
        for i in range(len(items))
        if kinds[i] == "follow_up"
    )

    def q(values: Sequence[float], share: float) -> float:
        return round(values[min(len(values) - 1, int(share * len(values)))], 4) if values else 0.0

    return {
        "variant_jaccard": {
            "min": q(variant_j, 0),
            "p05": q(variant_j, 0.05),
            "median": q(variant_j, 0.5),
        },
        "different_story_jaccard": {"p999": q(cross, 0.999), "max": q(cross, 1)},
        "follow_up_jaccard_max": q(follow_j, 1),
    }


def load_texts(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [v["articleBody"] for v in data.values() if v.get("articleBody", "").strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=GROUND_TRUTH)
    parser.add_argument("--variants", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--shingle-size", type=int)
    parser.add_argument("--compare-datasketch", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    settings = dedup.DedupSettings()
    if args.threshold is not None:
        settings = replace(settings, threshold=args.threshold)
    if args.shingle_size is not None:
        settings = replace(settings, shingle_size=args.shingle_size)
    texts = load_texts(args.data)
    result = evaluate_pairs(
        texts, settings, args.variants, args.seed, compare_datasketch=args.compare_datasketch
    )
    out = json.dumps(result, indent=2)
    print(out)
    if args.json:
        args.json.write_text(out + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
