"""MATH (Hendrycks et al. 2021): competition mathematics by subject and level (§6.2 math).

HELM loads the Hugging Face copy `hendrycks/competition_math`; holistic reads the same rows (problem, level,
type, solution) from the authors' release layout `MATH/{train,test}/<subject>/<n>.json`, and orders them as
HELM's loader does: sorted by problem, then permuted like `datasets.Dataset.shuffle(seed=42)`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from holistic.errors import DataError, DescriptionError
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, TRAIN_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import copy_from_mirror, data_mirror, ensure_file_downloaded
from holistic.scenarios.inputs import check_choice, parse_bool

DATA_URL = "https://people.eecs.berkeley.edu/~hendrycks/MATH.tar"
SHUFFLE_SEED = 42
SUBJECTS = {
    "number_theory": "Number Theory",
    "intermediate_algebra": "Intermediate Algebra",
    "algebra": "Algebra",
    "prealgebra": "Prealgebra",
    "geometry": "Geometry",
    "counting_and_probability": "Counting & Probability",
    "precalculus": "Precalculus",
}
ALL_SUBJECTS = "all"
LEVELS = ("1", "2", "3", "4", "5")
# The eight problems of the MATH paper's few-shot prompt (HELM's use_official_examples=True).
OFFICIAL_EXAMPLES = [
    ("What is $\\left(\\frac{7}{8}\\right)^3 \\cdot \\left(\\frac{7}{8}\\right)^{-3}$?", "1"),
    (
        "In how many ways can 4 books be selected from a shelf of 6 books"
        " if the order in which the books are selected does not matter?",
        "15",
    ),
    ("Find the distance between the points $(2,1,-4)$ and $(5,8,-3).$", "\\sqrt{59}"),
    (
        "The faces of an octahedral die are labeled with digits $1$ through $8$."
        " What is the probability, expressed as a common fraction,"
        " of rolling a sum of $15$ with a pair of such octahedral dice?",
        "\\frac{1}{32}",
    ),
    (
        "The first three terms of an arithmetic sequence are 1, 10 and 19, respectively."
        " What is the value of the 21st term?",
        "181",
    ),
    ("Calculate $6 \\cdot 8\\frac{1}{3}", "50"),
    (
        "When the binary number $100101110010_2$ is divided by 4,"
        " what is the remainder (give your answer in base 10)?",
        "2",
    ),
    ("How many zeros are at the end of the product 25 $\\times$ 240?", "3"),
]


def last_boxed_only_string(text: str) -> str | None:
    r"""The last `\boxed{...}` (or, failing that, `\fbox{...}`) of the text, braces balanced; None if absent."""
    start = text.rfind("\\boxed")
    if start < 0:
        start = text.rfind("\\fbox")
        if start < 0:
            return None
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return None


def remove_boxed(text: str) -> str | None:
    left = "\\boxed{"
    if text.startswith(left) and text.endswith("}"):
        return text[len(left) : -1]
    return None


def get_answer(solution: str | None) -> str | None:
    """The content of the solution's last `\\boxed{}`; None if there is none."""
    if solution is None:
        return None
    boxed = last_boxed_only_string(solution)
    return None if boxed is None else remove_boxed(boxed)


def hf_shuffle_order(n: int, seed: int = SHUFFLE_SEED) -> list[int]:
    """The row order `datasets.Dataset.shuffle(seed=seed)` gives: NumPy's `default_rng(seed).permutation(n)`."""
    import numpy as np

    return np.random.default_rng(seed).permutation(n).tolist()


class MATHScenario(Scenario):
    name = "MATH"
    description = "Mathematical Problem Solving"
    tags = ["knowledge", "reasoning"]

    def __init__(
        self,
        subject: str,
        level: str | int,
        use_official_examples: bool | str = False,
        use_chain_of_thought: bool | str = False,
    ) -> None:
        check_choice(subject, [ALL_SUBJECTS, *SUBJECTS], "MATH subject")
        check_choice(str(level), LEVELS, "MATH level")
        self.subject = subject
        self.level = f"Level {level}"
        self.use_official_examples = parse_bool(use_official_examples, "use_official_examples")
        self.use_chain_of_thought = parse_bool(use_chain_of_thought, "use_chain_of_thought")
        if self.use_official_examples and self.use_chain_of_thought:
            raise DescriptionError(
                "MATH: use_official_examples=True has no worked solutions for use_chain_of_thought=True "
                "(set one of them to False)"
            )

    def get_instances(self) -> list[Instance]:
        root = self._data_root()
        instances = []
        if self.use_official_examples:
            instances += [
                Instance(p, [Reference(a, [CORRECT_TAG])], TRAIN_SPLIT) for p, a in OFFICIAL_EXAMPLES
            ]
        else:
            if not (root / "train").is_dir():
                raise DataError(
                    f"MATH: the train split ({root / 'train'}) is missing, and use_official_examples=False takes "
                    f"its in-context examples from it (place the MATH release's train/ directory there or in "
                    f"<mirror>/MATH/MATH/train, or use use_official_examples=True)"
                )
            instances += self._split_instances(root / "train", TRAIN_SPLIT)
        return instances + self._split_instances(root / "test", TEST_SPLIT)

    def _data_root(self) -> Path:
        target = self.data_path("MATH")
        mirror = data_mirror(self.data_mirror)
        if not target.exists() and mirror and not copy_from_mirror(target, mirror):
            # Offline copies are often kept under the lower-case key (`<mirror>/math/MATH`).
            lower = Path(mirror, "math", "MATH")
            if lower.is_dir():
                shutil.copytree(lower, target)
        root = ensure_file_downloaded(DATA_URL, target, unpack=True, mirror=self.data_mirror)
        if not (root / "test").is_dir():
            raise DataError(
                f"MATH: {root / 'test'} is missing (expected the release layout MATH/test/<subject>/)"
            )
        return root

    def _split_instances(self, directory: Path, split: str) -> list[Instance]:
        rows = []
        for path in sorted(directory.glob("*/*.json")):
            try:
                row = json.loads(path.read_text(encoding="utf-8"))
                rows.append((row["problem"], row["level"], row["type"], row["solution"]))
            except (ValueError, KeyError, TypeError) as e:
                raise DataError(
                    f"{path}: not a MATH problem with problem, level, type, solution ({e})"
                ) from None
        rows.sort(key=lambda row: row[0])
        rows = [rows[i] for i in hf_shuffle_order(len(rows))]
        instances = []
        for problem, level, subject, solution in rows:
            if level != self.level or (self.subject != ALL_SUBJECTS and subject != SUBJECTS[self.subject]):
                continue
            answer = solution if self.use_chain_of_thought else get_answer(solution)
            if answer is None:
                continue  # no boxed answer to compare with
            instances.append(Instance(problem, [Reference(answer, [CORRECT_TAG])], split))
        return instances
