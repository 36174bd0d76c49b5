from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.core import dedup, minhash
from pipelines.core.records import Article
from pipelines.transforms.dedup import DeduplicateArticles

NOW = datetime(2026, 2, 1, tzinfo=UTC)
T0 = datetime(2026, 1, 31, 8, 0, tzinfo=UTC)
S = dedup.DedupSettings()

# Synthetic stories written for these tests.
RAIL = (
    "Train services between Harlow Junction and the coast will be cut by half from next "
    "month while engineers replace a bridge that was damaged by floods in the autumn, the "
    "rail operator said on Friday. Passengers were told to expect replacement buses at "
    "weekends and longer journey times during the morning peak. The operator said the work "
    "would cost about 18 million and should be finished before the summer holidays, when "
    "traffic to the beaches usually doubles. Commuter groups criticised the short notice and "
    "asked for cheaper season tickets while the timetable is reduced. A spokesman for the "
    "regional transport authority said it would review the fares in April."
)
LIBRARY = (
    "A public library in the village of Eastmere has reopened after a two-year renovation "
    "paid for largely by donations from residents. The building now has a reading garden, a "
    "room for homework clubs and solar panels that cover most of its electricity needs. "
    "Volunteers carried more than 9,000 books back onto the shelves over the weekend, and the "
    "first visitors queued before the doors opened on Saturday morning. The head librarian "
    "said membership had already grown by a third since the reopening was announced, with "
    "many families signing up their children for the first time."
)
ROBOTICS = (
    "Students from Kelton Technical College won the national robotics final with a machine "
    "that sorts recycling by colour and material in under a second. The team of six built "
    "the robot over eight months in a converted garage, using parts from old printers and a "
    "camera borrowed from the photography department. Judges praised the design for being "
    "cheap to copy, and the college said it would publish the plans online so that schools "
    "elsewhere could build their own versions for classroom projects next year."
)


def copy_of(text: str) -> str:
    """An outlet's copy: new headline and footer, the last sentence cut, a word or two changed."""
    body = text.rsplit(". ", 1)[0] + "."
    body = body.replace(" said", " says").replace("about", "around")
    return "Latest news: what changes for travellers\n" + body + "\nShare this story."


def art(
    article_id: str,
    text: str,
    *,
    fp: str | None = None,
    published: int | None = 0,
    ingested: int = 0,
    url: str | None = None,
) -> Article:
    return Article(
        article_id=article_id,
        text=text,
        source="test",
        ingested_at=NOW + timedelta(minutes=ingested),
        content_fingerprint=fp if fp is not None else f"fp-{article_id}",
        published_at=None if published is None else T0 + timedelta(minutes=published),
        url=url,
    )


def entry(article: Article, settings: dedup.DedupSettings = S) -> dedup.IndexEntry:
    return dedup.IndexEntry(
        article_id=article.article_id,
        content_fingerprint=article.content_fingerprint,
        signature=minhash.signature_to_bytes(dedup.signature(article.text, settings)),
        published_at=article.published_at,
        ingested_at=article.ingested_at,
        dedup_params=settings.params_id,
    )


def ids(pcoll: beam.PCollection, label: str) -> beam.PCollection:
    return pcoll | label >> beam.Map(lambda a: (a.article_id, a.duplicate_of))


def dup_rows(pcoll: beam.PCollection, label: str) -> beam.PCollection:
    return pcoll | label >> beam.Map(lambda d: (d.article_id, d.duplicate_of, d.kind))


def test_copies_in_the_fixture_are_near_but_not_exact() -> None:
    for text in (RAIL, LIBRARY):
        sim = minhash.jaccard(minhash.shingles(text, 3), minhash.shingles(copy_of(text), 3))
        assert S.threshold + 0.1 < sim < 1.0


