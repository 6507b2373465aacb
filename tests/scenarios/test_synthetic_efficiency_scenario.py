"""synthetic_efficiency with the tokenizer / num_prompt_tokens / num_output_tokens expanders, on a fixture
in the CodaLab bundle's own layout (one plain-text prompt per file)."""

import pytest

from holistic.cli.run import main as helm_run
from holistic.errors import DescriptionError
from holistic.run_specs.construct import construct_run_specs
from holistic.scenarios.synthetic_efficiency_scenario import SyntheticEfficiencyScenario
from tests.helpers import request_states, run

PROMPTS = [
    f"The {i}th prompt of sixteen tokens, more or less, taken from a public domain book." for i in range(10)
]


def write_fixture(root):
    directory = root / "synthetic_efficiency"
    directory.mkdir(parents=True)
    for i, prompt in enumerate(PROMPTS):
        (directory / f"num_prompt_tokens=16,tokenizer=huggingface_gpt2,id={i}.txt").write_text(prompt)
    return root


def test_expanders_fill_in_the_scenario_and_adapter():
    specs = construct_run_specs(
        "synthetic_efficiency:model=simple/model1,tokenizer=huggingface/gpt2,num_prompt_tokens=16,"
        "num_output_tokens=default_sweep"
    )
    assert [s.adapter_spec.max_tokens for s in specs] == [1, 2, 4, 8, 16, 32, 64]
    assert specs[0].scenario_spec.args == {
        "num_prompt_tokens": 16,
        "num_instances": 10,
        "tokenizer": "huggingface/gpt2",
    }
    assert specs[0].name == (
        "synthetic_efficiency:random=None,model=simple_model1,tokenizer=huggingface_gpt2,num_prompt_tokens=16,"
        "num_output_tokens=1"
    )


def test_run_on_the_fixture(tmp_path):
    mirror = write_fixture(tmp_path / "mirror")
    description = "synthetic_efficiency:model=simple/model1,tokenizer=huggingface/gpt2,num_prompt_tokens=16,num_output_tokens=4"
    states = request_states(run(tmp_path, description, mirror, max_eval_instances=10))
    assert sorted(s["request"]["prompt"] for s in states) == sorted(PROMPTS)  # zero-shot, the file text as is
    assert {s["request"]["max_tokens"] for s in states} == {4}
    assert {s["instance"]["references"][0]["output"] for s in states} == {""}


@pytest.mark.parametrize(
    "args,message",
    [
        ({"num_prompt_tokens": None, "num_instances": 10, "tokenizer": None}, "needs tokenizer=<name>"),
        ({"num_prompt_tokens": 16, "num_instances": 10, "tokenizer": "acme/tok"}, "no prompts for tokenizer"),
        ({"num_prompt_tokens": 17, "num_instances": 10, "tokenizer": "huggingface/gpt2"}, "no prompts of 17"),
    ],
)
def test_bad_arguments(args, message):
    with pytest.raises(DescriptionError, match=message):
        SyntheticEfficiencyScenario(**args)


def test_missing_expanders_are_a_one_line_error(tmp_path, capsys):
    argv = [
        "--run-specs",
        "synthetic_efficiency:model=simple/model1",
        "--suite",
        "s",
        "-o",
        str(tmp_path / "o"),
    ]
    assert helm_run([*argv, "--local-path", str(tmp_path / "env")]) == 2
    assert "needs tokenizer=<name> and num_prompt_tokens=<n>" in capsys.readouterr().err.splitlines()[0]
