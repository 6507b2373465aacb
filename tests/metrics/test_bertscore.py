"""BERTScore: greedy matching and rescaling by hand, and the metric with a model from $HOLISTIC_METRIC_MODELS."""

import pytest

from holistic.metrics.bertscore import BASELINE, BERTSCORE_MODEL, greedy_match, rescale


def test_greedy_matching_by_hand():
    # Candidate tokens x reference tokens; the reference's second token is special (weight 0).
    similarity = [[0.9, 0.2], [0.1, 0.5]]
    prf = greedy_match(similarity, [1.0, 1.0], [1.0, 0.0])
    assert prf.precision == pytest.approx((0.9 + 0.5) / 2)
    assert prf.recall == pytest.approx(0.9)
    assert prf.f1 == pytest.approx(2 * 0.7 * 0.9 / 1.6)
    assert greedy_match([[0.0]], [1.0], [1.0]).f1 == 0.0


def test_rescaling_with_the_layer_18_baseline():
    assert rescale(1.0, BASELINE[2]) == 1.0
    assert rescale(BASELINE[0], BASELINE[0]) == 0.0
    assert rescale(0.7, 0.5) == pytest.approx(0.4)


WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "."]


@pytest.mark.slow
def test_summarization_metric_computes_bertscore_from_a_configured_model(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, BertModel, BertTokenizer

    from holistic.adaptation.request_state import RequestState
    from holistic.metrics.metric import MetricContext
    from holistic.metrics.summarization_metrics import SummarizationMetric
    from holistic.models.request import Request, RequestResult, Sequence
    from holistic.scenarios.base import CORRECT_TAG, Instance, Reference
    from holistic.specs import AdapterSpec

    directory = tmp_path / "models" / BERTSCORE_MODEL
    directory.mkdir(parents=True)
    (directory / "vocab.txt").write_text(
        "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n"
    )
    BertTokenizer(str(directory / "vocab.txt")).save_pretrained(str(directory))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(WORDS) + 5, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64)  # fmt: skip
    BertModel(config).eval().save_pretrained(str(directory))
    monkeypatch.setenv("HOLISTIC_METRIC_MODELS", str(tmp_path / "models"))
    monkeypatch.setattr("holistic.metrics.bertscore.LAYER", 2)  # the tiny model has two layers, not 18

    def scores(summary: str, references: list[str]) -> dict[str, float]:
        instance = Instance("the cat sat.", [Reference(r, [CORRECT_TAG]) for r in references], split="test")
        result = RequestResult(True, [], [Sequence(summary, 0.0, [])], False)
        state = RequestState(instance, None, None, 0, None, Request(), result, 0, False)
        stats = metric.evaluate_generation(AdapterSpec(model="m/x"), state, MetricContext(None))
        return {s.name.name: s.mean for s in stats if s.name.name.startswith("BERTScore")}

    metric = SummarizationMetric("summarization_xsum")
    # A summary equal to one of the references matches every token with cosine 1: P = R = F = 1 after rescaling.
    same = scores("a dog ran.", ["the cat sat on the mat.", "a dog ran."])
    assert same == pytest.approx({"BERTScore-P": 1.0, "BERTScore-R": 1.0, "BERTScore-F": 1.0}, abs=1e-5)
    different = scores("the cat sat.", ["a dog ran."])
    assert set(different) == {"BERTScore-P", "BERTScore-R", "BERTScore-F"}
    assert all(value < 1.0 for value in different.values())
