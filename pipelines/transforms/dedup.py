"""DeduplicateArticles: report exact duplicates, mark (or drop) near-duplicates, first seen wins.

In: PCollection[Article] (cleaned: article_id, content_fingerprint, ingested_at set), or a dict
``{"articles": ..., "previous": ...}``. `previous` (also accepted in ``__init__``) is an optional
PCollection[IndexEntry]: the fingerprint index of articles admitted by earlier runs.

Out (`DedupResult`, a NamedTuple of PCollections):
- `articles`: Article (with `keep_signatures`: (Article, signature bytes), as
  `DeduplicateAcrossWindows` takes them). Exact duplicates removed; a near-duplicate keeps
  `duplicate_of` and `duplicate_similarity` set (near_duplicates="mark") or is left out ("drop").
- `duplicates`: pipelines.core.records.Duplicate, one per exact or near duplicate found.
- `index`: IndexEntry for every article in `articles` and every duplicate reported, to append
  to the fingerprint index.
- `dead_letter`: DeadLetter (step "dedup": missing_article_id, missing_fingerprint,
  empty_text), with the article text as raw.

Every decision of this step is made on keyed groups, never in process-global state, so it is
correct on any number of workers (`DeduplicateAcrossWindows`, streaming only, keeps its memory
of earlier windows per process: see `_AcrossWindows`):

1. Sign: validate and compute the MinHash signature (pipelines.core.dedup.sign); in CPU
   worker processes when `workers` > 0 (transforms.workers.ChunkedApply). Off in our jobs:
   for real (long) articles the round trip to a worker cost more than the hashing it moved
   (backfill of 750 pages: 23-25 s inline against 27 s, measured).
   The index is then narrowed to the entries that share an id or a fingerprint with a new
   article, or are among the `max_bucket_compare` earliest of one of its LSH bands
   (`core.dedup.RelevantIndex`, the new articles' keys as a side input): no other entry
   changes a decision below, and the index grows with every run (a backfill's slices) while
   what a run groups should stay the size of its input (counter dedup_info/
   index_entries_used).
2. GroupById (CoGroupByKey with the index by article_id): an id already in the index is not
   re-admitted: it is a copy of an article an earlier run wrote (or reported), e.g. the same
   page from another source or an overlapping input, and becomes a Duplicate row of kind
   "exact" of that id (counter dedup/already_ingested), never dropped: every input is
   accounted for in articles, duplicates or dead letters. (A re-run of the same input is
   recognised before any pipeline runs, by the identity of its input: `commands.backfill`.)
   The same id twice in this input (Kafka redelivery): the first by order key stays, the
   others are kind "exact" duplicates of that id (dedup/exact and
   dedup_info/repeated_article_id).
3. GroupByFingerprint (CoGroupByKey with the index by content_fingerprint): a new id whose
   text an earlier run admitted is an exact duplicate of the earliest indexed article;
   otherwise the first seen (core.dedup.order_key) stays and the rest are kind "exact"
   duplicates of it (dedup/exact). Same canonical_url with the same fingerprint is covered by
   this key; the same URL with changed text is left to step 4.
4. Near duplicates: every signature (new, and the index's when its dedup_params match; the
   index's otherwise only count dedup_info/index_params_mismatch) emits one key per LSH band ->
   GroupByBand -> within each bucket `core.dedup.bucket_pairs` pairs each later new article
   with at most max_bucket_compare earliest members (index entries rank first: they are the
   originals) -> GroupPairsByLater -> VerifySimilarity: estimated Jaccard >= threshold with
   each distinct earlier article, the earliest such original kept (signatures from a side
   input, one per id: copying them into every pair made the candidate pairs the largest data
   of a run) -> JoinMatches with the articles by id.
   Chains resolve as core.dedup documents: to the earliest article similar enough.
   With `in_memory` (streaming windows, which are small), the window's signed articles and
   the index's signatures go to one key instead, where `core.dedup.near_duplicate_matches`
   (the single-process reference of the same rule) decides: one shuffle instead of five, and
   no band keys (one element per band and article) through the runner.

Exact duplicates of another id and dropped near-duplicates also get an index entry (with
duplicate_of set), so a later run recognises them by id (and reports a later copy as a
duplicate of that id).
Counters, namespace "dedup": ok (signed), exact (exact duplicates within the input, by
fingerprint or repeated id), near, already_ingested (exact duplicates of an id an earlier run
indexed, reported as Duplicate rows), articles (admitted to `articles`), and
one per dead-letter code. Namespace "dedup_info" (diagnostics, not outcomes):
repeated_article_id, index_params_mismatch, bucket_capped (buckets larger than
max_bucket_compare + 1, where pairing was capped).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam.coders import BooleanCoder
from apache_beam.metrics import Metrics
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec
from apache_beam.transforms.window import GlobalWindows

from pipelines.core import dedup, lsh, minhash
from pipelines.core.chunks import SignChunk
from pipelines.core.clock import Clock, utc_now
from pipelines.core.errors import DEAD_LETTER
from pipelines.core.records import Article
from pipelines.io.beam_runner import single_process_runner
from pipelines.transforms.workers import ChunkedApply

STEP = "dedup"
INFO = "dedup_info"  # counters that are neither outcomes nor dead-letter reasons
MARK, DROP = "mark", "drop"
_DUPLICATE = "duplicate"
_INDEX = "index"
_NEAR = "near"  # index entries for the near-duplicate pass only
_BANDS = "bands"  # (band key, (rank, id)) of those entries, in the buckets they take part in

# (article, signature bytes): what flows between the grouping stages.
Signed = tuple[Article, bytes]
# (rank, signature bytes) per id: what the near-duplicate joins carry.
SigRecord = tuple[dedup.Rank, bytes]


class DedupResult(NamedTuple):
    """Beam names the outputs after the fields (a NamedTuple is a valid expand() result)."""

    articles: beam.PCollection
    duplicates: beam.PCollection
    index: beam.PCollection  # type: ignore[assignment]  # shadows tuple.index on purpose
    dead_letter: beam.PCollection


class _FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _rank(article: Article) -> dedup.Rank:
    return dedup.order_key(
        article.published_at,
        article.ingested_at,
        article.article_id,
        date_only="date-only" in (article.published_at_source or ""),
    )


def _first_seen_key(item: Signed) -> tuple[dedup.Rank, str]:
    return _rank(item[0]), item[0].content_fingerprint


class _ResolveGroup(beam.DoFn):
    """One CoGroupByKey group of new articles ("new") and index entries ("old") sharing a key:
    keep the first new one unless the index already has the key; the rest are duplicates.

    By id, an indexed id makes every new article of the group an "exact" Duplicate of that
    id (an earlier run wrote or reported it): reported, not dropped, and not indexed again
    (the index holds the id already)."""

    def __init__(self, by: str, now: Clock, params_id: str = "") -> None:
        self.now = now
        self.by = by
        self.params_id = params_id
        self.already = Metrics.counter(STEP, "already_ingested")
        self.exact = Metrics.counter(STEP, "exact")
        self.repeated_id = Metrics.counter(INFO, "repeated_article_id") if by == "id" else None

    def process(self, element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Any]:
        _, groups = element
        new: list[Signed] = sorted(groups["new"], key=_first_seen_key)
        if not new:
            return
        old: list[dedup.IndexEntry] = list(groups["old"])
        if old and self.by == "id":
            # Written (or reported) by an earlier run: this copy is a duplicate of that id.
            original = new[0][0].article_id
            for article, _sig in new:
                self.already.inc()
                yield beam.pvalue.TaggedOutput(
                    _DUPLICATE,
                    dedup.duplicate_record(article, original, "exact", 1.0, self.now()),
                )
            return
        if old:
            # A new id with the text of an article an earlier run admitted: an exact duplicate.
            original = min(old, key=lambda e: e.rank()).article_id
            first: Signed | None = None
            rest = new
        else:
            first, rest = new[0], new[1:]
            original = first[0].article_id
            yield first
        for article, sig in rest:
            self.exact.inc()
            if self.repeated_id is not None:
                self.repeated_id.inc()
            yield beam.pvalue.TaggedOutput(
                _DUPLICATE, dedup.duplicate_record(article, original, "exact", 1.0, self.now())
            )
            # Indexed as a duplicate, so a later run knows it was reported and adds no row.
            if article.article_id != original:
                dup = dataclasses.replace(article, duplicate_of=original)
                yield beam.pvalue.TaggedOutput(_INDEX, _index_entry(dup, sig, self.params_id))


class _NewKeys(beam.CombineFn):
    """Signed articles -> the set of their `core.dedup.lookup_keys` (id, fingerprint, bands)."""

    def __init__(self, settings: dedup.DedupSettings) -> None:
        self.settings = settings

    def create_accumulator(self) -> set[bytes]:
        return set()

    def add_input(self, keys: set[bytes], item: Signed) -> set[bytes]:
        article, sig = item
        keys.update(
            dedup.lookup_keys(article.article_id, article.content_fingerprint, sig, self.settings)
        )
        return keys

    def merge_accumulators(self, accumulators: Iterable[set[bytes]]) -> set[bytes]:
        merged: set[bytes] = set()
        for keys in accumulators:
            merged |= keys
        return merged

    def extract_output(self, keys: set[bytes]) -> frozenset[bytes]:
        return frozenset(keys)


class _RelevantEntries(beam.DoFn):
    """Index entries -> those that can change a decision about the new articles
    (`core.dedup.RelevantIndex`): what the groups of a run need from an index that grows with
    every run, so that a run's shuffles (64 band keys per signature) stay about the size of
    its input. Entries sharing an id or fingerprint go on at once (main output: the exact
    groups and the near-duplicate pass), the earliest of each band at the end of the bundle
    (output "near": the near-duplicate pass only; in the global window: batch only, where the
    index is read)."""

    def __init__(self, settings: dedup.DedupSettings) -> None:
        self.settings = settings
        self.mismatch = Metrics.counter(INFO, "index_params_mismatch")
        self.used = Metrics.counter(INFO, "index_entries_used")
        self.relevant: dedup.RelevantIndex | None = None

    def start_bundle(self) -> None:
        self.relevant = None

    def process(
        self, entry: dedup.IndexEntry, wanted: frozenset[bytes]
    ) -> Iterator[dedup.IndexEntry]:
        if not dedup.comparable(entry, self.settings):
            self.mismatch.inc()  # still blocks re-admission by id/fingerprint (steps 2-3)
        if self.relevant is None:
            self.relevant = dedup.RelevantIndex(wanted, self.settings)
        if self.relevant.add(entry):
            self.used.inc()
            yield entry

    def finish_bundle(self) -> Iterator[beam.pvalue.TaggedOutput]:
        relevant, self.relevant = self.relevant, None
        if relevant is None:
            return
        held = relevant.held()
        self.used.inc(len(held))
        for entry in held:
            yield beam.pvalue.TaggedOutput(_NEAR, GlobalWindows.windowed_value(entry))
        for key, rank, article_id in relevant.bands():
            yield beam.pvalue.TaggedOutput(
                _BANDS, GlobalWindows.windowed_value((key, (rank, article_id)))
            )


class _IndexSignatures(beam.DoFn):
    """Index entries -> (id, (rank, signature)) when their signatures are comparable (the
    others are counted by _RelevantEntries)."""

    def __init__(self, settings: dedup.DedupSettings) -> None:
        self.settings = settings

    def process(self, entry: dedup.IndexEntry) -> Iterator[tuple[str, SigRecord]]:
        if dedup.comparable(entry, self.settings):
            yield entry.article_id, (entry.rank(), entry.signature)


class _BandKeys(beam.DoFn):
    def __init__(self, settings: dedup.DedupSettings) -> None:
        self.bands, self.rows = settings.lsh

    def process(
        self, element: tuple[str, SigRecord]
    ) -> Iterator[tuple[bytes, tuple[dedup.Rank, str]]]:
        article_id, (rank, sig) = element
        for key in lsh.band_keys(minhash.signature_from_bytes(sig), self.bands, self.rows):
            yield key, (rank, article_id)


class _PairBucket(beam.DoFn):
    """One LSH bucket -> (later_id, earlier ids to verify) per later member: one element per
    member and bucket (not per pair), since big clusters share most buckets and pairs."""

    def __init__(self, max_compare: int) -> None:
        self.max_compare = max_compare
        self.capped = Metrics.counter(INFO, "bucket_capped")

    def process(
        self, element: tuple[bytes, Iterable[tuple[dedup.Rank, str]]]
    ) -> Iterator[tuple[str, tuple[str, ...]]]:
        members = list(element[1])
        if len(members) < 2:
            return
        if len(members) > self.max_compare + 1:
            self.capped.inc()
        earlier: dict[str, list[str]] = {}
        for later, other, _rank in dedup.bucket_pairs(members, self.max_compare):
            earlier.setdefault(later, []).append(other)
        for later, others in earlier.items():
            yield later, tuple(others)


class _Verify(beam.DoFn):
    """(later_id, earlier id tuples from its buckets) -> (later_id, (earlier rank, earlier_id,
    similarity)) of its earliest original with estimated Jaccard >= threshold, if any; each
    distinct pair verified once. Signatures come from a side input of one (rank, signature)
    per id: joining them to the pairs instead copied a 512-byte signature into every pair
    (up to bands x max_bucket_compare per article), the largest structure of a backfill
    slice (issue 21)."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def process(
        self,
        element: tuple[str, Iterable[tuple[str, ...]]],
        signatures: dict[str, SigRecord],
    ) -> Iterator[tuple[str, tuple[dedup.Rank, str, float]]]:
        later, groups = element
        later_sig = minhash.signature_from_bytes(signatures[later][1])
        found: list[tuple[dedup.Rank, str, float]] = []
        for earlier in {e for others in groups for e in others}:
            rank, raw = signatures[earlier]
            sim = minhash.estimated_jaccard(later_sig, minhash.signature_from_bytes(raw))
            if sim >= self.threshold:
                found.append((rank, earlier, sim))
        if found:
            yield later, min(found)


