"""HumanEval's code_eval_acc and pass@k, and APPSMetric, on real programs run in the sandbox."""

from __future__ import annotations

import json

import pytest

from holistic.adaptation.request_state import RequestState, ScenarioState
from holistic.metrics.basic_metrics import BasicMetric
from holistic.metrics.code_metrics import (
    APPSMetric,
    apps_case_passed,
    apps_jobs,
    humaneval_program,
    pass_at_k,
)
from holistic.metrics.metric import MetricContext
from holistic.metrics.sandbox import ProgramResult
from holistic.models.request import Request, RequestResult, Sequence
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, Instance
from holistic.scenarios.code_scenario import CodeReference
from holistic.specs import AdapterSpec

# pass@k = 1 - C(n-c, k) / C(n, k), computed by hand.
PASS_AT_K_CASES = [
    (5, 2, 1, 0.4),  # 1 - C(3,1)/C(5,1) = 1 - 3/5
    (5, 2, 3, 0.9),  # 1 - C(3,3)/C(5,3) = 1 - 1/10
    (4, 1, 3, 0.75),  # 1 - C(3,3)/C(4,3) = 1 - 1/4
    (10, 0, 1, 0.0),
    (3, 3, 1, 1.0),
    (3, 1, 3, 1.0),  # n - c < k: some sample of k always contains the correct one
    (6, 3, 2, 0.8),  # 1 - C(3,2)/C(6,2) = 1 - 3/15
]


@pytest.mark.parametrize(("n", "c", "k", "expected"), PASS_AT_K_CASES)
def test_pass_at_k_is_the_unbiased_estimator(n, c, k, expected):
    assert pass_at_k(n, c, k) == pytest.approx(expected)


