import random

import pytest

from holistic.models.clients.retry import (
    ApiError,
    RetryPolicy,
    call_with_retries,
    parse_retry_after,
    status_error,
)


def test_backoff_doubles_is_capped_and_jittered_downwards():
    policy = RetryPolicy(initial_delay=1.0, max_delay=5.0, jitter=0.5)
    rng = random.Random(0)
    error = ApiError("HTTP 500", retryable=True)
    delays = [policy.delay(attempt, error, rng) for attempt in (1, 2, 3, 4, 5)]
    caps = [1.0, 2.0, 4.0, 5.0, 5.0]
    for delay, cap in zip(delays, caps):
        assert cap * 0.5 <= delay <= cap
    # Two threads retrying the same failure do not wait the same time.
    assert len({round(policy.delay(1, error), 6) for _ in range(20)}) > 1


def test_retry_after_is_honoured_up_to_its_cap():
    policy = RetryPolicy(initial_delay=1.0, max_retry_after=30.0)
    assert policy.delay(1, ApiError("429", retryable=True, retry_after=7.0)) == 7.0
    assert policy.delay(1, ApiError("429", retryable=True, retry_after=9999.0)) == 30.0


def test_parse_retry_after_seconds_and_http_dates():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert 0.0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") <= 0.0 + 1e-9  # a date in the past: now


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(429, True), (500, True), (503, True), (408, True), (400, False), (401, False), (404, False)],
)
def test_which_statuses_are_retried(status, retryable):
    assert status_error(status, "x").retryable is retryable


def test_call_with_retries_until_success_with_the_waits_it_was_told():
    waits: list[float] = []
    outcomes = [
        ApiError("busy", retryable=True, retry_after=0.25),
        ApiError("HTTP 502", retryable=True),
        "ok",
    ]

    def call():
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    policy = RetryPolicy(max_attempts=5, initial_delay=0.1, max_delay=1.0, jitter=0.0)
    assert call_with_retries(call, policy, sleep=waits.append) == "ok"
    assert waits == [0.25, 0.2]


def test_call_with_retries_gives_up_after_max_attempts_and_says_so():
    calls = []

    def call():
        calls.append(1)
        raise ApiError("HTTP 500: boom", retryable=True)

    with pytest.raises(ApiError, match=r"HTTP 500: boom \(after 3 attempts\)"):
        call_with_retries(call, RetryPolicy(max_attempts=3), sleep=lambda s: None)
    assert len(calls) == 3


def test_non_retryable_errors_are_not_retried():
    calls = []

    def call():
        calls.append(1)
        raise ApiError("HTTP 401: bad key", retryable=False)

    with pytest.raises(ApiError, match="HTTP 401"):
        call_with_retries(call, RetryPolicy(max_attempts=5), sleep=lambda s: None)
    assert len(calls) == 1


def test_policy_from_environment_and_deployment_options(monkeypatch):
    monkeypatch.setenv("HOLISTIC_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("HOLISTIC_RETRY_INITIAL_DELAY", "0.01")
    monkeypatch.setenv("HOLISTIC_REQUEST_TIMEOUT", "7")
    policy = RetryPolicy.from_environment()
    assert (policy.max_attempts, policy.initial_delay, policy.timeout) == (2, 0.01, 7.0)
    assert policy.with_options({"timeout": 3, "max_attempts": 9}).timeout == 3.0
    assert policy.with_options({"timeout": 3, "max_attempts": 9}).max_attempts == 9


def test_policy_rejects_a_malformed_environment_value(monkeypatch):
    from holistic.errors import ConfigError

    monkeypatch.setenv("HOLISTIC_REQUEST_TIMEOUT", "ten")
    with pytest.raises(ConfigError, match="HOLISTIC_REQUEST_TIMEOUT"):
        RetryPolicy.from_environment()
