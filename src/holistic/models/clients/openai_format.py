"""Parsing OpenAI-style responses (OpenAI, GooseAI, Together, Microsoft, and OpenAI-compatible servers).

Completions log-probabilities come in two shapes: OpenAI's legacy one (`tokens`, `token_logprobs`,
`top_logprobs` as parallel lists) and the chat-style one that llama.cpp also uses for completions
(`content: [{token, logprob, top_logprobs: [{token, logprob}]}]`). Both become the same Tokens.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from holistic.models.clients.retry import ApiError
from holistic.models.request import Request, Sequence, Token, truncate_sequence

END_OF_TEXT = "<|endoftext|>"


def parse_logprobs(logprobs: dict[str, Any] | None) -> list[Token]:
    """Tokens from either logprobs shape (a None log-probability, as for the first echoed token, counts as 0)."""
    if not logprobs:
        return []
    if logprobs.get("content") is not None:
        tokens = []
        for entry in logprobs["content"]:
            top = {alt["token"]: alt["logprob"] for alt in entry.get("top_logprobs") or []}
            tokens.append(Token(text=entry["token"], logprob=entry.get("logprob") or 0.0, top_logprobs=top))
        return tokens
    texts = logprobs.get("tokens") or []
    values = logprobs.get("token_logprobs") or [None] * len(texts)
    tops = logprobs.get("top_logprobs") or [None] * len(texts)
    return [
        Token(text=t, logprob=v or 0.0, top_logprobs=dict(top or {}))
        for t, v, top in zip(texts, values, tops)
    ]


def sequence(text: str, tokens: list[Token], finish_reason: str | None) -> Sequence:
    return Sequence(
        text=text,
        logprob=sum(t.logprob for t in tokens),
        tokens=tokens,
        finish_reason={"reason": finish_reason} if finish_reason is not None else None,
    )


def parse_completion_choices(
    response: dict[str, Any], request: Request, fix_text=None, end_of_text: bool = True
) -> list[Sequence]:
    """Completions of a /completions response, truncated at stop sequences, max_tokens and end of text."""
    sequences = []
    # OpenAI returns tokens past <|endoftext|>, so it is treated as one more stop sequence (as HELM does).
    truncation = (
        replace(request, stop_sequences=[*request.stop_sequences, END_OF_TEXT]) if end_of_text else request
    )
    for choice in response["choices"]:
        tokens = parse_logprobs(choice.get("logprobs"))
        text = choice.get("text") or ""
        if fix_text is not None:
            text = fix_text(text)
            tokens = [replace(t, text=fix_text(t.text)) for t in tokens]
        sequences.append(truncate_sequence(sequence(text, tokens, choice.get("finish_reason")), truncation))
    return sequences


def parse_chat_choices(response: dict[str, Any], request: Request) -> list[Sequence]:
    sequences = []
    for choice in response["choices"]:
        message = choice.get("message") or {}
        tokens = parse_logprobs(choice.get("logprobs"))
        text = message.get("content") or ""
        sequences.append(truncate_sequence(sequence(text, tokens, choice.get("finish_reason")), request))
    return sequences


def check_echo(response: dict[str, Any], request: Request, server: str) -> None:
    """Raise a non-retryable ApiError if an echo request came back without the prompt's log-probabilities.

    Without this, a server that ignores `echo` (llama.cpp, Ollama) would have multiple-choice-separate and
    language-modelling runs score the completion instead of the prompt: silently at chance.
    """
    for choice in response.get("choices") or []:
        text = choice.get("text") or ""
        if not text.startswith(request.prompt) or not parse_logprobs(choice.get("logprobs")):
            raise ApiError(echo_unsupported_message(server), retryable=False)


def echo_unsupported_message(server: str) -> str:
    return (
        f"{server} does not return the prompt's log-probabilities (echo=true with logprobs), which this run needs "
        "(multiple_choice_separate, language_modeling and ranking methods score the prompt); "
        "use a server that supports echo (OpenAI, vLLM) or a generation/joint method"
    )


def completion_body(request: Request, api_model: str, best_of: bool = True) -> dict[str, Any]:
    """The /completions body: HELM's raw request with the model under its current name `model`."""
    n = request.num_completions
    body: dict[str, Any] = {
        "model": api_model,
        "prompt": request.prompt,
        "temperature": request.temperature,
        "n": n,
        "max_tokens": request.max_tokens,
        "logprobs": max(request.top_k_per_token, n),
        "top_p": request.top_p,
        "presence_penalty": request.presence_penalty,
        "frequency_penalty": request.frequency_penalty,
        "echo": request.echo_prompt,
    }
    if request.stop_sequences:
        body["stop"] = request.stop_sequences
    # best_of == n is the API's default behaviour; sending it only when larger keeps servers without best_of working.
    if best_of and max(request.top_k_per_token, n) > n:
        body["best_of"] = max(request.top_k_per_token, n)
    return body
