"""Code metrics (§5.2 `code_eval_acc`/`pass`, §5.8 APPSMetric): model-written programs run in the sandbox.

HumanEval (BasicMetric names `code_eval_acc` and `pass`): the problem's prompt, four spaces, the completion
(stripped, as every BasicMetric prediction), the problem's tests and `check(<entry point>)` form one program;
it passes when it exits with status 0 within 3 seconds. APPS (`APPSMetric`): each test case of the problem
runs the completion once, on the case's standard input or, for call-based problems (`fn_name`), calling the
function with the case's arguments; `test_avg` is the share of cases passed, `strict_acc` whether all were.

Every program of a run is executed before the per-instance evaluation, on `--num-threads` workers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

from holistic.adaptation.request_state import RequestState, ScenarioState
from holistic.errors import DescriptionError, one_of
from holistic.metrics.metric import Metric, MetricContext, MetricResult
from holistic.metrics.sandbox import ProgramResult, Sandbox, SandboxLimits
from holistic.metrics.statistic import Stat, metric_name
from holistic.specs import AdapterSpec

HUMANEVAL_TIMEOUT = 3.0
APPS_METRIC_NAMES = ("test_avg", "strict_acc")
RESULT_MARKER = "\n__holistic_apps_result__"


def humaneval_program(problem: dict, completion: str) -> str:
    return (
        problem["prompt"]
        + "    "
        + completion
        + "\n"
        + problem["test"]
        + "\n"
        + f"check({problem['entry_point']})"
    )


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al. 2021): 1 - C(n-c, k) / C(n, k), as a numerically stable product."""
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def _predictions(state: RequestState) -> list[str]:
    """Completions by descending log-probability, stripped (BasicMetric's predictions)."""
    assert state.result is not None
    completions = sorted(state.result.completions, key=lambda c: -c.logprob)
    return [c.text.strip() for c in completions]


def _golds(state: RequestState) -> list[dict]:
    return [
        r.test_cases for r in state.instance.references if r.is_correct and getattr(r, "test_cases", None)
    ]


class HumanEvalRunner:
    """Runs HumanEval programs in the sandbox, each distinct program once."""

    def __init__(self, num_threads: int) -> None:
        self.sandbox = Sandbox(SandboxLimits(timeout=HUMANEVAL_TIMEOUT), num_threads)
        self.passed: dict[str, bool] = {}

    def prepare(self, states: Iterable[RequestState]) -> None:
        programs = []
        for state in states:
            if state.result is None or not state.result.success:
                continue
            for problem in _golds(state):
                for pred in _predictions(state):
                    program = humaneval_program(problem, pred)
                    if program not in self.passed:
                        self.passed[program] = False
                        programs.append(program)
        results = self.sandbox.run_all([(p, "") for p in programs], "running HumanEval programs")
        for program, result in zip(programs, results):
            self.passed[program] = result.passed

    def score(self, problem: dict, pred: str) -> float:
        program = humaneval_program(problem, pred)
        if program not in self.passed:
            self.passed[program] = self.sandbox.run(program).passed
        return 1.0 if self.passed[program] else 0.0

    def stats(self, names: list[str], adapter_spec: AdapterSpec, state: RequestState) -> list[Stat]:
        """`code_eval_acc` (best gold, first prediction) and `pass` (pass@1 over every gold x prediction),
        plus `<name>@<num_outputs>` when several completions are requested."""
        golds, preds = _golds(state), _predictions(state)
        k = adapter_spec.num_outputs
        stats = []
        for name in names:
            if name == "pass":
                results = [self.score(g, p) for g in golds for p in preds]
                n, c = len(results), int(sum(results))
                first, best = (pass_at_k(n, c, 1), pass_at_k(n, c, k)) if n else (0.0, 0.0)
            else:
                first = max((self.score(g, preds[0]) for g in golds), default=0.0) if preds else 0.0
                best = max((self.score(g, p) for g in golds for p in preds), default=0.0)
            stats.append(Stat.of(metric_name(name), first))
            if k != 1:
                stats.append(Stat.of(metric_name(f"{name}@{k}"), best))
        return stats