def test_exact_and_near_duplicates_first_seen_wins_in_any_input_order() -> None:
    articles = [
        art("rail-wire", RAIL, published=0),
        art("rail-copy", copy_of(RAIL), published=45),
        art("rail-again", RAIL, fp="fp-rail-wire", published=90),  # exact: same fingerprint
        art("lib-late", copy_of(LIBRARY), published=10, ingested=5),
        art("lib-first", LIBRARY, published=10, ingested=1),  # same time: ingested earlier wins
        art("robots", ROBOTICS, published=None),
        art("lib-undated", LIBRARY + " Updated.", published=None, ingested=-60),  # None last
    ]
    with TestPipeline() as p:
        for order in ("Given", "Reversed", "Shuffled"):
            _check_first_seen(p, articles, order)


def _check_first_seen(p: beam.Pipeline, articles: list[Article], order: str) -> None:
    articles = list(reversed(articles)) if order == "Reversed" else list(articles)
    if order == "Shuffled":
        random.Random(5).shuffle(articles)
    out = (
        p
        | f"Create{order}" >> beam.Create(articles, reshuffle=False)
        | (f"Dedup{order}" >> DeduplicateArticles(S, now=NOW))
    )
    assert_that(
        ids(out.articles, f"{order}ArticleIds"),
        equal_to(
            [
                ("rail-wire", None),
                ("rail-copy", "rail-wire"),
                ("lib-first", None),
                ("lib-late", "lib-first"),
                ("lib-undated", "lib-first"),
                ("robots", None),
            ]
        ),
        label=f"{order}CheckArticles",
    )
    assert_that(
        dup_rows(out.duplicates, f"{order}DupRows"),
        equal_to(
            [
                ("rail-again", "rail-wire", "exact"),
                ("rail-copy", "rail-wire", "near"),
                ("lib-late", "lib-first", "near"),
                ("lib-undated", "lib-first", "near"),
            ]
        ),
        label=f"{order}CheckDuplicates",
    )
    assert_that(
        out.index
        | f"{order}IndexRows" >> beam.Map(lambda e: (e.article_id, e.duplicate_of, e.dedup_params)),
        equal_to(
            [
                ("rail-wire", None, S.params_id),
                ("rail-again", "rail-wire", S.params_id),  # reported once, indexed as such
                ("rail-copy", "rail-wire", S.params_id),
                ("lib-first", None, S.params_id),
                ("lib-late", "lib-first", S.params_id),
                ("lib-undated", "lib-first", S.params_id),
                ("robots", None, S.params_id),
            ]
        ),
        label=f"{order}CheckIndex",
    )
    assert_that(out.dead_letter, equal_to([]), label=f"{order}NoDeadLetters")


@pytest.mark.parametrize("in_memory", [False, True], ids=["shuffled", "in-memory"])
def test_near_duplicate_fields_and_drop_mode(in_memory: bool) -> None:
    articles = [art("wire", RAIL, published=0), art("copy", copy_of(RAIL), published=5)]
    expected_sim = minhash.estimated_jaccard(
        dedup.signature(RAIL, S), dedup.signature(copy_of(RAIL), S)
    )
    with TestPipeline() as p:
        source = p | beam.Create(articles, reshuffle=False)
        marked = source | "Mark" >> DeduplicateArticles(
            S, near_duplicates="mark", now=NOW, in_memory=in_memory
        )
        dropped = source | "Drop" >> DeduplicateArticles(
            S, near_duplicates="drop", now=NOW, in_memory=in_memory
        )
        assert_that(
            marked.articles
            | "MarkedFields" >> beam.Map(lambda a: (a.article_id, a.duplicate_similarity)),
            equal_to([("wire", None), ("copy", expected_sim)]),
            label="CheckMarked",
        )
        assert_that(ids(dropped.articles, "DroppedIds"), equal_to([("wire", None)]), label="D1")
        assert_that(
            dropped.duplicates
            | beam.Map(
                lambda d: (d.article_id, d.duplicate_of, d.kind, d.similarity, d.detected_at)
            ),
            equal_to([("copy", "wire", "near", expected_sim, NOW)]),
            label="CheckDroppedDuplicate",
        )
        assert_that(
            dropped.index | beam.Map(lambda e: (e.article_id, e.duplicate_of)),
            equal_to([("wire", None), ("copy", "wire")]),  # so a re-run does not report it again
            label="D2",
        )