def read_problems(shared_data) -> list[dict]:
    lines = (shared_data / "code" / "HumanEval.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def humaneval_state(problem: dict, completions: list[tuple[str, float]], num_outputs: int) -> ScenarioState:
    reference = CodeReference(problem["canonical_solution"], [CORRECT_TAG], test_cases=problem)
    instance = Instance(problem["prompt"], [reference], split=TEST_SPLIT, id=problem["task_id"])
    result = RequestResult(
        success=True,
        completions=[Sequence(text=t, logprob=lp, tokens=[]) for t, lp in completions],
        embedding=[],
        cached=False,
    )
    state = RequestState(
        instance=instance,
        reference_index=None,
        request_mode=None,
        train_trial_index=0,
        output_mapping=None,
        request=Request(model="simple/model1", prompt=problem["prompt"], num_completions=num_outputs),
        result=result,
        num_train_instances=0,
        prompt_truncated=False,
    )
    return state


def evaluate(states: list[RequestState], num_outputs: int = 1, names=("code_eval_acc", "pass")) -> dict:
    adapter_spec = AdapterSpec(method="generation", num_outputs=num_outputs, max_train_instances=0)
    scenario_state = ScenarioState(adapter_spec, states)
    result = BasicMetric(list(names)).evaluate(scenario_state, MetricContext(None, num_threads=2))
    return {s.name.name: s.mean for s in result.aggregated_stats if s.name.perturbation is None}


@pytest.mark.slow
def test_canonical_solutions_score_pass_at_1_of_one_and_empty_completions_zero(shared_data):
    problems = read_problems(shared_data)
    assert len(problems) == 164
    # A model returns text a BasicMetric strips; the program re-indents its first line by four spaces.
    canonical = evaluate([humaneval_state(p, [(p["canonical_solution"], 0.0)], 1) for p in problems])
    assert canonical["pass"] == 1.0
    assert canonical["code_eval_acc"] == 1.0
    empty = evaluate([humaneval_state(p, [("", 0.0)], 1) for p in problems])
    assert empty["pass"] == 0.0
    assert empty["code_eval_acc"] == 0.0


def test_several_completions_give_pass_at_k_and_the_first_by_log_probability(shared_data):
    problem = read_problems(shared_data)[0]
    wrong = "    return not True"  # an answer that runs but fails the tests
    completions = [(wrong, 0.0), (problem["canonical_solution"], -1.0), ("", -2.0)]
    stats = evaluate([humaneval_state(problem, completions, 3)], num_outputs=3)
    assert stats["pass"] == pytest.approx(1 / 3)  # pass@1 with n=3, c=1
    assert stats["pass@3"] == 1.0
    assert stats["code_eval_acc"] == 0.0  # the most likely completion is the wrong one
    assert stats["code_eval_acc@3"] == 1.0


def test_the_humaneval_program_is_prompt_indent_completion_tests_and_check():
    problem = {"prompt": "def f(x):\n", "test": "def check(g):\n    assert g(2) == 4\n", "entry_point": "f"}
    program = humaneval_program(problem, "return x * 2")
    assert program == "def f(x):\n    return x * 2\ndef check(g):\n    assert g(2) == 4\n\ncheck(f)"


def apps_state(test_cases: dict, completions: list[str]) -> RequestState:
    reference = CodeReference("", [CORRECT_TAG], test_cases=test_cases)
    instance = Instance("\nQUESTION:\n...", [reference], split=TEST_SPLIT, id="id0")
    result = RequestResult(
        success=True,
        completions=[Sequence(text=c, logprob=0.0, tokens=[]) for c in completions],
        embedding=[],
        cached=False,
    )
    return RequestState(
        instance=instance,
        reference_index=None,
        request_mode=None,
        train_trial_index=0,
        output_mapping=None,
        request=Request(model="simple/model1", prompt=instance.input, num_completions=len(completions)),
        result=result,
        num_train_instances=0,
        prompt_truncated=False,
    )


STDIN_TESTS = {"inputs": ["1 2\n", "10 -3\n", "5 5\n", "0 0\n"], "outputs": ["3\n", "7\n", "10\n", "0\n"]}
CALL_TESTS = {"fn_name": "multiply", "inputs": [[2, 3], [4, 5]], "outputs": [[6], [20]]}


def apps_stats(test_cases: dict, completions: list[str]) -> dict:
    adapter_spec = AdapterSpec(method="generation", num_outputs=len(completions), max_train_instances=2)
    metric = APPSMetric(["test_avg", "strict_acc"], timeout=1)
    scenario_state = ScenarioState(adapter_spec, [apps_state(test_cases, completions)])
    result = metric.evaluate(scenario_state, MetricContext(None, num_threads=2))
    return {s.name.name: s.mean for s in result.aggregated_stats if s.name.perturbation is None}


def test_apps_scores_the_share_of_test_cases_and_strict_accuracy():
    correct = "a, b = map(int, input().split())\nprint(a + b)"
    # Right only when a == b or both are zero: 2 of the 4 cases (5 5 and 0 0).
    half = "a, b = map(int, input().split())\nprint(2 * a)"
    assert apps_stats(STDIN_TESTS, [correct]) == {"test_avg": 1.0, "strict_acc": 1.0}
    assert apps_stats(STDIN_TESTS, [half]) == {"test_avg": 0.5, "strict_acc": 0.0}
    # The best completion counts.
    assert apps_stats(STDIN_TESTS, [half, correct]) == {"test_avg": 1.0, "strict_acc": 1.0}
    assert apps_stats(STDIN_TESTS, ["while True:\n    pass"]) == {"test_avg": 0.0, "strict_acc": 0.0}


def test_apps_call_based_problems_call_the_function():
    solution = "class Solution:\n    def multiply(self, a, b):\n        return a * b"
    function = "def multiply(a, b):\n    return a * b"
    wrong = "def multiply(a, b):\n    return a + b"
    assert apps_stats(CALL_TESTS, [solution]) == {"test_avg": 1.0, "strict_acc": 1.0}
    assert apps_stats(CALL_TESTS, [function]) == {"test_avg": 1.0, "strict_acc": 1.0}
    assert apps_stats(CALL_TESTS, [wrong]) == {"test_avg": 0.0, "strict_acc": 0.0}


def test_apps_output_comparison_tolerates_spacing_and_float_rounding():
    tests = {"inputs": [""], "outputs": ["1 2\n0.3333333\n"]}
    (job,) = apps_jobs(tests, "")

    def passed(stdout: str) -> bool:
        return apps_case_passed(tests, 0, ProgramResult(0, False, stdout, ""))

    assert job == ("", "")
    assert passed("1  2\n0.33333333333\n\n")
    assert not passed("1 2\n0.34\n")
    assert not passed("1 2")
    assert not apps_case_passed(tests, 0, ProgramResult(1, False, "1 2\n0.3333333\n", ""))


def test_apps_standard_input_given_as_a_list_of_lines():
    tests = {"inputs": [["2", "3 4"]], "outputs": [["7"]]}
    assert apps_jobs(tests, "print(1)") == [("print(1)", "2\n3 4")]
    solution = "input()\na, b = map(int, input().split())\nprint(a + b)"
    assert apps_stats(tests, [solution]) == {"test_avg": 1.0, "strict_acc": 1.0}
