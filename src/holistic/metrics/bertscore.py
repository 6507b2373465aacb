"""BERTScore (Zhang et al., 2020) as HELM 0.1 computes it: `microsoft/deberta-large-mnli`, layer 18, no idf,
rescaled with the published English baseline.

Each token of the summary is matched to its most similar token of a reference (cosine of layer-18 embeddings)
and vice versa; precision and recall average those best similarities (the tokens `[CLS]` and `[SEP]` weigh
0), F is their harmonic mean (0 when both are 0). With several references each of P, R and F takes its
maximum over them; then x ↦ (x − b) / (1 − b) with the baseline b of the layer. Texts are stripped and, as
HELM's byte-level DeBERTa tokenizer did (`add_prefix_space`), encoded with a leading space.

The model is loaded from `$HOLISTIC_METRIC_MODELS/microsoft/deberta-large-mnli`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

BERTSCORE_MODEL = "microsoft/deberta-large-mnli"
LAYER = 18
# bert-score's rescale_baseline/en/microsoft/deberta-large-mnli.tsv, row LAYER=18: P, R, F.
BASELINE = (0.45358238, 0.45362508, 0.45173016)


class PRF(NamedTuple):
    precision: float
    recall: float
    f1: float


def rescale(value: float, baseline: float) -> float:
    return (value - baseline) / (1 - baseline)


def greedy_match(
    similarity: list[list[float]], candidate_weights: list[float], reference_weights: list[float]
) -> PRF:
    """P, R, F from a candidate × reference cosine matrix and per-token weights (0 for special tokens)."""
    best_for_candidate = [max(row) for row in similarity]
    best_for_reference = [max(column) for column in zip(*similarity)]
    # An empty text has only special tokens: its side scores 0 (bert-score divides by zero and writes NaN).
    precision = sum(s * w for s, w in zip(best_for_candidate, candidate_weights)) / (
        sum(candidate_weights) or 1
    )
    recall = sum(s * w for s, w in zip(best_for_reference, reference_weights)) / (sum(reference_weights) or 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


class BERTScorer:
    def __init__(self, directory: Path, device: str = "cpu", layer: int | None = None) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(directory))
        model: Any = AutoModel.from_pretrained(str(directory))
        self.model = model.eval().to(device)
        self.device = device
        self.layer = LAYER if layer is None else layer
        # Tokenizers saved without a length say "unlimited" (1e30); the position embeddings are the real limit.
        self.max_length = min(
            self.tokenizer.model_max_length, getattr(model.config, "max_position_embeddings", 512)
        )
        self._torch = torch

    def _embed(self, text: str) -> tuple[Any, list[float]]:
        text = text.strip()
        encoded = self.tokenizer(
            " " + text if text else "",
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        with self._torch.no_grad():
            hidden = self.model(**encoded.to(self.device), output_hidden_states=True).hidden_states[
                self.layer
            ][0]
        special = {self.tokenizer.cls_token_id, self.tokenizer.sep_token_id}
        weights = [0.0 if i in special else 1.0 for i in encoded["input_ids"][0].tolist()]
        return self._torch.nn.functional.normalize(hidden.float(), dim=-1), weights

    def score(self, candidate: str, references: list[str]) -> PRF:
        candidate_embedding, candidate_weights = self._embed(candidate)
        best = PRF(float("-inf"), float("-inf"), float("-inf"))
        for reference in references:
            reference_embedding, reference_weights = self._embed(reference)
            similarity = (candidate_embedding @ reference_embedding.T).tolist()
            prf = greedy_match(similarity, candidate_weights, reference_weights)
            best = PRF(*(max(a, b) for a, b in zip(best, prf)))
        return PRF(*(rescale(value, base) for value, base in zip(best, BASELINE)))