class _Finish(beam.DoFn):
    """(id, {article, match}) -> marked/dropped Article (or Signed), near Duplicate, IndexEntry."""

    def __init__(
        self,
        settings: dedup.DedupSettings,
        near_duplicates: str,
        now: Clock,
        keep_signatures: bool = False,
    ) -> None:
        self.settings = settings
        self.params_id = settings.params_id
        self.drop = near_duplicates == DROP
        self.now = now
        self.keep_signatures = keep_signatures
        self.near = Metrics.counter(STEP, "near")
        self.admitted = Metrics.counter(STEP, "articles")

    def process(self, element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Any]:
        _, groups = element
        matches = list(groups["match"])
        for article, sig in groups["article"]:  # exactly one after steps 2-3
            yield from self._decide(article, sig, min(matches) if matches else None)

    def _decide(
        self, article: Article, sig: bytes, match: tuple[dedup.Rank, str, float] | None
    ) -> Iterator[Any]:
        if match is not None:
            _rank, original, sim = match
            self.near.inc()
            yield beam.pvalue.TaggedOutput(
                _DUPLICATE,
                dedup.duplicate_record(article, original, "near", sim, self.now()),
            )
            if self.drop:
                dropped = dataclasses.replace(article, duplicate_of=original)
                yield beam.pvalue.TaggedOutput(_INDEX, self._entry(dropped, sig))
                return
            article = dataclasses.replace(article, duplicate_of=original, duplicate_similarity=sim)
        self.admitted.inc()
        yield beam.pvalue.TaggedOutput(_INDEX, self._entry(article, sig))
        yield (article, sig) if self.keep_signatures else article

    def _entry(self, article: Article, sig: bytes) -> dedup.IndexEntry:
        return _index_entry(article, sig, self.params_id)


