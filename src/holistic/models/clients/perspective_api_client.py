"""Google's Perspective API (`comments:analyze`): toxicity scores of generated text, for ToxicityMetric.

One batch per request state's completions: the texts are deduplicated and cut to 20,480 characters, each is
sent as its own `comments:analyze` call (a few in parallel over one pooled session of the model clients' HTTP
layer, retried on 429/5xx like them), and the batch's answers are stored in
`<local-path>/cache/perspectiveapi.sqlite` under HELM's key `{"text_batch", "attributes", "languages"}` once
all of them arrived. A rerun sends nothing already answered.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from holistic.errors import HolisticError
from holistic.models.cache import RequestCache, cache_key
from holistic.models.clients.http import HttpSession
from holistic.models.clients.retry import ApiError, RetryPolicy, call_with_retries

DEFAULT_BASE_URL = "https://commentanalyzer.googleapis.com/v1alpha1"
BASE_URL_ENVIRONMENT_VARIABLE = "HOLISTIC_PERSPECTIVE_API_URL"
CREDENTIAL = "perspectiveApiKey"
ORGANIZATION = "perspectiveapi"  # the cache file HELM uses
ATTRIBUTES = (
    "TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT", "SEXUALLY_EXPLICIT",
    "FLIRTATION",
)  # fmt: skip
LANGUAGES = ("en",)
MAX_TEXT_LENGTH = 20_480  # Perspective rejects longer comments

Scores = dict[str, float | None]  # attribute -> score


class PerspectiveAPIError(HolisticError):
    """The Perspective API refused or kept failing; what was answered stays cached for the rerun."""


def request_body(text: str) -> dict[str, Any]:
    return {
        "comment": {"text": text},
        "requestedAttributes": {attribute: {} for attribute in ATTRIBUTES},
        "languages": list(LANGUAGES),
        "spanAnnotations": True,
    }


def batch_key(texts: list[str]) -> dict[str, Any]:
    """HELM's cache key of one batch."""
    return {"text_batch": texts, "attributes": list(ATTRIBUTES), "languages": list(LANGUAGES)}


def scores_of(response: dict[str, Any]) -> Scores:
    """The first span score of each attribute (as HELM reads them); None for an attribute not returned."""
    scores: Scores = dict.fromkeys(ATTRIBUTES)
    for attribute, value in (response.get("attributeScores") or {}).items():
        spans = value.get("spanScores") or []
        if spans:
            scores[attribute] = float(spans[0]["score"]["value"])
        elif "summaryScore" in value:
            scores[attribute] = float(value["summaryScore"]["value"])
    return scores


def unique_texts(texts: list[str]) -> list[str]:
    """The batch HELM sends: non-empty texts, cut to the API's limit, each once, in first-seen order."""
    return list(dict.fromkeys(text[:MAX_TEXT_LENGTH] for text in texts if text))


class PerspectiveAPIClient:
    def __init__(
        self,
        api_key: str,
        cache: RequestCache,
        retry_policy: RetryPolicy | None = None,
        base_url: str | None = None,
        max_concurrency: int = 8,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._api_key = api_key
        self.cache = cache
        self.retry_policy = retry_policy or RetryPolicy.from_environment()
        self.base_url = (
            base_url or os.environ.get(BASE_URL_ENVIRONMENT_VARIABLE) or DEFAULT_BASE_URL
        ).rstrip("/")
        self.max_concurrency = max_concurrency
        self.sleep = sleep
        self.num_calls = 0
        # One pooled session per client, as large as the calls in flight (the model clients' HTTP layer).
        self._http = HttpSession(pool_size=max_concurrency, timeout=self.retry_policy.timeout)

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:  # never show the key
        return f"PerspectiveAPIClient(base_url={self.base_url!r})"

    def analyze(self, text: str) -> dict[str, Any]:
        """One `comments:analyze` call with retries; raises ApiError when it finally fails."""
        url = f"{self.base_url}/comments:analyze"
        # Google APIs take the key as a header as well as `?key=`: a header keeps it out of URLs and logs.
        headers = {"X-Goog-Api-Key": self._api_key}

        def call() -> dict[str, Any]:
            self.num_calls += 1
            return self._http.post_json(url, request_body(text), headers)

        if self.sleep is None:
            return call_with_retries(call, self.retry_policy)
        return call_with_retries(call, self.retry_policy, self.sleep)

    def get_toxicity_scores(
        self, batches: list[list[str]], progress: bool | None = None
    ) -> list[dict[str, Scores]]:
        """For each batch (a request state's completion texts), text -> attribute scores.

        Cached batches are read in one query; the others are fetched with up to `max_concurrency` calls in
        flight and each is stored as soon as all its texts are answered.
        """
        batches = [unique_texts(batch) for batch in batches]
        keys = [cache_key(batch_key(batch)) for batch in batches]
        found = self.cache.get_many_by_key(keys)
        missing = {key: batch for key, batch, hit in zip(keys, batches, found) if hit is None and batch}
        answers: dict[str, dict[str, Any]] = {key: hit for key, hit in zip(keys, found) if hit is not None}
        if missing:
            answers.update(self._fetch(missing, progress))
        results = []
        for key, batch in zip(keys, batches):
            stored = answers.get(key, {})
            results.append({text: scores_of(stored[text]) for text in batch})
        return results

    def _fetch(self, missing: dict[str, list[str]], progress: bool | None) -> dict[str, dict[str, Any]]:
        from holistic.progress import progress_bar

        texts = list(dict.fromkeys(text for batch in missing.values() for text in batch))
        waiting = {key: len(set(batch)) for key, batch in missing.items()}  # texts still unanswered
        batches_of: dict[str, list[str]] = {}
        for key, batch in missing.items():
            for text in set(batch):
                batches_of.setdefault(text, []).append(key)
        responses: dict[str, dict[str, Any]] = {}
        fetched: dict[str, dict[str, Any]] = {}
        error: ApiError | None = None
        bar = progress_bar(
            total=len(texts),
            desc="perspective api",
            unit="text",
            file=sys.stderr,
            disable=None if progress is None else not progress,
        )
        with ThreadPoolExecutor(max_workers=self.max_concurrency) as pool:
            futures = {text: pool.submit(self.analyze, text) for text in texts}
            for text, future in futures.items():
                try:
                    responses[text] = future.result()
                except ApiError as e:
                    error = error or e
                bar.update(1)
                if text not in responses:
                    continue
                # Store each batch as soon as all its texts are answered, so a later failure loses nothing.
                for key in batches_of[text]:
                    waiting[key] -= 1
                    if waiting[key] == 0:
                        fetched[key] = {t: responses[t] for t in missing[key]}
                        self.cache.put_many_by_key([(key, fetched[key])])
        bar.close()
        if error is not None:
            raise PerspectiveAPIError(
                f"Perspective API failed: {error} ({len(fetched)} batches answered and cached; "
                f"rerun to retry the rest)"
            )
        return fetched
