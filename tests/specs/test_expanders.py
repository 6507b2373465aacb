"""Run expanders and naming (spec §1.3, §2)."""

import pytest

from holistic.errors import DescriptionError, UnknownNameError
from holistic.jsonio import dumps, from_dict
from holistic.run_specs.construct import EXPANDERS, construct_run_specs
from holistic.specs import RunSpec


def names(description: str) -> list[str]:
    return [r.name for r in construct_run_specs(description)]


def test_fourteen_expander_names():
    assert len(EXPANDERS) == 14
    assert "max_tokens" in EXPANDERS


def test_spec_naming_examples():
    assert names("mmlu:subject=philosophy,data_augmentation=canonical,model=openai/text-davinci-002") == [
        "mmlu:subject=philosophy,method=multiple_choice_joint,data_augmentation=canonical,model=openai_text-davinci-002"
    ]
    assert names("synthetic_reasoning:mode=induction,model=together/t5-11b") == [
        "synthetic_reasoning:mode=induction,model=together_t5-11b,stop=hash"
    ]
    assert names("synthetic_reasoning:mode=induction,model=together/ul2") == [
        "synthetic_reasoning:mode=induction,model=together_ul2,stop=hash,global_prefix=nlg"
    ]


def test_no_newlines_models_get_hash_stop():
    (run_spec,) = construct_run_specs("synthetic_reasoning:mode=induction,model=together/t0pp")
    assert run_spec.adapter_spec.instance_prefix == "###\n\n"
    assert run_spec.adapter_spec.stop_sequences == ["###"]


@pytest.mark.parametrize(
    ("category", "count"),
    [
        ("all", 43),
        ("text", 35),
        ("full_functionality_text", 30),
        ("limited_functionality_text", 5),
        ("code", 3),
    ],
)
def test_model_categories(category, count):
    run_specs = construct_run_specs(f"mmlu:subject=anatomy,model={category}")
    assert len(run_specs) == count
    assert len({r.name for r in run_specs}) == count


def test_model_expansion_follows_registry_order():
    models = [r.adapter_spec.model for r in construct_run_specs("mmlu:subject=anatomy,model=text")]
    assert models[:4] == [
        "ai21/j1-jumbo",
        "ai21/j1-grande",
        "ai21/j1-large",
        "anthropic/stanford-online-all-v4-s3",
    ]
    assert models[-2:] == ["together/glm", "together/yalm"]


def test_ablation_categories_intersect_ablation_models():
    models = {r.adapter_spec.model for r in construct_run_specs("mmlu:subject=anatomy,model=ablation")}
    assert len(models) == 11 and "together/bloom" in models and "openai/davinci" not in models
    assert construct_run_specs("mmlu:subject=anatomy,model=ablation_code") == []


def test_max_train_instances_all_and_value_separator():
    assert names("mmlu:subject=anatomy,model=simple/model1,max_train_instances=all") == [
        f"mmlu:subject=anatomy,method=multiple_choice_joint,model=simple_model1,max_train_instances={k}"
        for k in (0, 1, 2, 4, 8, 16)
    ]
    # Value expanders use ':' when the name has no colon yet; the others always use ','.
    assert names("simple1:max_train_instances=zero,instructions=none") == [
        "simple1:max_train_instances=0,instructions=none"
    ]
    assert names("simple1:instructions=expert,num_train_trials=2") == [
        "simple1,instructions=expert:num_train_trials=2"
    ]


def test_adapter_expanders_change_the_adapter_spec():
    (r,) = construct_run_specs(
        "simple1:instructions=expert,prompt=qa,newline=br,stop=semicolon,global_prefix=nlg,num_outputs=2,max_tokens=7"
    )
    a = r.adapter_spec
    assert a.instructions.startswith(
        "I am an expert AI assistant who is here to help you with the following. Please solve"
    )
    assert (a.input_prefix, a.output_prefix) == ("Q: ", "A: ")
    assert [(s.source, s.target) for s in a.substitutions] == [("\n", "<br>\n")]
    assert (a.instance_prefix, a.stop_sequences, a.global_prefix) == (";\n\n", [";"], "[NLG]")
    assert (a.num_outputs, a.max_tokens) == (2, 7)


def test_scenario_argument_expanders():
    runs = construct_run_specs(
        "simple1:model=openai/davinci,tokenizer=default,num_prompt_tokens=default_sweep,num_output_tokens=4"
    )
    assert [r.scenario_spec.args["num_prompt_tokens"] for r in runs] == [1, 256, 512, 1024, 1536]
    assert all(r.scenario_spec.args["tokenizer"] == "huggingface/gpt2" for r in runs)
    assert all(r.adapter_spec.max_tokens == 4 for r in runs)
    assert (
        runs[0].name
        == "simple1:model=openai_davinci,tokenizer=huggingface_gpt2,num_prompt_tokens=1,num_output_tokens=4"
    )


def test_data_augmentation_builds_the_augmenter_spec():
    (r,) = construct_run_specs("simple1:data_augmentation=canonical")
    spec = r.data_augmenter_spec
    assert r.name == "simple1,data_augmentation=canonical"
    assert len(spec.perturbation_specs) == 4
    assert (
        spec.should_augment_eval_instances
        and spec.should_include_original_eval
        and spec.should_skip_unchanged_eval
    )
    assert not spec.should_augment_train_instances
    assert len(construct_run_specs("simple1:data_augmentation=misspelling_sweep")) == 4


@pytest.mark.parametrize(
    "description",
    [
        "simple1:instructions=novice",
        "simple1:prompt=chat",
        "simple1:newline=tab",
        "simple1:stop=dot",
        "simple1:global_prefix=x",
        "simple1:data_augmentation=shout",
    ],
)
def test_unknown_expander_values(description):
    with pytest.raises(UnknownNameError, match="unknown value"):
        construct_run_specs(description)


def test_invalid_numeric_expander_value():
    with pytest.raises(DescriptionError, match="max_train_instances"):
        construct_run_specs("simple1:max_train_instances=many")


def test_run_spec_round_trips_through_json():
    import json

    for run_spec in construct_run_specs("simple1:data_augmentation=canonical,newline=br"):
        assert from_dict(RunSpec, json.loads(dumps(run_spec))) == run_spec


def test_text_models_with_canonical_augmentation():
    run_specs = construct_run_specs("boolq:model=text,data_augmentation=canonical")
    assert len(run_specs) == 35
    assert "boolq:model=openai_davinci,data_augmentation=canonical" in [r.name for r in run_specs]
    t5 = next(r for r in run_specs if r.adapter_spec.model == "together/t5-11b")
    assert t5.name == "boolq:model=together_t5-11b,data_augmentation=canonical,stop=hash"
