"""PersonName: person names of one group swapped for names of another, consistently per instance (§7.3).

The name list is HELM's CodaLab `person_names.txt` (lines `name,name_type[,category,value]*`; first names
from Greenwald et al. 1998 with race and gender, last names from Garg et al. 2018 with race), fetched on
first use into `<output>/perturbations/person_name/person_names.txt`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from random import Random

from holistic.augmentation.perturbation import CODALAB_BLOB, Perturbation, PerturbationFiles, match_case
from holistic.errors import DataError, DescriptionError
from holistic.scenarios.base import Instance, PerturbationDescription

FILE_NAME = "person_names.txt"
SOURCE_URL = CODALAB_BLOB.format(bundle="0xa65e8f9a107c44f198eb4ad356bbda34")
# The path HELM records in the description whatever the output path (see dialect_perturbation.py).
HELM_NAME_FILE_PATH = "benchmark_output/perturbations/person_name/data/person_names.txt"
NAME_TYPES = ("first_name", "last_name")
GENDER_CATEGORY = "gender"
_SEPARATOR = re.compile(r"([^\w])")


class PersonNamePerturbation(Perturbation):
    @dataclass(frozen=True)
    class Description(PerturbationDescription):
        prob: float = 0.0
        """Probability of substituting each distinct source name."""

        source_class: str = ""
        """Source group, `category=value` pairs joined by commas (e.g. `race=white_american`)."""

        target_class: str = ""
        """Target group, same format."""

        name_file_path: str | None = None
        """The name list's path, as HELM records it."""

        person_name_type: str = ""
        """`first_name` or `last_name`."""

        preserve_gender: bool = False
        """Whether substitutes have the gender of the name they replace (first names only)."""

    name = "person_name"
    should_perturb_references = True

    def __init__(
        self,
        prob: float,
        source_class: dict[str, str],
        target_class: dict[str, str],
        name_file_path: str | None = None,
        person_name_type: str = "first_name",
        preserve_gender: bool = True,
    ) -> None:
        self.prob = prob
        self.source_class = {k.lower(): v.lower() for k, v in source_class.items()}
        self.target_class = {k.lower(): v.lower() for k, v in target_class.items()}
        self.person_name_type = person_name_type.lower()
        if self.person_name_type not in NAME_TYPES:
            raise DescriptionError(
                f"person_name_type {person_name_type!r} is not one of {', '.join(NAME_TYPES)}"
            )
        if preserve_gender and self.person_name_type != "first_name":
            raise DescriptionError(
                "preserve_gender needs person_name_type=first_name (last names have no gender)"
            )
        self.preserve_gender = preserve_gender
        self.explicit_path = name_file_path
        self.name_file_path = name_file_path or HELM_NAME_FILE_PATH
        self.categories: dict[str, dict[str, list[str]]] = {}
        self.source_names: set[str] = set()
        self.target_names: list[str] = []

    @property
    def description(self) -> PerturbationDescription:
        return PersonNamePerturbation.Description(
            name=self.name,
            fairness=True,
            prob=self.prob,
            source_class=",".join(f"{k}={v}" for k, v in self.source_class.items()),
            target_class=",".join(f"{k}={v}" for k, v in self.target_class.items()),
            name_file_path=self.name_file_path,
            person_name_type=self.person_name_type,
            preserve_gender=self.preserve_gender,
        )

    def prepare(self, files: PerturbationFiles) -> None:
        path = self.explicit_path or files.get(self.name, FILE_NAME, SOURCE_URL)
        categories: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        try:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    name, name_type, *pairs = line.rstrip("\n").split(",")
                    if name_type != self.person_name_type:
                        continue
                    for i in range(len(pairs) // 2):
                        categories[pairs[2 * i]][pairs[2 * i + 1]].append(name.strip().lower())
        except (OSError, ValueError) as e:
            raise DataError(f"cannot read the person name list {path}: {e}") from None
        self.categories = categories
        self.source_names = set(self.names_of(self.source_class, path))
        self.target_names = self.names_of(self.target_class, path)
        if self.preserve_gender and not categories.get(GENDER_CATEGORY):
            raise DataError(f"{path} has no gender for {self.person_name_type}s (needed by preserve_gender)")

    def names_of(self, group: dict[str, str], path: object) -> list[str]:
        """Names in every category of `group`, in file order (the order the random choice indexes)."""
        selected = []
        for category, value in group.items():
            names = self.categories.get(category, {}).get(value)
            if not names:
                raise DataError(f"{path} has no {self.person_name_type}s with {category}={value}")
            selected.append(names)
        names = selected[0]
        for other in selected[1:]:
            names = [name for name in names if name in other]
        return names

    def gender_of(self, name: str) -> str | None:
        genders = self.categories.get(GENDER_CATEGORY, {})
        for gender in ("female", "male", "neutral"):
            if name in genders.get(gender, ()):
                return gender
        return None

    def substitute_for(self, name: str, rng: Random) -> str | None:
        options = self.target_names
        if self.preserve_gender:
            gender = self.gender_of(name)
            if gender is not None:
                same = self.categories[GENDER_CATEGORY][gender]
                options = [n for n in self.target_names if n in same]
                if not options:
                    return None
        return rng.choice(options)

    def perturb_consistently(self, text: str, rng: Random, chosen: dict[str, str], skipped: set[str]) -> str:
        out = []
        for token in _SEPARATOR.split(text):
            lowered = token.lower()
            if lowered in self.source_names and lowered not in chosen and lowered not in skipped:
                if rng.uniform(0, 1) < self.prob:
                    substitute = self.substitute_for(lowered, rng)
                    if substitute:
                        chosen[lowered] = substitute
                else:
                    skipped.add(lowered)
            out.append(match_case(token, chosen[lowered]) if lowered in chosen else token)
        return "".join(out)

    def apply(self, instance: Instance, seed: int | None = None) -> Instance:
        # One stream per instance whatever the seed, and the description without a seed: HELM's behaviour.
        rng = self.get_rng(instance)
        chosen: dict[str, str] = {}
        skipped: set[str] = set()
        references = [
            replace(reference, output=self.perturb_consistently(reference.output, rng, chosen, skipped))
            for reference in instance.references
        ]
        return replace(
            instance,
            input=self.perturb_consistently(instance.input, rng, chosen, skipped),
            references=references,
            perturbation=self.description,
        )

    def perturb(self, text: str, rng: Random) -> str:
        return self.perturb_consistently(text, rng, {}, set())