@pytest.mark.parametrize("in_memory", [False, True], ids=["shuffled", "in-memory"])
def test_previous_index_blocks_readmission_and_stays_the_original(in_memory: bool) -> None:
    old_rail = art("rail-wire", RAIL, published=0)
    old_lib = art("lib-wire", LIBRARY, published=600)
    stale = dataclasses.replace(entry(old_lib), dedup_params="minhash-v0")  # other params
    articles = [
        old_rail,  # the same id again (another source): an exact duplicate of it
        art("rail-mirror", RAIL, fp="fp-rail-wire", published=30),  # same fingerprint
        art("rail-copy", copy_of(RAIL), published=-30),  # near copy, "published" earlier
        art("lib-copy", copy_of(LIBRARY), published=700),  # near, but index entry unusable
        art("robots", ROBOTICS),
    ]
    p = TestPipeline()
    previous = p | "Previous" >> beam.Create([entry(old_rail), stale], reshuffle=False)
    new = p | "New" >> beam.Create(articles, reshuffle=False)
    out = {"articles": new, "previous": previous} | DeduplicateArticles(
        S, now=NOW, in_memory=in_memory
    )
    assert_that(
        ids(out.articles, "ArticleIds"),
        equal_to([("rail-copy", "rail-wire"), ("lib-copy", None), ("robots", None)]),
        label="CheckArticles",
    )
    assert_that(
        dup_rows(out.duplicates, "DupRows"),
        equal_to(
            [
                # rail-wire itself was admitted by an earlier run: this copy is reported.
                ("rail-wire", "rail-wire", "exact"),
                ("rail-mirror", "rail-wire", "exact"),
                ("rail-copy", "rail-wire", "near"),
            ]
        ),
        label="CheckDuplicates",
    )
    assert_that(
        out.index | beam.Map(lambda e: e.article_id),
        equal_to(["rail-mirror", "rail-copy", "lib-copy", "robots"]),
        label="CheckIndex",
    )
    result = p.run()
    result.wait_until_finish()
    counters: dict[tuple[str, str], int] = {}
    for c in result.metrics().query(MetricsFilter())["counters"]:  # one per step: sum them
        key = (c.key.metric.namespace, c.key.metric.name)
        counters[key] = counters.get(key, 0) + c.committed
    assert counters[("dedup", "already_ingested")] == 1
    assert counters[("dedup", "exact")] == 1
    assert counters[("dedup", "near")] == 1
    assert counters[("dedup", "articles")] == 3
    assert counters[("dedup_info", "index_params_mismatch")] == 1


def test_an_indexed_id_seen_again_is_an_exact_duplicate_row_never_dropped() -> None:
    """A copy of an article an earlier run indexed (same id, e.g. from another source) is a
    duplicates row: every input is accounted for. Re-runs of the same input are told apart
    by input identity before the pipeline runs (`commands.backfill`), not here."""
    articles = [art("a", RAIL), art("b", LIBRARY), art("c", copy_of(LIBRARY), published=9)]
    with TestPipeline() as p:
        previous = p | "Previous" >> beam.Create([entry(a) for a in articles], reshuffle=False)
        new = p | "New" >> beam.Create(articles, reshuffle=False)
        out = new | DeduplicateArticles(S, now=NOW, previous=previous)
        assert_that(out.articles, equal_to([]), label="NoArticles")
        assert_that(out.index, equal_to([]), label="NoIndex")
        assert_that(
            dup_rows(out.duplicates, "DupRows"),
            equal_to([("a", "a", "exact"), ("b", "b", "exact"), ("c", "c", "exact")]),
            label="EachCopyReported",
        )


