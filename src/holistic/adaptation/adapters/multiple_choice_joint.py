"""Method `multiple_choice_joint` (§4.6): all choices in one prompt; the model answers with a letter."""

from __future__ import annotations

from holistic.adaptation.adapters.base import InContextLearningAdapter
from holistic.adaptation.prompt import choice_letter, make_prompt, multiple_choice_block
from holistic.adaptation.request_state import RequestState
from holistic.models.request import Request
from holistic.scenarios.base import Instance


class MultipleChoiceJointAdapter(InContextLearningAdapter):
    def train_block(self, instance: Instance) -> str:
        return multiple_choice_block(self.adapter_spec, instance, include_output=True)

    def generate_requests(
        self, eval_instance: Instance, train_instances: list[Instance], trial: int
    ) -> list[RequestState]:
        spec = self.adapter_spec
        train_blocks = self.train_blocks(train_instances)
        eval_block = multiple_choice_block(spec, eval_instance, include_output=False)
        prompt = self.fit_prompt(make_prompt(spec, train_blocks, eval_block))
        output_mapping = {choice_letter(i): r.output for i, r in enumerate(eval_instance.references)}
        # The decoding parameters are fixed whatever the AdapterSpec says: one greedy token, top-k letters.
        request = Request(
            model=spec.model,
            prompt=prompt.text,
            num_completions=1,
            top_k_per_token=spec.num_outputs,
            temperature=0.0,
            max_tokens=1,
            stop_sequences=[],
            random=spec.random,
        )
        return [self.request_state(eval_instance, prompt, request, trial, output_mapping=output_mapping)]
