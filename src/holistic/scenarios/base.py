"""Instances, references and the Scenario base class (HELM v0.1.0 data model, §3.1)."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from pathlib import Path

from holistic.errors import DescriptionError
from holistic.jsonio import memoize_json_of
from holistic.resolve import resolve_class
from holistic.specs import AdapterSpec, ScenarioSpec

TRAIN_SPLIT = "train"
VALID_SPLIT = "valid"
TEST_SPLIT = "test"
EVAL_SPLITS = (VALID_SPLIT, TEST_SPLIT)
CORRECT_TAG = "correct"


@dataclass(frozen=True)
class Reference:
    output: str
    """The reference text."""

    tags: list[str]
    """`correct`, ranking tags (`relevance=2`), ..."""

    @property
    def is_correct(self) -> bool:
        return CORRECT_TAG in self.tags


@dataclass(frozen=True)
class PerturbationDescription:
    name: str
    """Name of the perturbation."""

    robustness: bool = False
    """Whether it measures robustness."""

    fairness: bool = False
    """Whether it measures fairness."""

    computed_on: str = "perturbed"
    """`perturbed`, `original` or `worst`."""

    seed: int | None = None
    """Seed index of the perturbed copy (None for the first). Concrete perturbations subclass this."""


@dataclass(frozen=True, eq=False)
class Instance:
    """One example. Instances compare by identity, as HELM's do."""

    input: str
    """The input text."""

    references: list[Reference]
    """Candidate or gold outputs."""

    split: str | None = None
    """`train`, `valid` or `test`."""

    sub_split: str | None = None
    """A finer group (e.g. `toxic`)."""

    id: str | None = None
    """`id<position>` in the scenario's full list, assigned by the runner."""

    perturbation: PerturbationDescription | None = None
    """Set on perturbed copies."""

    contrast_inputs: list[str] | None = None
    """Inputs of the contrast set (boolq, imdb)."""

    contrast_references: list[list[Reference]] | None = None
    """References of each contrast input."""

    @property
    def first_correct_reference(self) -> Reference | None:
        for reference in self.references:
            if reference.is_correct:
                return reference
        return None

    def with_id(self, instance_id: str) -> Instance:
        if type(self) is not Instance:
            return replace(self, id=instance_id)
        # `replace` without its field-by-field __init__ (every instance of a scenario gets an id: for MMLU's
        # 57 subjects, 16k copies a suite): a plain frozen dataclass with no __post_init__, so equal.
        copy = object.__new__(Instance)
        fields = copy.__dict__
        fields.update(self.__dict__)
        fields["id"] = instance_id
        return copy


_new = object.__new__


def new_reference(output: str, tags: list[str]) -> Reference:
    """`Reference(output, tags)`, built without the frozen dataclass's field-by-field `__init__` (for loaders
    of large data sets: MMLU builds 63k references for a suite of its 57 subjects)."""
    reference = _new(Reference)
    reference.__dict__.update(output=output, tags=tags)
    return reference


def new_instance(input: str, references: list[Reference], split: str | None) -> Instance:
    """`Instance(input, references, split=split)`, built as `new_reference` is."""
    instance = _new(Instance)
    instance.__dict__.update(
        input=input,
        references=references,
        split=split,
        sub_split=None,
        id=None,
        perturbation=None,
        contrast_inputs=None,
        contrast_references=None,
    )
    return instance


class Scenario(ABC):
    """Subclasses set `name`, `description`, `tags` and implement `get_instances`.

    The runner sets `output_path` (`<output>/scenarios/<name>`) and `data_mirror` before calling
    `get_instances`; scenarios fetch files through `holistic.scenarios.download.ensure_file_downloaded`.
    """

    name: str = ""
    description: str = ""
    tags: list[str] = []

    output_path: str = ""
    data_mirror: str | None = None

    reuse_instances: bool = False
    """True when `get_instances` depends only on the scenario's attributes and changes none of them: the
    runner then reuses the instances of the previous run of an equal scenario (a suite runs each MMLU subject
    with several methods and numbers of in-context examples)."""

    @abstractmethod
    def get_instances(self) -> list[Instance]:
        """Every instance, train and eval, in a deterministic order."""

    def check_adapter_spec(self, adapter_spec: AdapterSpec) -> None:
        """Called after `get_instances`: raise a DataError when the data cannot serve this adapter spec
        (e.g. in-context examples requested from a split the data lacks). Most scenarios accept any."""
        return None

    @property
    def definition_path(self) -> str:
        module = type(self).__module__.rsplit(".", 1)[-1]
        return f"https://github.com/stanford-crfm/helm/blob/main/src/helm/benchmark/scenarios/{module}.py"

    def data_path(self, *parts: str) -> Path:
        return Path(self.output_path, *parts)


def _resolve(class_name: str) -> type[Scenario]:
    """Map HELM's class name (`helm.benchmark.scenarios.<module>.<Class>`) to holistic's implementation."""
    return resolve_class(class_name, "holistic.scenarios", "scenario class", Scenario)


def create_scenario(spec: ScenarioSpec) -> Scenario:
    cls = _resolve(spec.class_name)
    try:
        inspect.signature(cls).bind(**spec.args)
    except TypeError as e:
        raise DescriptionError(f"bad arguments for scenario {cls.name or cls.__name__}: {e}") from None
    return cls(**spec.args)


memoize_json_of(Instance, PerturbationDescription, Reference)
