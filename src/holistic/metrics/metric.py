"""The evaluation skeleton shared by metrics (§5.1): per instance, per trial, per context; worst cases."""

from __future__ import annotations

import inspect
import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from holistic.adaptation.request_state import RequestState, ScenarioState
from holistic.errors import DescriptionError
from holistic.metrics.statistic import MetricName, PerInstanceStats, Stat, merge_stat, metric_name
from holistic.models.clients.base import ClientContext
from holistic.models.window_service import WindowService
from holistic.resolve import MissingDependencyError, UnknownClassError, resolve_class
from holistic.scenarios.base import Instance, PerturbationDescription
from holistic.specs import AdapterSpec, MetricSpec
from holistic.specs.adapter_spec import ADAPT_LANGUAGE_MODELING

log = logging.getLogger(__name__)

Context = tuple[str | None, str | None, PerturbationDescription | None]


@dataclass
class MetricContext:
    """What metrics may use besides the scenario state."""

    window_service: WindowService | None
    eval_cache_path: Path | None = None
    num_threads: int = 1
    """Workers for metrics that run programs (`--num-threads`)."""
    client_context: ClientContext | None = None
    """The run's caches, credentials and retry policy, for metrics that call a service (Perspective API)."""


@dataclass
class MetricResult:
    aggregated_stats: list[Stat]
    per_instance_stats: list[PerInstanceStats] = field(default_factory=list)


def context_of(instance: Instance) -> Context:
    return (instance.split, instance.sub_split, instance.perturbation)


def set_context(stats: list[Stat], context: Context) -> None:
    """Write the instance's context into fresh stats' names (in place: they belong to this instance)."""
    split, sub_split, perturbation = context
    for stat in stats:
        stat.name = metric_name(stat.name.name, split, sub_split, perturbation)


def with_context(stat: Stat, context: Context) -> Stat:
    split, sub_split, perturbation = context
    return stat.with_name(metric_name(stat.name.name, split, sub_split, perturbation))


