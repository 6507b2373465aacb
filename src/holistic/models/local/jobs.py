"""Requests to engine jobs and engine outputs to cacheable responses (HELM's Hugging Face response layout).

The first prompt token: with a model whose tokenizer puts a BOS token before texts (Llama-style), the prompt is
conditioned on it and every prompt token gets its real log-probability. Without one (GPT-2, SmolLM2) the first
token has no context: as HELM, it gets log-probability 0 and no alternatives.
"""

from __future__ import annotations

from typing import Any

from holistic.models.local.engine import Job, JobOutput
from holistic.models.registry import ModelMetadata
from holistic.models.request import Request
from holistic.models.tokenizers.huggingface import TokenTexts


class JobBuilder:
    def __init__(self, tokenizer, model: ModelMetadata) -> None:
        self.tokenizer = tokenizer
        self.model = model
        self.token_text = getattr(tokenizer, "token_text", None) or TokenTexts(tokenizer.backend)
        self.bos = tokenizer.bos_token_id() if hasattr(tokenizer, "bos_token_id") else None
        end = tokenizer.encode(model.end_of_text_token) if model.end_of_text_token else []
        # What an empty prompt is conditioned on: the BOS token, else the end-of-text token.
        self.start = self.bos if self.bos is not None else (end[0] if len(end) == 1 else None)
        self.window = model.max_sequence_length

    def build(self, request: Request, seed: int) -> tuple[Job | None, str | None]:
        """The job of a request, or why it cannot run."""
        ids = self.tokenizer.encode(request.prompt)
        offset = 0
        if self.bos is not None and len(ids) < self.window:
            ids, offset = [self.bos, *ids], 1
        if not ids:
            if self.start is None:
                return None, "ValueError: empty prompt and no start token to condition on"
            ids, offset = [self.start], 1
        if len(ids) > self.window:
            return (
                None,
                f"ValueError: prompt has {len(ids)} tokens, more than the {self.window} {self.model.name} accepts",
            )
        stops = [s for s in request.stop_sequences if s]
        decode = self.tokenizer.decode
        job = Job(
            tokens=ids,
            prompt_start=offset,
            first_scored=max(offset, 1),
            echo=request.echo_prompt,
            max_new_tokens=max(request.max_tokens, 0),
            num_streams=max(request.num_completions, 1),
            temperature=request.temperature,
            top_p=request.top_p,
            top_k=max(request.top_k_per_token, 1),
            seed=seed,
            stop=(lambda tokens: any(s in decode(tokens) for s in stops)) if stops else None,
        )
        return job, None

    def _top(self, alternatives: list[tuple[int, float]]) -> dict[str, float]:
        top: dict[str, float] = {}
        for token_id, logprob in alternatives:
            top.setdefault(self.token_text(token_id), logprob)
        return top

    def response(self, request: Request, job: Job, output: JobOutput) -> dict[str, Any]:
        prompt_ids = job.tokens[job.prompt_start :]
        prompt_texts: list[str] = []
        prompt_logprobs: list[float] = []
        prompt_tops: list[dict[str, float]] = []
        if request.echo_prompt and prompt_ids:
            prompt_texts = [self.token_text(t) for t in prompt_ids]
            # Positions before `first_scored` (the first token without BOS) have no context.
            missing = len(prompt_ids) - len(output.prompt_logprobs)
            prompt_logprobs = [0.0] * missing + output.prompt_logprobs
            prompt_tops = [{} for _ in range(missing)] + [self._top(t) for t in output.prompt_top]
        streams = output.streams or [None] * max(request.num_completions, 1)
        completions = []
        for stream in streams:
            ids = stream.tokens if stream else []
            text = self.tokenizer.decode(ids) if ids else ""
            completions.append(
                {
                    "text": (request.prompt + text) if request.echo_prompt else text,
                    "tokens": prompt_texts + [self.token_text(t) for t in ids],
                    "logprobs": prompt_logprobs + (list(stream.logprobs) if stream else []),
                    "top_logprobs_dicts": prompt_tops
                    + ([self._top(t) for t in stream.top] if stream else []),
                    "finish_reason": stream.finish_reason if stream else "length",
                }
            )
        return {"completions": completions, "input_length": len(prompt_ids)}
