"""math on the real MATH test files with simple/model1: filtering, order, the whole first prompt, errors."""

import json
import random

import numpy as np
import pytest

from holistic.errors import DataError, DescriptionError
from tests.helpers import load_instances, request_states, run, stat_means, text_of

CLASS = "helm.benchmark.scenarios.math_scenario.MATHScenario"
WINDOW, MAX_TOKENS = 2048, 20  # simple/model1: one token per character
INSTRUCTIONS = (
    "Given a mathematics problem, determine the answer. Simplify your answer as much as possible.\n"
)
OFFICIAL = [  # the MATH paper's 8-shot prompt, as HELM writes it
    ("What is $\\left(\\frac{7}{8}\\right)^3 \\cdot \\left(\\frac{7}{8}\\right)^{-3}$?", "1"),
    ("In how many ways can 4 books be selected from a shelf of 6 books if the order in which the books are "
     "selected does not matter?", "15"),
    ("Find the distance between the points $(2,1,-4)$ and $(5,8,-3).$", "\\sqrt{59}"),
    ("The faces of an octahedral die are labeled with digits $1$ through $8$. What is the probability, expressed "
     "as a common fraction, of rolling a sum of $15$ with a pair of such octahedral dice?", "\\frac{1}{32}"),
    ("The first three terms of an arithmetic sequence are 1, 10 and 19, respectively. What is the value of the "
     "21st term?", "181"),
    ("Calculate $6 \\cdot 8\\frac{1}{3}", "50"),
    ("When the binary number $100101110010_2$ is divided by 4, what is the remainder (give your answer in base "
     "10)?", "2"),
    ("How many zeros are at the end of the product 25 $\\times$ 240?", "3"),
]  # fmt: skip


def rows_of(shared_data, subject_dir, level):
    """Test rows of one subject and level in HELM's order: sorted by problem, then datasets' shuffle(seed=42)."""
    rows = [json.loads(p.read_text()) for p in (shared_data / "math" / "MATH" / "test").glob("*/*.json")]
    rows.sort(key=lambda r: r["problem"])
    rows = [rows[i] for i in np.random.default_rng(42).permutation(len(rows))]
    subject = json.loads(
        next((shared_data / "math" / "MATH" / "test" / subject_dir).glob("*.json")).read_text()
    )
    return [r for r in rows if r["type"] == subject["type"] and r["level"] == f"Level {level}"]


def test_number_theory_level_1(shared_data, tmp_path):
    args = {"subject": "number_theory", "level": 1, "use_official_examples": True}
    instances = load_instances(CLASS, args, tmp_path / "out", shared_data)
    train = [i for i in instances if i.split == "train"]
    test = [i for i in instances if i.split == "test"]
    assert [(i.input, i.references[0].output) for i in train] == OFFICIAL
    assert len(test) == 30  # HELM's own test expects 47 train + 30 test with the full dataset
    rows = rows_of(shared_data, "number_theory", 1)
    assert [i.input for i in test] == [r["problem"] for r in rows]


def test_chain_of_thought_needs_the_train_split(shared_data, tmp_path):
    args = {"subject": "algebra", "level": 2, "use_chain_of_thought": True}
    with pytest.raises(DataError, match="train split .* is missing.*use_official_examples=True"):
        load_instances(CLASS, args, tmp_path / "out", shared_data)


def write_release(root):
    """A tiny MATH release: MATH/{train,test}/<subject>/<n>.json with problem, level, type, solution."""
    problems = {
        ("train", "algebra", 1): ("What is $1+1$?", "Level 2", "Algebra", "Add: $\\boxed{2}$."),
        ("train", "algebra", 2): ("No box here.", "Level 2", "Algebra", "It is 3."),  # dropped unless CoT
        ("train", "geometry", 3): ("Area of a unit square?", "Level 2", "Geometry", "$\\boxed{1}$"),
        ("test", "algebra", 4): ("What is $2+2$?", "Level 2", "Algebra", "So $\\boxed{4}$."),
        ("test", "algebra", 5): ("What is $3+3$?", "Level 3", "Algebra", "So $\\boxed{6}$."),
    }
    for (split, subject, n), (problem, level, kind, solution) in problems.items():
        path = root / "math" / "MATH" / split / subject / f"{n}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"problem": problem, "level": level, "type": kind, "solution": solution}, indent=4)
        )
    return root


