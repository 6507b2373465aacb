"""BasicMetric (§5.2, §5.3): general information, efficiency, reference metrics, language-modelling stats."""

from __future__ import annotations

import math

from holistic.adaptation.request_state import RequestState
from holistic.errors import DescriptionError, one_of
from holistic.metrics.efficiency import efficiency_values
from holistic.metrics.metric import Metric, MetricContext
from holistic.metrics.reference_metrics import REFERENCE_METRICS
from holistic.metrics.reference_scoring import choose_reference
from holistic.metrics.statistic import MetricName, Stat, merge_stat, metric_name
from holistic.models.request import Sequence
from holistic.specs import AdapterSpec
from holistic.specs.adapter_spec import (
    ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED,
    ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL,
)

FINISH_REASONS = ("length", "stop", "endoftext", "unknown")
SEPARATE_METHODS = (ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL, ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED)


def _stat(name: str, value: float | bool | None) -> Stat:
    return Stat.of(metric_name(name), value)


def num_bytes_of_token(text: str) -> int:
    """UTF-8 bytes of a token; `bytes:\\xe2\\x80` tokens count one byte per `\\x`."""
    if text.startswith("bytes:"):
        return text.count("\\x")
    return len(text.encode("utf-8"))


def language_modeling_stats(sequence: Sequence, num_conditioning_tokens: int) -> list[Stat]:
    tokens = sequence.tokens
    if num_conditioning_tokens > 0 and tokens and tokens[0].text == "":
        tokens = tokens[1:]  # AI21 returns an empty first token
    predicted = tokens[num_conditioning_tokens:]
    return [
        _stat("logprob", sum(t.logprob for t in predicted)),
        _stat("num_perplexity_tokens", len(predicted)),
        _stat("num_bytes", sum(num_bytes_of_token(t.text) for t in predicted)),
    ]


def general_stats(adapter_spec: AdapterSpec, state: RequestState, context: MetricContext) -> list[Stat]:
    assert state.result is not None
    result = state.result
    request = state.request
    num_prompt_tokens = context.window_service.get_num_tokens(request.prompt) if context.window_service else 0
    num_completion_tokens = sum(len(c.tokens) for c in result.completions)
    num_output_tokens = num_completion_tokens
    if request.echo_prompt:
        num_output_tokens = max(0, num_completion_tokens - num_prompt_tokens)
    runtime = result.request_time
    batch_size = 1
    batched = result.batch_size is not None and result.batch_request_time is not None
    if batched:
        runtime = result.batch_request_time
        batch_size = result.batch_size
    efficiency = efficiency_values(
        request.model, runtime, batch_size if batched else None, num_prompt_tokens, num_output_tokens
    )
    reason = "unknown"
    if result.completions and result.completions[0].finish_reason:
        reason = result.completions[0].finish_reason.get("reason", "unknown")
        if reason not in FINISH_REASONS:
            reason = "unknown"
    return [
        _stat("num_references", len(state.instance.references)),
        _stat("num_train_trials", adapter_spec.num_train_trials),
        _stat("num_prompt_tokens", num_prompt_tokens),
        _stat("num_completion_tokens", num_completion_tokens),
        _stat("num_output_tokens", num_output_tokens),
        _stat("inference_runtime", runtime),
        _stat("batch_size", batch_size),
        # Models missing from HELM's tables: training costs without a value (count 0), no runtime stats.
        *[_stat(name, value) for name, value in efficiency.items()],
        *[_stat(f"finish_reason_{r}", r == reason) for r in FINISH_REASONS],
        _stat("num_train_instances", state.num_train_instances),
        _stat("prompt_truncated", state.prompt_truncated),
    ]


def _general_stats_of_all(
    adapter_spec: AdapterSpec, states: list[RequestState], context: MetricContext
) -> list[Stat]:
    """General stats merged over every request of an instance (HELM 0.5; HELM 0.1 used only the last one)."""
    merged: dict[MetricName, Stat] = {}
    for state in states:
        if state.result is not None and state.result.success:
            for stat in general_stats(adapter_spec, state, context):
                merge_stat(merged, stat)
    return list(merged.values())


# HumanEval's names (code_metrics.py): they run programs rather than compare strings.
CODE_METRIC_NAMES = ("code_eval_acc", "pass")


