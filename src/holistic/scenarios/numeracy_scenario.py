"""Numeracy: induce an unknown integer polynomial from points and impute a value (§6.2 numeracy).

Relation types linear (y = Ax + B), parabola, plane (z = Ax + By + C) and axis-aligned paraboloid; modes
`example` (one fixed polynomial per type), `standard` (one sampled polynomial) and `function` (a fresh
polynomial per evaluation point). Points and coefficients come from Python's `random` and NumPy's legacy
generator, both seeded with `seed`; the order of draws below is what makes the instances identical to
HELM's, so keep it when editing.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field

from holistic.errors import DescriptionError, one_of
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, TRAIN_SPLIT, Instance, Reference, Scenario

SOLUTION_TAG = "solution"
CLASS_TAG = "class"
DELIMITER = ", "
VARIABLES = "xyz"
MODES = ("example", "standard", "function")
POINT_CHOICES = (0, 1, 2, 5, 10, 20, 50, 100, 200)  # half-widths of the square grids points come from
NUM_TRAIN_POINTS = 100
NUM_TEST_POINTS = 100
NUM_FUNCTIONS = 1000  # function mode: polynomials per split
MAX_ATTEMPTS = 100


@dataclass(frozen=True)
class RelationType:
    degree: int
    num_variables: int
    coefficient_ranges: list[tuple[int, int]]  # inclusive, one per term (highest degree first)
    example_coefficients: list[int]
    nonnegative: bool  # points from the upper-right quadrant only (no symmetry to exploit)


RELATION_TYPES = {
    "linear": RelationType(1, 1, [(1, 5), (1, 5)], [2, 5], False),  # 2x + 5
    "parabola": RelationType(2, 1, [(1, 2), (0, 2), (1, 5)], [1, 0, 2], True),  # x^2 + 2
    "plane": RelationType(1, 2, [(1, 5), (1, 5), (1, 5)], [2, 1, 5], False),  # 2x + y + 5
    "paraboloid": RelationType(
        2, 2, [(1, 2), (0, 1), (1, 2), (0, 0), (0, 0), (1, 5)], [2, 0, 1, 0, 0, 2], True
    ),
}


def generate_terms(degree: int, num_variables: int) -> list[tuple[int, ...]]:
    """Monomials as multisets of variable indices, highest degree first: (0, 0) = x^2, (0, 1) = xy, () = 1."""
    return [
        term
        for d in range(degree, -1, -1)
        for term in itertools.combinations_with_replacement(range(num_variables), d)
    ]


def term_text(term: tuple[int, ...]) -> str:
    parts = []
    for variable in sorted(set(term)):
        power = term.count(variable)
        parts.append(VARIABLES[variable] + (f"^{power}" if power > 1 else ""))
    return "".join(parts)


@dataclass
class Polynomial:
    degree: int
    num_variables: int
    coefficients: list[int]
    terms: list[tuple[int, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.terms = generate_terms(self.degree, self.num_variables)

    def eval(self, values: tuple[int, ...]) -> int:
        return sum(c * math.prod(values[i] for i in term) for c, term in zip(self.coefficients, self.terms))

    def __str__(self) -> str:
        monomials = []
        for coefficient, term in zip(self.coefficients, self.terms):
            text = term_text(term)
            if coefficient == 0:
                continue
            if coefficient == 1:
                monomials.append(text or "1")
            elif coefficient == -1:
                monomials.append(f"-{text}" if text else "-1")
            else:
                monomials.append(f"{coefficient}{text}")
        return " + ".join(monomials).replace(" + -", " - ")


def sample_polynomial(rng: random.Random, relation: RelationType) -> Polynomial:
    """Coefficients drawn uniformly from their ranges until the polynomial has its full degree, uses every
    variable and has a non-zero constant."""
    terms = generate_terms(relation.degree, relation.num_variables)
    num_top_terms = math.comb(relation.degree + relation.num_variables - 1, relation.num_variables - 1)
    for _ in range(MAX_ATTEMPTS):
        coefficients = [rng.randint(low, high) for low, high in relation.coefficient_ranges]
        valid = coefficients[-1] != 0 and sum(coefficients[:num_top_terms]) != 0
        # Every variable must matter: the polynomial (without its constant) at each unit vector is non-zero.
        valid = valid and all(
            sum(c for c, term in zip(coefficients[:-1], terms[:-1]) if set(term) == {variable})
            for variable in range(relation.num_variables)
        )
        if valid:
            return Polynomial(relation.degree, relation.num_variables, coefficients)
    raise DescriptionError(f"numeracy: no valid polynomial within {MAX_ATTEMPTS} draws from {relation}")


def point_grid(relation: RelationType) -> list[tuple[int, ...]]:
    """The smallest grid of POINT_CHOICES with room for all train and test points (HELM's overlap setting)."""
    needed = NUM_TRAIN_POINTS + NUM_TEST_POINTS
    for half_width in POINT_CHOICES:
        size = (half_width + 1) if relation.nonnegative else (2 * half_width + 1)
        if size**relation.num_variables >= needed:
            break
    low = 0 if relation.nonnegative else -half_width
    grid = list(itertools.product(range(low, half_width + 1), repeat=relation.num_variables))
    if relation.num_variables == 2:
        grid = [p for p in grid if p[0] <= p[1]]
    return grid


def check_arguments(relation_type: str, mode: str) -> None:
    if relation_type not in RELATION_TYPES:
        raise DescriptionError(f"unknown numeracy relation_type '{relation_type}' ({one_of(RELATION_TYPES)})")
    if mode not in MODES:
        raise DescriptionError(f"unknown numeracy mode '{mode}' ({one_of(MODES)})")


def dataset_header(num_variables: int) -> str:
    """`x, y` or `x, y, z`: the instructions line of numeracy prompts."""
    return DELIMITER.join(VARIABLES[: num_variables + 1])


class NumeracyScenario(Scenario):
    name = "numeracy"
    description = "polynomial induction"
    tags: list[str] = []

    def __init__(self, relation_type: str = "linear", mode: str = "function", seed: int | str = 0) -> None:
        check_arguments(relation_type, mode)
        try:
            self.seed = int(seed)
        except ValueError:
            raise DescriptionError(f"numeracy seed must be an integer, not '{seed}'") from None
        self.relation_type = relation_type
        self.relation = RELATION_TYPES[relation_type]
        self.mode = mode

    def _points(self, polynomial: Polynomial, grid: list, num_train: int, num_test: int) -> list[Instance]:
        """`num_train` then `num_test` distinct grid points with the polynomial's value as reference."""
        train_indexes = self.np_rng.permutation(len(grid))[:num_train].tolist()
        taken = set(train_indexes)
        rest = [i for i in range(len(grid)) if i not in taken]
        test_indexes = [rest[i] for i in self.np_rng.permutation(len(rest))[:num_test].tolist()]
        variable = VARIABLES[self.relation.num_variables]
        references = [f"{variable} = {polynomial}", self.relation_type]
        instances = []
        for split, indexes in ((TRAIN_SPLIT, train_indexes), (TEST_SPLIT, test_indexes)):
            for index in indexes:
                point = grid[index]
                instances.append(
                    Instance(
                        DELIMITER.join(map(str, point)),
                        [
                            Reference(str(polynomial.eval(point)), [CORRECT_TAG]),
                            Reference(references[0], [SOLUTION_TAG]),
                            Reference(references[1], [CLASS_TAG]),
                        ],
                        split,
                    )
                )
        return instances

    def _function_instances(self, grid: list, split: str) -> list[Instance]:
        """Function mode: each instance is a whole dataset of a fresh polynomial, laid out as the numeracy
        prompt lays out points (`x\\n, y` blocks under the header), ending with the point to impute."""
        instances = []
        for _ in range(NUM_FUNCTIONS):
            points = self._points(sample_polynomial(self.rng, self.relation), grid, NUM_TRAIN_POINTS, 1)
            *train, test = points
            blocks = [f"{p.input}\n, {p.references[0].output}\n" for p in train]
            text = "\n".join([dataset_header(self.relation.num_variables), *blocks, test.input])
            instances.append(Instance(text, test.references, split))
        return instances

    def get_instances(self) -> list[Instance]:
        import numpy as np

        self.rng = random.Random(self.seed)
        self.np_rng = np.random.RandomState(self.seed)
        grid = point_grid(self.relation)
        if self.mode == "example":
            relation = self.relation
            polynomial = Polynomial(relation.degree, relation.num_variables, relation.example_coefficients)
            return self._points(polynomial, grid, NUM_TRAIN_POINTS, NUM_TEST_POINTS)
        if self.mode == "standard":
            polynomial = sample_polynomial(self.rng, self.relation)
            return self._points(polynomial, grid, NUM_TRAIN_POINTS, NUM_TEST_POINTS)
        return self._function_instances(grid, TRAIN_SPLIT) + self._function_instances(grid, TEST_SPLIT)
