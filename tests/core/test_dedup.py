from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from pipelines.core import dedup, lsh, minhash
from pipelines.core.errors import ArticleError

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
S = dedup.DedupSettings()

# Synthetic stories written for these tests. STORM_A and STORM_B cover the same event (same
# place, names, numbers) but are written independently: they must stay apart.
STORM_A = """\
A powerful storm swept across the northern coast of Lakeland on Sunday night, cutting power to
about 40,000 homes and forcing the closure of two ferry routes, the regional utility said.
Wind gusts of up to 110 kilometres per hour were recorded at the harbour in Port Selby, where
fishing boats were pulled ashore as a precaution and several warehouses lost their roofs.
"Our crews worked through the night and will keep going until every household is reconnected,"
said Maria Okafor, a spokeswoman for Northern Grid, adding that most customers should have
electricity again by Tuesday evening.
Schools in three districts stayed closed on Monday while engineers inspected buildings for
damage. The coast guard said it had rescued four people from a sailing yacht that lost its mast
off Cape Mirren, and that all of them were in good condition.
Forecasters expect calmer weather later in the week but warned that heavy rain could still cause
local flooding along the Selby river, where water levels are already above the seasonal average.
The regional government said it would release emergency funds to help small businesses repair
storm damage and asked residents to report fallen power lines rather than approach them.
"""

STORM_B = """\
Residents of Port Selby spent Monday clearing debris after a night of violent winds left much of
Lakeland's northern coast in the dark.
Northern Grid reported that roughly 40,000 customers lost power at the height of the storm, and
spokeswoman Maria Okafor told reporters that repairs could take until Tuesday.
Ferry services to the islands were suspended, stranding dozens of travellers in the terminal,
and local officials opened a sports hall where families without heating could stay overnight.
In the old town, a bakery owner described watching part of his neighbour's roof fly across the
street shortly after midnight. "I have lived here for forty years and never seen anything like
it," he said, sweeping glass from the pavement.
The coast guard confirmed that four sailors were brought to safety near Cape Mirren.
Meteorologists said the storm was unusually strong for early spring and that another band of
rain would reach the coast on Thursday, raising the risk of flooding along the river.
"""

BUDGET = """\
The city council of Ashford approved a budget of 2.3 billion for next year after a twelve-hour
debate that ended shortly before dawn on Wednesday.
The plan raises spending on public transport by eight percent and funds the hiring of 300
teachers, while postponing the renovation of the central library for at least two years.
Opposition members criticised the decision to increase parking fees in the city centre, arguing
that it would hurt shop owners who are still recovering from a difficult winter.
Mayor Helen Varga said the budget balanced ambition with caution. "We are investing in the
things residents told us matter most: buses that come on time and classrooms that are not
overcrowded," she said.
A final vote on a separate proposal to build a new swimming pool in the eastern district was
delayed until March, when the council expects updated cost estimates from its engineers.
"""


def republish(text: str) -> str:
    """A typical outlet copy: new headline and footer, last paragraph cut, light copy edits."""
    paragraphs = text.strip().split("\n")
    body = "\n".join(paragraphs[:-2])  # the story's last lines cut
    body = body.replace(" said", " says").replace("percent", "per cent")
    return (
        "UPDATE - Storm latest: what we know so far\n"
        + body
        + "\nFollow us for more breaking news from the region."
    )


def cand(article_id: str, text: str, minutes: int, *, previous: bool = False) -> dedup.Candidate:
    rank = dedup.order_key(T0 + timedelta(minutes=minutes), T0, article_id, previous=previous)
    return dedup.Candidate(article_id, rank, dedup.signature(text, S))


# --- shingles and hashes -------------------------------------------------------------------


def test_signature_is_stable_across_processes_and_releases() -> None:
    # Golden values: a change here invalidates every stored fingerprint index.
    sig = dedup.signature("The quick brown fox jumps over the lazy dog near the river bank.", S)
    assert sig.dtype == np.uint32 and len(sig) == 128
    assert sig[:6].tolist() == [497037549, 540420940, 211752090, 471237239, 486511001, 207661745]
    assert S.params_id == "minhash-v1-k3-p128-s5eedd1ce-c500000"


