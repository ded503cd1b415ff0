import pytest
from lib.ratelimit import BucketState, TokenBucket, sliding_window_wait


def test_unlimited_never_waits():
    bucket = TokenBucket(0)
    st = None
    for _ in range(1000):
        wait, st = bucket.take(st, now=0)
        assert wait == 0


def test_new_bucket_starts_full_and_drains():
    bucket = TokenBucket(3)
    st = None
    for _ in range(3):
        wait, st = bucket.take(st, now=0)
        assert wait == 0
    wait, st = bucket.take(st, now=0)
    assert wait == pytest.approx(20)
    assert st.tokens == pytest.approx(0)


def test_waiting_does_not_consume():
    bucket = TokenBucket(60)
    st = BucketState(tokens=0.0, updated_at=0)
    wait, st = bucket.take(st, now=0.25)
    assert wait == pytest.approx(0.75)
    assert st.tokens == pytest.approx(0.25)
    assert st.updated_at == 0.25
    wait, st = bucket.take(st, now=1.0)
    assert wait == 0
    assert st.tokens == pytest.approx(0)


def test_refill_is_capped_at_capacity():
    bucket = TokenBucket(10)
    _, st = bucket.take(BucketState(tokens=0.0, updated_at=0), now=3600)
    assert st.tokens == pytest.approx(9)


def test_clock_going_backwards_adds_no_tokens():
    bucket = TokenBucket(60)
    st = BucketState(tokens=0.5, updated_at=100)
    wait, st = bucket.take(st, now=50)
    assert wait == pytest.approx(0.5)
    assert st == BucketState(tokens=0.5, updated_at=100)


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
