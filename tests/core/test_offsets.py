"""core.offsets: which Kafka records an output holds, and where a restart resumes."""

from __future__ import annotations

from pipelines.core.offsets import (
    StreamState,
    add_range,
    covers,
    merge_coverage,
    reset_partitions,
    resume_offset,
    state_to_extend,
)


def test_ranges_merge_when_they_touch_or_overlap() -> None:
    ranges = add_range([], 0, 5)
    ranges = add_range(ranges, 10, 12)
    assert ranges == [(0, 5), (10, 12)]
    assert add_range(ranges, 5, 10) == [(0, 12)]
    assert add_range(ranges, 3, 11) == [(0, 12)]
    assert add_range(ranges, 7, 7) == ranges  # an empty range adds nothing


def test_a_window_committed_out_of_order_is_held_but_does_not_move_the_resume_point() -> None:
    # Records 0-9 are in window 1, 10-19 in window 2; window 2 commits first.
    state = StreamState("t").advanced("job-1", [(0, 10, 11), (0, 11, 20)])
    # A restart now reads from 0 (records 0-9 are not held) and skips 10-19.
    assert resume_offset(state.coverage[0], 0) == 0
    assert not covers(state.coverage[0], 5)
    assert covers(state.coverage[0], 15)
    state = state.advanced("job-2", [(0, 0, 10)])
    assert state.coverage == {0: [(0, 20)]}
    assert state.frontier() == {0: 20}
    assert state.seq == 2 and state.commit_id == "job-2"


def test_gaps_in_offsets_are_covered_by_the_record_after_them() -> None:
    # Offsets 3-4 do not exist (compaction, transaction markers): record 5 covers [3, 6).
    coverage = merge_coverage({}, [(1, 0, 3), (1, 3, 6)])
    assert coverage == {1: [(0, 6)]}


def test_state_round_trips_through_json() -> None:
    state = StreamState("raw", 3, "abc-3", {0: [(0, 7), (9, 12)], 2: [(0, 1)]})
    assert StreamState.from_json(state.to_json()) == state


def test_a_partition_whose_log_ends_below_what_is_held_was_reset() -> None:
    coverage = {0: [(0, 500)], 1: [(0, 20)], 2: []}
    assert reset_partitions(coverage, {0: 12, 1: 20, 2: 0}) == [0]
    state = StreamState("t", 4, "x-4", coverage).without([0])
    assert 0 not in state.coverage and state.seq == 4


def test_resume_starts_where_the_range_from_the_log_start_ends() -> None:
    assert resume_offset([(0, 40), (50, 60)], 0) == 40
    assert resume_offset([(0, 40), (40, 60)], 0) == 60
    assert resume_offset([(0, 40)], 100) == 100  # retention removed what was not read
    assert resume_offset([(0, 400)], 100) == 400
    assert resume_offset([], 7) == 7


def test_a_job_extends_its_own_state_or_the_one_it_started_from_never_another_jobs() -> None:
    initial = StreamState("t", 3, "old-3", {})  # (a reset partition already forgotten)
    held_at_start = StreamState("t", 3, "old-3", {0: [(0, 9)]})
    assert state_to_extend(held_at_start, initial, "new") is initial
    ours = StreamState("t", 4, "new-4", {0: [(0, 12)]})
    assert state_to_extend(ours, initial, "new") is ours
    theirs = StreamState("t", 4, "rival-4", {0: [(0, 12)]})
    assert state_to_extend(theirs, initial, "new") is None