def test_empty_text_raises_article_error() -> None:
    with pytest.raises(ArticleError) as err:
        dedup.signature(" -- !! -- ", S)
    assert err.value.code == "empty_text"


def test_short_text_has_a_signature_distinct_from_its_words_in_a_longer_text() -> None:
    short = dedup.signature("Breaking news", S)
    longer = dedup.signature("Breaking news from the coast", S)
    assert minhash.estimated_jaccard(short, short) == 1.0
    assert minhash.estimated_jaccard(short, longer) < 0.5


def test_estimated_jaccard_tracks_exact_jaccard() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    base = [rng.choice(vocab) for _ in range(600)]
    for keep in (300, 450, 550):
        other = base[:keep] + [rng.choice(vocab) for _ in range(600 - keep)]
        a, b = " ".join(base), " ".join(other)
        exact = minhash.jaccard(minhash.shingles(a, 3), minhash.shingles(b, 3))
        estimate = minhash.estimated_jaccard(dedup.signature(a, S), dedup.signature(b, S))
        assert abs(estimate - exact) < 0.12  # about 3 standard deviations at num_perm=128


def test_max_chars_limits_what_is_shingled() -> None:
    capped = dedup.DedupSettings(max_chars=20)
    assert minhash.estimated_jaccard(
        dedup.signature("alpha beta gamma delta epsilon zeta eta theta", capped),
        dedup.signature("alpha beta gamma delta iota kappa lambda mu", capped),
    ) == pytest.approx(1.0)


def test_signature_bytes_roundtrip_and_length_check() -> None:
    sig = dedup.signature(BUDGET, S)
    raw = minhash.signature_to_bytes(sig)
    assert len(raw) == 4 * S.num_perm
    assert (minhash.signature_from_bytes(raw, S.num_perm) == sig).all()
    with pytest.raises(ArticleError) as err:
        minhash.signature_from_bytes(raw[:-4], S.num_perm)
    assert err.value.code == "bad_signature"


# --- LSH -----------------------------------------------------------------------------------


