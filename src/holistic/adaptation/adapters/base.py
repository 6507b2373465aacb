"""Adapter base classes: the trial loop over eval instances and fitting prompts into the window (§4.4)."""

from __future__ import annotations

from abc import ABC, abstractmethod

from holistic.adaptation.prompt import Prompt, example_block
from holistic.adaptation.request_state import RequestState, ScenarioState
from holistic.adaptation.sampling import sample_examples
from holistic.models.request import Request
from holistic.models.window_service import WindowService
from holistic.scenarios.base import EVAL_SPLITS, TRAIN_SPLIT, Instance
from holistic.specs import AdapterSpec


class Adapter(ABC):
    def __init__(self, adapter_spec: AdapterSpec, window_service: WindowService) -> None:
        self.adapter_spec = adapter_spec
        self.window_service = window_service

    @abstractmethod
    def adapt(self, instances: list[Instance]) -> ScenarioState:
        """Build every request state for the (already sampled) instances."""


class InContextLearningAdapter(Adapter):
    """Methods whose prompts hold in-context examples: one set of examples per trial."""

    tie_break: str | None = None
    """Label ties of in-context sampling; None: the current --helm-version profile's."""

    def __init__(self, adapter_spec: AdapterSpec, window_service: WindowService) -> None:
        super().__init__(adapter_spec, window_service)
        self._train_blocks: dict[Instance, str] = {}

    def train_block(self, instance: Instance) -> str:
        """One in-context example as the prompt shows it (with its output)."""
        return example_block(self.adapter_spec, instance, include_output=True, reference_index=None)

    def train_blocks(self, train_instances: list[Instance]) -> list[str]:
        """The trial's in-context examples. They open every prompt of the trial, so each is rendered once
        (instances hash by identity)."""
        rendered = self._train_blocks
        blocks = []
        for instance in train_instances:
            block = rendered.get(instance)
            if block is None:
                block = rendered[instance] = self.train_block(instance)
            blocks.append(block)
        return blocks

    def adapt(self, instances: list[Instance]) -> ScenarioState:
        train = [i for i in instances if i.split == TRAIN_SPLIT]
        evals = [i for i in instances if i.split in EVAL_SPLITS]
        states: list[RequestState] = []
        for trial in range(self.adapter_spec.num_train_trials):
            examples = sample_examples(train, trial, self.adapter_spec.max_train_instances, self.tie_break)
            for instance in evals:
                states.extend(self.generate_requests(instance, examples, trial))
        return ScenarioState(self.adapter_spec, states)

    @abstractmethod
    def generate_requests(
        self, eval_instance: Instance, train_instances: list[Instance], trial: int
    ) -> list[RequestState]:
        """The request states of one eval instance in one trial."""

    def decoding_request(self, prompt: Prompt) -> Request:
        """A request with the AdapterSpec's own decoding settings (generation and ranking)."""
        spec = self.adapter_spec
        return Request(
            model=spec.model,
            prompt=prompt.text,
            num_completions=spec.num_outputs,
            temperature=spec.temperature,
            max_tokens=spec.max_tokens,
            stop_sequences=spec.stop_sequences,
            random=spec.random,
        )

    @staticmethod
    def request_state(
        instance: Instance,
        prompt: Prompt,
        request: Request,
        trial: int,
        reference_index: int | None = None,
        request_mode: str | None = None,
        output_mapping: dict[str, str] | None = None,
    ) -> RequestState:
        """A request state for a fitted prompt (before execution)."""
        return RequestState(
            instance=instance,
            reference_index=reference_index,
            request_mode=request_mode,
            train_trial_index=trial,
            output_mapping=output_mapping,
            request=request,
            result=None,
            num_train_instances=prompt.num_train_instances,
            prompt_truncated=prompt.truncated_text is not None,
        )

    def fit_prompt(self, prompt: Prompt) -> Prompt:
        """Drop in-context examples from the end until the prompt fits; else truncate it from the right."""
        reserve = self.adapter_spec.max_tokens
        fits = self.window_service.fits_within_context_window
        blocks = prompt.train_blocks
        if blocks and not fits(prompt.text, reserve):
            # HELM drops the last example until the prompt fits; a prompt only grows with examples, so the
            # largest fitting count is found by binary search instead (same result, O(log n) tokenizations).
            low, high = 0, len(blocks) - 1  # the answer is in [low, high]; `low` examples may not fit either
            while low < high:
                middle = (low + high + 1) // 2
                if fits(prompt.with_train_blocks(blocks[:middle]).text, reserve):
                    low = middle
                else:
                    high = middle - 1
            prompt = prompt.with_train_blocks(blocks[:low])
            if low > 0:
                return prompt
        elif blocks:
            return prompt
        text = prompt.text
        truncated = self.window_service.truncate_from_right(text, reserve)
        if len(truncated) < len(text):
            return prompt.with_truncated_text(truncated)
        return prompt
