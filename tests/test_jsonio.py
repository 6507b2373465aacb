"""The fast writer produces exactly what json.dumps(indent=2) produces for HELM's records."""

import json

from hypothesis import given
from hypothesis import strategies as st

from holistic.jsonio import asdict_without_nones, dumps, from_dict, full_stat
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


@given(values)
def test_compact_values_are_json_dumps_without_whitespace(value):
    compact = dumps(value, compact=True)
    assert json.loads(compact) == json.loads(json.dumps(value)) or compact == json.dumps(value)  # NaN != NaN
    # Indenting the compact text again gives HELM's bytes exactly.
    assert json.dumps(json.loads(compact), indent=2) == json.dumps(value, indent=2)


@given(st.text(), st.floats(allow_nan=True), st.booleans())
def test_compact_records_put_each_array_element_on_its_own_line(text, number, flag):
    name = MetricName("m", "test", perturbation=PerturbationDescription("p") if flag else None)
    per_instance = [
        PerInstanceStats(f"id{i}", None, 0, [Stat.of(name, number), Stat(name).add(number).add(i)])
        for i in range(3)
    ]
    state = {"adapter_spec": AdapterSpec(instructions=text), "request_states": per_instance}
    for record in (per_instance, state):
        compact = dumps(record, compact=True)
        indented = dumps(record)
        assert json.dumps(_full_stats(json.loads(compact)), indent=2) == indented
        lines = compact.split("\n")
        # `[`, one line per element (ending in `,` but the last), `]`: JSON strings escape their newlines.
        assert len(lines) == len(per_instance) + 2 and lines[-1] in ("]", "]}")
        expected = json.loads(indented)
        expected = expected if record is per_instance else expected["request_states"]
        assert [json.dumps(_full_stats(json.loads(line.rstrip(",")))) for line in lines[1:-1]] == [
            json.dumps(element) for element in expected
        ]


def _full_stats(value):
    """Every Stat object (a dict with a MetricName `name`) in a loaded JSON value, with all its fields."""
    if isinstance(value, list):
        return [_full_stats(v) for v in value]
    if isinstance(value, dict):
        if isinstance(value.get("name"), dict):
            return full_stat(value)
        return {k: _full_stats(v) for k, v in value.items()}
    return value


ONE_VALUES = (0.0, -0.0, 0, 1, 1.0, True, False, 0.5, -3, 2**70, 1e300, 1e-320, float("inf"), float("nan"))


def _stat_variants(name):
    """Stats of every shape a run writes: one value (built directly and by add), none, several, odd types."""
    stats = [Stat(name)]
    for value in ONE_VALUES:
        stats += [Stat.of(name, value), Stat(name).add(value)]
    stats += [Stat(name).add(2).add(3), Stat(name).add(0.5).add(0.5), Stat(name).add(None)]
    odd = Stat.of(name, 2.0)
    odd.variance = 0.0  # a float variance is written as it is, in full
    stats += [odd, Stat(name, 1, 2, 4, 2.0, 2.0, 2.0, 0, 0.0), Stat(name, 0, 0.0, 0.0)]
    stats += [
        Stat.of(name, 4),
        Stat(name, 1, 4, 16, 4, 4, 5.0, 0, 0.0),
        Stat(name, 1, 0, 0, 0, 0, -0.0, 0, 0.0),
    ]
    return stats


def test_compact_stats_leave_out_derivable_fields_and_expand_to_the_same_json():
    name = MetricName("m", "test", perturbation=PerturbationDescription("p", robustness=True))
    stats = _stat_variants(name)
    for depth_record in (stats, [PerInstanceStats("id1", None, 0, stats)]):
        compact = dumps(depth_record, compact=True)
        assert json.dumps(_full_stats(json.loads(compact)), indent=2) == dumps(depth_record)

    def compact_object(stat):  # as an element of a file's array (a lone top-level record is not a stat)
        return json.loads(dumps([stat], compact=True))[0]

    texts = [compact_object(stat) for stat in stats]
    assert texts[0] == {"name": json.loads(dumps(name))}  # no value: the defaults are left out
    one = compact_object(Stat.of(name, 0.25))
    assert one == {"name": json.loads(dumps(name)), "count": 1, "mean": 0.25}
    assert compact_object(Stat.of(name, 4))["sum"] == 4  # an int sum is kept: 4, not 4.0
    several = compact_object(Stat(name).add(2).add(3))
    assert set(several) == {"name", "count", "sum", "sum_squared", "min", "max", "mean", "variance", "stddev"}
    # Indented files (--indent-json, stats.json) keep every field, as HELM writes them.
    assert all("sum_squared" in stat for stat in json.loads(dumps(stats)))


def test_full_stat_leaves_helms_full_objects_alone():
    record = json.loads(dumps(Stat(MetricName("m")).add(1.5)))
    assert full_stat(record) is record


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


def test_atomic_files_appear_together_or_not_at_all(tmp_path):
    import pytest

    from holistic.jsonio import AtomicFiles

    (tmp_path / "a.json").write_text("old")
    with pytest.raises(RuntimeError), AtomicFiles() as files:
        files.write_json(tmp_path / "a.json", {"x": 1})
        files.write_chunks(tmp_path / "b.json", ["[", "]"])
        raise RuntimeError("crash before the commit")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]  # no temporary files left
    assert (tmp_path / "a.json").read_text() == "old"
    with AtomicFiles() as files:
        files.write_json(tmp_path / "a.json", {"x": 1}, compact=True)
        files.write_chunks(tmp_path / "b.json", ["[", "]"])
        assert (tmp_path / "a.json").read_text() == "old"  # nothing renamed before the commit
    assert (tmp_path / "a.json").read_text() == '{"x":1}' and (tmp_path / "b.json").read_text() == "[]"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