class Metric:
    """Subclasses override any of the evaluate_*/derive_* hooks; `evaluate` runs the skeleton."""

    def evaluate(self, scenario_state: ScenarioState, context: MetricContext) -> MetricResult:
        adapter_spec = scenario_state.adapter_spec
        if adapter_spec.method == ADAPT_LANGUAGE_MODELING:
            return self.evaluate_language_modeling(scenario_state, context)
        global_stats: dict[MetricName, Stat] = {}
        all_per_instance: list[PerInstanceStats] = []
        for trial in range(adapter_spec.num_train_trials):
            trial_stats: dict[MetricName, Stat] = {}
            per_instance: list[PerInstanceStats] = []
            stats_by_instance: dict[int, tuple[Instance, list[Stat]]] = {}
            single_valued = True
            for instance in scenario_state.instances:
                stats = self.evaluate_instance(scenario_state, trial, instance, context)
                set_context(stats, context_of(instance))
                if stats:
                    per_instance.append(
                        PerInstanceStats(instance.id or "", instance.perturbation, trial, stats)
                    )
                    stats_by_instance[id(instance)] = (instance, stats)
                if instance.perturbation is not None:
                    single_valued = False
                for stat in stats:
                    if stat.count > 1:
                        single_valued = False
                    existing = trial_stats.get(stat.name)
                    if existing is None:
                        trial_stats[stat.name] = stat.copy()
                    else:
                        existing.accumulate(stat)
            for stat in trial_stats.values():
                if stat.count:
                    stat.recompute()
            # Without perturbed copies, an instance's worst value is its only value: the worst-case stats are
            # these per-instance totals under the robustness and fairness names (see compute_worst_case_stats).
            instance_totals = [stat.copy() for stat in trial_stats.values()] if single_valued else None

            by_context: dict[Context, dict[MetricName, Stat]] = defaultdict(dict)
            for name, stat in trial_stats.items():
                by_context[(name.split, name.sub_split, name.perturbation)][name] = stat
            for ctx, stats in list(by_context.items()):
                for stat in self.derive_stats(stats):
                    merge_stat(trial_stats, with_context(stat, ctx))

            instances_by_context: dict[Context, list[tuple[Instance, list[Stat]]]] = defaultdict(list)
            for instance, stats in stats_by_instance.values():
                instances_by_context[context_of(instance)].append((instance, stats))
            for ctx, items in instances_by_context.items():
                for stat in self.derive_per_instance_stats(adapter_spec, items):
                    merge_stat(trial_stats, with_context(stat, ctx))

            states_by_context: dict[Context, list[RequestState]] = defaultdict(list)
            for state in scenario_state.request_states:
                if state.train_trial_index == trial and state.reference_index is None:
                    states_by_context[context_of(state.instance)].append(state)
            for ctx, states in states_by_context.items():
                for stat in self.evaluate_instances(states):
                    merge_stat(trial_stats, with_context(stat, ctx))

            worst_cases = (
                worst_cases_of_totals(instance_totals)
                if instance_totals is not None
                else compute_worst_case_stats(per_instance)
            )
            for stat in worst_cases:
                merge_stat(trial_stats, stat)

            for stat in trial_stats.values():
                merge_stat(global_stats, stat.take_mean())
            all_per_instance.extend(per_instance)
        return MetricResult(list(global_stats.values()), all_per_instance)

    def evaluate_language_modeling(
        self, scenario_state: ScenarioState, context: MetricContext
    ) -> MetricResult:
        """Language-modelling runs (§5.3): every request (window) is evaluated on its own, in one trial.

        Stats are summed over all windows, perplexity and bits per byte derived per context from the sums,
        `num_instances` counts distinct instances, and each stat is reduced to its mean once.
        No calibration and no worst-case stats.
        """
        adapter_spec = scenario_state.adapter_spec
        totals: dict[MetricName, Stat] = {}
        per_instance: list[PerInstanceStats] = []
        instance_ids: dict[Context, set[str]] = defaultdict(set)
        for state in scenario_state.request_states:
            ctx = context_of(state.instance)
            stats = [with_context(s, ctx) for s in self.evaluate_generation(adapter_spec, state, context)]
            if not stats:
                continue
            # One entry per window; HELM 0.2 carries the instance's perturbation (0.1 dropped it).
            per_instance.append(
                PerInstanceStats(state.instance.id or "", state.instance.perturbation, 0, stats)
            )
            instance_ids[ctx].add(state.instance.id or "")
            for stat in stats:
                merge_stat(totals, stat)

        by_context: dict[Context, dict[MetricName, Stat]] = defaultdict(dict)
        for name, stat in totals.items():
            by_context[(name.split, name.sub_split, name.perturbation)][name] = stat
        for ctx, stats in by_context.items():
            for stat in self.derive_stats(stats):
                merge_stat(totals, with_context(stat, ctx))
        for ctx, ids in instance_ids.items():
            merge_stat(totals, with_context(Stat(MetricName("num_instances")).add(len(ids)), ctx))
        return MetricResult([stat.take_mean() for stat in totals.values()], per_instance)

    def evaluate_instance(
        self, scenario_state: ScenarioState, trial: int, instance: Instance, context: MetricContext
    ) -> list[Stat]:
        adapter_spec = scenario_state.adapter_spec
        stats: list[Stat] = []
        generation_states = scenario_state.get_request_states(trial, instance, None)
        if generation_states:
            stats += self.evaluate_generation(adapter_spec, generation_states[0], context)
        reference_states: list[RequestState] = []
        for index in range(len(instance.references)):
            reference_states += scenario_state.get_request_states(trial, instance, index)
        if reference_states:
            stats += self.evaluate_references(adapter_spec, reference_states, context)
        return stats

    def evaluate_generation(
        self, adapter_spec: AdapterSpec, request_state: RequestState, context: MetricContext
    ) -> list[Stat]:
        return []

    def evaluate_references(
        self, adapter_spec: AdapterSpec, reference_request_states: list[RequestState], context: MetricContext
    ) -> list[Stat]:
        return []

    def evaluate_instances(self, request_states: list[RequestState]) -> list[Stat]:
        return []

    def derive_stats(self, stats: dict[MetricName, Stat]) -> list[Stat]:
        return []

    def derive_per_instance_stats(
        self, adapter_spec: AdapterSpec, items: list[tuple[Instance, list[Stat]]]
    ) -> list[Stat]:
        return []


ROBUSTNESS_WORST = PerturbationDescription(
    name="robustness", robustness=True, fairness=False, computed_on="worst"
)
FAIRNESS_WORST = PerturbationDescription(
    name="fairness", robustness=False, fairness=True, computed_on="worst"
)


def worst_cases_of_totals(totals: list[Stat]) -> list[Stat]:
    """Robustness and fairness stats from per-instance totals of single-valued, unperturbed stats."""
    stats = []
    for total in totals:
        name = total.name
        if total.count == 0:
            continue
        for worst in (ROBUSTNESS_WORST, FAIRNESS_WORST):
            stats.append(total.with_name(metric_name(name.name, name.split, name.sub_split, worst)))
    return stats


