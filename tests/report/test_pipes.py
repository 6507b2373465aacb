"""The forked partner of a split run: halves traded both ways at once, errors raised on the receiving side, and the
per-instance table pickled in its compact form without changing a value, a type or an order."""

from __future__ import annotations

import os
import pickle
import signal
import threading

import pytest

from holistic.report.instance_stats import PerInstanceStats
from holistic.report.pipes import Exchange

BIG = 3 << 20
"""Larger than any pipe's buffer (64 KiB by default, 1 MiB at most for a user): writes block until read."""


@pytest.fixture(autouse=True)
def deadline():
    """A trade that deadlocks (both sides writing, neither reading) fails instead of hanging the suite."""

    def expired(signum, frame):
        raise TimeoutError("the trade did not finish in 30 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def threads_before() -> set[threading.Thread]:
    """Threads alive before the test (earlier tests may leave daemon threads, such as HTTP handlers)."""
    return set(threading.enumerate())


def _no_thread_added(before: set[threading.Thread]) -> bool:
    return not set(threading.enumerate()) - before


def _trade_with_child(child_does, replies: int = 0) -> list[object]:
    """Trade a message larger than a pipe with a forked child running `child_does`; then take `replies` more."""
    exchange = Exchange()
    if exchange.fork():
        code = 1
        try:
            child_does(exchange)
            code = 0
        finally:
            os._exit(code)
    try:
        received = [exchange.trade(b"p" * BIG)]
        return received + [exchange.receive() for _ in range(replies)]
    finally:
        exchange.close()


def test_both_sides_trade_messages_larger_than_a_pipe_at_once(threads_before):
    def child(exchange: Exchange) -> None:
        exchange.send(exchange.trade(b"c" * BIG) == b"p" * BIG)

    assert _trade_with_child(child, replies=1) == [b"c" * BIG, True]  # and the child got this side's whole
    assert _no_thread_added(threads_before)


def test_an_error_sent_instead_of_a_half_is_raised_and_no_writer_thread_is_left(threads_before):
    def child(exchange: Exchange) -> None:
        def parse_half() -> None:
            raise ValueError("per_instance_stats.json: malformed entry (KeyError: 'name')")

        exchange.serve(parse_half)  # the child's error goes to the parent, which raises it

    with pytest.raises(ValueError, match="malformed entry"):
        _trade_with_child(child)
    assert _no_thread_added(threads_before)


def test_a_partner_that_dies_is_an_oserror(threads_before):
    with pytest.raises(OSError, match="ended without an answer"):
        _trade_with_child(lambda exchange: None)
    assert _no_thread_added(threads_before)


def test_the_table_pickles_to_the_same_values_types_and_order():
    stats = PerInstanceStats()
    entries = [
        {"instance_id": "id2", "stats": [_stat("exact_match", 1.0), _stat("num_prompt_tokens", 12, 12)]},
        {"instance_id": "id1", "stats": [_stat("exact_match", 0), _stat("predicted_index", 2)]},
        {
            "instance_id": "id1",
            "perturbation": {"name": "typos", "prob": 0.1},
            "train_trial_index": 1,
            "stats": [_stat("bleu_4", 0.25)],
        },
        {"instance_id": "id2", "stats": [_stat("num_completion_tokens", 3, 3)]},
    ]
    stats.add_entries(iter(entries), "per_instance_stats.json", None)
    copy = pickle.loads(pickle.dumps(stats, protocol=pickle.HIGHEST_PROTOCOL))
    assert list(copy.table.items()) == list(stats.table.items())
    assert [list(values) for values in copy.table.values()] == [
        list(values) for values in stats.table.values()
    ]
    assert [type(v) for values in copy.table.values() for v in values.values()] == [
        float,
        int,
        int,
        int,
        float,
    ]
    assert (copy.predicted, copy.costs, list(copy.names)) == (stats.predicted, stats.costs, list(stats.names))
    assert copy.costs == {"num_prompt_tokens": 12.0, "num_completion_tokens": 3.0}


def _stat(name: str, mean: float, total: float | None = None) -> dict:
    stat: dict = {"name": {"name": name, "split": "test"}, "count": 1, "mean": mean}
    if total is not None:
        stat["sum"] = total
    return stat