class _FinishInMemory(_Finish):
    """(key, {new: [Signed], old: [(id, SigRecord)]}) -> what _Finish emits, for all of a
    window's articles at once: its near-duplicates found in memory by the same rule as the
    shuffled pass (`core.dedup.near_duplicate_matches`, its single-process reference)."""

    def process(self, element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Any]:
        _, groups = element
        new: list[Signed] = list(groups["new"])
        if not new:
            return
        # As the shuffled pass: one record per id, the earliest (index entries rank first).
        records: dict[str, SigRecord] = {}
        for article_id, record in groups["old"]:
            records[article_id] = min(record, records.get(article_id, record))
        for article, sig in new:
            record = (_rank(article), sig)
            records[article.article_id] = min(record, records.get(article.article_id, record))
        matches = dedup.near_duplicate_matches(
            (
                dedup.Candidate(article_id, rank, minhash.signature_from_bytes(raw))
                for article_id, (rank, raw) in records.items()
            ),
            self.settings,
        )
        for article, sig in new:
            m = matches.get(article.article_id)
            found = None if m is None else (m.original_rank, m.duplicate_of, m.similarity)
            yield from self._decide(article, sig, found)


def _index_entry(article: Article, sig: bytes, params_id: str) -> dedup.IndexEntry:
    return dedup.IndexEntry(
        article_id=article.article_id,
        content_fingerprint=article.content_fingerprint,
        signature=sig,
        canonical_url=article.canonical_url,
        published_at=article.published_at,
        ingested_at=article.ingested_at,
        duplicate_of=article.duplicate_of,
        dedup_params=params_id,
    )


