"""Metrics: Stat accumulators, the evaluation skeleton and one module per metric family.

Metric modules are named as HELM's (`basic_metrics.py`), so a MetricSpec's class name
`helm.benchmark.basic_metrics.BasicMetric` resolves to `holistic.metrics.basic_metrics.BasicMetric`.
"""

from holistic.metrics.metric import Metric, MetricContext, MetricResult, create_metric
from holistic.metrics.statistic import MetricName, PerInstanceStats, Stat

__all__ = [
    "Metric",
    "MetricContext",
    "MetricName",
    "MetricResult",
    "PerInstanceStats",
    "Stat",
    "create_metric",
]