@pytest.mark.parametrize("in_memory", [False, True], ids=["shuffled", "in-memory"])
def test_a_run_carries_only_the_index_entries_its_articles_can_meet(
    in_memory: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index grows with every backfill slice; the entries a run groups must not (issue
    21: 64 band keys per indexed signature were shuffled by every slice). Entries sharing no
    id, fingerprint or LSH band with a new article are left out, and the decisions are those
    the whole index gives."""
    from pipelines.transforms import dedup as transform

    rng = random.Random(5)
    vocab = [f"{rng.choice('bdfgklmnprstvz')}{rng.choice('aeiou')}{i}" for i in range(3000)]
    unrelated = [
        entry(art(f"other-{i}", " ".join(rng.choices(vocab, k=60)), published=-999))
        for i in range(400)
    ]
    old_rail, old_lib = art("rail-wire", RAIL, published=0), art("lib-wire", LIBRARY)
    stale = dataclasses.replace(entry(old_lib), dedup_params="minhash-v0")
    related = [entry(old_rail), entry(art("robots-wire", ROBOTICS, fp="fp-robots"))]
    lib_old = entry(art("lib-old", LIBRARY, published=300))  # shares bands only: held
    # Later copies of the rail story in every bucket of it: a new article meets only the
    # max_bucket_compare (20) earliest members of a bucket.
    crowd = [entry(art(f"rail-{i:02d}", copy_of(RAIL), published=100 + i)) for i in range(25)]
    new = [
        old_rail,  # an indexed id
        art("rail-copy", copy_of(RAIL), published=30),  # near an indexed article
        art("robots", ROBOTICS, fp="fp-robots"),  # an indexed fingerprint
        art("lib-copy", copy_of(LIBRARY), published=700),  # of lib-old (lib-wire is unusable)
    ]
    seen: list[str] = []
    signatures_of = transform._IndexSignatures.process

    def spy(self: Any, entry: dedup.IndexEntry) -> Any:
        seen.append(entry.article_id)
        return signatures_of(self, entry)

    monkeypatch.setattr(transform._IndexSignatures, "process", spy)
    grouped: list[str] = []  # index entries in the exact groups (by id, by fingerprint)
    resolve = transform._ResolveGroup.process

    def spy_groups(self: Any, element: Any) -> Any:
        grouped.extend(e.article_id for e in element[1]["old"])
        return resolve(self, element)

    monkeypatch.setattr(transform._ResolveGroup, "process", spy_groups)
    p = TestPipeline()
    previous = p | "Previous" >> beam.Create(
        [*unrelated, *reversed(crowd), stale, *related, lib_old], reshuffle=False
    )
    articles = p | "New" >> beam.Create(new, reshuffle=False)
    out = articles | DeduplicateArticles(S, now=NOW, previous=previous, in_memory=in_memory)
    assert_that(
        ids(out.articles, "ArticleIds"),
        equal_to([("rail-copy", "rail-wire"), ("lib-copy", "lib-old")]),
        label="CheckArticles",
    )
    assert_that(
        dup_rows(out.duplicates, "DupRows"),
        equal_to(
            [
                ("rail-wire", "rail-wire", "exact"),
                ("rail-copy", "rail-wire", "near"),
                ("robots", "robots-wire", "exact"),
                ("lib-copy", "lib-old", "near"),
            ]
        ),
        label="CheckDuplicates",
    )
    result = p.run()
    result.wait_until_finish()
    mismatch = result.metrics().query(MetricsFilter().with_name("index_params_mismatch"))
    assert sum(c.committed for c in mismatch["counters"]) == 1  # every entry still looked at
    assert set(grouped) == {"rail-wire", "robots-wire"}  # in the groups by id and fingerprint
    # Not the 400 unrelated entries, nor the 5 latest of the crowd.
    assert set(seen) == {"rail-wire", "robots-wire", "lib-old", *(e.article_id for e in crowd[:20])}


def test_candidate_pairs_carry_ids_and_each_signature_is_kept_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new article meets up to bands x max_bucket_compare earlier ones: its pairs must not
    each carry a 512-byte signature (issue 21: they were a backfill slice's largest data).
    The verification step gets id tuples, the signatures once per id beside them."""
    from pipelines.transforms import dedup as transform

    pairs: list[Any] = []
    verify = transform._Verify.process

    def spy(self, element, *args):  # type: ignore[no-untyped-def]  # (Beam reads hints)
        pairs.append(element)
        return verify(self, element, *args)

    monkeypatch.setattr(transform._Verify, "process", spy)
    copies = [art(f"rail-{i}", copy_of(RAIL) + f" Update {i}.", published=i) for i in range(6)]
    with TestPipeline() as p:
        out = p | beam.Create(copies, reshuffle=False) | DeduplicateArticles(S, now=NOW)
        assert_that(
            ids(out.articles, "ArticleIds"),
            equal_to([("rail-0", None), *((f"rail-{i}", "rail-0") for i in range(1, 6))]),
        )
    assert pairs  # the later copies were verified
    for _later, groups in pairs:  # (later id, the earlier ids of each bucket): no bytes
        assert all(isinstance(e, tuple) and all(isinstance(i, str) for i in e) for e in groups)


def test_repeated_article_id_keeps_one() -> None:
    first = art("x", RAIL, ingested=0)
    redelivered = art("x", RAIL, ingested=3)
    with TestPipeline() as p:
        out = (
            p | beam.Create([redelivered, first], reshuffle=False) | DeduplicateArticles(S, now=NOW)
        )
        assert_that(
            out.articles | beam.Map(lambda a: (a.article_id, a.ingested_at)),
            equal_to([("x", first.ingested_at)]),
            label="CheckArticles",
        )
        assert_that(
            dup_rows(out.duplicates, "DupRows"), equal_to([("x", "x", "exact")]), label="Dups"
        )


# workers=1: articles are signed in a CPU worker process; its failures come back per article.
@pytest.mark.parametrize("workers", [0, 1])
def test_dead_letters(workers: int) -> None:
    articles = [
        art("ok", ROBOTICS),
        art("empty", " ... -- "),
        art("nofp", LIBRARY, fp=""),
        art("", RAIL),
    ]
    with TestPipeline() as p:
        out = (
            p
            | beam.Create(articles, reshuffle=False)
            | DeduplicateArticles(S, now=NOW, workers=workers)
        )
        assert_that(ids(out.articles, "ArticleIds"), equal_to([("ok", None)]), label="Ok")
        assert_that(
            out.dead_letter | beam.Map(lambda d: (d.article_id, d.step, d.error_code, d.failed_at)),
            equal_to(
                [
                    ("empty", "dedup", "empty_text", NOW),
                    ("nofp", "dedup", "missing_fingerprint", NOW),
                    ("", "dedup", "missing_article_id", NOW),
                ]
            ),
            label="CheckDeadLetters",
        )


@pytest.mark.parametrize("in_memory", [False, True], ids=["shuffled", "in-memory"])
def test_pipeline_agrees_with_the_core_reference(in_memory: bool) -> None:
    # Many related texts with chains and shared buckets: the Beam result must equal the
    # single-process reference in pipelines.core.dedup.
    rng = random.Random(11)
    vocab = [f"{rng.choice('bcdfgklmnprst')}{rng.choice('aeiou')}{i}" for i in range(400)]
    sentences = [" ".join(rng.choices(vocab, k=12)) for _ in range(80)]
    articles = []
    for i in range(40):
        start = rng.randrange(0, len(sentences) - 8)
        picked = sentences[start : start + rng.randrange(4, 9)]
        articles.append(art(f"a{i:02d}", ". ".join(picked), published=rng.randrange(0, 300)))
    candidates = [
        dedup.Candidate(
            a.article_id,
            dedup.order_key(a.published_at, a.ingested_at, a.article_id),
            dedup.signature(a.text, S),
        )
        for a in articles
    ]
    reference = dedup.near_duplicate_matches(candidates, S)
    assert 5 < len(reference) < 35  # the fixture really exercises both outcomes
    expected = [
        (a.article_id, getattr(reference.get(a.article_id), "duplicate_of", None)) for a in articles
    ]
    with TestPipeline() as p:
        out = (
            p
            | beam.Create(articles, reshuffle=False)
            | DeduplicateArticles(S, now=NOW, in_memory=in_memory)
        )
        assert_that(ids(out.articles, "ArticleIds"), equal_to(expected))


def test_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError):
        DeduplicateArticles(S, near_duplicates="merge")


