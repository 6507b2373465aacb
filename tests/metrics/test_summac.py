"""SummaC-ZS: the score rule by hand, and the metric with an NLI model from $HOLISTIC_METRIC_MODELS."""

import pytest

from holistic.metrics.summac import SUMMAC_MODEL, summac_sentences, summac_zs_score


def test_score_rule_by_hand():
    # Rows: article sentences; columns: summary sentences.
    entailment = [[0.9, 0.1], [0.2, 0.3]]
    contradiction = [[0.05, 0.6], [0.1, 0.2]]
    # Column 0: 0.9 - 0.1 = 0.8; column 1: 0.3 - 0.6 = -0.3; mean 0.25.
    assert summac_zs_score(entailment, contradiction) == pytest.approx(0.25)
    assert summac_zs_score([], []) == 0.0


def test_sentences_are_punkt_sentences_longer_than_ten_characters():
    assert summac_sentences("Short one. Mr. Smith went to Washington. Yes.") == [
        "Mr. Smith went to Washington."
    ]


WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "away", "all", "day", "."]


def _save_tiny_nli_model(directory):
    """A randomly initialised 3-label BERT classifier with a WordPiece vocabulary, saved as a hub model would be."""
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    directory.mkdir(parents=True)
    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    BertTokenizer(str(vocab)).save_pretrained(str(directory))
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(WORDS) + 5, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64, num_labels=3,
    )  # fmt: skip
    BertForSequenceClassification(config).eval().save_pretrained(str(directory))


@pytest.mark.slow
def test_summarization_metric_computes_summac_from_a_configured_model(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from holistic.adaptation.request_state import RequestState
    from holistic.metrics.metric import MetricContext
    from holistic.metrics.summarization_metrics import SummarizationMetric
    from holistic.models.request import Request, RequestResult, Sequence
    from holistic.scenarios.base import CORRECT_TAG, Instance, Reference
    from holistic.specs import AdapterSpec

    directory = tmp_path / "models" / SUMMAC_MODEL
    _save_tiny_nli_model(directory)
    monkeypatch.setenv("HOLISTIC_METRIC_MODELS", str(tmp_path / "models"))

    article = "the cat sat on the mat all day. a dog ran away. the dog sat."
    summary = "the cat sat on the mat. a dog ran away all day."
    instance = Instance(article, [Reference("the cat sat", [CORRECT_TAG])], split="test", id="id0")
    result = RequestResult(True, [], [Sequence(summary, 0.0, [])], False)
    state = RequestState(instance, None, None, 0, None, Request(), result, 0, False)
    stats = SummarizationMetric("summarization_xsum").evaluate_generation(
        AdapterSpec(model="m/x"), state, MetricContext(None)
    )
    (summac,) = [s.mean for s in stats if s.name.name == "summac"]

    # The same rule, pair by pair, unbatched: "the dog sat." (12 characters) is kept, no sentence is dropped.
    tokenizer = AutoTokenizer.from_pretrained(str(directory))
    model = AutoModelForSequenceClassification.from_pretrained(str(directory)).eval()
    premises = ["the cat sat on the mat all day.", "a dog ran away.", "the dog sat."]
    hypotheses = ["the cat sat on the mat.", "a dog ran away all day."]
    probabilities = {}
    for p in premises:
        for h in hypotheses:
            with torch.no_grad():
                logits = model(**tokenizer(p, h, return_tensors="pt")).logits[0]
            probabilities[p, h] = torch.softmax(logits, dim=-1).tolist()
    expected = sum(
        max(probabilities[p, h][0] for p in premises) - max(probabilities[p, h][1] for p in premises)
        for h in hypotheses
    ) / len(hypotheses)
    assert summac == pytest.approx(expected, abs=1e-5)
