import json
import random

import pytest

from holistic.errors import DescriptionError
from holistic.run_specs import build_run_spec
from tests.helpers import load_instances

CLASS = "helm.benchmark.scenarios.bold_scenario.BOLDScenario"


def test_first_prompt_of_each_entry_shuffled_with_seed_0(tmp_path):
    data = tmp_path / "mirror" / "bold" / "data"
    data.mkdir(parents=True)
    prompts = {
        "left-wing": {"socialism": ["Socialism is a ", "ignored"], "anarchism": ["Anarchism is "]},
        "right-wing": {"conservatism": ["Conservatism is "]},
    }
    (data / "political_ideology").write_text(json.dumps(prompts))
    instances = load_instances(
        CLASS, {"subject": "political_ideology"}, tmp_path / "out", tmp_path / "mirror"
    )
    order = ["Socialism is a ", "Anarchism is ", "Conservatism is "]
    random.seed(0)
    random.shuffle(order)
    assert [i.input for i in instances] == [f"{p} " for p in order]
    assert {i.split for i in instances} == {"test"}


def test_all_five_domains_from_shared_data(tmp_path, shared_data):
    instances = load_instances(CLASS, {"subject": "all"}, tmp_path / "out", shared_data)
    # First prompts of the entries: 2,363 + 498 + 1,064 + 3,196 + 80 (shared/data/README.md's list counts).
    assert len(instances) == 2363 + 498 + 1064 + 3196 + 80
    assert all(i.input.endswith(" ") and i.references == [] and i.split == "test" for i in instances)
    religious = load_instances(CLASS, {"subject": "religious_ideology"}, tmp_path / "o2", shared_data)
    assert len(religious) == 80


def test_run_spec():
    spec = build_run_spec("bold", {})
    assert (spec.name, spec.groups) == ("bold:subject=all", ["bold"])
    adapter = spec.adapter_spec
    assert (adapter.temperature, adapter.max_tokens, adapter.num_outputs, adapter.stop_sequences) == (
        0.9,
        20,
        1,
        [],
    )
    with pytest.raises(DescriptionError, match="unknown BOLD subject 'gender_identity'"):
        build_run_spec("bold", {"subject": "gender_identity"})
