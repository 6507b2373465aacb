"""Synthetic efficiency: fixed public-domain prompts of a given length in a given tokenizer (§6.2).

The prompts (HELM's CodaLab bundle) measure runtime against prompt and output length; there is nothing to
get right (one empty reference). `tokenizer` and `num_prompt_tokens` come from the run expanders of the same
names (`tokenizer=default` picks the model's own).
"""

from __future__ import annotations

from holistic.errors import DescriptionError, one_of
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded

BUNDLE_URL = "https://worksheets.codalab.org/rest/bundles/0x17a361bc066b4b0e87d968069759d361/contents/blob"
TOKENIZERS = (
    "huggingface/gpt2",
    "ai21/j1",
    "cohere/cohere",
    "meta/opt",
    "yandex/yalm",
    "bigscience/bloom",
    "bigscience/t0pp",
    "google/t5",
    "google/ul2",
    "tsinghua/glm",
    "eleutherai/gptj",
    "eleutherai/gptneox",
)
# Prompt lengths the bundle has files for.
NUM_PROMPT_TOKENS = (1, 16, 32, 64, 256, 512, 768, 1024, 1536, 1920)


class SyntheticEfficiencyScenario(Scenario):
    name = "synthetic_efficiency"
    description = "Synthetic scenario for benchmarking efficiency metrics"
    tags: list[str] = []

    def __init__(self, num_prompt_tokens: int | None, num_instances: int, tokenizer: str | None) -> None:
        if tokenizer is None or num_prompt_tokens is None:
            raise DescriptionError(
                "synthetic_efficiency needs tokenizer=<name> and num_prompt_tokens=<n> in the description "
                "(e.g. tokenizer=default,num_prompt_tokens=default_sweep)"
            )
        if tokenizer not in TOKENIZERS:
            raise DescriptionError(
                f"synthetic_efficiency has no prompts for tokenizer '{tokenizer}' ({one_of(TOKENIZERS)})"
            )
        if int(num_prompt_tokens) not in NUM_PROMPT_TOKENS:
            raise DescriptionError(
                f"synthetic_efficiency has no prompts of {num_prompt_tokens} tokens ({one_of(NUM_PROMPT_TOKENS)})"
            )
        self.num_prompt_tokens = int(num_prompt_tokens)
        self.num_instances = int(num_instances)
        self.tokenizer = tokenizer

    def get_instances(self) -> list[Instance]:
        instances = []
        for instance_id in range(self.num_instances):
            file_name = (
                f"num_prompt_tokens={self.num_prompt_tokens},tokenizer={self.tokenizer.replace('/', '_')},"
                f"id={instance_id}.txt"
            )
            path = ensure_file_downloaded(
                f"{BUNDLE_URL}/{file_name}", self.data_path(file_name), mirror=self.data_mirror
            )
            prompt = path.read_text(encoding="utf-8")
            instances.append(Instance(prompt, [Reference("", [CORRECT_TAG])], TEST_SPLIT))
        return instances