def apps_jobs(test_cases: dict, completion: str) -> list[tuple[str, str]]:
    """One (program, stdin) per test case."""
    inputs, fn_name = test_cases.get("inputs", []), test_cases.get("fn_name")
    if not fn_name:
        # Standard-input cases are strings; a few APPS problems give a list of lines instead.
        return [
            (completion, "\n".join(map(str, case)) if isinstance(case, list) else str(case))
            for case in inputs
        ]
    driver = (
        "\n\nimport json as _json, sys as _sys\n"
        "_args = _json.loads(_sys.stdin.read())\n"
        f"_name = {fn_name!r}\n"
        "_target = Solution() if isinstance(globals().get('Solution'), type) else None\n"
        "_function = getattr(_target, _name) if hasattr(_target, _name) else globals()[_name]\n"
        "_result = _function(*_args)\n"
        f"_sys.stdout.write({RESULT_MARKER!r} + _json.dumps(_result, default=repr))\n"
    )
    return [(completion + driver, json.dumps(case)) for case in inputs]


def _tokens_equal(expected: str, actual: str) -> bool:
    left, right = expected.split(), actual.split()
    if left == right:
        return True
    if len(left) != len(right):
        return False
    try:
        return all(math.isclose(float(a), float(b), rel_tol=1e-5, abs_tol=1e-8) for a, b in zip(left, right))
    except ValueError:
        return False


def apps_case_passed(test_cases: dict, index: int, result: ProgramResult) -> bool:
    """Whether one test case passed: the program ended normally and printed (or returned) the expected output.

    Standard-input problems compare whitespace-separated tokens (numbers within a relative 1e-5), as lenient
    as APPS's checker about spacing; call-based problems compare the returned value (tuples as lists; a
    one-element expected list also accepts its element).
    """
    if not result.passed:
        return False
    expected = test_cases["outputs"][index]
    if not test_cases.get("fn_name"):
        if isinstance(expected, list):
            expected = "\n".join(str(e) for e in expected)
        return _tokens_equal(str(expected), result.stdout)
    _, marker, encoded = result.stdout.rpartition(RESULT_MARKER)
    if not marker:
        return False
    try:
        actual = json.loads(encoded)
    except json.JSONDecodeError:
        return False
    return actual == expected or (isinstance(expected, list) and len(expected) > 0 and actual == expected[0])


class APPSMetric(Metric):
    """`test_avg` and `strict_acc` of the best completion (§5.8)."""

    def __init__(self, names: list[str], timeout: float | str = 3) -> None:
        unknown = [n for n in names if n not in APPS_METRIC_NAMES]
        if unknown:
            raise DescriptionError(f"unknown APPS metric '{unknown[0]}' ({one_of(APPS_METRIC_NAMES)})")
        self.names = names
        self.timeout = float(timeout)
        self.results: dict[tuple[str, str], ProgramResult] = {}
        self.sandbox = Sandbox(SandboxLimits(timeout=self.timeout))

    def _result(self, job: tuple[str, str]) -> ProgramResult:
        if job not in self.results:
            self.results[job] = self.sandbox.run(*job)
        return self.results[job]

    def evaluate(self, scenario_state: ScenarioState, context: MetricContext) -> MetricResult:
        self.sandbox = sandbox = Sandbox(SandboxLimits(timeout=self.timeout), context.num_threads)
        jobs = []
        for state in scenario_state.request_states:
            if state.result is None or not state.result.success or not state.instance.references:
                continue
            test_cases = getattr(state.instance.references[0], "test_cases", None) or {}
            for completion in state.result.completions:
                jobs += [
                    job for job in apps_jobs(test_cases, completion.text.strip()) if job not in self.results
                ]
        jobs = list(dict.fromkeys(jobs))
        for job, result in zip(jobs, sandbox.run_all(jobs, "running APPS test cases")):
            self.results[job] = result
        return super().evaluate(scenario_state, context)

    def evaluate_generation(
        self, adapter_spec: AdapterSpec, request_state: RequestState, context: MetricContext
    ) -> list[Stat]:
        result = request_state.result
        if result is None or not result.success or not request_state.instance.references:
            return []
        test_cases = getattr(request_state.instance.references[0], "test_cases", None) or {}
        best = dict.fromkeys(self.names, 0.0)
        for completion in result.completions:
            jobs = apps_jobs(test_cases, completion.text.strip())
            passed = [apps_case_passed(test_cases, i, self._result(job)) for i, job in enumerate(jobs)]
            scores = {
                "test_avg": sum(passed) / len(passed) if passed else 0.0,
                "strict_acc": 1.0 if passed and all(passed) else 0.0,
            }
            for name in self.names:
                best[name] = max(best[name], scores[name])
        return [Stat.of(metric_name(name), best[name]) for name in self.names]
