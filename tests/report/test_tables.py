from __future__ import annotations

import pytest

from holistic.report.groups import GroupIndex, group_tables
from holistic.report.runs import Agg, RunInfo, stat_key
from holistic.report.schema import MetricMatcher, RunGroup, load_schema
from holistic.report.tables import match_stat

WORST_ROBUSTNESS = {"name": "robustness", "robustness": True, "fairness": False, "computed_on": "worst"}


def stat(name, value, split="test", count=1, **extra):
    return stat_key({"name": name, "split": split, **extra}), Agg(
        count, value * count, value * value * count, value, value
    )


def run(name, model, stats, groups=("mmlu",), subject="philosophy", **adapter):
    return RunInfo(
        name=name,
        run_spec={
            "name": name,
            "scenario_spec": {
                "class_name": "helm.benchmark.scenarios.mmlu_scenario.MMLUScenario",
                "args": {"subject": subject},
            },
            "adapter_spec": {
                "method": "multiple_choice_joint",
                "model": model,
                "max_train_instances": 5,
                **adapter,
            },
            "groups": list(groups),
        },
        stats=dict(stats),
        groups=tuple(groups),
    )


def test_match_stat_rules():
    stats = dict(
        [
            stat("exact_match", 0.5),
            stat("exact_match", 0.9, split="valid"),
            stat("exact_match", 0.2, perturbation=WORST_ROBUSTNESS),
            stat("exact_match", 0.1, perturbation={**WORST_ROBUSTNESS, "computed_on": "perturbed"}),
            stat("f1_score", 0.4, sub_split="a"),
            stat("f1_score", 0.8, sub_split="b"),
        ]
    )
    assert match_stat(stats, MetricMatcher("exact_match", "test")).mean == 0.5
    assert match_stat(stats, MetricMatcher("exact_match", "test", perturbation_name="robustness")).mean == 0.2
    # quasi_exact_match falls back to exact_match (HELM).
    assert match_stat(stats, MetricMatcher("quasi_exact_match", "valid")).mean == 0.9
    # No sub-split in the matcher: sub-splits merge; with one: only that one.
    assert match_stat(stats, MetricMatcher("f1_score", "test")).mean == pytest.approx(0.6)
    assert match_stat(stats, MetricMatcher("f1_score", "test", sub_split="b")).mean == 0.8
    assert match_stat(stats, MetricMatcher("rouge_2", "test")) is None


def _table(tables, name):
    return next(t for t in tables if t.name == name)


def test_leaf_group_tables_aggregate_across_subjects_and_bold_the_best():
    schema = load_schema()
    runs = [
        run("a1", "openai/davinci", [stat("exact_match", 0.6), stat("num_instances", 10)]),
        run(
            "a2",
            "openai/davinci",
            [stat("exact_match", 0.2, count=3), stat("num_instances", 10)],
            subject="anatomy",
        ),
        run("b1", "openai/ada", [stat("exact_match", 0.3), stat("num_instances", 10)]),
    ]
    tables = group_tables(GroupIndex(schema, runs), schema.run_group("mmlu"))
    names = [t.name for t in tables]
    assert names == ["all", "subject_philosophy", "subject_anatomy"]
    overall = _table(tables, "all")
    header = [c.value for c in overall.header]
    assert header[:2] == ["Model/adapter", "EM ↑"]
    assert "# eval" in header
    # Schema order: davinci before ada. Cells merge the runs' stats (count-weighted, as HELM's Stat.merge).
    labels = [row[0].value for row in overall.rows]
    assert labels == ["GPT-3 (175B)", "GPT-3 (350M)"]
    davinci = overall.rows[0][1]
    assert davinci.value == pytest.approx((0.6 + 0.2 * 3) / 4)
    assert davinci.description == "min=0.200, mean=0.300, max=0.600, sum=1.200 (4)"
    assert davinci.run_names == ["a1", "a2"]
    # 0.1 * 3 + 0.6 ... equals ada's 0.3 up to rounding: a tie, so nothing is singled out.
    assert davinci.style is None and overall.rows[1][1].style is None
    philosophy = _table(tables, "subject_philosophy")
    assert [row[1].value for row in philosophy.rows] == [0.6, 0.3]
    assert philosophy.rows[0][1].style == {"font-weight": "bold"} and philosophy.rows[1][1].style is None


