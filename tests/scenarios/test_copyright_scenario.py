import json

import pytest

import holistic.scenarios.copyright_scenario as module
from holistic.errors import DescriptionError
from holistic.metrics.metric import create_metric
from holistic.run_specs import build_run_spec
from tests.helpers import load_instances, serve_directory

CLASS = "helm.benchmark.scenarios.copyright_scenario.CopyrightScenario"
BOOKS = {
    "It was the best": "It was the best of times, it was the worst of times.",
    "Call me": "Call me Ishmael.",
}


def write_file(directory, datatag):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{datatag}.json"
    path.write_text(json.dumps({"data": BOOKS, "metadata": {"num_books": 2}}))
    return path


def test_one_test_instance_per_prefix_from_the_mirror(tmp_path):
    datatag = "popular_books-prefix_length_5.json"
    write_file(tmp_path / "mirror" / "copyright", datatag)  # HELM appends .json even here
    instances = load_instances(CLASS, {"datatag": datatag}, tmp_path / "out", tmp_path / "mirror")
    assert [(i.input, [r.output for r in i.references], i.split) for i in instances] == [
        ("It was the best", ["It was the best of times, it was the worst of times."], "test"),
        ("Call me", ["Call me Ishmael."], "test"),
    ]
    assert instances[0].references[0].is_correct


def test_download_from_the_drive_url(tmp_path, monkeypatch):
    served = tmp_path / "served"
    write_file(served, "pilot")
    with serve_directory(served) as url:
        monkeypatch.setattr(module, "DATATAGS", {"pilot": "unused"})
        monkeypatch.setattr(
            module.CopyrightScenario, "source_url", property(lambda self: f"{url}/pilot.json")
        )
        instances = load_instances(CLASS, {"datatag": "pilot"}, tmp_path / "out", None)
    assert len(instances) == 2
    assert (tmp_path / "out" / "scenarios" / "copyright" / "pilot.json").exists()


def test_drive_url_of_a_tag():
    scenario = module.CopyrightScenario("oh_the_places")
    assert scenario.source_url == "https://drive.google.com/uc?id=1KXqhO14HmCGQ67tuu2ECGbTGloTkBvzt"


def test_run_spec_groups_metrics_and_arguments():
    spec = build_run_spec(
        "copyright", {"datatag": "prompt_num_line_1-min_lines_20.json", "temperature": "0.5"}
    )
    assert spec.name == "copyright:datatag=prompt_num_line_1-min_lines_20.json"
    assert spec.groups == ["copyright_code"]
    assert (spec.adapter_spec.temperature, spec.adapter_spec.max_tokens, spec.adapter_spec.num_outputs) == (
        0.5,
        1024,
        1,
    )
    copyright_specs = [m for m in spec.metric_specs if m.class_name.endswith("BasicCopyrightMetric")]
    assert [m.args["name"] for m in copyright_specs] == [
        "longest_common_prefix_length",
        "edit_distance",
        "edit_similarity",
    ]
    assert all(create_metric(m) is not None for m in copyright_specs)
    assert build_run_spec("copyright", {}).groups == ["copyright_text"]
    assert len(spec.metric_specs) == 3 + 1 + 7  # copyright, BASIC([]), HARMS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"datatag": "nope"}, "unknown copyright datatag 'nope'"),
        ({"temperature": "warm"}, "temperature must be a float number, not 'warm'"),
        ({"normalize_by_prefix_length": "maybe"}, "normalize_by_prefix_length must be True or False"),
    ],
)
def test_bad_arguments_are_one_line_errors(args, message):
    with pytest.raises(DescriptionError, match=message):
        build_run_spec("copyright", args)