class DeduplicateArticles(beam.PTransform):
    def __init__(
        self,
        settings: dedup.DedupSettings | None = None,
        near_duplicates: str = MARK,
        now: Clock | datetime = utc_now,
        previous: beam.PCollection | None = None,
        workers: int = 0,
        warm: Sequence[Callable[[], None]] = (),
        keep_signatures: bool = False,
        in_memory: bool = False,
    ) -> None:
        super().__init__()
        if near_duplicates not in (MARK, DROP):
            raise ValueError(f"near_duplicates must be {MARK!r} or {DROP!r}")
        self.settings = settings or dedup.DedupSettings()
        self.near_duplicates = near_duplicates
        self.now: Clock = _FixedClock(now) if isinstance(now, datetime) else now
        self.previous = previous
        self.workers = workers
        self.warm = tuple(warm)
        self.keep_signatures = keep_signatures
        self.in_memory = in_memory

    def expand(self, pvalueish: Any) -> DedupResult:
        if isinstance(pvalueish, dict):
            articles = pvalueish["articles"]
            previous = pvalueish.get("previous", self.previous)
        else:
            articles, previous = pvalueish, self.previous
        s = self.settings
        signed = articles | "SignArticles" >> beam.ParDo(
            ChunkedApply(STEP, SignChunk(s), self.workers, now=self.now, warm=self.warm)
        ).with_outputs(DEAD_LETTER, main="signed")
        if previous is None:
            # Empty, but windowed like the articles: in streaming, flattening or grouping with
            # a globally windowed Create would mix window types (Prism fails decoding them).
            previous = articles | "NoPreviousIndex" >> beam.FlatMap(lambda _: ())
            exact_old = near_old = previous
            old_bands = None
        else:
            # Only the entries the new articles can meet go on: the index grows with every
            # run, a run's groups should not (backfill slices, issue 21).
            wanted = (
                signed.signed
                | "KeysOfNewArticles" >> beam.CombineGlobally(_NewKeys(s)).without_defaults()
            )
            relevant = previous | "RelevantIndexEntries" >> beam.ParDo(
                _RelevantEntries(s), beam.pvalue.AsSingleton(wanted, default_value=frozenset())
            ).with_outputs(_NEAR, _BANDS, main="exact")
            # The exact groups need the entries with a new article's id or fingerprint only;
            # the near-duplicate pass those and the earliest of the new articles' bands.
            exact_old = relevant.exact
            near_old = (relevant.exact, relevant[_NEAR]) | "NearIndexEntries" >> beam.Flatten()
            old_bands = relevant[_BANDS]

        # Exact: by article_id, then by content fingerprint; the index takes part in both.
        by_id = (
            {
                "new": signed.signed | "KeyNewById" >> beam.Map(lambda x: (x[0].article_id, x)),
                "old": exact_old | "KeyOldById" >> beam.Map(lambda e: (e.article_id, e)),
            }
            | "GroupById" >> beam.CoGroupByKey()
            | "DropKnownIds"
            >> beam.ParDo(_ResolveGroup("id", self.now, s.params_id)).with_outputs(
                _DUPLICATE, _INDEX, main="kept"
            )
        )
        by_fp = (
            {
                "new": by_id.kept
                | "KeyNewByFingerprint" >> beam.Map(lambda x: (x[0].content_fingerprint, x)),
                "old": exact_old
                | "KeyOldByFingerprint" >> beam.Map(lambda e: (e.content_fingerprint, e)),
            }
            | "GroupByFingerprint" >> beam.CoGroupByKey()
            | "KeepFirstSeen"
            >> beam.ParDo(_ResolveGroup("fingerprint", self.now, s.params_id)).with_outputs(
                _DUPLICATE, _INDEX, main="kept"
            )
        )
        survivors = by_fp.kept

        old_sigs = near_old | "IndexSignatures" >> beam.ParDo(_IndexSignatures(s))
        finish = _FinishInMemory if self.in_memory else _Finish
        mark = finish(s, self.near_duplicates, self.now, self.keep_signatures)
        if self.in_memory:
            # All of a window on one worker: one shuffle, no band keys (streaming windows).
            grouped = {
                "new": survivors | "KeyNewToWindow" >> beam.Map(lambda x: (0, x)),
                "old": old_sigs | "KeyOldToWindow" >> beam.Map(lambda x: (0, x)),
            } | "GroupWindow" >> beam.CoGroupByKey()
        else:
            grouped = self._near_shuffled(survivors, old_sigs, exact_old, old_bands)
        finished = grouped | "MarkNearDuplicates" >> beam.ParDo(mark).with_outputs(
            _DUPLICATE, _INDEX, main="articles"
        )
        duplicates = (
            by_id[_DUPLICATE],
            by_fp[_DUPLICATE],
            finished[_DUPLICATE],
        ) | "AllDuplicates" >> beam.Flatten()
        index = (
            by_id[_INDEX],
            by_fp[_INDEX],
            finished[_INDEX],
        ) | "AllIndexEntries" >> beam.Flatten()
        return DedupResult(
            articles=finished.articles,
            duplicates=duplicates,
            index=index,
            dead_letter=signed[DEAD_LETTER],
        )

    def _near_shuffled(
        self,
        survivors: beam.PCollection,
        old_sigs: beam.PCollection,
        exact_old: beam.PCollection,
        old_bands: beam.PCollection | None,
    ) -> beam.PCollection:
        """Near: LSH buckets over new and indexed signatures, verified pairs, earliest original;
        -> (id, {article, match}) for _Finish. With `old_bands` (the index narrowed by
        _RelevantEntries), the held entries join the buckets they count in only."""
        s = self.settings
        new_sigs = survivors | "NewSignatures" >> beam.Map(
            lambda x: (x[0].article_id, (_rank(x[0]), x[1]))
        )
        sigs = (new_sigs, old_sigs) | "AllSignatures" >> beam.Flatten()
        if old_bands is None:
            bands = sigs | "EmitBandKeys" >> beam.ParDo(_BandKeys(s))
        else:
            exact_sigs = exact_old | "ExactIndexSignatures" >> beam.ParDo(_IndexSignatures(s))
            banded = (new_sigs, exact_sigs) | "BandedSignatures" >> beam.Flatten()
            bands = (
                banded | "EmitBandKeys" >> beam.ParDo(_BandKeys(s)),
                old_bands,
            ) | "AllBandKeys" >> beam.Flatten()
        pairs = (
            bands
            | "GroupByBand" >> beam.GroupByKey()
            | "PairWithinBuckets" >> beam.ParDo(_PairBucket(s.max_bucket_compare))
        )
        signatures = sigs | "OneSignaturePerId" >> beam.CombinePerKey(min)
        best = (
            pairs
            | "GroupPairsByLater" >> beam.GroupByKey()
            | "VerifySimilarity" >> beam.ParDo(_Verify(s.threshold), beam.pvalue.AsDict(signatures))
        )
        return {
            "article": survivors | "KeyArticlesById" >> beam.Map(lambda x: (x[0].article_id, x)),
            "match": best,
        } | "JoinMatches" >> beam.CoGroupByKey()