def compute_worst_case_stats(per_instance: list[PerInstanceStats]) -> list[Stat]:
    """Robustness, fairness and per-perturbation worst cases over an instance's original and copies (§5.5).

    Per instance and metric, each accumulator's worst value is the minimum over the original and the
    perturbed copies it covers; that minimum is one value of the cross-instance Stat.
    """
    by_instance: dict[str, list[PerInstanceStats]] = defaultdict(list)
    for entry in per_instance:
        by_instance[entry.instance_id].append(entry)

    # key -> [count, sum, sum of squares, min, max]; Stats are built once at the end (this loop is hot).
    results: dict[tuple, list] = {}

    def emit(
        base: tuple[str, str | None, str | None], perturbation: PerturbationDescription, stat_or_value
    ) -> None:
        key = (*base, perturbation)
        if isinstance(stat_or_value, Stat):
            if stat_or_value.count == 0:
                results.setdefault(key, [0, 0, 0, None, None])
                return
            count, total, squares = stat_or_value.count, stat_or_value.sum, stat_or_value.sum_squared
            low, high = stat_or_value.min, stat_or_value.max
        else:
            if isinstance(stat_or_value, bool):
                stat_or_value = int(stat_or_value)
            count, total, squares, low, high = (
                1,
                stat_or_value,
                stat_or_value * stat_or_value,
                stat_or_value,
                stat_or_value,
            )
        acc = results.get(key)
        if acc is None:
            results[key] = [count, 0 + total, 0 + squares, low, high]
        else:
            acc[0] += count
            acc[1] += total
            acc[2] += squares
            acc[3] = low if acc[3] is None else min(acc[3], low)
            acc[4] = high if acc[4] is None else max(acc[4], high)

    for entries in by_instance.values():
        originals: dict[tuple, Stat] = {}
        worst: dict[tuple, dict[PerturbationDescription, float]] = {}
        for entry in entries:
            for stat in entry.stats:
                name = stat.name
                base = (name.name, name.split, name.sub_split)
                perturbation = name.perturbation
                if perturbation is None:
                    originals[base] = stat
                    worst.setdefault(base, {})
                    continue
                minima = worst.setdefault(base, {})
                if stat.count == 0:
                    continue
                keys = [replace(perturbation, computed_on="worst")]
                if perturbation.robustness:
                    keys.append(ROBUSTNESS_WORST)
                if perturbation.fairness:
                    keys.append(FAIRNESS_WORST)
                for key in keys:
                    minima[key] = stat.min if key not in minima else min(minima[key], stat.min)
        for base, minima in worst.items():
            original = originals.get(base)
            individual = [k for k in minima if k is not ROBUSTNESS_WORST and k is not FAIRNESS_WORST]
            if original is not None:
                for key in individual:
                    emit(base, replace(key, computed_on="original"), original)
            original_min = original.min if original is not None and original.count > 0 else None
            for key in (ROBUSTNESS_WORST, FAIRNESS_WORST, *individual):
                values = [v for v in (minima.get(key), original_min) if v is not None]
                if values:
                    emit(base, key, min(values))
    stats = []
    for (name, split, sub_split, perturbation), (count, total, squares, low, high) in results.items():
        stats.append(
            Stat.from_sums(
                metric_name(name, split, sub_split, perturbation), count, total, squares, low, high
            )
        )
    return stats


_WARNED: set[str] = set()


def warn_once(key: str, message: str, *args: object) -> None:
    """Log a warning the first time `key` is seen in this process (a skipped metric says why once)."""
    if key not in _WARNED:
        _WARNED.add(key)
        log.warning(message, *args)


class MetricUnavailableError(Exception):
    """A metric holistic implements but cannot compute here (missing data files, services)."""


def create_metric(spec: MetricSpec) -> Metric | None:
    """Build the metric named by a MetricSpec; None (with one warning) when holistic lacks it."""
    class_name = spec.class_name.rpartition(".")[2]
    try:
        cls = resolve_class(spec.class_name, "holistic.metrics", "metric class", Metric)
    except (UnknownClassError, MissingDependencyError) as e:
        # A bug inside a metric module (ClassImportError) is not caught: it must not pass as "missing".
        if spec.class_name not in _WARNED:
            _WARNED.add(spec.class_name)
            log.warning("%s; its stats are skipped", e)
        return None
    try:
        inspect.signature(cls).bind(**spec.args)
    except TypeError as e:
        raise DescriptionError(f"bad arguments for metric {class_name}: {e}") from None
    try:
        return cls(**spec.args)
    except MetricUnavailableError as e:
        key = f"{spec.class_name}:{e}"
        if key not in _WARNED:
            _WARNED.add(key)
            log.warning("metric %s skipped: %s", class_name, e)
        return None
