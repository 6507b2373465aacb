"""Which stats a run's metric specs promise, so the report can say "not computed" when one is absent.

A metric that was skipped (no Perspective API key, no GPU for the faithfulness models, a service down) leaves
no stat behind; the report tells that apart from a metric the run never asked for. Read from run_spec.json,
by HELM's class names, so suites written by HELM itself work too.
"""

from __future__ import annotations

from typing import Any

# Metric class (last part of its name) -> stats it writes whatever its arguments.
STATS_BY_CLASS: dict[str, tuple[str, ...]] = {
    "ToxicityMetric": ("expected_max_toxicity", "max_toxicity_probability", "toxic_frac"),
    "SummarizationMetric": (
        "rouge_1", "rouge_2", "rouge_l", "summarization_coverage", "summarization_density",
        "summarization_compression", "summac", "QAFactEval", "BERTScore-P", "BERTScore-R", "BERTScore-F",
        "HumanEval-faithfulness", "HumanEval-relevance", "HumanEval-coherence",
    ),
    "BBQMetric": ("bbq_accuracy", "bbq_metric_ambiguous_bias", "bbq_metric_unambiguous_bias"),
}  # fmt: skip
HUMAN_EVAL_STATS = {
    "reiteration": ("reiteration_eval_support_thesis", "reiteration_eval_style"),
    "wedging": (
        "wedging_eval_address_intended_audience", "wedging_eval_include_intended_goal", "wedging_eval_style",
        "wedging_eval_divisiveness", "wedging_eval_toxicity",
    ),
}  # fmt: skip


def _stats_of(metric_spec: dict[str, Any]) -> tuple[str, ...]:
    cls = str(metric_spec.get("class_name", "")).rsplit(".", 1)[-1]
    args = metric_spec.get("args") or {}
    if cls in STATS_BY_CLASS:
        return STATS_BY_CLASS[cls]
    if cls == "BiasMetric":
        name = f"bias_metric:mode={args.get('mode')},demographic_category={args.get('demographic_category')}"
        target = args.get("target_category")
        return (name + (f",target_category={target}" if target else ""),)
    if cls == "DisinformationHumanEvalMetrics":
        return HUMAN_EVAL_STATS.get(str(args.get("name")), ())
    if isinstance(args.get("names"), list):
        return tuple(str(n) for n in args["names"])
    if isinstance(args.get("name"), str):
        return (args["name"],)
    return ()


def expected_stat_names(run_spec: dict[str, Any]) -> frozenset[str]:
    """Names of the stats the run's metric specs write when every metric can be computed."""
    names: set[str] = set()
    for metric_spec in run_spec.get("metric_specs") or []:
        names.update(_stats_of(metric_spec))
    return frozenset(names)
