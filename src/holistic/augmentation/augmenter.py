"""Applying a DataAugmenterSpec to a run's instances (§7.1)."""

from __future__ import annotations

from pathlib import Path

from holistic.augmentation.perturbation import (
    MissingPerturbationFile,
    Perturbation,
    PerturbationFiles,
    create_perturbation,
)
from holistic.errors import DataError
from holistic.scenarios.base import EVAL_SPLITS, TRAIN_SPLIT, Instance
from holistic.specs.object_spec import DataAugmenterSpec


def generate(
    perturbations: list[Perturbation],
    instances: list[Instance],
    include_original: bool,
    skip_unchanged: bool,
    seeds_per_instance: int,
) -> list[Instance]:
    """Per instance: the original, then each perturbation's copies (seed None, 1, 2, ...), in that order.

    Each perturbation starts from the original (they are not chained); a copy whose input did not change is
    dropped when `skip_unchanged`, even if its references did.
    """
    out: list[Instance] = []
    for instance in instances:
        if include_original:
            out.append(instance)
        for perturbation in perturbations:
            for i in range(seeds_per_instance):
                perturbed = perturbation.apply(instance, None if i == 0 else i)
                if skip_unchanged and perturbed.input == instance.input:
                    continue
                out.append(perturbed)
    return out


def create_perturbations(spec: DataAugmenterSpec, files: PerturbationFiles) -> list[Perturbation]:
    """Every perturbation of the spec; all missing data files are named in one error, not one per try."""
    perturbations = []
    missing: dict[Path, MissingPerturbationFile] = {}
    for perturbation_spec in spec.perturbation_specs:
        try:
            perturbations.append(create_perturbation(perturbation_spec, files))
        except MissingPerturbationFile as e:
            missing.setdefault(e.target, e)
    if len(missing) == 1:
        raise next(iter(missing.values()))
    if missing:
        remedies = "; ".join(e.remedy() for e in missing.values())
        raise DataError(
            f"perturbation data files are missing and could not be downloaded: {remedies} "
            f"(or pass --data-mirror DIR with DIR/perturbations/<name>/<file>)"
        )
    return perturbations


def augment_instances(
    data_augmenter_spec: DataAugmenterSpec,
    instances: list[Instance],
    output_path: str = "benchmark_output",
    data_mirror: str | None = None,
) -> list[Instance]:
    """Train instances then eval instances, each augmented as the spec says (ids are kept)."""
    spec = data_augmenter_spec
    files = PerturbationFiles(output_path, data_mirror)
    perturbations = create_perturbations(spec, files)
    train = [i for i in instances if i.split == TRAIN_SPLIT]
    evals = [i for i in instances if i.split in EVAL_SPLITS]
    if spec.should_augment_train_instances:
        train = generate(
            perturbations,
            train,
            spec.should_include_original_train,
            spec.should_skip_unchanged_train,
            spec.seeds_per_instance,
        )
    if spec.should_augment_eval_instances:
        evals = generate(
            perturbations,
            evals,
            spec.should_include_original_eval,
            spec.should_skip_unchanged_eval,
            spec.seeds_per_instance,
        )
    return train + evals
