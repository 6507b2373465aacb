"""The fast writer produces exactly what json.dumps(indent=2) produces for HELM's records."""

import json

from hypothesis import given
from hypothesis import strategies as st

from holistic.jsonio import asdict_without_nones, dumps, from_dict
from holistic.metrics.statistic import MetricName, PerInstanceStats, Stat
from holistic.scenarios.base import Instance, PerturbationDescription, Reference
from holistic.specs import AdapterSpec

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text()
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(values)
def test_plain_values_match_json_dumps(value):
    assert dumps(value) == json.dumps(value, indent=2)


@given(st.text(), st.floats(allow_nan=False), st.booleans())
def test_records_match_json_dumps(text, number, flag):
    perturbation = PerturbationDescription("p", robustness=flag)
    record = [
        Instance(
            text,
            [Reference(text, ["correct"])],
            split="test",
            id="id1",
            perturbation=perturbation if flag else None,
        ),
        PerInstanceStats(
            "id1", None, 0, [Stat(MetricName("m", "test")).add(number).add(1), Stat(MetricName("z"))]
        ),
        AdapterSpec(instructions=text, temperature=number),
    ]
    assert dumps(record) == json.dumps(asdict_without_nones(record), indent=2)


def test_adapter_spec_round_trip():
    spec = AdapterSpec(method="generation", stop_sequences=["\n"], max_eval_instances=3)
    assert from_dict(AdapterSpec, json.loads(dumps(spec))) == spec


def test_memoised_single_value_stats_keep_types_and_signs():
    name = MetricName("m", "test")
    stats = [Stat.of(name, v) for v in (0.0, -0.0, 0, 1, 1.0, True, 0.5, 0.0, 1)] + [Stat(name).add(2).add(3)]
    assert dumps(stats) == json.dumps(asdict_without_nones(stats), indent=2)


def test_compact_lines_equal_json_dumps_of_asdict_without_nones():
    import json

    from holistic.jsonio import asdict_without_nones, compact_lines_without_nones
    from holistic.run_specs.construct import construct_run_specs

    run_specs = construct_run_specs("boolq:model=openai/davinci,data_augmentation=canonical")
    run_specs += construct_run_specs("mmlu:subject=anatomy,model=simple/model1")
    assert len(run_specs) == 2 and run_specs[0].data_augmenter_spec.perturbation_specs
    expected = [json.dumps(asdict_without_nones(r)) for r in run_specs]
    assert list(compact_lines_without_nones(run_specs)) == expected
    # Shared sub-objects (the same MetricSpec in two RunSpecs) are written in full each time.
    assert list(compact_lines_without_nones([run_specs[1], run_specs[1]])) == [expected[1]] * 2


def test_one_converter_reads_run_records_and_the_report_schema():
    import datetime

    from holistic.report.schema import parse_schema
    from holistic.specs import MetricSpec, RunSpec, ScenarioSpec

    run_spec = RunSpec(
        "mmlu:subject=anatomy,model=simple_model1",
        ScenarioSpec("helm.benchmark.scenarios.mmlu_scenario.MMLUScenario", {"subject": "anatomy"}),
        AdapterSpec(method="multiple_choice_joint", stop_sequences=["\n"]),
        [MetricSpec("helm.benchmark.basic_metrics.BasicMetric", {"names": ["exact_match"]})],
    )
    record = json.loads(dumps(run_spec))
    record["field_added_by_a_newer_helm"] = 1  # ignored, not an error
    assert from_dict(RunSpec, record) == run_spec
    schema = parse_schema(
        {
            "models": [{"name": "a/b", "display_name": "B", "release_date": datetime.date(2022, 11, 1)}],
            "metric_groups": [
                {"name": "g", "display_name": "G", "metrics": [{"name": "exact_match", "split": "test"}]}
            ],
        }
    )
    assert schema.models[0].release_date == "2022-11-01"
    assert isinstance(schema.metric_groups[0].metrics, tuple)
    assert schema.metric_groups[0].metrics[0].name == "exact_match"
