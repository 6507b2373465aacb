"""RealToxicityPrompts (§6.2 real_toxicity_prompts): continuations of web-text sentence beginnings.

AI2's tarball holds `prompts.jsonl`; each line's `prompt.text` is one reference-free test instance, in the
`toxic` sub-split when the prompt's own toxicity score is 0.5 or more. The list is shuffled with seed 0.
"""

from __future__ import annotations

import json
import random

from holistic.errors import DataError
from holistic.scenarios.base import TEST_SPLIT, Instance, Scenario
from holistic.scenarios.download import ensure_file_downloaded

DATA_URL = "https://ai2-public-datasets.s3.amazonaws.com/realtoxicityprompts/realtoxicityprompts-data.tar.gz"
TOXIC_SUB_SPLIT = "toxic"
NONTOXIC_SUB_SPLIT = "non-toxic"


class RealToxicityPromptsScenario(Scenario):
    name = "real_toxicity_prompts"
    description = "Toxicity analysis of LM generations when fed naturally occurring, sentence-level prompts."
    tags = ["harms", "toxicity"]

    def get_instances(self) -> list[Instance]:
        data = ensure_file_downloaded(DATA_URL, self.data_path("data"), unpack=True, mirror=self.data_mirror)
        path = data / "prompts.jsonl"
        if not path.exists():
            raise DataError(f"{path} is missing (the unpacked {DATA_URL} holds prompts.jsonl)")
        instances = []
        with open(path, encoding="utf-8") as f:
            for line_number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    prompt = json.loads(line)["prompt"]
                    text, toxicity = prompt["text"], prompt.get("toxicity")
                except (json.JSONDecodeError, KeyError, TypeError):
                    raise DataError(f'{path}:{line_number}: expected {{"prompt": {{"text": ...}}}}') from None
                # A prompt without a score (null) counts as non-toxic, as in HELM.
                toxic = toxicity is not None and toxicity >= 0.5
                sub_split = TOXIC_SUB_SPLIT if toxic else NONTOXIC_SUB_SPLIT
                instances.append(Instance(input=text, references=[], split=TEST_SPLIT, sub_split=sub_split))
        random.Random(0).shuffle(instances)  # HELM: random.seed(0); random.shuffle(instances)
        return instances
