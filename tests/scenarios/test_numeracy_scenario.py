"""numeracy: generated instances (HELM's draws), run specs for every mode, a run with the distance metric."""

import json

import pytest

from holistic.errors import DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios.numeracy_scenario import NumeracyScenario, Polynomial
from tests.helpers import request_states, run, stat_means


@pytest.mark.parametrize(
    "relation_type,solution,first",
    [
        # Seed 0 draws the polynomials of HELM's own metric tests (y = 4x + 4, z = 4x + 4y + 1).
        ("linear", "y = 4x + 4", ("-82", "-324")),
        ("parabola", "y = 2x^2 + x + 1", ("18", "667")),
        ("plane", "z = 4x + 4y + 1", ("6, 8", "57")),
        ("paraboloid", "z = 2x^2 + xy + y^2 + 4", ("16, 18", "1128")),
    ],
)
def test_standard_mode(relation_type, solution, first):
    instances = NumeracyScenario(relation_type, "standard", 0).get_instances()
    assert [i.split for i in instances] == ["train"] * 100 + ["test"] * 100
    assert (instances[0].input, instances[0].references[0].output) == first
    assert [(r.output, r.tags) for r in instances[0].references[1:]] == [
        (solution, ["solution"]),
        (relation_type, ["class"]),
    ]
    points = [i.input for i in instances]
    assert len(set(points)) == 200  # train and test points are distinct
    for instance in instances:
        values = [int(v) for v in instance.input.split(", ")]
        if len(values) == 2:
            assert values[0] <= values[1]  # HELM keeps x <= y in two dimensions


def test_example_mode_uses_the_fixed_polynomials():
    for relation_type, solution in [("linear", "y = 2x + 5"), ("paraboloid", "z = 2x^2 + y^2 + 2")]:
        instances = NumeracyScenario(relation_type, "example", 3).get_instances()
        assert {i.references[1].output for i in instances} == {solution}
    x = NumeracyScenario("linear", "example", 3).get_instances()[0]
    assert int(x.references[0].output) == 2 * int(x.input) + 5


def test_polynomial_text():
    assert str(Polynomial(2, 2, [1, -1, 2, 0, -1, 4])) == "x^2 - xy + 2y^2 - y + 4"
    assert str(Polynomial(1, 1, [-1, -1])) == "-x - 1"


def test_function_mode_gives_each_instance_its_own_polynomial():
    instances = NumeracyScenario("plane", "function", 0).get_instances()
    assert [i.split for i in instances] == ["train"] * 1000 + ["test"] * 1000
    first = instances[0]
    lines = first.input.split("\n")
    assert lines[0] == "x, y, z" and lines[1].count(", ") == 1 and lines[2].startswith(", ")
    assert len({i.references[1].output for i in instances}) > 1


@pytest.mark.parametrize("mode,instructions,max_train", [("standard", "x, y", 100), ("function", "", 0)])
def test_run_specs(mode, instructions, max_train):
    spec = build_run_spec("numeracy", {"relation_type": "linear", "mode": mode, "run_solver": "True"})
    assert spec.name == f"numeracy:relation_type=linear,mode={mode}"
    assert spec.adapter_spec.instructions == instructions
    assert spec.adapter_spec.max_train_instances == max_train
    assert spec.scenario_spec.args == {"seed": 0, "relation_type": "linear", "mode": mode}
    assert [m.class_name.rsplit(".", 1)[1] for m in spec.metric_specs] == ["BasicMetric", "DistanceMetric"]


def test_run_with_the_distance_metric(tmp_path):
    description = "numeracy:relation_type=linear,mode=standard,run_solver=True,model=simple/model1"
    run_dir = run(tmp_path, description, None, max_eval_instances=3)
    states = request_states(run_dir)
    assert len(states) == 3
    prompt = states[0]["request"]["prompt"]
    # Header "x, y", then "x\n, y\n" blocks joined by "\n", then the eval point and ",".
    assert prompt.startswith("x, y\n")
    assert prompt.endswith("\n" + states[0]["instance"]["input"] + "\n,")
    means = stat_means(run_dir)
    # simple/model1 answers with the prompt's last word, ",", which is no number.
    assert means["percent_valid|test|"] == 0.0 and means["distance|test|"] == 0.0
    assert means["absolute_value_difference|test|"] == 0.0
    stats = json.loads((run_dir / "stats.json").read_text())
    assert any(s["name"]["name"] == "distance" for s in stats)


@pytest.mark.parametrize(
    "args,message",
    [
        ({"relation_type": "cubic"}, "unknown numeracy relation_type 'cubic'"),
        ({"mode": "fancy"}, "unknown numeracy mode 'fancy'"),
        ({"seed": "x"}, "numeracy seed must be an integer"),
        ({"run_solver": "maybe"}, "run_solver must be True or False"),
    ],
)
def test_bad_arguments(args, message):
    with pytest.raises(DescriptionError, match=message):
        build_run_spec("numeracy", args)
