"""code: HumanEval on the real data and APPS on a fixture in APPS's own layout (tests/fixtures/code/APPS).

The expected prompts, requests and scores are derived here from the spec's rules (§6.1 code, §6.2 code,
§5.2 code_eval_acc, §8 simple/model1 as HELM 0.5) and the data files; programs are checked with a plain Python
subprocess, independently of the sandbox.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from holistic.cli.run import main as helm_run
from holistic.run_specs.construct import construct_run_specs
from holistic.scenarios.code_scenario import reindent_code
from tests.helpers import load_instances, request_states, run, stat_means

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
APPS_ROOT = FIXTURES / "code" / "APPS"
CODE_SCENARIO = "helm.benchmark.scenarios.code_scenario.CodeScenario"


def test_code_is_listed(capsys):
    assert helm_run(["--list-scenarios"]) == 0
    assert "code" in capsys.readouterr().out.split()


def test_humaneval_run_spec_matches_the_table():
    (spec,) = construct_run_specs("code:dataset=humaneval,model=simple/model1")
    assert spec.name == "code:dataset=humaneval,model=simple_model1"
    assert spec.groups == ["code_humaneval"]
    adapter = spec.adapter_spec
    assert (adapter.method, adapter.instructions, adapter.input_prefix, adapter.output_prefix) == (
        "generation", "", "", ""
    )  # fmt: skip
    assert (adapter.max_train_instances, adapter.temperature, adapter.num_outputs, adapter.max_tokens) == (
        0,
        0.2,
        1,
        600,
    )
    assert adapter.stop_sequences == ["\nclass", "\ndef", "\nif", "\nprint"]
    assert spec.metric_specs[0].args == {"names": ["code_eval_acc", "pass"]}
    harms = [m.class_name.rsplit(".", 1)[1] for m in spec.metric_specs[1:]]
    assert harms == ["BiasMetric"] * 6 + ["ToxicityMetric"]


def test_apps_run_spec_matches_the_table():
    (spec,) = construct_run_specs("code:dataset=apps,timeout=5,model=simple/model1")
    assert spec.name == "code:dataset=apps,model=simple_model1"
    assert spec.groups == ["code_apps"]
    assert spec.adapter_spec.max_train_instances == 2
    assert spec.adapter_spec.stop_sequences == ["'''", "---", '"""', "\n\n\n"]
    apps = spec.metric_specs[0]
    assert apps.class_name == "helm.benchmark.code_metrics.APPSMetric"
    assert apps.args == {"names": ["test_avg", "strict_acc"], "timeout": 5}


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("code:dataset=mbpp,model=simple/model1", "error: unknown code dataset 'mbpp'"),
        ("code:dataset=apps,timeout=soon,model=simple/model1", "error: timeout must be a number"),
        ("code:model=simple/model1", "error: missing argument 'dataset'"),
    ],
)
def test_bad_arguments_are_one_line_errors(description, message, capsys, tmp_path):
    status = helm_run(["--run-specs", description, "--suite", "s", "-o", str(tmp_path), "-m", "1"])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(message), err