def test_lsh_params_favour_recall_at_the_threshold() -> None:
    assert lsh.lsh_params(0.5, 128) == (42, 3)
    for threshold in (0.3, 0.4, 0.5, 0.7, 0.9):
        bands, rows = lsh.lsh_params(threshold, 128)
        assert bands * rows <= 128
        assert lsh.candidate_probability(threshold, bands, rows) >= 0.99
        # and rows is the largest that still reaches 0.99
        assert lsh.candidate_probability(threshold, 128 // (rows + 1), rows + 1) < 0.99
    assert S.lsh == lsh.lsh_params(S.threshold, S.num_perm) == (64, 2)
    # replace() re-derives bands/rows for the new threshold; explicit values are kept
    assert dataclasses.replace(S, threshold=0.5).lsh == (42, 3)
    assert dedup.DedupSettings(bands=16, rows=8).lsh == (16, 8)


def test_settings_reject_bad_values() -> None:
    with pytest.raises(ValueError):
        dedup.DedupSettings(threshold=0.0)
    with pytest.raises(ValueError):
        dedup.DedupSettings(bands=50, rows=3)
    with pytest.raises(ValueError):
        dedup.DedupSettings(bands=50)


def test_band_keys() -> None:
    sig = dedup.signature(BUDGET, S)
    keys = lsh.band_keys(sig, 4, 3)
    assert len(keys) == 4 and len(set(keys)) == 4
    assert all(len(k) == 2 + 4 * 3 for k in keys)
    same = np.zeros(12, dtype=np.uint32)
    assert len(set(lsh.band_keys(same, 4, 3))) == 4  # the band number keeps bands apart
    changed = sig.copy()
    changed[4] += 1  # inside band 1
    new_keys = lsh.band_keys(changed, 4, 3)
    assert [a == b for a, b in zip(keys, new_keys, strict=True)] == [True, False, True, True]
    with pytest.raises(ValueError):
        lsh.band_keys(sig, 50, 3)


def test_band_keys_of_stored_signature_bytes_equal_those_of_the_signature() -> None:
    sig = dedup.signature(BUDGET, S)
    raw = minhash.signature_to_bytes(sig)
    assert lsh.band_keys_of_bytes(raw, 4, 3) == lsh.band_keys(sig, 4, 3)
    tagged = lsh.band_keys_of_bytes(raw, 64, 2, tag=b"b")
    assert tagged == [b"b" + k for k in lsh.band_keys(sig, 64, 2)]
    with pytest.raises(ValueError):
        lsh.band_keys_of_bytes(raw[:-1], 64, 2)


# --- ordering and the index ----------------------------------------------------------------


def test_order_key_first_seen() -> None:
    early, late = T0, T0 + timedelta(hours=1)
    assert dedup.order_key(early, late, "z") < dedup.order_key(late, early, "a")
    assert dedup.order_key(late, late, "z") < dedup.order_key(None, early, "a")  # None last
    assert dedup.order_key(None, early, "z") < dedup.order_key(None, late, "a")
    assert dedup.order_key(early, early, "a") < dedup.order_key(early, early, "b")
    naive = datetime(2026, 3, 1, 12, 0)
    assert dedup.order_key(naive, T0, "a") == dedup.order_key(T0, T0, "a")
    previous = dedup.order_key(None, None, "z", previous=True)
    assert previous < dedup.order_key(early, early, "a")
    assert dedup.is_previous(previous) and not dedup.is_previous(dedup.order_key(None, T0, "a"))


def test_index_entry_dict_roundtrip() -> None:
    entry = dedup.IndexEntry(
        article_id="a1",
        content_fingerprint="fp",
        signature=minhash.signature_to_bytes(dedup.signature(BUDGET, S)),
        canonical_url="https://example.org/a1",
        published_at=T0,
        ingested_at=T0 + timedelta(minutes=5),
        duplicate_of=None,
        dedup_params=S.params_id,
    )
    assert dedup.IndexEntry.from_dict(entry.to_dict()) == entry
    as_parquet = entry.to_dict() | {"published_at": T0.replace(tzinfo=None), "dedup_params": None}
    back = dedup.IndexEntry.from_dict(as_parquet)
    assert back.published_at == T0 and back.published_at.tzinfo is not None
    assert back.dedup_params == ""
    assert entry.rank() == dedup.order_key(
        entry.published_at, entry.ingested_at, "a1", previous=True
    )


def _index(
    article_id: str, fp: str, text: str, params: str = S.params_id, minutes: int = 0
) -> dedup.IndexEntry:
    sig = minhash.signature_to_bytes(dedup.signature(text, S))
    published = T0 + timedelta(minutes=minutes)
    return dedup.IndexEntry(article_id, fp, sig, published_at=published, dedup_params=params)


def _wanted(*new: tuple[str, str, str]) -> set[bytes]:
    return {
        k
        for a, fp, text in new
        for k in dedup.lookup_keys(a, fp, minhash.signature_to_bytes(dedup.signature(text, S)), S)
    }


def test_the_index_entries_a_run_needs_share_an_id_a_fingerprint_or_a_band() -> None:
    wanted = _wanted(("storm", "fp-storm", STORM_A))
    bands, _ = S.lsh
    assert len(wanted) == 2 + bands  # id, fingerprint, one key per band
    relevant = dedup.RelevantIndex(wanted, S)
    assert relevant.add(_index("storm", "other", BUDGET))  # same id: needed as it is
    assert relevant.add(_index("x", "fp-storm", BUDGET))  # same fingerprint
    assert not relevant.add(copy := _index("copy", "fp-copy", republish(STORM_A)))  # bands
    assert not relevant.add(_index("budget", "fp-budget", BUDGET))  # nothing shared
    # Signatures made with other settings are not compared, so their bands do not count.
    stale = _index("stale", "fp-stale", republish(STORM_A), params="minhash-v0")
    assert not dedup.comparable(stale, S)
    assert not relevant.add(stale)
    assert relevant.held() == [copy]


def test_of_a_crowded_band_only_the_earliest_entries_are_held() -> None:
    """A new article is paired with the max_bucket_compare earliest members of each of its
    buckets (index entries first): later index entries in the same buckets change nothing."""
    settings = dataclasses.replace(S, max_bucket_compare=3)
    wanted = {
        k
        for k in dedup.lookup_keys(
            "storm", "fp", minhash.signature_to_bytes(dedup.signature(STORM_A, S)), settings
        )
    }
    relevant = dedup.RelevantIndex(wanted, settings)
    copies = [_index(f"c{i}", f"fp{i}", STORM_A, minutes=m) for i, m in enumerate([5, 1, 9, 3, 7])]
    for entry in copies:
        assert not relevant.add(entry)
    # Same text: the same buckets; published at minutes 1, 3 and 5 are the earliest three.
    assert [e.article_id for e in relevant.held()] == ["c0", "c1", "c3"]
    # ... and they join those buckets only: three members in each band of the new article.
    members = Counter(key for key, _, _ in relevant.bands())
    assert set(members.values()) == {3} and len(members) == len(wanted) - 2


# --- decisions -----------------------------------------------------------------------------


def test_bucket_pairs_caps_work_and_never_pairs_a_later_index_entry() -> None:
    members = [(dedup.order_key(T0 + timedelta(minutes=i), T0, f"n{i}"), f"n{i}") for i in range(6)]
    old = (dedup.order_key(T0, T0, "old", previous=True), "old")
    random.Random(3).shuffle(members)
    pairs = list(dedup.bucket_pairs([*members, old], max_compare=2))
    assert all(later != "old" for later, _, _ in pairs)
    # each later member is paired with the two earliest: the index entry, then n0
    assert sorted((a, b) for a, b, _ in pairs) == sorted(
        [("n0", "old")] + [(f"n{i}", e) for i in range(1, 6) for e in ("old", "n0")]
    )


def test_republished_copy_is_found_and_first_seen_wins() -> None:
    original = cand("orig", STORM_A, 0)
    copy = cand("copy", republish(STORM_A), 30)
    exact = minhash.jaccard(minhash.shingles(STORM_A, 3), minhash.shingles(republish(STORM_A), 3))
    assert exact > S.threshold
    for order in ([original, copy], [copy, original]):
        matches = dedup.near_duplicate_matches(order, S)
        assert set(matches) == {"copy"}
        assert matches["copy"].duplicate_of == "orig"
        assert matches["copy"].similarity >= S.threshold


def test_same_topic_different_stories_stay_apart() -> None:
    a, b = minhash.shingles(STORM_A, 3), minhash.shingles(STORM_B, 3)
    assert minhash.jaccard(a, b) < 0.1
    items = [cand("a", STORM_A, 0), cand("b", STORM_B, 5), cand("c", BUDGET, 10)]
    assert dedup.near_duplicate_matches(items, S) == {}


def test_index_entry_stays_the_original_even_if_published_later() -> None:
    indexed = cand("indexed", STORM_A, 500, previous=True)
    new = cand("new", republish(STORM_A), 0)
    matches = dedup.near_duplicate_matches([new, indexed], S)
    assert matches["new"].duplicate_of == "indexed"


def test_chain_resolves_to_the_earliest_similar_article() -> None:
    # b is a trimmed copy of a; c is a trimmed copy of b. c is close enough to a -> a.
    a_text = STORM_A
    b_text = "\n".join(STORM_A.strip().split("\n")[:-1])
    c_text = "\n".join(STORM_A.strip().split("\n")[:-2])
    matches = dedup.near_duplicate_matches(
        [cand("c", c_text, 20), cand("b", b_text, 10), cand("a", a_text, 0)], S
    )
    assert matches["b"].duplicate_of == "a"
    assert matches["c"].duplicate_of == "a"


def test_chain_stops_where_similarity_stops() -> None:
    # Nested copies: b = the first half of a, c = the first half of b. c is close to b but not
    # to a, so c points at b (and b at a): similarity is not assumed to be transitive.
    paragraphs = [" ".join(f"p{i}w{j}" for j in range(20)) for i in range(26)]
    a_text = "\n".join(paragraphs)
    b_text = "\n".join(paragraphs[:14])
    c_text = "\n".join(paragraphs[:8])

    def exact(x: str, y: str) -> float:
        return minhash.jaccard(minhash.shingles(x, 3), minhash.shingles(y, 3))

    assert exact(b_text, a_text) > S.threshold + 0.08
    assert exact(c_text, b_text) > S.threshold + 0.08
    assert exact(c_text, a_text) < S.threshold - 0.08
    matches = dedup.near_duplicate_matches(
        [cand("c", c_text, 20), cand("a", a_text, 0), cand("b", b_text, 10)], S
    )
    assert matches["b"].duplicate_of == "a"
    assert matches["c"].duplicate_of == "b"


def test_date_only_publication_does_not_beat_a_timed_one_the_same_day() -> None:
    day = datetime(2024, 4, 21, tzinfo=UTC)
    timed = dedup.order_key(day.replace(hour=0, minute=59), None, "b")
    date_only = dedup.order_key(day, None, "a", date_only=True)
    assert timed < date_only
    # ... but it still precedes anything published on a later day.
    assert date_only < dedup.order_key(day.replace(day=22), None, "c")


def _rank(minutes: int, article_id: str, *, previous: bool = False) -> dedup.Rank:
    at = datetime(2024, 9, 26, 8, tzinfo=UTC) + timedelta(minutes=minutes)
    return dedup.order_key(at, at, article_id, previous=previous)


def test_near_duplicate_index_remembers_earlier_windows() -> None:
    index = dedup.NearDuplicateIndex(S)
    index.add("storm", dedup.signature(STORM_A, S), _rank(0, "storm"))
    index.add("budget", dedup.signature(BUDGET, S), _rank(1, "budget"))
    copy = dedup.signature(republish(STORM_A), S)
    found = index.match("copy", copy)
    assert found is not None
    assert (found.article_id, found.duplicate_of) == ("copy", "storm")
    assert found.similarity >= S.threshold
    assert index.match("other", dedup.signature(STORM_B, S)) is None  # same topic, other story
    assert index.match("storm", dedup.signature(STORM_A, S)) is None  # never itself


def test_near_duplicate_index_points_at_the_earliest_original() -> None:
    index = dedup.NearDuplicateIndex(S)
    index.add("later", dedup.signature(republish(STORM_A), S), _rank(30, "later"))
    index.add("first", dedup.signature(STORM_A, S), _rank(5, "first", previous=True))
    found = index.match("new", dedup.signature(STORM_A + "\nUpdated at noon.", S))
    assert found is not None and found.duplicate_of == "first"


def test_near_duplicate_index_forgets_the_oldest_beyond_its_bound() -> None:
    index = dedup.NearDuplicateIndex(S, max_entries=2)
    index.add("storm", dedup.signature(STORM_A, S), _rank(0, "storm"))
    index.add("budget", dedup.signature(BUDGET, S), _rank(1, "budget"))
    index.add("other", dedup.signature(STORM_B, S), _rank(2, "other"))
    assert len(index) == 2 and "storm" not in index
    assert index.match("copy", dedup.signature(republish(STORM_A), S)) is None
    found = index.match("copy", dedup.signature(republish(BUDGET), S))
    assert found is not None and found.duplicate_of == "budget"


def test_first_seen_remembers_the_first_id_per_text_for_its_ttl() -> None:
    seen = dedup.FirstSeen(ttl_s=100.0)
    assert seen.first("fp-a", "a", at=1000.0) is None  # first sighting: remembered
    assert seen.first("fp-a", "b", at=1010.0) == "a"
    assert seen.first("fp-a", "a", at=1020.0) == "a"  # the same article sent again
    assert seen.first("fp-b", "c", at=1099.0) is None
    # Expiry follows the latest event time seen, not the wall clock or arrival count.
    assert seen.first("fp-c", "d", at=1100.5) is None  # fp-a (1000.0) is now past its TTL
    assert len(seen) == 2
    assert seen.first("fp-a", "e", at=1101.0) is None  # a new first sighting
    # An old record arriving late expires nothing and is still matched while remembered.
    assert seen.first("fp-b", "f", at=900.0) == "c"


def test_first_seen_forgets_the_oldest_beyond_its_bound() -> None:
    seen = dedup.FirstSeen(ttl_s=1e9, max_entries=2)
    for i in range(3):
        assert seen.first(f"fp-{i}", f"id-{i}", at=float(i)) is None
    assert len(seen) == 2
    assert seen.first("fp-0", "again", at=3.0) is None  # forgotten: the oldest went first
    assert seen.first("fp-2", "again", at=4.0) == "id-2"
