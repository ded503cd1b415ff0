import pytest
from lib.ratelimit import sliding_window_wait


def test_sliding_window_allows_until_limit():
    assert sliding_window_wait([], 2, now=100) == 0
    assert sliding_window_wait([90], 2, now=100) == 0
    assert sliding_window_wait([10, 20], 0, now=30) == 0


def test_sliding_window_waits_for_oldest_blocking_call():
    assert sliding_window_wait([10, 20], 2, now=30) == pytest.approx(40)
    assert sliding_window_wait([25, 10, 20], 2, now=30) == pytest.approx(50)
    assert sliding_window_wait([10, 20], 2, now=70) == 0


def test_sliding_window_ignores_old_calls_and_counts_skewed_ones():
    assert sliding_window_wait([0, 5], 1, now=100) == 0
    assert sliding_window_wait([101], 1, now=100) == pytest.approx(61)