class _Previous:
    """A picklable stand-in for the fingerprint-index loader (io.index.IndexEntries)."""

    def __init__(self, entries: list[dedup.IndexEntry]) -> None:
        self.entries = entries

    def __call__(self) -> list[dedup.IndexEntry]:
        return self.entries


@pytest.mark.parametrize("keyed", [False, True], ids=["one-process", "one-key"])
def test_near_duplicates_of_earlier_windows_and_earlier_runs_are_found(keyed: bool) -> None:
    from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
    from apache_beam.testing.test_stream import TestStream
    from apache_beam.transforms import window

    from pipelines.transforms.dedup import DeduplicateAcrossWindows

    written_before = art("old-library", LIBRARY)
    first = art("rail", RAIL, published=1)
    later = [
        art("rail-copy", copy_of(RAIL), published=30),  # copy of an earlier window's article
        art("library-copy", copy_of(LIBRARY), published=31),  # of an earlier run's article
        art("robotics", ROBOTICS, published=32),
        art("robotics-copy", copy_of(ROBOTICS), published=33),  # within its own window
        # The same id as an earlier window's article, other text (another rendering of it).
        dataclasses.replace(
            first, text=RAIL + " Updated at noon.", content_fingerprint="fp-rail-2"
        ),
    ]
    stream = (
        TestStream()
        .advance_watermark_to(0)
        .add_elements([window.TimestampedValue(first, 10)])
        .advance_watermark_to(100)
        .add_elements([window.TimestampedValue(a, 110) for a in later])
        .advance_watermark_to_infinity()
    )
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    with TestPipeline(options=options) as p:
        windowed = p | stream | beam.WindowInto(window.FixedWindows(60))
        within = windowed | DeduplicateArticles(S, now=NOW, keep_signatures=True, in_memory=True)
        out = within | DeduplicateAcrossWindows(
            S,
            _Previous([entry(written_before)]),
            memory_key=f"test-across-{keyed}",
            now=lambda: NOW,
            keyed=keyed,
        )
        decided = [
            ("rail", None),
            ("rail-copy", "rail"),
            ("library-copy", "old-library"),
            ("robotics", None),
            ("robotics-copy", "robotics"),
        ]
        assert_that(ids(out.articles, "Articles"), equal_to(decided), label="CheckArticles")
        assert_that(
            out.duplicates | beam.Map(lambda d: (d.article_id, d.duplicate_of, d.kind)),
            equal_to(
                [
                    ("rail-copy", "rail", "near"),
                    ("library-copy", "old-library", "near"),
                    ("robotics-copy", "robotics", "near"),
                    ("rail", "rail", "exact"),
                ]
            ),
            label="CheckDuplicates",
        )
        # One index entry per article, as finally decided.
        assert_that(
            out.index | beam.Map(lambda e: (e.article_id, e.duplicate_of)),
            equal_to(decided),
            label="CheckIndex",
        )


