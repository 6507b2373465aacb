"""Window fitting (§4.4) with the real GPT-2 tokenizer and davinci's 2049-token window."""

from holistic.adaptation.adapters import get_adapter
from holistic.models.window_service import get_window_service
from holistic.specs import AdapterSpec
from tests.helpers import instance


def adapt(adapter_spec, train, evals):
    adapter = get_adapter(adapter_spec, get_window_service(adapter_spec.model))
    return adapter.adapt(train + evals).request_states


def test_prompt_fitting_keeps_the_eval_block():
    spec = AdapterSpec(
        method="generation", model="openai/davinci", input_prefix="", input_suffix="", output_prefix="", output_suffix="",
        max_train_instances=2049, max_tokens=100,
    )  # fmt: skip
    train = [instance("train") for _ in range(2049)]  # unlabelled: examples are drawn at random
    (state,) = adapt(spec, train, [instance("eval", "", split="test")])
    service = get_window_service("openai/davinci")
    assert state.request.prompt.endswith("eval")
    assert service.fits_within_context_window(state.request.prompt, 100)
    assert 0 < state.num_train_instances < 2049 and not state.prompt_truncated


def test_truncation_when_no_example_fits():
    spec = AdapterSpec(
        method="generation",
        model="openai/davinci",
        input_prefix="",
        output_prefix="",
        max_train_instances=100,
        max_tokens=100,
    )
    train = [instance("train") for _ in range(100)]
    (state,) = adapt(spec, train, [instance("eval" * 2049, "", split="test")])
    assert "train" not in state.request.prompt
    assert state.request.prompt.count("eval") == 1948
    assert state.prompt_truncated and state.num_train_instances == 0


def test_character_window_of_simple_model(helm_0_5):
    spec = AdapterSpec(
        method="generation",
        model="simple/model1",
        input_prefix="",
        output_prefix="",
        max_train_instances=0,
        max_tokens=48,
    )
    (state,) = adapt(spec, [], [instance("x" * 5000, "", split="test")])
    assert len(state.request.prompt) == 2000 and state.prompt_truncated