def test_missing_humaneval_data_is_a_one_line_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("HOLISTIC_OFFLINE", "1")
    argv = ["--run-specs", "code:dataset=humaneval,model=simple/model1", "--suite", "s", "-o", str(tmp_path)]
    assert helm_run(argv + ["-m", "1", "--data-mirror", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("error:") and "HumanEval.jsonl" in err.splitlines()[0]


def plain_python_passes(program: str) -> bool:
    """Run a program the plain way (no sandbox), for an independent expectation."""
    try:
        completed = subprocess.run([sys.executable, "-I", "-c", program], capture_output=True, timeout=10)
    except subprocess.TimeoutExpired:
        return False
    return completed.returncode == 0


def simple_model1_completion(prompt: str) -> str:
    """simple/model1 with one completion answers the prompt's last piece of `prompt.split(" ")` (§8; the default
    v0.1.0 profile: HELM 0.5 splits on any whitespace instead, docs/compatibility.md)."""
    return prompt.split(" ")[-1]


@pytest.mark.slow
def test_humaneval_with_simple_model1_matches_the_rules(tmp_path, shared_data):
    problems = [
        json.loads(line) for line in (shared_data / "code" / "HumanEval.jsonl").read_text().splitlines()
    ]
    run_dir = run(tmp_path, "code:dataset=humaneval,model=simple/model1", shared_data, max_eval_instances=10)
    states = request_states(run_dir)
    assert len(states) == 10
    by_prompt = {p["prompt"]: p for p in problems}
    expected_scores = []
    for state in states:
        request = state["request"]
        problem = by_prompt[state["instance"]["input"]]  # the input is the problem's prompt, verbatim
        assert request["prompt"] == problem["prompt"]  # no instructions, prefixes or in-context examples
        assert (request["temperature"], request["max_tokens"], request["num_completions"]) == (0.2, 600, 1)
        assert request["stop_sequences"] == ["\nclass", "\ndef", "\nif", "\nprint"]
        references = state["instance"]["references"]
        assert [r["output"] for r in references] == [problem["canonical_solution"]]
        assert references[0]["tags"] == ["correct"]
        completion = simple_model1_completion(problem["prompt"])
        assert [c["text"] for c in state["result"]["completions"]] == [completion]
        assert "output_mapping" not in state
        program = problem["prompt"] + "    " + completion.strip() + "\n" + problem["test"] + "\n"
        expected_scores.append(
            1.0 if plain_python_passes(program + f"check({problem['entry_point']})") else 0.0
        )
    means = stat_means(run_dir)
    expected = sum(expected_scores) / len(expected_scores)
    assert means["code_eval_acc|test|"] == pytest.approx(expected)
    assert means["pass|test|"] == pytest.approx(expected)
    assert means["num_instances|test|"] == 10


def test_apps_fixture_gives_the_documented_instances(tmp_path):
    instances = load_instances(CODE_SCENARIO, {"dataset": "apps"}, tmp_path / "out", mirror=FIXTURES)
    # train/0001 lacks solutions and test/0002 lacks test cases: both are skipped.
    assert [i.split for i in instances] == ["train", "test", "test"]
    train, stdin_problem, call_problem = instances
    question = (APPS_ROOT / "test" / "0000" / "question.txt").read_text()
    assert stdin_problem.input == (
        "\nQUESTION:\n"
        + question
        + "\n"
        + ""
        + "\n"
        + "\nUse Standard Input format\n"
        + "\nANSWER in Python code:\n"
    )
    starter = (APPS_ROOT / "test" / "0001" / "starter_code.py").read_text()
    call_question = (APPS_ROOT / "test" / "0001" / "question.txt").read_text()
    assert call_problem.input == (
        "\nQUESTION:\n"
        + call_question
        + "\n"
        + starter
        + "\n"
        + "\nUse Call-Based format\n"
        + "\nANSWER in Python code:\n"
    )
    assert call_problem.references[0].test_cases["fn_name"] == "multiply"
    assert call_problem.references[0].test_cases["root"].endswith("test/0001")
    # The tab-indented train solution is reindented to four spaces per level.
    (solution,) = [r.output for r in train.references]
    assert solution == (
        "nums = list(map(int, input().split()))\nbest = nums[0]\nfor n in nums:\n"
        "    if n > best:\n        best = n\nprint(best)\n"
    )
    assert all(r.tags == ["correct"] for i in instances for r in i.references)


def test_reindent_keeps_continuation_lines_and_leaves_broken_code_alone():
    code = "def f(a,\n\t\tb):\n\tif a:\n\t\treturn [a,\n\t\t\tb]\n\treturn b\n"
    assert reindent_code(code) == "def f(a,\n\t\tb):\n    if a:\n        return [a,\n\t\t\tb]\n    return b\n"
    assert reindent_code("def broken(:\n\tpass") == "def broken(:\n\tpass"


@pytest.mark.slow
def test_apps_with_simple_model1_runs_end_to_end(tmp_path):
    run_dir = run(
        tmp_path, "code:dataset=apps,timeout=2,model=simple/model1", FIXTURES, max_eval_instances=10
    )
    states = request_states(run_dir)
    assert len(states) == 2
    means = stat_means(run_dir)
    expected = []
    for state in states:
        prompt = state["request"]["prompt"]
        # Two in-context examples are wanted; the fixture has one train problem, placed before the question.
        assert prompt.count("\nQUESTION:\n") == 2
        completion = simple_model1_completion(prompt).strip()
        expected.append(float(plain_python_passes(completion)))
    assert means["test_avg|test|"] == pytest.approx(sum(expected) / len(expected))
    assert means["strict_acc|test|"] == pytest.approx(sum(expected) / len(expected))
