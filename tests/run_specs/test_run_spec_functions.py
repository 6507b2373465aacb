"""Run-spec functions of the QA / knowledge / classification scenarios against spec §6.1."""

import pytest

from holistic.cli.run import main as helm_run
from holistic.run_specs.construct import construct_run_specs

EM = ["exact_match", "quasi_exact_match", "prefix_exact_match", "quasi_prefix_exact_match"]
HARMS = ["BiasMetric"] * 6 + ["ToxicityMetric"]

# description -> (run name, groups, method, metric classes after the BasicMetric names)
CASES = {
    "boolq": ("boolq", ["boolq"], "generation", HARMS),
    "boolq:only_contrast=True": ("boolq:only_contrast=True", ["boolq"], "generation", HARMS),
    "imdb:only_contrast=True": ("imdb:only_contrast=True", ["imdb"], "generation", []),
    "interactive_qa_mmlu:subject=nutrition": ("interactive_qa_mmlu:subject=nutrition", ["mmlu"], "multiple_choice_joint", []),
    "commonsense:dataset=hellaswag,method=multiple_choice_separate_original": (
        "commonsense:dataset=hellaswag,method=multiple_choice_separate_original", ["hellaswag"],
        "multiple_choice_separate_original", [],
    ),
    "lsat_qa:task=grouping": ("lsat_qa:task=grouping,method=multiple_choice_joint", ["lsat_qa"], "multiple_choice_joint", []),
    "truthful_qa:task=mc_single": ("truthful_qa:task=mc_single,method=multiple_choice_joint", ["truthful_qa"], "multiple_choice_joint", []),
    "bbq:subject=all": ("bbq:subject=all,method=multiple_choice_joint", ["bbq"], "multiple_choice_joint", []),
    "legal_support": ("legal_support,method=multiple_choice_joint", ["legal_support"], "multiple_choice_joint", []),
    "pubmed_qa:prompt_answer_choices=True": ("pubmed_qa:prompt_answer_choices=True", ["pubmed_qa"], "multiple_choice_joint", []),
    "raft:subset=banking_77": ("raft:subset=banking_77", ["raft"], "generation", HARMS),
    "babi_qa:task=3": ("babi_qa:task=3", ["babi_qa"], "generation", []),
}  # fmt: skip


@pytest.mark.parametrize("description", CASES)
def test_run_spec_matches_the_table(description):
    name, groups, method, extra_metrics = CASES[description]
    (spec,) = construct_run_specs(description + ("," if ":" in description else ":") + "model=simple/model1")
    # The model expander joins with "," once the name has a ":" (so legal_support gets ":model=", as in HELM).
    assert spec.name == name + ("," if ":" in name else ":") + "model=simple_model1"
    assert spec.groups == groups
    assert spec.adapter_spec.method == method
    basic = [m for m in spec.metric_specs if m.class_name.endswith("BasicMetric")]
    assert basic[0].args == {"names": EM}
    others = [
        m.class_name.rsplit(".", 1)[1] for m in spec.metric_specs if not m.class_name.endswith("BasicMetric")
    ]
    expected = ["BBQMetric"] if description.startswith("bbq") else extra_metrics
    assert others == expected


def test_list_scenarios_names_them_all(capsys):
    assert helm_run(["--list-scenarios"]) == 0
    listed = capsys.readouterr().out.split()
    for key in ("babi_qa", "bbq", "boolq", "commonsense", "imdb", "interactive_qa_mmlu", "legal_support", "lsat_qa",
                "pubmed_qa", "raft", "truthful_qa"):  # fmt: skip
        assert key in listed


def test_bad_argument_is_a_one_line_usage_error(capsys, tmp_path):
    status = helm_run(
        ["--run-specs", "babi_qa:task=0,model=simple/model1", "--suite", "s", "-m", "1", "-o", str(tmp_path)]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert "unknown bAbI task '0' (one of all, 1, 2, ..., 20)" in err