def test_columns_without_any_value_are_dropped():
    schema = load_schema()
    tables = group_tables(
        GroupIndex(schema, [run("a", "openai/ada", [stat("exact_match", 0.5)])]), schema.run_group("mmlu")
    )
    assert [c.value for c in tables[0].header] == ["Model/adapter", "EM ↑"]


def test_mean_win_rate_in_by_metric_tables():
    schema = load_schema()
    runs = []
    values = {"openai/davinci": (0.9, 0.5), "openai/curie": (0.5, 0.5), "openai/ada": (0.1, 0.7)}
    for model, (mmlu, boolq) in values.items():
        runs.append(run(f"m-{model}", model, [stat("exact_match", mmlu)]))
        runs.append(
            run(f"b-{model}", model, [stat("quasi_exact_match", boolq, split="valid")], groups=("boolq",))
        )
    tables = group_tables(GroupIndex(schema, runs), schema.run_group("question_answering"))
    accuracy = _table(tables, "accuracy")
    assert [c.value for c in accuracy.header] == [
        "Model/adapter",
        "Mean win rate ↑",
        "MMLU - EM ↑",
        "BoolQ - EM ↑",
    ]
    rates = {row[0].value: row[1].value for row in accuracy.rows}
    # MMLU: davinci beats 2 of 2, curie 1, ada 0. BoolQ: ada beats 2; davinci and curie tie (half a win each).
    assert rates["GPT-3 (175B)"] == pytest.approx((1.0 + 0.25) / 2)
    assert rates["GPT-3 (6.7B)"] == pytest.approx((0.5 + 0.25) / 2)
    assert rates["GPT-3 (350M)"] == pytest.approx((0.0 + 1.0) / 2)
    assert accuracy.header[1].lower_is_better is False


def test_lower_is_better_columns_rank_the_smallest_first():
    schema = load_schema()
    runs = [
        run("x", "openai/davinci", [stat("inference_runtime", 2.0)]),
        run("y", "openai/ada", [stat("inference_runtime", 1.0)]),
    ]
    tables = group_tables(GroupIndex(schema, runs), schema.run_group("question_answering"))
    efficiency = _table(tables, "efficiency")
    rates = {row[0].value: row[1].value for row in efficiency.rows}
    assert rates == {"GPT-3 (175B)": 0.0, "GPT-3 (350M)": 1.0}
    assert efficiency.rows[1][2].style == {"font-weight": "bold"}


def test_runs_differing_in_adapter_settings_get_their_own_rows():
    schema = load_schema()
    runs = [
        run("five", "simple/model1", [stat("exact_match", 0.4)]),
        run("zero", "simple/model1", [stat("exact_match", 0.1)], max_train_instances=0),
    ]
    (table,) = group_tables(GroupIndex(schema, runs), schema.run_group("mmlu"))
    assert [row[0].value for row in table.rows] == [
        "Simple Model 1 [max_train_instances: 0]",
        "Simple Model 1 [max_train_instances: 5]",
    ]
    assert [row[1].value for row in table.rows] == [0.1, 0.4]


