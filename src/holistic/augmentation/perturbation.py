"""The Perturbation base class, its data files, and resolving HELM's class names (§7.1).

A perturbation is built from a PerturbationSpec whose class name is HELM's
(`helm.benchmark.augmentations.<module>.<Class>`); it resolves to `holistic.augmentation.<module>.<Class>`,
one module per perturbation, named as HELM's. Perturbations that need a data file get it in `prepare`,
through a `PerturbationFiles` that knows the output directory and the data mirror.
"""

from __future__ import annotations

import inspect
import logging
import os
import shutil
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from pathlib import Path
from random import Random

from holistic.errors import DataError, DescriptionError
from holistic.resolve import resolve_class
from holistic.scenarios.base import Instance, PerturbationDescription, Reference
from holistic.specs.object_spec import PerturbationSpec

log = logging.getLogger(__name__)

CODALAB_BLOB = "https://worksheets.codalab.org/rest/bundles/{bundle}/contents/blob/"


def match_case(source: str, target: str) -> str:
    """`target` cased like `source`: all lower, all upper, capitalised, or left as it is."""
    if all(c.islower() for c in source):
        return target.lower()
    if all(c.isupper() for c in source):
        return target.upper()
    if source[:1].isupper():
        return target.capitalize()
    return target


@dataclass(frozen=True)
class PerturbationFiles:
    """Where perturbation data files are cached (`<output>/perturbations/<name>/<file>`) and mirrored."""

    output_path: str
    """The `--output-path` of the run (HELM's `benchmark_output`)."""

    data_mirror: str | None = None
    """`--data-mirror DIR`: files are looked up as `DIR/perturbations/<name>/<file>` first."""

    def get(self, perturbation: str, file_name: str, url: str) -> Path:
        """The cached file, copied from the mirror or downloaded on first use."""
        from holistic.scenarios.download import ensure_file_downloaded

        target = Path(self.output_path, "perturbations", perturbation, file_name)
        if target.exists():
            return target
        relative = Path("perturbations", perturbation, file_name)
        if self.data_mirror:
            source = Path(self.data_mirror, relative)
            if source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{target.name}.copying")
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)
                return target
            log.warning("%s is not in the data mirror %s; downloading %s", relative, self.data_mirror, url)
        try:
            # The mirror was handled above: its layout for perturbations differs from the scenarios' one.
            return ensure_file_downloaded(url, target, mirror=None)
        except DataError:
            raise MissingPerturbationFile(perturbation, url, target, relative) from None


class MissingPerturbationFile(DataError):
    """A perturbation's data file is neither cached, nor in the mirror, nor downloadable."""

    def __init__(self, perturbation: str, url: str, target: Path, relative: Path) -> None:
        self.perturbation, self.url, self.target, self.relative = perturbation, url, target, relative
        super().__init__(
            f"the {perturbation} perturbation needs {relative.name}, which could not be downloaded: "
            f"{self.remedy()} (or pass --data-mirror DIR with DIR/{relative})"
        )

    def remedy(self) -> str:
        return f"place a copy of {self.url} at {self.target}"


class Perturbation(ABC):
    """A text transform applied to instances with a per-instance random stream (§7.1)."""

    name: str = ""
    """Name in the description (e.g. `extra_space`)."""

    should_perturb_references: bool = False
    """Whether references are perturbed too (before the input, from the same stream)."""

    @property
    def description(self) -> PerturbationDescription:
        return PerturbationDescription(name=self.name)

    def prepare(self, files: PerturbationFiles) -> None:
        """Load data files; called once before the first `apply`."""
        return None  # most perturbations need no data

    @staticmethod
    def get_rng(instance: Instance, seed: int | None = None) -> Random:
        if instance.id is None:
            raise ValueError("instances need ids before they are perturbed")
        # CPython seeds from a str through SHA-512, so these streams are HELM's exactly.
        return Random(instance.id if seed is None else str(seed) + instance.id)

    def apply(self, instance: Instance, seed: int | None = None) -> Instance:
        rng = self.get_rng(instance, seed)
        references = instance.references
        if self.should_perturb_references:
            references = [self.perturb_reference(reference, rng) for reference in references]
        return replace(
            instance,
            input=self.perturb(instance.input, rng),
            references=references,
            perturbation=replace(self.description, seed=seed),
        )

    def perturb_reference(self, reference: Reference, rng: Random) -> Reference:
        return replace(reference, output=self.perturb(reference.output, rng))

    @abstractmethod
    def perturb(self, text: str, rng: Random) -> str:
        """The perturbed text; every random draw comes from `rng`."""


_PREFIX = "helm.benchmark.augmentations."


def _resolve(class_name: str) -> type[Perturbation]:
    return resolve_class(class_name, "holistic.augmentation", "perturbation class", Perturbation)


def create_perturbation(spec: PerturbationSpec, files: PerturbationFiles | None = None) -> Perturbation:
    """Build the perturbation of `spec` and load its data files."""
    cls = _resolve(spec.class_name)
    try:
        inspect.signature(cls).bind(**spec.args)
    except TypeError as e:
        raise DescriptionError(f"bad arguments for perturbation {cls.name or cls.__name__}: {e}") from None
    perturbation = cls(**spec.args)
    perturbation.prepare(files or PerturbationFiles("benchmark_output"))
    return perturbation
