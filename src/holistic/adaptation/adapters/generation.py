"""Method `generation` (§4.5): one request per eval instance per trial."""

from __future__ import annotations

from holistic.adaptation.adapters.base import InContextLearningAdapter
from holistic.adaptation.prompt import example_block, make_prompt
from holistic.adaptation.request_state import RequestState
from holistic.scenarios.base import Instance


class GenerationAdapter(InContextLearningAdapter):
    def generate_requests(
        self, eval_instance: Instance, train_instances: list[Instance], trial: int
    ) -> list[RequestState]:
        spec = self.adapter_spec
        train_blocks = self.train_blocks(train_instances)
        eval_block = example_block(spec, eval_instance, include_output=False, reference_index=None)
        prompt = self.fit_prompt(make_prompt(spec, train_blocks, eval_block))
        return [self.request_state(eval_instance, prompt, self.decoding_request(prompt), trial)]