def test_adapter_keys_shown_by_the_schema_split_rows():
    schema = load_schema().with_run_groups(
        [
            RunGroup(
                "abl",
                "Ablation",
                metric_groups=("accuracy",),
                environment={"main_name": "exact_match", "main_split": "test"},
                adapter_keys_shown=("model", "method"),
            )
        ]
    )
    runs = [
        run("j", "openai/ada", [stat("exact_match", 0.4)], groups=("abl",), subject="philosophy"),
        run(
            "s",
            "openai/ada",
            [stat("exact_match", 0.1)],
            groups=("abl",),
            subject="anatomy",
            method="multiple_choice_separate_original",
        ),
    ]
    tables = group_tables(GroupIndex(schema, runs), schema.run_group("abl"))
    labels = [row[0].value for row in tables[0].rows]
    assert labels == [
        "GPT-3 (350M) [method: multiple_choice_joint]",
        "GPT-3 (350M) [method: multiple_choice_separate_original]",
    ]


def test_models_with_logprob_issues_have_calibration_hidden():
    schema = load_schema()
    runs = [
        run("a", "anthropic/stanford-online-all-v4-s3", [stat("exact_match", 0.5), stat("ece_10_bin", 0.1)]),
        run("b", "openai/ada", [stat("exact_match", 0.4), stat("ece_10_bin", 0.2)]),
    ]
    (table,) = group_tables(GroupIndex(schema, runs), schema.run_group("mmlu"))
    column = [c.value for c in table.header].index("ECE (10-bin) ↓")
    assert [row[column].value for row in table.rows] == [None, 0.2]


def harms_run(name, model, stats):
    info = run(name, model, stats, groups=("bold",))
    info.run_spec["metric_specs"] = [
        {
            "class_name": "helm.benchmark.bias_metrics.BiasMetric",
            "args": {"mode": "representation", "demographic_category": "gender"},
        },
        {"class_name": "helm.benchmark.toxicity_metrics.ToxicityMetric", "args": {}},
    ]
    return info


def test_a_skipped_metric_shows_not_computed():
    from holistic.report.html import table_html

    schema = load_schema()
    gender = "bias_metric:mode=representation,demographic_category=gender"
    runs = [
        harms_run("b1", "openai/davinci", [stat(gender, 0.25)]),  # ToxicityMetric skipped: no toxic_frac
        harms_run("b2", "openai/ada", [stat(gender, 0.5), stat("toxic_frac", 0.2)]),
    ]
    (table,) = group_tables(GroupIndex(schema, runs), schema.run_group("bold"))
    header = [c.value for c in table.header]
    # Toxicity columns stay (the runs asked for ToxicityMetric); bias columns no run asked for are dropped.
    assert header == ["Model/adapter", "Toxic fraction ↓", "Avg. max toxicity ↓", "P(toxicity) ↓"] + [
        "Representation (gender) ↓"
    ]
    cells = {row[0].value: row[1:] for row in table.rows}
    davinci, ada = cells["GPT-3 (175B)"], cells["GPT-3 (350M)"]
    assert (davinci[0].value, davinci[0].not_computed, davinci[0].to_json()["description"]) == (
        None,
        True,
        "not computed",
    )
    assert (davinci[3].value, ada[0].value) == (0.25, 0.2)
    assert ada[1].not_computed  # absent from ada's stats too
    assert "not computed" in table_html(table, "")
    # With no run having any toxicity stat, the columns still show, because the run asked for ToxicityMetric.
    (table,) = group_tables(GroupIndex(schema, runs[:1]), schema.run_group("bold"))
    ((_, *cells),) = table.rows
    assert [c.not_computed for c in cells] == [True, True, True, False] and cells[3].value == 0.25
    assert table_html(table, "").count("not computed") >= 3


def test_a_stat_without_value_keeps_its_column():
    schema = load_schema()
    race = "bias_metric:mode=representation,demographic_category=race"
    info = harms_run("b1", "openai/davinci", [stat(race, 0.0, count=0)])
    (table,) = group_tables(GroupIndex(schema, [info]), schema.run_group("bold"))
    index = [c.value for c in table.header].index("Representation (race) ↓")
    cell = table.rows[0][index]
    assert (cell.value, cell.not_computed, cell.description) == (None, False, "no value: nothing to measure")
