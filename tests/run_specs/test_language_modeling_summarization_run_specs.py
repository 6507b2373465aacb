"""The language-modelling and summarization keys: listed, built as HELM names them, one-line argument errors."""

import pytest

from holistic.cli.run import main as helm_run
from holistic.run_specs import build_run_spec

KEYS = ("the_pile", "wikitext_103", "twitter_aae", "ice", "summarization_xsum", "summarization_xsum_sampled",
        "summarization_cnndm")  # fmt: skip


def test_list_scenarios_names_all_seven(capsys):
    assert helm_run(["--list-scenarios"]) == 0
    listed = capsys.readouterr().out.split()
    assert set(KEYS) <= set(listed)


@pytest.mark.parametrize(
    ("key", "args", "name", "groups"),
    [
        ("the_pile", {"subset": "Pile-CC"}, "the_pile:subset=Pile-CC", ["the_pile"]),
        ("wikitext_103", {}, "wikitext_103", ["wikitext_103"]),
        (
            "twitter_aae",
            {"demographic": "white"},
            "twitter_aae:demographic=white",
            ["twitter_aae", "twitter_aae_white"],
        ),
        ("ice", {"category": "W"}, "ice:category=W", ["ice"]),
    ],
)
def test_language_modeling_run_specs(key, args, name, groups):
    spec = build_run_spec(key, args)
    assert (spec.name, spec.groups) == (name, groups)
    adapter = spec.adapter_spec
    assert (adapter.method, adapter.max_train_instances, adapter.max_tokens, adapter.num_outputs) == (
        "language_modeling", 0, 0, 1,
    )  # fmt: skip
    assert [(m.class_name, m.args) for m in spec.metric_specs] == [
        ("helm.benchmark.basic_metrics.BasicMetric", {"names": []})
    ]


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("the_pile:subset=arxiv", "unknown the_pile subset 'arxiv' (did you mean ArXiv?"),
        ("twitter_aae:demographic=black", "unknown twitter_aae demographic 'black' (one of aa, white)"),
        ("ice:subset=uk", "unknown ice subset 'uk'"),
        ("summarization_cnndm:temperature=warm", "summarization_cnndm temperature must be a number >= 0"),
        ("wikitext_103:subset=x", "unknown argument 'subset' for scenario wikitext_103"),
    ],
)
def test_bad_arguments_are_one_line_errors(description, message, capsys, tmp_path):
    argv = ["--run-specs", f"{description},model=simple/model1", "--suite", "s", "-o", str(tmp_path)]
    assert helm_run(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err
