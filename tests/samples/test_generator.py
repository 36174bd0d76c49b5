"""The synthetic corpus: deterministic, in the promised proportions, with a truthful manifest."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.core.urls import article_id_for, canonical_url
from pipelines.samples import (
    MALFORMED_REASONS,
    Mix,
    SampleItem,
    generate,
    generate_corpus,
    write_corpus,
)
from pipelines.samples.generator import PACKS
from pipelines.samples.language import expand, vary

WORD_RE = re.compile(r"\w+")


def _shingles(text: str, k: int = 3) -> set[tuple[str, ...]]:
    words = WORD_RE.findall(text.casefold())
    return {tuple(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def _jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


@pytest.fixture(scope="module")
def corpus() -> list[SampleItem]:
    return generate_corpus(400, seed=11).items


def test_same_seed_same_items_other_seed_other_items() -> None:
    a = generate_corpus(60, seed=5)
    b = generate_corpus(60, seed=5)
    c = generate_corpus(60, seed=6)
    assert [i.payload for i in a.items] == [i.payload for i in b.items]
    assert json.dumps(a.manifest, sort_keys=True) == json.dumps(b.manifest, sort_keys=True)
    assert [i.payload for i in a.items] != [i.payload for i in c.items]


def test_kinds_follow_the_mix_and_every_malformed_reason_occurs(corpus: list[SampleItem]) -> None:
    counts = Counter(item.kind for item in corpus)
    assert (
        counts
        == Mix().counts(400)
        == {
            "original": 280,
            "exact_duplicate": 32,
            "near_duplicate": 60,
            "malformed": 28,
        }
    )
    reasons = Counter(item.truth["reason"] for item in corpus if item.kind == "malformed")
    assert set(reasons) == set(MALFORMED_REASONS)
    custom = Mix(original=1, exact_duplicate=1, near_duplicate=0, malformed=0).counts(10)
    assert custom == {"original": 5, "exact_duplicate": 5, "near_duplicate": 0, "malformed": 0}


def test_every_language_and_format_is_present(corpus: list[SampleItem]) -> None:
    langs = {item.truth["language"] for item in corpus if item.kind != "malformed"}
    assert langs == {"en", "de", "fr", "es", "ru"}
    assert {item.fmt for item in corpus} == {"html", "text", "jsonl", "warc"}
    ru = next(i for i in corpus if i.truth["language"] == "ru" and i.kind == "original")
    assert re.search("[а-яё]", ru.text)  # a non-Latin script


def test_manifest_entries_are_complete_and_consistent(corpus: list[SampleItem]) -> None:
    sources = [item.source for item in corpus]
    assert len(set(sources)) == len(sources)
    originals = {i.article_id for i in corpus if i.kind == "original"}
    for item in corpus:
        t = item.truth
        assert t["source"] == item.source and t["kind"] == item.kind
        if item.kind == "malformed":
            assert t["article_id"] is None and t["reason"] in MALFORMED_REASONS
            continue
        assert t["article_id"] == article_id_for(item.url, item.body)
        assert t["title"] and t["language"] in PACKS and t["reason"] is None
        if t["published_at"] is not None:
            published = datetime.strptime(t["published_at"], "%Y-%m-%dT%H:%M:%SZ")
            assert datetime(2024, 1, 1) <= published <= datetime(2025, 12, 31)
        if item.kind == "original":
            assert t["duplicate_of"] is None
        else:
            assert t["duplicate_of"] in originals


def test_published_at_is_the_local_time_on_the_page_converted_to_utc(
    corpus: list[SampleItem],
) -> None:
    from zoneinfo import ZoneInfo

    checked = 0
    for item in corpus:
        t = item.truth
        if item.kind == "malformed" or t["published_at"] is None:
            continue
        local = datetime.fromisoformat(t["published_local"]).replace(tzinfo=ZoneInfo(t["zone"]))
        assert local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") == t["published_at"]
        checked += 1
    assert checked > 200


def test_pages_carry_title_byline_and_dateline(corpus: list[SampleItem]) -> None:
    with_meta = without_meta = 0
    for item in corpus:
        t = item.truth
        if item.kind != "original" or item.content_type != "text/html":
            continue
        page = item.body.decode(item.encoding)
        assert "<title>" in page and t["title"].split()[0] in page
        for author in t["authors"]:
            assert author in page
        if t["dateline"]:
            assert t["dateline"] in item.text.split("\n\n")[0]
        if "application/ld+json" in page or 'property="og:title"' in page:
            with_meta += 1
        else:
            without_meta += 1
    assert with_meta > 20 and without_meta > 5


def test_articles_have_realistic_length(corpus: list[SampleItem]) -> None:
    words: dict[str, list[int]] = defaultdict(list)
    for item in corpus:
        if item.kind == "original":
            words[item.truth["language"]].append(item.truth["words"])
    assert min(words["en"]) >= 300 and max(words["en"]) <= 760
    assert max(words["en"]) >= 550  # some long reads
    for lang in ("de", "fr", "es", "ru"):
        assert min(words[lang]) >= 250 and max(words[lang]) <= 480


def test_exact_duplicates_repeat_the_original_bytes(corpus: list[SampleItem]) -> None:
    by_id = {i.article_id: i for i in corpus if i.kind == "original"}
    dups = [i for i in corpus if i.kind == "exact_duplicate"]
    assert dups
    tracked = 0
    for dup in dups:
        original = by_id[dup.truth["duplicate_of"]]
        assert dup.body == original.body and dup.source != original.source
        assert dup.article_id == original.article_id  # same canonical URL, or same bytes
        tracked += dup.url is not None and dup.url != original.url
    assert tracked  # some copies come with tracking parameters on the URL


def test_near_duplicates_stay_close_and_distinct_stories_stay_apart(
    corpus: list[SampleItem],
) -> None:
    originals = {i.article_id: i for i in corpus if i.kind == "original"}
    shingles = {aid: _shingles(i.text) for aid, i in originals.items()}
    near = [i for i in corpus if i.kind == "near_duplicate"]
    sims = [_jaccard(_shingles(i.text), shingles[i.truth["duplicate_of"]]) for i in near]
    assert min(sims) >= 0.45 and sum(sims) / len(sims) >= 0.7
    for item in near:
        original = originals[item.truth["duplicate_of"]]
        assert canonical_url(item.truth["canonical_url"]) != canonical_url(
            original.truth["canonical_url"]
        )
        assert item.truth["outlet"] != original.truth["outlet"]
    by_lang: dict[str, list[str]] = defaultdict(list)
    for aid, item in originals.items():
        by_lang[item.truth["language"]].append(aid)
    worst = max(
        _jaccard(shingles[a], shingles[b])
        for ids in by_lang.values()
        for a, b in itertools.combinations(ids, 2)
    )
    assert worst < 0.4


def test_in_memory_raw_articles_match_the_items(corpus: list[SampleItem]) -> None:
    item = next(i for i in corpus if i.fmt == "jsonl" and i.kind == "original")
    raw = item.raw_article("root/")
    assert raw is not None
    assert raw.source == f"root/{item.file}:{item.index}" and raw.body == item.body
    assert raw.article_id == item.article_id and raw.url == item.url
    malformed = next(i for i in corpus if i.kind == "malformed")
    assert malformed.raw_article() is None


def test_templates_expand_alternatives_slots_and_variants() -> None:
    import random

    rng = random.Random(1)
    seen = {expand("[a|b [c|d]] {x} {X}", rng, {"x": "yes"}) for _ in range(60)}
    assert seen == {"a yes Yes", "b c yes Yes", "b d yes Yes"}
    with pytest.raises(KeyError):
        expand("{missing}", rng, {})
    en = PACKS["en"]
    varied = {vary("Officials said about 40 percent agreed.", rng, en.variants) for _ in range(60)}
    assert len(varied) > 5 and all("40" in v for v in varied)


def test_written_corpus_is_byte_identical_and_matches_its_manifest(tmp_path: Path) -> None:
    import warcio.archiveiterator

    def digest(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    a = write_corpus(tmp_path / "a", generate(90, 3), seed=3)
    write_corpus(tmp_path / "b", generate(90, 3), seed=3)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert json.loads((tmp_path / "a" / "manifest.json").read_text()) == a
    items = {e["source"]: e for e in a["items"]}
    for entry in items.values():
        assert (tmp_path / "a" / entry["file"]).is_file()
        if entry["index"] is None and entry["kind"] != "malformed":
            mtime = datetime.fromtimestamp((tmp_path / "a" / entry["file"]).stat().st_mtime, UTC)
            assert mtime.year in (2024, 2025)  # the fetch time, not "now"
    for feed in (tmp_path / "a" / "feeds").glob("*.jsonl"):
        lines = feed.read_bytes().splitlines()
        indexes = sorted(e["index"] for e in items.values() if e["file"] == f"feeds/{feed.name}")
        assert indexes == list(range(len(lines)))
    warc = sorted((tmp_path / "a" / "warc").glob("*.warc.gz"))[0]
    with warc.open("rb") as fh:
        types = [r.rec_type for r in warcio.archiveiterator.ArchiveIterator(fh)]
    assert types[0] == "warcinfo" and set(types[1:]) == {"response"}


def test_samples_generate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipelines import cli

    out = tmp_path / "samples"
    args = ["samples", "generate", "--count", "40", "--out", str(out), "--seed", "4", "--json"]
    assert cli.main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["count"] == 40 and sum(summary["counts"].values()) == 40
    assert (out / "manifest.json").is_file()
    assert cli.main(args) == 0  # a previous corpus is replaced
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("not ours")
    assert cli.main(["samples", "generate", "--count", "5", "--out", str(other)]) == 2
    assert (other / "keep.txt").exists()
