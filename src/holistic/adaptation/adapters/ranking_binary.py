"""Method `ranking_binary` (§4.8, MS MARCO): ask, per candidate passage, whether it answers the query.

One request per reference of an eval instance. A train instance becomes one in-context example made of a
block per reference (answered `Yes` when the reference is correct, `No` otherwise); the eval block holds
only the passage being judged. Fitting the window drops whole train instances, as for other methods.
"""

from __future__ import annotations

from holistic.adaptation.adapters.base import InContextLearningAdapter
from holistic.adaptation.prompt import make_prompt
from holistic.adaptation.request_state import REQUEST_MODE_ORIGINAL, RequestState
from holistic.scenarios.base import Instance
from holistic.specs import AdapterSpec

CORRECT_OUTPUT = "Yes"
WRONG_OUTPUT = "No"


def ranking_block(
    adapter_spec: AdapterSpec, instance: Instance, reference_index: int, include_output: bool
) -> str:
    """`Passage: <reference>\\nQuery: <input>\\n<output prefix>` then `Yes`/`No` for examples."""
    reference = instance.references[reference_index]
    block = (
        adapter_spec.reference_prefix
        + reference.output
        + adapter_spec.reference_suffix
        + adapter_spec.input_prefix
        + instance.input
        + adapter_spec.input_suffix
    )
    if include_output:
        label = CORRECT_OUTPUT if reference.is_correct else WRONG_OUTPUT
        return block + adapter_spec.output_prefix + label + adapter_spec.output_suffix
    return block + adapter_spec.output_prefix.rstrip()


def train_example(adapter_spec: AdapterSpec, instance: Instance) -> str:
    """A train instance: one answered block per reference, joined like blocks of the prompt."""
    blocks = [
        ranking_block(adapter_spec, instance, i, include_output=True) for i in range(len(instance.references))
    ]
    return adapter_spec.instance_prefix.join(blocks)


class BinaryRankingAdapter(InContextLearningAdapter):
    def generate_requests(
        self, eval_instance: Instance, train_instances: list[Instance], trial: int
    ) -> list[RequestState]:
        spec = self.adapter_spec
        train_blocks = [train_example(spec, t) for t in train_instances]
        states: list[RequestState] = []
        for index in range(len(eval_instance.references)):
            eval_block = ranking_block(spec, eval_instance, index, include_output=False)
            prompt = self.fit_prompt(make_prompt(spec, train_blocks, eval_block))
            request = self.decoding_request(prompt)
            states.append(
                self.request_state(
                    eval_instance,
                    prompt,
                    request,
                    trial,
                    reference_index=index,
                    request_mode=REQUEST_MODE_ORIGINAL,
                )
            )
        return states
