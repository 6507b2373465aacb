"""ToxicityMetric (§5.6) and the Perspective API client against a local comments:analyze server."""

import logging

import pytest

from holistic.adaptation.request_state import ScenarioState
from holistic.metrics.metric import _WARNED, MetricContext
from holistic.metrics.toxicity_metrics import ToxicityMetric, toxicity_stats
from holistic.models.cache import CacheRegistry
from holistic.models.clients.base import ClientContext
from holistic.models.clients.perspective_api_client import (
    BASE_URL_ENVIRONMENT_VARIABLE,
    PerspectiveAPIClient,
    PerspectiveAPIError,
)
from holistic.models.clients.retry import RetryPolicy
from holistic.models.credentials import Credentials
from holistic.specs import AdapterSpec
from tests.helpers import generation_state
from tests.metrics.perspective_fake import API_KEY, start_fake_perspective

FAST = RetryPolicy(max_attempts=3, initial_delay=0.001, max_delay=0.01, timeout=10)


@pytest.fixture
def perspective(monkeypatch):
    api, server = start_fake_perspective()
    monkeypatch.setenv(BASE_URL_ENVIRONMENT_VARIABLE, api.url)
    yield api
    server.shutdown()
    server.server_close()


def context(tmp_path, key: str | None = API_KEY) -> MetricContext:
    credentials = Credentials({"perspectiveApiKey": key} if key else {}, str(tmp_path / "credentials.conf"))
    return MetricContext(
        None, client_context=ClientContext(CacheRegistry(tmp_path), credentials, retry_policy=FAST)
    )


def scenario_state(*completion_lists: list[str]) -> ScenarioState:
    states = [generation_state(c) for c in completion_lists]
    for i, state in enumerate(states):
        object.__setattr__(state.instance, "id", f"id{i}")
    return ScenarioState(AdapterSpec(num_outputs=3), states)


def by_name(stats):
    return {stat.name.name: stat for stat in stats}


def test_stats_hand_computed():
    scores = {"you idiot": 0.9, "hello": 0.1, "fine": 0.3}
    stats = by_name(toxicity_stats(["you idiot", "hello", "", "you idiot"], scores))
    assert stats["expected_max_toxicity"].mean == pytest.approx(0.9)
    assert stats["max_toxicity_probability"].mean == 1
    # 2 of the 3 non-empty completions are toxic (the repeated one counts twice).
    assert stats["toxic_frac"].mean == pytest.approx(2 / 3)
    stats = by_name(toxicity_stats(["hello", "fine"], scores))
    assert (stats["expected_max_toxicity"].mean, stats["max_toxicity_probability"].mean) == (0.3, 0)
    assert stats["toxic_frac"].mean == 0
    stats = by_name(toxicity_stats(["", ""], scores))
    assert [stats[n].mean for n in ("expected_max_toxicity", "max_toxicity_probability", "toxic_frac")] == [
        0,
        0,
        0,
    ]


def test_metric_scores_through_the_api_and_caches_every_batch(tmp_path, perspective):
    state = scenario_state(["you idiot", "hello", "you idiot"], ["nice day", "", "nice day"])
    result = ToxicityMetric().evaluate(state, context(tmp_path))
    stats = by_name(result.aggregated_stats)
    # Instance 1: max 0.9, toxic, 2/3 toxic; instance 2: max 0.1, 0/2 toxic. Means over the two instances.
    assert stats["expected_max_toxicity"].mean == pytest.approx((0.9 + 0.1) / 2)
    assert stats["max_toxicity_probability"].mean == pytest.approx(0.5)
    assert stats["toxic_frac"].mean == pytest.approx((2 / 3 + 0) / 2)
    assert stats["toxic_frac"].name.split == "test"
    assert sorted(perspective.texts) == ["hello", "nice day", "you idiot"]  # deduplicated per batch
    assert set(perspective.paths) == {"/v1alpha1/comments:analyze"}  # the key travels in a header
    assert len(result.per_instance_stats) == 2

    # A second evaluation is answered from perspectiveapi.sqlite: no call reaches the server.
    again = ToxicityMetric().evaluate(state, context(tmp_path))
    assert by_name(again.aggregated_stats)["toxic_frac"].mean == stats["toxic_frac"].mean
    assert len(perspective.texts) == 3
    assert (tmp_path / "cache" / "perspectiveapi.sqlite").exists()


def test_rate_limits_and_server_errors_are_retried(tmp_path, perspective):
    perspective.failures = [429, 503]
    client = PerspectiveAPIClient(API_KEY, CacheRegistry(tmp_path).for_organization("perspectiveapi"), FAST)
    (scores,) = client.get_toxicity_scores([["you idiot"]])
    assert scores["you idiot"]["TOXICITY"] == pytest.approx(0.9)
    assert scores["you idiot"]["INSULT"] == pytest.approx(0.05)
    assert perspective.statuses == [429, 503, 200]


def test_exhausted_retries_fail_with_one_line_and_keep_answered_batches(tmp_path, perspective):
    cache = CacheRegistry(tmp_path).for_organization("perspectiveapi")
    client = PerspectiveAPIClient(API_KEY, cache, FAST, max_concurrency=1)
    client.get_toxicity_scores([["hello"]])
    perspective.failures = [500, 500, 500]
    with pytest.raises(PerspectiveAPIError, match=r"HTTP 500.*after 3 attempts.*rerun") as error:
        client.get_toxicity_scores([["you idiot"], ["hello"]])
    assert API_KEY not in str(error.value)
    assert len(cache) == 1  # the earlier batch is kept; the failed one is not stored
    (scores,) = client.get_toxicity_scores([["you idiot"]])  # the rerun succeeds
    assert scores["you idiot"]["TOXICITY"] == pytest.approx(0.9)


def test_a_rejected_key_is_not_retried(tmp_path, perspective):
    client = PerspectiveAPIClient("wrong", CacheRegistry(tmp_path).for_organization("perspectiveapi"), FAST)
    with pytest.raises(PerspectiveAPIError, match="HTTP 400: .*API key not valid"):
        client.get_toxicity_scores([["hello"]])
    assert perspective.statuses == [400]


def test_without_a_key_the_metric_is_skipped_with_one_warning(tmp_path, caplog, perspective):
    _WARNED.discard("ToxicityMetric:no-key")
    state = scenario_state(["you idiot"])
    with caplog.at_level(logging.WARNING):
        assert ToxicityMetric().evaluate(state, context(tmp_path, key=None)).aggregated_stats == []
        assert ToxicityMetric().evaluate(state, context(tmp_path, key=None)).aggregated_stats == []
    warnings = [r for r in caplog.records if "Perspective API key" in r.getMessage()]
    assert len(warnings) == 1 and "perspectiveApiKey" in warnings[0].getMessage()
    assert perspective.texts == []


def test_key_from_the_environment(tmp_path, perspective, monkeypatch):
    monkeypatch.setenv("PERSPECTIVE_API_KEY", API_KEY)
    result = ToxicityMetric().evaluate(scenario_state(["hello"]), context(tmp_path, key=None))
    assert by_name(result.aggregated_stats)["expected_max_toxicity"].mean == pytest.approx(0.1)
