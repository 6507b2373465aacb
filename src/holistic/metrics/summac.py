"""SummaC-ZS (Laban et al., 2022) as HELM configures it: sentence granularity, the `vitc` NLI model.

Every (article sentence, summary sentence) pair is classified by an NLI model; a summary sentence scores its
best entailment minus its best contradiction over the article's sentences, and the summary the mean of its
sentences. Sentences are NLTK punkt sentences longer than 10 characters, at most 100 from the article; pairs
are truncated to 500 tokens, article side first. A summary with no such sentence scores 0, as in SummaC.

The model (`tals/albert-xlarge-vitaminc-mnli`, labels: entailment 0, contradiction 1, neutral 2) is loaded from
`$HOLISTIC_METRIC_MODELS/tals/albert-xlarge-vitaminc-mnli`, a directory as `save_pretrained` writes it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from holistic.metrics.sentences import sent_tokenize

MODELS_ENVIRONMENT_VARIABLE = "HOLISTIC_METRIC_MODELS"
SUMMAC_MODEL = "tals/albert-xlarge-vitaminc-mnli"
ENTAILMENT, CONTRADICTION = 0, 1
MAX_DOCUMENT_SENTENCES = 100
MAX_INPUT_LENGTH = 500
BATCH_SIZE = 20


def local_model_directory(name: str) -> Path | None:
    """`$HOLISTIC_METRIC_MODELS/<hub name>` when it holds a saved model, else None."""
    root = os.environ.get(MODELS_ENVIRONMENT_VARIABLE)
    if not root:
        return None
    directory = Path(root, name)
    return directory if (directory / "config.json").is_file() else None


def summac_sentences(text: str) -> list[str]:
    return [sentence for sentence in sent_tokenize(text) if len(sentence) > 10]


def summac_zs_score(entailment: list[list[float]], contradiction: list[list[float]]) -> float:
    """Mean over summary sentences (columns) of max entailment minus max contradiction over article rows."""
    if not entailment or not entailment[0]:
        return 0.0
    columns = range(len(entailment[0]))
    scores = [max(row[j] for row in entailment) - max(row[j] for row in contradiction) for j in columns]
    return sum(scores) / len(scores)


class SummaCZS:
    def __init__(self, directory: Path, device: str = "cpu") -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.device = device
        self.tokenizer = AutoTokenizer.from_pretrained(str(directory))
        model: Any = AutoModelForSequenceClassification.from_pretrained(str(directory))
        self.model = model.eval().to(device)
        if device.startswith("cuda"):
            self.model.half()  # as SummaC does on GPUs
        self._torch = torch

    def score(self, document: str, summary: str) -> float:
        premises = summac_sentences(document)[:MAX_DOCUMENT_SENTENCES]
        hypotheses = summac_sentences(summary)
        pairs = [(p, h) for p in premises for h in hypotheses]
        if not pairs:
            return 0.0
        probabilities: list[list[float]] = []
        for start in range(0, len(pairs), BATCH_SIZE):
            batch = pairs[start : start + BATCH_SIZE]
            tokens = self.tokenizer(
                [p for p, _ in batch],
                [h for _, h in batch],
                padding=True,
                truncation="only_first",
                max_length=MAX_INPUT_LENGTH,
                return_tensors="pt",
            )
            with self._torch.no_grad():
                logits = self.model(**{k: v.to(self.device) for k, v in tokens.items()}).logits
            probabilities += self._torch.softmax(logits.float(), dim=-1).tolist()
        n = len(hypotheses)
        entailment = [[probabilities[i * n + j][ENTAILMENT] for j in range(n)] for i in range(len(premises))]
        contradiction = [
            [probabilities[i * n + j][CONTRADICTION] for j in range(n)] for i in range(len(premises))
        ]
        return summac_zs_score(entailment, contradiction)
