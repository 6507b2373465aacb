"""TokensMetric (§5.10): estimated token cost and request counts; the only metric of a dry run."""

from __future__ import annotations

from holistic.adaptation.request_state import RequestState, ScenarioState
from holistic.metrics.metric import Metric, MetricContext, MetricResult
from holistic.metrics.statistic import MetricName, PerInstanceStats, Stat, merge_stat, metric_name


def estimated_num_tokens_cost(state: RequestState, context: MetricContext) -> int:
    """Tokens a provider would bill for the request (OpenAI, AI21, Cohere, GooseAI rules; others 0)."""
    request = state.request
    organization = request.organization
    completions_tokens = request.num_completions * request.max_tokens
    if organization == "openai":
        prompt_tokens = context.window_service.get_num_tokens(request.prompt) if context.window_service else 0
        return prompt_tokens + completions_tokens + (prompt_tokens if request.echo_prompt else 0)
    if organization in ("ai21", "cohere"):
        return completions_tokens
    if organization == "gooseai":
        prompt_tokens = context.window_service.get_num_tokens(request.prompt) if context.window_service else 0
        return max(0, completions_tokens + (prompt_tokens if request.echo_prompt else 0) - 25)
    return 0


class TokensMetric(Metric):
    def evaluate(self, scenario_state: ScenarioState, context: MetricContext) -> MetricResult:
        totals: dict[MetricName, Stat] = {}
        per_instance: list[PerInstanceStats] = []
        for state in scenario_state.request_states:
            request = state.request
            # Interned names (metric_name): shared by every request, and the writer's memo can key on them.
            stats = [
                Stat.of(metric_name("estimated_num_tokens_cost"), estimated_num_tokens_cost(state, context)),
                Stat.of(metric_name("num_completions"), request.num_completions),
                Stat.of(metric_name("max_num_output_tokens"), request.num_completions * request.max_tokens),
            ]
            for stat in stats:
                merge_stat(totals, stat)
            # HELM zips instances with requests, misaligning them when an instance has several requests;
            # each entry here belongs to its own request's instance (docs/compatibility.md).
            per_instance.append(PerInstanceStats(state.instance.id or "", None, 0, stats))
        merge_stat(totals, Stat.of(metric_name("num_requests"), len(scenario_state.request_states)))
        return MetricResult(list(totals.values()), per_instance)
