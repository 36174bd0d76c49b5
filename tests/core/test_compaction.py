"""The compaction commit protocol as pure functions: visibility, planning, vacuum, records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipelines.core.compaction import (
    Commit,
    Started,
    apply_commits,
    commit_key,
    compaction_id,
    keep_order,
    output_id,
    output_key,
    plan_compaction,
    record_kind,
    split_sizes,
    vacuum_plan,
    visible_files,
)

T0 = datetime(2024, 10, 2, 12, 0, tzinfo=UTC)
P = "dt=2024-10-02"


def _key(name: str) -> str:
    return f"articles/{P}/part-{name}.parquet"


A, B, C, D = (_key(f"w20241002T1200{n}0-p0-000-abc{n}") for n in range(4))


def _commit(inputs: list[str], at: datetime = T0, outputs: int = 1) -> Commit:
    cid = compaction_id(inputs)
    return Commit(
        cid,
        "articles",
        P,
        tuple(sorted(inputs)),
        tuple(output_key("articles", P, cid, n) for n in range(outputs)),
        rows=10,
        committed_at=at,
    )


def test_no_commits_everything_but_compaction_outputs_is_visible() -> None:
    stray = output_key("articles", P, compaction_id([A, B]), 0)
    assert visible_files([B, A, stray], []) == [A, B]


def test_uncommitted_outputs_stay_invisible_until_the_commit() -> None:
    commit = _commit([A, B])
    keys = [A, B, C, *commit.outputs]  # outputs written, commit not yet
    assert visible_files(keys, []) == [A, B, C]
    assert visible_files(keys, [commit]) == sorted([C, *commit.outputs])


def test_a_valid_commit_stays_valid_once_its_inputs_are_deleted() -> None:
    commit = _commit([A, B])
    assert visible_files([C, *commit.outputs], [commit]) == sorted([C, *commit.outputs])


def test_chain_of_compactions() -> None:
    first = _commit([A, B], T0)
    second = _commit([*first.outputs, C], T0 + timedelta(minutes=5))
    keys = [A, B, C, D, *first.outputs, *second.outputs]
    assert visible_files(keys, [second, first]) == sorted([D, *second.outputs])
    # Everything vacuumed but the last outputs: the chain still resolves.
    assert visible_files([D, *second.outputs], [first, second]) == sorted([D, *second.outputs])


def test_commit_on_outputs_of_an_uncommitted_compaction_is_invalid() -> None:
    ghost = _commit([A, B])
    later = _commit([*ghost.outputs, C], T0 + timedelta(minutes=1))
    view = apply_commits([A, B, C, *ghost.outputs, *later.outputs], [later])
    assert view.visible == (A, B, C)
    assert view.invalid == (later,)


def test_racing_overlapping_commits_only_the_first_counts() -> None:
    first = _commit([A, B], T0)
    second = _commit([B, C], T0 + timedelta(seconds=1))
    keys = [A, B, C, *first.outputs, *second.outputs]
    view = apply_commits(keys, [second, first])
    assert view.valid == (first,)
    assert view.invalid == (second,)
    assert list(view.visible) == sorted([C, *first.outputs])


def test_racing_commits_at_the_same_instant_are_ordered_by_id() -> None:
    one, two = _commit([A, B]), _commit([B, C])
    winner = min(one, two, key=lambda c: c.id)
    assert apply_commits([A, B, C], [one, two]).valid == (winner,)
    assert apply_commits([A, B, C], [two, one]).valid == (winner,)


def test_replayed_input_name_stays_hidden() -> None:
    commit = _commit([A, B])
    # Inputs vacuumed, then a replayed streaming window writes A again under the same name.
    assert visible_files([A, C, *commit.outputs], [commit]) == sorted([C, *commit.outputs])


def test_outputs_not_named_in_the_commit_are_invisible() -> None:
    commit = _commit([A, B], outputs=1)
    extra = output_key("articles", P, commit.id, 1)  # left by a crashed earlier attempt
    assert extra not in visible_files([*commit.outputs, extra], [commit])


def test_commit_naming_outputs_of_another_id_is_invalid() -> None:
    bogus = Commit("0" * 16, "articles", P, (A,), (output_key("articles", P, "1" * 16, 0),), 1, T0)
    assert apply_commits([A, *bogus.outputs], [bogus]).visible == (A,)


def test_output_names() -> None:
    cid = compaction_id([B, A])
    assert cid == compaction_id([A, B]) and len(cid) == 16
    assert compaction_id([A, B], 100) != compaction_id([A, B], 200)  # splits differ: names too
    key = output_key("articles", P, cid, 2)
    assert key == f"articles/{P}/part-c{cid}-002.parquet"
    assert output_id(key) == cid
    assert output_id(A) is None
    assert output_id(_key("c0123")) is None  # a "c" tag is not enough
    assert commit_key("articles", P, cid) == f"_compactions/articles/{P}/{cid}.json"
    assert record_kind(commit_key("articles", P, cid)) == "commit"
    started = Started(cid, "articles", P, T0, "r1")
    assert started.key == f"_compactions/articles/{P}/{cid}.r1.started.json"
    assert record_kind(started.key) == "started"


def test_records_round_trip() -> None:
    commit = _commit([A, B], T0 + timedelta(microseconds=7))
    assert Commit.from_dict(commit.to_dict()) == commit
    assert commit.to_dict()["committed_at"] == "2024-10-02T12:00:00.000007+00:00"
    started = Started("ab" * 8, "articles", P, T0, "r1")
    assert Started.from_dict(started.to_dict()) == started


def test_plan_merges_small_files_only() -> None:
    target = 100
    sizes = {A: 10, B: 60, C: 20, D: 49}  # B is at least half the target: done already
    assert plan_compaction(sizes, target) == [[A, C, D]]
    assert plan_compaction({A: 10, B: 60}, target) == []  # one small file: nothing to do
    assert plan_compaction({}, target) == []


def test_plan_groups_up_to_the_target() -> None:
    keys = [_key(f"{n:03d}") for n in range(7)]
    groups = plan_compaction(dict.fromkeys(keys, 40), 100)
    assert groups == [keys[0:2], keys[2:4], keys[4:7]]  # a lone last file joins the group before
    assert sorted(k for g in groups for k in g) == keys


def test_keep_order_keeps_the_first_of_each_identity_sorted() -> None:
    identities = ["b", "a", "c", "a", "b"]
    assert keep_order(identities) == [1, 0, 2]


def test_split_sizes() -> None:
    assert split_sizes(10, 250, 100) == [4, 3, 3]
    assert split_sizes(10, 50, 100) == [10]
    assert split_sizes(2, 10_000, 100) == [1, 1]
    assert split_sizes(0, 0, 100) == []


def test_vacuum_deletes_inputs_only_after_grace() -> None:
    commit = _commit([A, B], T0)
    keys = [A, B, C, *commit.outputs]
    assert vacuum_plan(keys, [commit], [], T0 + timedelta(minutes=9), 600) == ([], [])
    data, records = vacuum_plan(keys, [commit], [], T0 + timedelta(minutes=10), 600)
    assert data == [A, B]
    assert records == []
    assert vacuum_plan(keys, [commit], [], T0, 0)[0] == [A, B]


def test_vacuum_cleans_lost_races_and_dead_compactions() -> None:
    first = _commit([A, B], T0)
    lost = _commit([B, C], T0 + timedelta(seconds=1))
    dead = Started(compaction_id([C, D]), "articles", P, T0, "r1")
    dead_outputs = [output_key("articles", P, dead.id, 0)]
    unknown = output_key("articles", P, "f" * 16, 0)  # no commit, no started record
    keys = [A, B, C, D, *first.outputs, *lost.outputs, *dead_outputs, unknown]
    now = T0 + timedelta(hours=1)
    data, records = vacuum_plan(keys, [first, lost], [dead], now, 600)
    assert data == sorted([A, B, *lost.outputs, *dead_outputs])
    assert records == sorted([commit_key("articles", P, lost.id), dead.key])
    # Another run of the same merge started recently: it may still be writing those names.
    running = Started(dead.id, "articles", P, now - timedelta(seconds=5), "r2")
    data, records = vacuum_plan(keys, [first, lost], [dead, running], now, 600)
    assert dead_outputs[0] not in data
    assert dead.key not in records and running.key not in records


def test_vacuum_drops_started_records_of_committed_compactions() -> None:
    commit = _commit([A, B], T0)
    started = Started(commit.id, "articles", P, T0, "r1")
    data, records = vacuum_plan([A, B, *commit.outputs], [commit], [started], T0, 600)
    assert data == []
    assert records == [started.key]