@pytest.mark.parametrize(
    "chain_of_thought,expected",
    [
        (False, [("train", "What is $1+1$?", "2"), ("test", "What is $2+2$?", "4")]),
        (True, [("train", "No box here.", "It is 3."), ("train", "What is $1+1$?", "Add: $\\boxed{2}$."),
                ("test", "What is $2+2$?", "So $\\boxed{4}$.")]),
    ],
)  # fmt: skip
def test_train_split_and_chain_of_thought(tmp_path, chain_of_thought, expected):
    mirror = write_release(tmp_path / "mirror")
    args = {"subject": "algebra", "level": 2, "use_chain_of_thought": chain_of_thought}
    instances = load_instances(CLASS, args, tmp_path / "out", mirror)
    got = [(i.split, i.input, i.references[0].output) for i in instances]
    # (The order within a split is checked on the real data in test_number_theory_level_1.)
    assert sorted(got) == sorted(expected)
    assert (tmp_path / "out" / "scenarios" / "MATH" / "MATH" / "test").is_dir()


def test_first_prompt_is_helms(shared_data, tmp_path):
    rows = rows_of(shared_data, "algebra", 1)
    eval_row = rows[int(np.random.RandomState(0).permutation(len(rows))[0])]
    # In-context examples, HELM 0.2+ rule: distinct answers sorted, shuffled with random.seed(0), one each.
    answers = sorted(a for _, a in OFFICIAL)
    random.seed(0)
    random.shuffle(answers)
    examples = [next(e for e in OFFICIAL if e[1] == a) for a in answers]
    while True:
        blocks = [INSTRUCTIONS] + [f"Problem: {p}\nAnswer: ${a}$\n" for p, a in examples]
        expected = "###\n".join(blocks + [f"Problem: {eval_row['problem']}\nAnswer: $"])
        if len(expected) + MAX_TOKENS <= WINDOW or not examples:
            break
        examples.pop()
    description = "math:subject=algebra,level=1,use_official_examples=True,model=simple/model1"
    run_dir = run(tmp_path, description, shared_data, max_eval_instances=1, helm_version="0.5")
    (state,) = request_states(run_dir)
    assert state["request"]["prompt"] == expected
    assert state["num_train_instances"] == len(examples) > 0
    assert state["request"]["stop_sequences"] == ["$"]
    solution = eval_row["solution"]
    boxed = solution[solution.rindex("\\boxed{") + len("\\boxed{") :]
    depth, end = 1, 0
    while depth:
        depth += {"{": 1, "}": -1}.get(boxed[end], 0)
        end += 1
    assert text_of(state["instance"]["references"][0]["output"]) == boxed[: end - 1]
    # simple/model1 answers with the prompt's last word, "$", which is no answer.
    assert [c["text"] for c in state["result"]["completions"]] == ["$"]
    assert stat_means(run_dir)["math_equiv|test|"] == 0


def test_missing_train_split_is_a_one_line_error(shared_data, tmp_path, capsys):
    from holistic.cli.run import main as helm_run

    argv = ["--run-specs", "math:subject=algebra,level=1,model=simple/model1", "--suite", "s", "-m", "1"]
    argv += [
        "-o",
        str(tmp_path / "out"),
        "--local-path",
        str(tmp_path / "env"),
        "--data-mirror",
        str(shared_data),
    ]
    assert helm_run(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        err[0].startswith("error: ")
        and "MATH: the train split" in err[0]
        and "use_official_examples=True" in err[0]
    )


@pytest.mark.parametrize(
    "args,message",
    [
        ({"subject": "topology", "level": 1}, "unknown MATH subject 'topology'"),
        ({"subject": "algebra", "level": 6}, "unknown MATH level '6'"),
        (
            {"subject": "algebra", "level": 1, "use_official_examples": True, "use_chain_of_thought": True},
            "set one",
        ),
    ],
)
def test_bad_arguments(args, message, tmp_path):
    with pytest.raises(DescriptionError, match=message):
        load_instances(CLASS, args, tmp_path / "out")


@pytest.mark.parametrize("variant,expected", [(lambda a: f" {a} ", 1.0), (lambda a: a + "1", 0.0)])
def test_main_metric_on_known_completions(shared_data, tmp_path, variant, expected):
    from holistic.adaptation.request_state import RequestState
    from holistic.metrics.basic_metrics import BasicMetric
    from holistic.models.request import Request, RequestResult, Sequence
    from holistic.run_specs import build_run_spec

    args = {"subject": "number_theory", "level": "1", "use_official_examples": "True"}
    spec = build_run_spec("math", args)
    instance = [i for i in load_instances(CLASS, args, tmp_path / "out", shared_data) if i.split == "test"][0]
    completion = variant(instance.references[0].output)
    result = RequestResult(True, [], [Sequence(completion, 0.0, [])], False)
    state = RequestState(instance, None, None, 0, None, Request(), result, 0, False)
    (metric,) = [m for m in spec.metric_specs if m.class_name.endswith("BasicMetric")]
    assert metric.args == {"names": ["math_equiv"]}
    stats = BasicMetric(**metric.args).reference_stats(spec.adapter_spec, state)
    assert {s.name.name: s.mean for s in stats}["math_equiv"] == expected
