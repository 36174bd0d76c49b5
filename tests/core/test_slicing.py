from __future__ import annotations

import pytest

from pipelines.core.slicing import split_runs


def test_runs_are_consecutive_and_end_at_either_limit() -> None:
    sizes = [10, 10, 10, 10, 10]
    assert split_runs(sizes, 2, 0) == [range(0, 2), range(2, 4), range(4, 5)]
    assert split_runs(sizes, 0, 25) == [range(0, 2), range(2, 4), range(4, 5)]
    assert split_runs(sizes, 0, 30) == [range(0, 3), range(3, 5)]
    assert split_runs(sizes, 2, 30) == [range(0, 2), range(2, 4), range(4, 5)]
    assert split_runs(sizes, 0, 0) == [range(0, 5)]


def test_a_file_larger_than_the_byte_limit_is_a_run_of_its_own() -> None:
    assert split_runs([5, 100, 5, 5], 0, 20) == [range(0, 1), range(1, 2), range(2, 4)]


@pytest.mark.parametrize("limits", [(3, 0), (0, 7), (2, 9)])
def test_every_file_is_in_exactly_one_run(limits: tuple[int, int]) -> None:
    sizes = [1, 8, 2, 2, 3, 0, 9, 4, 4, 1]
    runs = split_runs(sizes, *limits)
    assert [i for r in runs for i in r] == list(range(len(sizes)))
    assert split_runs([], *limits) == []


def test_many_small_files_then_a_few_large_ones_do_not_share_a_run_beyond_the_bytes() -> None:
    """Feeds (large, many articles each) listed before pages: the byte limit, not the file
    count, ends their runs."""
    sizes = [1500] * 30 + [10] * 100
    runs = split_runs(sizes, 2000, 4000)
    assert max(sum(sizes[i] for i in r) for r in runs) <= 4000
    assert len(runs[0]) == 2
