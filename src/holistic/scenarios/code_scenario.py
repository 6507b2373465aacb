"""Code generation (§6.2 code): HumanEval (Chen et al. 2021) and APPS (Hendrycks et al. 2021).

HumanEval: 164 Python functions to complete from their signature and docstring; the model's completion is
judged by running the problem's unit tests. APPS: programming problems in plain English, judged by running
the problem's input/output test cases. Both are run by the sandbox in `holistic/metrics/sandbox.py`.
"""

from __future__ import annotations

import io
import json
import os
import tokenize
from dataclasses import dataclass
from pathlib import Path

from holistic.errors import DataError, DescriptionError, one_of
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, TRAIN_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded

HUMANEVAL_URL = "https://github.com/openai/human-eval/raw/master/data/HumanEval.jsonl.gz"
APPS_URL = "https://people.eecs.berkeley.edu/~hendrycks/APPS.tar.gz"
DATASETS = ("humaneval", "apps")
APPS_SPLITS = (("train", TRAIN_SPLIT), ("test", TEST_SPLIT))
MAX_APPS_CHARS = 150_000  # APPS's own training pipeline truncates every field to this


@dataclass(frozen=True)
class CodeReference(Reference):
    test_cases: dict | None = None
    """HumanEval: the whole problem (`prompt`, `test`, `entry_point`, ...); APPS: the problem's
    `input_output.json` (`inputs`, `outputs`, optional `fn_name`) plus `root`, its directory."""


def apps_input(question: str, starter_code: str, call_based: bool) -> str:
    """APPS's prompt, with HELM's "in Python code" so models answer in Python."""
    answer_type = "\nUse Call-Based format\n" if call_based else "\nUse Standard Input format\n"
    return (
        "\nQUESTION:\n" + question + "\n" + starter_code + "\n" + answer_type + "\nANSWER in Python code:\n"
    )


def reindent_code(code: str) -> str:
    """Indent each block by four spaces per level (tabs and odd widths in APPS solutions), as APPS does.

    Only the first line of each logical line is re-indented; code Python cannot tokenize is left as is.
    """
    lines = code.splitlines(keepends=True)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return code
    level = 0
    starts: dict[int, int] = {}  # row (1-based) starting a logical line -> its indentation level
    at_line_start = True
    for token in tokens:
        if token.type == tokenize.INDENT:
            level += 1
        elif token.type == tokenize.DEDENT:
            level -= 1
        elif token.type in (tokenize.NEWLINE, tokenize.NL):
            at_line_start = token.type == tokenize.NEWLINE or at_line_start
        elif token.type in (tokenize.COMMENT, tokenize.ENDMARKER):
            continue
        elif at_line_start:
            starts[token.start[0]] = level
            at_line_start = False
    for row, row_level in starts.items():
        line = lines[row - 1]
        lines[row - 1] = "    " * row_level + line.lstrip(" \t")
    return "".join(lines)


class CodeScenario(Scenario):
    name = "code"
    description = "Code Generation"
    tags = ["Reasoning", "Code Generation"]

    def __init__(self, dataset: str) -> None:
        if dataset not in DATASETS:
            raise DescriptionError(f"unknown code dataset '{dataset}' ({one_of(DATASETS, dataset)})")
        self.dataset = dataset

    def get_instances(self) -> list[Instance]:
        if self.dataset == "humaneval":
            path = ensure_file_downloaded(
                HUMANEVAL_URL, self.data_path("HumanEval.jsonl"), mirror=self.data_mirror
            )
            return read_humaneval(path)
        root = ensure_file_downloaded(APPS_URL, self.data_path("APPS"), unpack=True, mirror=self.data_mirror)
        return read_apps(root)


def read_humaneval(path: Path) -> list[Instance]:
    instances = []
    with open(path, encoding="utf-8") as f:
        for line_number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                problem = json.loads(line)
                prompt, solution = problem["prompt"], problem["canonical_solution"]
                problem["test"], problem["entry_point"]  # noqa: B018 - needed by the metric
            except (json.JSONDecodeError, KeyError) as e:
                raise DataError(f"{path}:{line_number}: not a HumanEval problem ({e})") from None
            reference = CodeReference(solution, [CORRECT_TAG], test_cases=problem)
            instances.append(Instance(input=prompt, references=[reference], split=TEST_SPLIT))
    if not instances:
        raise DataError(f"{path} holds no HumanEval problems (expected 164 JSON lines)")
    return instances


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")[:MAX_APPS_CHARS]


def read_apps(root: Path) -> list[Instance]:
    """Problems of `APPS/train` then `APPS/test`, each directory in name order (HELM took os.listdir's)."""
    instances = []
    for directory, split in APPS_SPLITS:
        split_dir = root / directory
        if not split_dir.is_dir():
            raise DataError(f"{split_dir} is missing (APPS unpacks to APPS/train and APPS/test)")
        for problem_dir in sorted(split_dir.iterdir()):
            question_path = problem_dir / "question.txt"
            solutions_path = problem_dir / "solutions.json"
            tests_path = problem_dir / "input_output.json"
            # Every problem needs its question; train problems their solutions, test problems their tests.
            if not question_path.is_file():
                continue
            if split == TRAIN_SPLIT and not solutions_path.is_file():
                continue
            if split == TEST_SPLIT and not tests_path.is_file():
                continue
            starter_path = problem_dir / "starter_code.py"
            starter_code = _read_text(starter_path) if starter_path.is_file() else ""
            try:
                solutions = json.loads(solutions_path.read_text()) if solutions_path.is_file() else []
                test_cases = json.loads(tests_path.read_text()) if tests_path.is_file() else {}
            except json.JSONDecodeError as e:
                raise DataError(f"{problem_dir}: bad JSON ({e})") from None
            test_cases["root"] = os.fspath(problem_dir)
            solutions = [reindent_code(s)[:MAX_APPS_CHARS] for s in solutions] or [""]
            prompt = apps_input(_read_text(question_path), starter_code, starter_path.exists())
            references = [CodeReference(s, [CORRECT_TAG], test_cases=test_cases) for s in solutions]
            instances.append(Instance(input=prompt, references=references, split=split))
    if not instances:
        raise DataError(
            f"{root} holds no APPS problems (expected APPS/{{train,test}}/<problem>/question.txt)"
        )
    return instances