class BasicMetric(Metric):
    def __init__(self, names: list[str]) -> None:
        valid = [*REFERENCE_METRICS, *CODE_METRIC_NAMES]
        unknown = [n for n in names if n not in valid]
        if unknown:
            raise DescriptionError(f"unknown metric name '{unknown[0]}' ({one_of(valid)})")
        self.names = names
        self.code_names = [n for n in names if n in CODE_METRIC_NAMES]
        self.code_runner = None

    def evaluate(self, scenario_state, context: MetricContext):
        if self.code_names:
            from holistic.metrics.code_metrics import HumanEvalRunner

            # Every program first, in parallel; the per-instance evaluation then reads the results.
            self.code_runner = HumanEvalRunner(context.num_threads)
            self.code_runner.prepare(s for s in scenario_state.request_states if s.reference_index is None)
        return super().evaluate(scenario_state, context)

    def evaluate_generation(
        self, adapter_spec: AdapterSpec, request_state: RequestState, context: MetricContext
    ) -> list[Stat]:
        result = request_state.result
        if result is None or not result.success:
            return []
        stats = general_stats(adapter_spec, request_state, context)
        instance = request_state.instance
        if instance.references:
            stats += self.reference_stats(adapter_spec, request_state)
        if result.completions:
            stats += language_modeling_stats(result.completions[0], request_state.num_conditioning_tokens)
        return stats

    def reference_stats(self, adapter_spec: AdapterSpec, state: RequestState) -> list[Stat]:
        assert state.result is not None
        golds = [r for r in state.instance.references if r.is_correct]
        completions = sorted(state.result.completions, key=lambda c: -c.logprob)
        preds: list[str | None] = [c.text.strip() for c in completions]
        if state.output_mapping is not None:
            preds = [state.output_mapping.get(p) if p is not None else None for p in preds]
        stats = [_stat("max_prob", math.exp(completions[0].logprob) if completions else None)]
        if not golds:
            return stats
        for name in self.names:
            if name in CODE_METRIC_NAMES:
                stats += self._code_stats(name, adapter_spec, state)
                continue
            function = REFERENCE_METRICS[name]
            first = preds[0] if preds else None
            stats.append(_stat(name, max(function(g.output, first) for g in golds)))
            if adapter_spec.num_outputs != 1:
                best = max((function(g.output, p) for g in golds for p in preds), default=0)
                stats.append(_stat(f"{name}@{adapter_spec.num_outputs}", best))
        return stats

    def _code_stats(self, name: str, adapter_spec: AdapterSpec, state: RequestState) -> list[Stat]:
        if self.code_runner is None:
            from holistic.metrics.code_metrics import HumanEvalRunner

            self.code_runner = HumanEvalRunner(num_threads=1)
        return self.code_runner.stats([name], adapter_spec, state)

    def evaluate_references(
        self, adapter_spec: AdapterSpec, reference_request_states: list[RequestState], context: MetricContext
    ) -> list[Stat]:
        """Separate multiple choice: pick the reference with the best (calibrated) log-probability."""
        if adapter_spec.method not in SEPARATE_METHODS:
            # ranking_binary: HELM's BasicMetric scores these non-echoed results too; the ranking numbers
            # belong to RankingMetric, so only the general stats are kept.
            return _general_stats_of_all(adapter_spec, reference_request_states, context)
        if any(s.result is None or not s.result.success for s in reference_request_states):
            return []
        choice = choose_reference(adapter_spec, reference_request_states, context)
        stats = _general_stats_of_all(adapter_spec, reference_request_states, context)
        stats += [
            _stat("max_prob", choice.max_prob),
            _stat("exact_match", choice.exact_match),
            _stat("predicted_index", choice.predicted_index),
        ]
        return stats

    def derive_stats(self, stats: dict[MetricName, Stat]) -> list[Stat]:
        def total(name: str) -> float | None:
            for stat_name, stat in stats.items():
                if stat_name.name == name:
                    return stat.sum
            return None

        logprob, tokens, num_bytes = total("logprob"), total("num_perplexity_tokens"), total("num_bytes")
        derived: list[Stat] = []
        if logprob is None:
            return derived
        if tokens:
            derived.append(_stat("perplexity", math.e ** (-logprob / tokens)))
        if num_bytes:
            derived.append(_stat("bits_per_byte", -logprob / num_bytes / math.log(2)))
            derived.append(_stat("logprob_per_byte", logprob / num_bytes))
        return derived

    def derive_per_instance_stats(self, adapter_spec: AdapterSpec, items) -> list[Stat]:
        """Calibration of the context's instances (§5.4), then `num_instances`."""
        from holistic.helm_version import current
        from holistic.metrics.calibration import calibration_inputs, calibration_stats

        max_probs, correct, has_logprobs = calibration_inputs(items)
        # Models that return no log-probabilities (all 0) have no confidence to calibrate (HELM 0.5; HELM
        # v0.1 calibrated them anyway: the --helm-version profile).
        calibrate = has_logprobs or current().calibrate_without_logprobs
        stats = calibration_stats(max_probs, correct) if calibrate else []
        return stats + [_stat("num_instances", len(items))]
