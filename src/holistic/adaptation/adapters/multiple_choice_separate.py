"""Methods `multiple_choice_separate_original` / `_calibrated` (§4.7): one echoed request per reference.

Each reference is appended to the prompt as if it were the answer and the model scores the whole text
(`echo_prompt`, no generated tokens); the metric then compares the log-probabilities of the references.
The calibrated method adds, per reference, the same reference after a content-free input (`Answer:`),
so that a reference's prior probability can be subtracted.
"""

from __future__ import annotations

from dataclasses import replace

from holistic.adaptation.adapters.base import InContextLearningAdapter
from holistic.adaptation.prompt import example_block, make_prompt
from holistic.adaptation.request_state import REQUEST_MODE_CALIBRATION, REQUEST_MODE_ORIGINAL, RequestState
from holistic.models.request import Request
from holistic.scenarios.base import Instance

# The input that replaces the question in calibration requests (HELM's literal).
CALIBRATION_INPUT = "Answer:"


class MultipleChoiceSeparateAdapter(InContextLearningAdapter):
    """One `original` request per reference: the normal prompt completed with that reference."""

    calibrated: bool = False

    def generate_requests(
        self, eval_instance: Instance, train_instances: list[Instance], trial: int
    ) -> list[RequestState]:
        spec = self.adapter_spec
        train_blocks = self.train_blocks(train_instances)
        states: list[RequestState] = []
        for index in range(len(eval_instance.references)):
            eval_block = example_block(spec, eval_instance, include_output=True, reference_index=index)
            prompt = self.fit_prompt(make_prompt(spec, train_blocks, eval_block))
            states.append(self._state(eval_instance, index, REQUEST_MODE_ORIGINAL, trial, prompt))
            if self.calibrated:
                # No examples, and the question replaced by a content-free input.
                neutral = replace(eval_instance, input=CALIBRATION_INPUT)
                block = example_block(spec, neutral, include_output=True, reference_index=index)
                calibration_prompt = self.fit_prompt(make_prompt(spec, [], block))
                states.append(
                    self._state(eval_instance, index, REQUEST_MODE_CALIBRATION, trial, calibration_prompt)
                )
        return states

    def _state(self, instance: Instance, index: int, mode: str, trial: int, prompt) -> RequestState:
        # Fixed decoding: score the prompt only (no new tokens); HELM passes no `random` here.
        request = Request(
            model=self.adapter_spec.model,
            prompt=prompt.text,
            num_completions=1,
            temperature=0.0,
            max_tokens=0,
            stop_sequences=[],
            echo_prompt=True,
        )
        return self.request_state(instance, prompt, request, trial, reference_index=index, request_mode=mode)


class MultipleChoiceCalibratedAdapter(MultipleChoiceSeparateAdapter):
    """Like the original method, plus one `calibration` request per reference (right after its original)."""

    calibrated = True