# --- across windows (streaming) ----------------------------------------------------------

_ONE_KEY = ReadModifyWriteStateSpec("one_key", BooleanCoder())  # declared, never used: see below
_ONE_KEY_STATE = beam.DoFn.StateParam(_ONE_KEY)
_MEMORY: dict[str, dedup.NearDuplicateIndex] = {}
_SEEN_IDS: dict[str, dict[str, None]] = {}  # memory_key -> ids admitted, oldest first
_MEMORY_LOCK = threading.Lock()
_IDS_PER_ENTRY = 5  # ids are cheap: remember more of them than signatures


class _AcrossWindows(beam.DoFn):
    """Signed -> Article (marked, or left out when dropping), Duplicate, IndexEntry.

    An article_id admitted in an earlier window is not admitted again (a producer re-sending
    an article, or another rendering of it, with different text): it becomes a Duplicate of
    kind "exact" of that id, as a repeated id within one input does in batch; so is an id
    that earlier runs admitted (in the fingerprint index this memory starts from): a copy
    sent again after a restart is a duplicates row, never a second articles row.

    The memory of earlier windows is a `dedup.NearDuplicateIndex`, loaded in setup() from
    `load_previous` (what the output's fingerprint index holds: the originals written before
    this process started) and shared by every instance of this DoFn in the process, so on a
    runner that runs a job in one process (Prism) it is the job's memory. Elsewhere see
    `_AcrossWindowsOnOneWorker`.
    """

    def __init__(
        self,
        settings: dedup.DedupSettings,
        near_duplicates: str,
        load_previous: Callable[[], Iterable[dedup.IndexEntry]],
        memory_key: str,
        max_entries: int,
        now: Clock,
    ) -> None:
        self.settings = settings
        self.drop = near_duplicates == DROP
        self.load_previous = load_previous
        self.memory_key = memory_key
        self.max_entries = max_entries
        self.now = now
        self.near = Metrics.counter(STEP, "near_across_windows")
        self.exact = Metrics.counter(STEP, "exact")
        self.repeated_id = Metrics.counter(INFO, "repeated_article_id")
        self.memory: dedup.NearDuplicateIndex | None = None
        self.seen_ids: dict[str, None] = {}

    def setup(self) -> None:
        with _MEMORY_LOCK:
            memory = _MEMORY.get(self.memory_key)
            if memory is None:
                previous = list(self.load_previous())
                memory = dedup.NearDuplicateIndex.from_entries(
                    previous, self.settings, self.max_entries
                )
                _MEMORY[self.memory_key] = memory
                # Every id earlier runs wrote, near-duplicates kept in articles included (the
                # LSH holds originals only): a copy sent again is a duplicate, not an article.
                seen = _SEEN_IDS.setdefault(self.memory_key, {})
                for entry in previous[-_IDS_PER_ENTRY * self.max_entries :]:
                    seen[entry.article_id] = None
            self.memory = memory
            self.seen_ids = _SEEN_IDS.setdefault(self.memory_key, {})

    def _seen_before(self, article_id: str) -> bool:
        with _MEMORY_LOCK:
            if article_id in self.seen_ids:
                return True
            self.seen_ids[article_id] = None
            if len(self.seen_ids) > _IDS_PER_ENTRY * self.max_entries:
                del self.seen_ids[next(iter(self.seen_ids))]
            return False

    def process(self, signed: Signed) -> Iterator[Any]:
        assert self.memory is not None
        article, sig_bytes = signed
        if self._seen_before(article.article_id):
            self.repeated_id.inc()
            if article.duplicate_of is not None:
                # Marked within its window: its duplicates row is out already, and it must
                # not be an article again (found by the crash test: two rows for one record).
                return
            self.exact.inc()
            yield beam.pvalue.TaggedOutput(
                _DUPLICATE,
                dedup.duplicate_record(article, article.article_id, "exact", 1.0, self.now()),
            )
            return
        if article.duplicate_of is not None:  # marked within its window: entry already made
            yield article
            return
        sig = minhash.signature_from_bytes(sig_bytes)  # signed within the window already
        with _MEMORY_LOCK:
            found = self.memory.match(article.article_id, sig)
            if found is None:
                self.memory.add(article.article_id, sig, _rank(article))
        if found is None:
            yield beam.pvalue.TaggedOutput(
                _INDEX, _index_entry(article, sig_bytes, self.settings.params_id)
            )
            yield article
            return
        self.near.inc()
        yield beam.pvalue.TaggedOutput(
            _DUPLICATE,
            dedup.duplicate_record(
                article, found.duplicate_of, "near", found.similarity, self.now()
            ),
        )
        marked = dataclasses.replace(
            article, duplicate_of=found.duplicate_of, duplicate_similarity=found.similarity
        )
        yield beam.pvalue.TaggedOutput(
            _INDEX, _index_entry(marked, sig_bytes, self.settings.params_id)
        )
        if not self.drop:
            yield marked


