"""Dialect: Standard American English words swapped for African American English ones (§7.3).

The SAE -> AAVE word map (Ziems et al. 2022, "VALUE") is HELM's CodaLab file, fetched on first use into
`<output>/perturbations/dialect/SAE_to_AAVE_mapping.json`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from random import Random

from holistic.augmentation.perturbation import CODALAB_BLOB, Perturbation, PerturbationFiles, match_case
from holistic.errors import DataError, DescriptionError
from holistic.scenarios.base import PerturbationDescription

MAPPING_URLS = {("SAE", "AAVE"): CODALAB_BLOB.format(bundle="0x3523e02bd46b42bcad783292b40b4e38")}

# What HELM writes in the description whatever the output path (it always caches under
# `benchmark_output/`); holistic records the same string so perturbation names (and stats) match HELM's.
HELM_OUTPUT_DIR = "benchmark_output/perturbations/dialect"


class DialectPerturbation(Perturbation):
    @dataclass(frozen=True)
    class Description(PerturbationDescription):
        prob: float = 0.0
        """Probability of substituting each mapped word."""

        source_class: str = ""
        """Source dialect (`SAE`)."""

        target_class: str = ""
        """Target dialect (`AAVE`)."""

        mapping_file_path: str | None = None
        """The word map's path, as HELM records it."""

    name = "dialect"
    should_perturb_references = True

    def __init__(
        self, prob: float, source_class: str, target_class: str, mapping_file_path: str | None = None
    ) -> None:
        self.prob = prob
        self.source_class = source_class.upper()
        self.target_class = target_class.upper()
        self.explicit_path = mapping_file_path
        if mapping_file_path is None and (self.source_class, self.target_class) not in MAPPING_URLS:
            known = ", ".join(f"{s}->{t}" for s, t in MAPPING_URLS)
            raise DescriptionError(
                f"no dialect map for {self.source_class}->{self.target_class} (known: {known}; "
                f"or give mapping_file_path)"
            )
        self.file_name = f"{self.source_class}_to_{self.target_class}_mapping.json"
        self.mapping_file_path = mapping_file_path or f"{HELM_OUTPUT_DIR}/{self.file_name}"
        self.mapping: dict[str, list[str]] = {}
        self.pattern: re.Pattern | None = None

    @property
    def description(self) -> PerturbationDescription:
        return DialectPerturbation.Description(
            name=self.name,
            fairness=True,
            prob=self.prob,
            source_class=self.source_class,
            target_class=self.target_class,
            mapping_file_path=self.mapping_file_path,
        )

    def prepare(self, files: PerturbationFiles) -> None:
        path = self.explicit_path or files.get(
            self.name, self.file_name, MAPPING_URLS[(self.source_class, self.target_class)]
        )
        try:
            with open(path, encoding="utf-8") as f:
                mapping = json.load(f)
        except (OSError, ValueError) as e:
            raise DataError(f"cannot read the dialect map {path}: {e}") from None
        if not isinstance(mapping, dict) or not mapping:
            raise DataError(f"{path} is not a JSON object of word -> [substitutes]")
        self.mapping = mapping
        words = "|".join(re.escape(word) for word in mapping)
        # Neighbours must be neither word characters nor hyphens, and are consumed by the match.
        self.pattern = re.compile(f"[^\\w-]({words})[^\\w-]", flags=re.IGNORECASE)

    def perturb(self, text: str, rng: Random) -> str:
        assert self.pattern is not None, "prepare() loads the dialect map"

        def sub(match: re.Match) -> str:
            whole, word = match[0], match[1]
            if rng.uniform(0, 1) < self.prob:
                options = self.mapping.get(word.lower()) or self.mapping[word]
                return whole.replace(word, match_case(word, rng.choice(options)))
            return whole

        return self.pattern.sub(sub, text)
