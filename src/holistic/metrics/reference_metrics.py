"""Gold-versus-prediction functions used by BasicMetric (§5.2 table)."""

from __future__ import annotations

import re
import string
from collections.abc import Callable

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_DROP_PUNCTUATION = str.maketrans("", "", string.punctuation)


def normalize_text(text: str) -> str:
    """Lowercase, drop punctuation and articles, collapse whitespace (SQuAD/QuAC normalisation)."""
    text = text.lower()
    text = text.translate(_DROP_PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(gold: str, pred: str | None) -> float:
    if not pred:
        return 0
    return 1 if gold.strip() == pred.strip() else 0


def quasi_exact_match(gold: str, pred: str | None) -> float:
    if not pred:
        return 0
    return 1 if normalize_text(gold) == normalize_text(pred) else 0


def prefix_exact_match(gold: str, pred: str | None) -> float:
    if not pred:
        return 0
    return 1 if pred.strip().startswith(gold.strip()) else 0


def quasi_prefix_exact_match(gold: str, pred: str | None) -> float:
    if not pred:
        return 0
    return 1 if normalize_text(pred).startswith(normalize_text(gold)) else 0


def f1_score(gold: str, pred: str | None) -> float:
    """F-measure between the sets of normalised whitespace tokens (NLTK's f_measure on sets)."""
    if pred is None:
        return 0.0
    gold_tokens = set(normalize_text(gold).split())
    pred_tokens = set(normalize_text(pred).split())
    if not gold_tokens or not pred_tokens:
        return 0.0
    common = len(gold_tokens & pred_tokens)
    if common == 0:
        return 0.0
    precision = common / len(pred_tokens)
    recall = common / len(gold_tokens)
    return 1.0 / (0.5 / precision + 0.5 / recall)


def exact_match_indicator(gold: str, pred: str | None, indicator: str = " ") -> float:
    """Compare only what follows the last space (GSM's final number, Dyck's last symbol)."""
    if pred is None:
        return 0
    gold = gold.split(indicator)[-1]
    pred = pred.split(indicator)[-1]
    return exact_match(gold, pred)


def _extract_set(text: str, first_line_only: bool) -> set[str]:
    if first_line_only:
        text = text.split("\n")[0]
    if text.strip() == "Nothing.":
        return set()
    text = text.replace(".", "")
    text = text.split(" is ")[-1]
    return {part.strip() for part in text.split(" and ")}


def _set_scores(gold: str, pred: str | None) -> tuple[set[str], set[str]]:
    return _extract_set(gold, False), _extract_set(pred or "", True)


def exact_set_match(gold: str, pred: str | None) -> float:
    g, p = _set_scores(gold, pred)
    return float(g == p)


def iou_set_match(gold: str, pred: str | None) -> float:
    g, p = _set_scores(gold, pred)
    if not g:
        return float(not p)
    return len(g & p) / len(g | p)


def f1_set_match(gold: str, pred: str | None) -> float:
    g, p = _set_scores(gold, pred)
    if not g:
        return float(not p)
    return 2 * len(g & p) / (len(g) + len(p))


def absolute_value_difference(gold: str, pred: str | None) -> float:
    def parse(text: str | None) -> int | None:
        try:
            return int((text or "").replace(",", "").strip())
        except ValueError:
            return None

    g, p = parse(gold), parse(pred)
    if g is None or p is None:
        return 0.0
    return float(abs(g - p))


_ROUGE_SCORERS: dict[str, object] = {}


def _rouge(kind: str, gold: str, pred: str | None) -> float:
    """ROUGE F-measure with Porter stemming (the `rouge_score` package, as HELM)."""
    scorer = _ROUGE_SCORERS.get(kind)
    if scorer is None:
        from rouge_score import rouge_scorer

        scorer = _ROUGE_SCORERS[kind] = rouge_scorer.RougeScorer([kind], use_stemmer=True)
    return scorer.score(gold, pred or "")[kind].fmeasure  # type: ignore[attr-defined]


def rouge_1(gold: str, pred: str | None) -> float:
    return _rouge("rouge1", gold, pred)


def rouge_2(gold: str, pred: str | None) -> float:
    return _rouge("rouge2", gold, pred)


def rouge_l(gold: str, pred: str | None) -> float:
    return _rouge("rougeL", gold, pred)


def word_tokenize(text: str) -> list[str]:
    """`nltk.word_tokenize`: punkt sentences (NLTK's English parameters), then Treebank tokens in each."""
    from nltk.tokenize import word_tokenize as nltk_word_tokenize

    from holistic.metrics.sentences import sent_tokenize

    return [
        token
        for sentence in sent_tokenize(text)
        for token in nltk_word_tokenize(sentence, preserve_line=True)
    ]


def _bleu(weights: tuple[float, ...], gold: str, pred: str | None) -> float:
    import warnings

    from nltk.translate.bleu_score import sentence_bleu

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NLTK warns when an n-gram order has no overlap (score 0)
        return float(sentence_bleu([word_tokenize(gold)], word_tokenize(pred or ""), weights=weights))


def bleu_1(gold: str, pred: str | None) -> float:
    return _bleu((1, 0, 0, 0), gold, pred)


def bleu_4(gold: str, pred: str | None) -> float:
    return _bleu((0, 0, 0, 1), gold, pred)


def math_equiv(gold: str, pred: str | None) -> float:
    from holistic.metrics.math_equivalence import math_equiv as equiv

    return equiv(gold, pred)


def math_equiv_chain_of_thought(gold: str, pred: str | None) -> float:
    from holistic.metrics.math_equivalence import math_equiv_chain_of_thought as equiv

    return equiv(gold, pred)


REFERENCE_METRICS: dict[str, Callable[[str, str | None], float]] = {
    "exact_match": exact_match,
    "quasi_exact_match": quasi_exact_match,
    "prefix_exact_match": prefix_exact_match,
    "quasi_prefix_exact_match": quasi_prefix_exact_match,
    "f1_score": f1_score,
    "exact_match_indicator": exact_match_indicator,
    "exact_set_match": exact_set_match,
    "iou_set_match": iou_set_match,
    "f1_set_match": f1_set_match,
    "absolute_value_difference": absolute_value_difference,
    "math_equiv": math_equiv,
    "math_equiv_chain_of_thought": math_equiv_chain_of_thought,
    "rouge_1": rouge_1,
    "rouge_2": rouge_2,
    "rouge_l": rouge_l,
    "bleu_1": bleu_1,
    "bleu_4": bleu_4,
}