def test_an_id_written_before_and_marked_within_its_window_gets_one_duplicates_row() -> None:
    """A copy sent again after a restart that its window also marks as a near-duplicate:
    one duplicates row (the window's), no second (exact) one, no articles row."""
    from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
    from apache_beam.testing.test_stream import TestStream
    from apache_beam.transforms import window

    from pipelines.transforms.dedup import DeduplicateAcrossWindows

    again = art("robo-copy", copy_of(ROBOTICS), published=2)
    stream = (
        TestStream()
        .advance_watermark_to(0)
        .add_elements(
            [
                window.TimestampedValue(a, 10)
                for a in (art("robotics", ROBOTICS, published=1), again)
            ]
        )
        .advance_watermark_to_infinity()
    )
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    with TestPipeline(options=options) as p:
        windowed = p | stream | beam.WindowInto(window.FixedWindows(60))
        within = windowed | DeduplicateArticles(S, now=NOW, keep_signatures=True, in_memory=True)
        out = within | DeduplicateAcrossWindows(
            S, _Previous([entry(again)]), memory_key="test-again", now=lambda: NOW
        )
        rows = out.duplicates | beam.Map(lambda d: (d.article_id, d.kind))
        assert_that(
            rows | beam.Filter(lambda r: r[0] == "robo-copy"),
            equal_to([("robo-copy", "near")]),
            label="OneRow",
        )
        assert_that(
            ids(out.articles, "Articles") | beam.Filter(lambda r: r[0] == "robo-copy"),
            equal_to([]),
            label="NoArticle",
        )
