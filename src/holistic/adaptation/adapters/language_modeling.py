"""Method `language_modeling` (§4.9): score whole texts in windows that fit the model.

Each eval instance's input is tokenized by the window service and cut into windows. The first window
predicts up to `max_sequence_length` tokens after the model's prefix token (e.g. `<|endoftext|>`); each
later window predicts up to `max_request_length - 1` new tokens conditioned on the tokens just before
them, so every request fills the window and every token is predicted exactly once. Requests echo the
prompt with no generated tokens; the metric sums the log-probabilities of the predicted tokens, i.e.
those after the first `num_conditioning_tokens` (§5.3).

A window boundary can fall inside a character that the BPE splits into several byte tokens: the decoded
prompt then starts or ends with U+FFFD, which is stripped, and the conditioning count is corrected for
the byte tokens lost at the start.
"""

from __future__ import annotations

from holistic.adaptation.adapters.base import Adapter
from holistic.adaptation.request_state import RequestState, ScenarioState
from holistic.errors import DataError
from holistic.models.request import Request
from holistic.scenarios.base import EVAL_SPLITS, Instance

REPLACEMENT_CHARACTER = "\ufffd"


class LanguageModelingAdapter(Adapter):
    def adapt(self, instances: list[Instance]) -> ScenarioState:
        states: list[RequestState] = []
        for instance in instances:
            if instance.split in EVAL_SPLITS:
                states.extend(self.generate_requests(instance))
        return ScenarioState(self.adapter_spec, states)

    def generate_requests(self, instance: Instance) -> list[RequestState]:
        service = self.window_service
        max_sequence_length = service.max_sequence_length
        max_request_length = service.max_request_length
        prefix_token = service.prefix_token
        encoded = service.encode(instance.input)
        tokens, text = encoded.tokens, encoded.text

        states: list[RequestState] = []
        # First window: everything up to max_sequence_length, conditioned on the prefix token alone.
        first_length = min(max_sequence_length, len(tokens))
        prefix_tokens = service.encode(prefix_token).tokens if prefix_token else []
        prompt, _, kept = self.construct_prompt(
            prefix_tokens, tokens[:first_length], max_request_length, text
        )
        # HELM counts the prefix as one conditioning token whatever the window tokenizer makes of it.
        states.append(self._state(instance, prompt, 1 if prefix_token else 0, first=True))
        # Tokens dropped by fitting are predicted by the next window (HELM skipped them).
        predicted = kept

        while predicted < len(tokens):
            # At most max_request_length - 1 new tokens, so at least one token conditions them.
            window_length = min(len(tokens) - predicted, max_request_length - 1)
            window_end = predicted + window_length
            conditioning = tokens[max(0, window_end - max_request_length) : predicted]
            prompt, num_conditioning, kept = self.construct_prompt(
                conditioning, tokens[predicted:window_end], max_request_length, text
            )
            states.append(self._state(instance, prompt, num_conditioning, first=False))
            predicted += kept
        return states

    def fit_tokens(
        self, conditioning: list, predicted: list, max_request_length: int, text: str
    ) -> tuple[str, list]:
        """Decode conditioning + predicted; while the text re-encodes to too many tokens, drop predicted ones."""
        service = self.window_service
        prompt = service.decode(conditioning + predicted, text)
        length = len(service.encode(prompt).tokens)
        # Decoding and re-encoding need not round-trip (normalising tokenizers), hence the loop.
        while length > max_request_length:
            predicted = predicted[: -(length - max_request_length)]
            if not predicted:
                raise DataError(
                    "a language-modelling window cannot fit the model's context: its text re-encodes to more "
                    f"tokens than the {max_request_length} allowed (text the tokenizer cannot represent?)"
                )
            prompt = service.decode(conditioning + predicted, text)
            length = len(service.encode(prompt).tokens)
        return prompt, predicted

    def construct_prompt(
        self, conditioning: list, predicted: list, max_request_length: int, text: str
    ) -> tuple[str, int, int]:
        """The window's prompt with partial characters stripped, its conditioning tokens, its predicted tokens."""
        raw_prompt, predicted = self.fit_tokens(conditioning, predicted, max_request_length, text)
        prompt = raw_prompt.strip(REPLACEMENT_CHARACTER)
        if len(prompt) == len(raw_prompt):
            return prompt, len(conditioning), len(predicted)
        encode = self.window_service.encode
        # HELM measures the stripped byte tokens against max_request_length, which is the window's length
        # only when the window is full; the re-encoded length is right for the last, shorter window too.
        total = len(encode(raw_prompt).tokens)
        leading = total - len(encode(raw_prompt.lstrip(REPLACEMENT_CHARACTER)).tokens)
        trailing = total - len(encode(raw_prompt.rstrip(REPLACEMENT_CHARACTER)).tokens)
        if trailing >= len(predicted):
            # Nothing left to predict: every remaining token only conditions.
            return prompt, len(encode(prompt).tokens), len(predicted)
        if leading >= len(conditioning):
            return prompt, 1, len(predicted)
        return prompt, len(conditioning) - leading, len(predicted)

    def _state(
        self, instance: Instance, prompt: str, num_conditioning_tokens: int, first: bool
    ) -> RequestState:
        spec = self.adapter_spec
        request = Request(
            model=spec.model,
            prompt=prompt,
            num_completions=1,
            temperature=0,
            max_tokens=spec.max_tokens,
            stop_sequences=spec.stop_sequences,
            echo_prompt=True,
            # Only the first window carries `random` (as HELM).
            random=spec.random if first else None,
        )
        return RequestState(
            instance=instance,
            reference_index=None,
            request_mode=None,
            train_trial_index=0,
            output_mapping=None,
            request=request,
            result=None,
            num_train_instances=spec.max_train_instances,
            prompt_truncated=False,
            num_conditioning_tokens=num_conditioning_tokens,
        )
