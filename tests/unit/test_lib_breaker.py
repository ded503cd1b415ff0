from lib import breaker
from lib.breaker import BreakerState, CircuitBreaker


def _fail(cb, st, times, now=0.0):
    for _ in range(times):
        st = cb.record_failure(st, now)
    return st


def test_closed_allows_calls():
    allowed, st, wait = CircuitBreaker(3, 60).check(BreakerState(), now=0)
    assert allowed
    assert wait == 0
    assert st.state == breaker.CLOSED


def test_opens_at_threshold():
    cb = CircuitBreaker(3, 60)
    st = _fail(cb, BreakerState(), 2, now=10)
    assert st.state == breaker.CLOSED
    assert st.failures == 2
    st = cb.record_failure(st, now=11)
    assert st.state == breaker.OPEN
    assert st.opened_at == 11


def test_success_resets_failure_count():
    cb = CircuitBreaker(3, 60)
    st = cb.record_success(_fail(cb, BreakerState(), 2))
    assert st == BreakerState()
    assert _fail(cb, st, 2).state == breaker.CLOSED


def test_open_blocks_until_cooldown_with_remaining_wait():
    cb = CircuitBreaker(1, 60)
    st = cb.record_failure(BreakerState(), now=100)
    allowed, same, wait = cb.check(st, now=130)
    assert not allowed
    assert wait == 30
    assert same.state == breaker.OPEN


def test_open_to_half_open_to_closed():
    cb = CircuitBreaker(2, 60)
    st = _fail(cb, BreakerState(), 2, now=100)
    allowed, st, wait = cb.check(st, now=160)
    assert allowed
    assert wait == 0
    assert st.state == breaker.HALF_OPEN
    allowed, st, _ = cb.check(st, now=161)
    assert allowed
    st = cb.record_success(st)
    assert st.state == breaker.CLOSED
    assert st.failures == 0
    assert st.opened_at is None


def test_half_open_failure_reopens_with_new_cooldown():
    cb = CircuitBreaker(5, 60)
    st = _fail(cb, BreakerState(), 5, now=100)
    _, st, _ = cb.check(st, now=200)
    assert st.state == breaker.HALF_OPEN
    st = cb.record_failure(st, now=201)
    assert st.state == breaker.OPEN
    assert st.opened_at == 201
    allowed, _, wait = cb.check(st, now=211)
    assert not allowed
    assert wait == 50


def test_late_failure_while_open_keeps_cooldown():
    cb = CircuitBreaker(1, 60)
    st = cb.record_failure(BreakerState(), now=100)
    st = cb.record_failure(st, now=150)
    assert st.opened_at == 100


def test_check_does_not_mutate_input():
    cb = CircuitBreaker(1, 60)
    st = cb.record_failure(BreakerState(), now=0)
    cb.check(st, now=100)
    assert st.state == breaker.OPEN


def test_zero_threshold_disables_breaker():
    cb = CircuitBreaker(0, 60)
    st = _fail(cb, BreakerState(), 50)
    assert st.state == breaker.CLOSED
    allowed, _, wait = cb.check(st, now=0)
    assert allowed
    assert wait == 0
    stuck = BreakerState(state=breaker.OPEN, failures=9, opened_at=0)
    allowed, st, _ = cb.check(stuck, now=1)
    assert allowed
    assert st.state == breaker.CLOSED
