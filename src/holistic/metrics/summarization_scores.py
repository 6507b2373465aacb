"""Scores HELM computed once and published for its summarization runs: QAFactEval and crowd ratings.

Both are looked up, not computed: QAFactEval (`qafacteval.pk`: task -> model -> (instance id, summary) ->
score) and Mechanical Turk ratings of faithfulness, relevance and coherence (`<cnndm|xsum>_<0|5>shots.csv`).
They exist only for the models and summaries HELM evaluated; files go to the suite's `eval_cache/`, where
they can also be placed by hand on a machine without internet.
"""

from __future__ import annotations

import csv
import pickle
from collections import defaultdict
from pathlib import Path

from holistic.errors import DataError
from holistic.scenarios.download import ensure_file_downloaded

BUCKET = "crfm-helm-public/source_datasets/metrics/summarization_metrics"
QAFACTEVAL_URL = f"https://storage.googleapis.com/{BUCKET}/qafacteval.pk"
HUMAN_EVAL_URL = f"https://storage.cloud.google.com/{BUCKET}/{{file_name}}"
HUMAN_EVAL_ASPECTS = ("faithfulness", "relevance", "coherence")

# (aspect, model with "/" as "_", instance id, summary) -> mean rating
HumanEvalScores = dict[tuple[str, str, str, str], float]


def load_qafacteval(eval_cache: Path, task: str) -> dict:
    """model -> (instance id, summary) -> QAFactEval score, for one task; {} when HELM has none for it."""
    path = ensure_file_downloaded(QAFACTEVAL_URL, eval_cache / "qafacteval.pk")
    try:
        with open(path, "rb") as f:
            scores = pickle.load(f)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as e:
        raise DataError(f"{path} is not HELM's QAFactEval pickle ({e.__class__.__name__})") from None
    return scores.get(task, {}) if isinstance(scores, dict) else {}


def _checked(value: str | None) -> bool:
    # The CSVs hold True/False as written by pandas.
    return (value or "").strip().lower() in ("true", "1")


def load_human_eval(eval_cache: Path, task: str) -> HumanEvalScores:
    """Mean crowd rating per (aspect, model, instance, summary) over the 0-shot and 5-shot files."""
    dataset = "cnndm" if "cnndm" in task else "xsum" if "xsum" in task else None
    if dataset is None:
        return {}
    scores: HumanEvalScores = {}
    for shots in (0, 5):
        name = f"{dataset}_{shots}shots.csv"
        path = ensure_file_downloaded(HUMAN_EVAL_URL.format(file_name=name), eval_cache / name)
        with open(path, encoding="utf-8", newline="") as f:
            hits: dict[str, list[dict[str, str]]] = defaultdict(list)
            for row in csv.DictReader(f):
                hits[row["HITId"]].append(row)
        for tasks in hits.values():
            last = tasks[-1]  # HELM keys each HIT by its last assignment's fields
            key = (last["Input.model_name"], last["Input.id"], last["Input.output_text"] or "")
            # Faithfulness is a yes/no judgement; relevance and coherence the first ticked box of 1..5.
            faithful = [1.0 if _checked(t.get("Answer.consistency.consistent")) else 0.0 for t in tasks]
            likert = {
                aspect: [
                    float(next(i for i in range(1, 6) if _checked(t.get(f"Answer.{field}_{i}"))))
                    for t in tasks
                    if any(_checked(t.get(f"Answer.{field}_{i}")) for i in range(1, 6))
                ]
                for aspect, field in (("relevance", "relevance.rel"), ("coherence", "coherence.cohere"))
            }
            for aspect, values in (("faithfulness", faithful), *likert.items()):
                if values:
                    scores[(aspect, *key)] = sum(values) / len(values)
    return scores