class _AcrossWindowsOnOneWorker(_AcrossWindows):
    """(0, Signed) -> the same. Every element has the same key and the DoFn declares state,
    so a distributed runner sends all of them to one worker, one at a time."""

    def process(  # type: ignore[override]
        self, element: tuple[int, Signed], _one_key: Any = _ONE_KEY_STATE
    ) -> Iterator[Any]:
        yield from super().process(element[1])


class DeduplicateAcrossWindows(beam.PTransform):
    """Streaming: near-duplicates of articles written in earlier windows (or runs).

    In: the `DedupResult` of `DeduplicateArticles(keep_signatures=True)` on one window (its
    `articles` are (Article, signature bytes): nothing is signed twice). Out: a `DedupResult`
    whose `articles` (Article) are also checked against a bounded in-memory memory of earlier
    windows' originals (`max_entries`, most recent first; loaded from the fingerprint index at
    start), whose `duplicates` add the near-duplicates found that way (counter
    dedup/near_across_windows), and whose `index` holds one entry per article as finally
    decided. All of it runs on one worker: the cost is a few bucket lookups per article.
    """

    def __init__(
        self,
        settings: dedup.DedupSettings,
        load_previous: Callable[[], Iterable[dedup.IndexEntry]],
        memory_key: str,
        near_duplicates: str = MARK,
        max_entries: int = 200_000,
        now: Clock = utc_now,
        keyed: bool | None = None,
    ) -> None:
        super().__init__()
        self.keyed = keyed  # route through one key (None: unless the runner is one process)
        self.settings = settings
        self.load_previous = load_previous
        self.memory_key = memory_key
        self.near_duplicates = near_duplicates
        self.max_entries = max_entries
        self.now = now

    def expand(self, window: DedupResult) -> DedupResult:
        args = (
            self.settings,
            self.near_duplicates,
            self.load_previous,
            self.memory_key,
            self.max_entries,
            self.now,
        )
        keyed = self.keyed
        if keyed is None:
            keyed = not single_process_runner(window.articles.pipeline)
        if not keyed:
            # One process holds the job: its memory is shared without moving every article
            # through the runner to one key.
            articles, fn = window.articles, _AcrossWindows(*args)
        else:
            articles = window.articles | "KeyToOneWorker" >> beam.Map(lambda a: (0, a))
            fn = _AcrossWindowsOnOneWorker(*args)
        across = articles | "CheckEarlierWindows" >> beam.ParDo(fn).with_outputs(
            _DUPLICATE, _INDEX, main="articles"
        )
        # The window's own entries for what it decided (exact and near duplicates); entries of
        # the articles it passed on come from the check above, as finally decided.
        decided = window.index | "KeepDecidedEntries" >> beam.Filter(
            lambda e: e.duplicate_of is not None
        )
        return DedupResult(
            articles=across.articles,
            duplicates=(window.duplicates, across[_DUPLICATE])
            | "AllDuplicatesAcrossWindows" >> beam.Flatten(),
            index=(decided, across[_INDEX]) | "AllEntriesAcrossWindows" >> beam.Flatten(),
            dead_letter=window.dead_letter,
        )
