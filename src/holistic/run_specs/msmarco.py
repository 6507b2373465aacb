"""msmarco: passage ranking (regular or TREC track) with the ranking_binary method and ranking metrics."""

from holistic.run_specs.presets import get_basic_metric_specs, get_ranking_binary_adapter_spec
from holistic.scenarios.msmarco_scenario import (
    GOLD_RELATIONS,
    MEASURE_NAMES,
    check_arguments,
    parse_valid_topk,
)
from holistic.specs import MetricSpec, RunSpec, ScenarioSpec
from holistic.specs.adapter_spec import ADAPT_RANKING_BINARY

RANKING_CORRECT_LABEL = "Yes"
RANKING_WRONG_LABEL = "No"


def run_spec(track: str, valid_topk: int | str | None = None) -> RunSpec:
    topk = parse_valid_topk(valid_topk)
    check_arguments(track, topk)
    ranking = MetricSpec(
        class_name="helm.benchmark.ranking_metrics.RankingMetric",
        args={
            "method": ADAPT_RANKING_BINARY,
            "measure_names": MEASURE_NAMES[track],
            "correct_output": RANKING_CORRECT_LABEL,
            "wrong_output": RANKING_WRONG_LABEL,
            "rank": topk,
            "multiple_relevance_values": set(GOLD_RELATIONS[track]) != {1},
        },
    )
    return RunSpec(
        name=f"msmarco:track={track},valid_topk={topk}",
        scenario_spec=ScenarioSpec(
            class_name="helm.benchmark.scenarios.msmarco_scenario.MSMARCOScenario",
            args={"track": track, "valid_topk": topk},
        ),
        # Four in-context passages: two train queries with one relevant and one irrelevant passage each.
        adapter_spec=get_ranking_binary_adapter_spec(max_train_instances=4, stop_sequences=["\n"]),
        metric_specs=[ranking] + get_basic_metric_specs([]),
        groups=[f"msmarco_{track}"],
    )
