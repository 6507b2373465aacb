"""Efficiency stats of BasicMetric (§5.2) from HELM's runtime and training-cost tables, hand-computed."""

from __future__ import annotations

import pytest

from holistic.adaptation.request_state import RequestState
from holistic.metrics.basic_metrics import BasicMetric
from holistic.metrics.efficiency import denoised_runtimes, efficiency_values, estimated_runtime
from holistic.metrics.metric import MetricContext
from holistic.models.request import Request, RequestResult, Sequence, Token
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, Instance, Reference
from holistic.specs import AdapterSpec

# openai/davinci's rows: denoised {256: 0.03, 512: 0.045, 1024: 0.033, 1536: 0.042}, 0.03 s per output token,
# overhead 0.183; idealized {256: 0.109, 320: 0.134, ..., 1920: 0.597}, 0.081 s per output token.
# Training: 552.2 t CO2eq, 1287.1 MWh.


def test_prompt_time_scales_the_next_measured_size_and_adds_tokens_and_overhead():
    davinci = denoised_runtimes()["openai/davinci"]
    # 300 tokens -> size 512: 0.045 * 300/512; 4 tokens after the first: 4 * 0.03; overhead 0.183.
    assert estimated_runtime(davinci, 300, 5) == pytest.approx(0.0263671875 + 0.12 + 0.183)
    # Exactly a measured size; one output token adds nothing.
    assert estimated_runtime(davinci, 256, 1) == pytest.approx(0.03 + 0.183)
    # Beyond the largest size (1536): that size scaled up linearly; no output tokens.
    assert estimated_runtime(davinci, 2000, 0) == pytest.approx(0.042 * 2000 / 1536 + 0.183)
    assert estimated_runtime(None, 300, 5) is None


def test_efficiency_values_for_a_model_in_every_table():
    values = efficiency_values("openai/davinci", 1.5, None, 300, 5)
    assert list(values) == [
        "training_co2_cost",
        "training_energy_cost",
        "inference_denoised_runtime",
        "inference_idealized_runtime",
    ]
    assert values["training_co2_cost"] == 552.2
    assert values["training_energy_cost"] == 1287.1
    assert values["inference_denoised_runtime"] == pytest.approx(0.3293671875)
    # Idealized: 300 tokens -> size 320: 0.134 * 300/320 = 0.125625; 4 * 0.081; no overhead.
    assert values["inference_idealized_runtime"] == pytest.approx(0.125625 + 0.324)


def test_missing_rows_give_no_runtime_and_valueless_training_costs():
    values = efficiency_values("simple/model1", 0.0, None, 300, 5)
    assert values == {"training_co2_cost": None, "training_energy_cost": None}
    # openai/text-davinci-002 has a denoised row only.
    assert set(efficiency_values("openai/text-davinci-002", 1.0, None, 10, 2)) == {
        "training_co2_cost", "training_energy_cost", "inference_denoised_runtime"
    }  # fmt: skip


def test_batched_results_share_the_batch_time():
    values = efficiency_values("huggingface/smollm2-135m-instruct", 2.0, 4, 300, 5)
    assert values["inference_denoised_runtime"] == 0.5
    assert "inference_idealized_runtime" not in values


def state_for(model: str, batch_size: int | None = None) -> RequestState:
    instance = Instance("2 + 2 =", [Reference("4", [CORRECT_TAG])], split=TEST_SPLIT, id="id0")
    tokens = [Token(text=t, logprob=-0.5, top_logprobs={}) for t in (" 4", ".", "\n")]
    result = RequestResult(
        success=True,
        embedding=[],
        completions=[Sequence(text=" 4.\n", logprob=-1.5, tokens=tokens)],
        cached=False,
        request_time=0.8,
        batch_size=batch_size,
        batch_request_time=2.0 if batch_size else None,
    )
    return RequestState(
        instance=instance,
        reference_index=None,
        request_mode=None,
        train_trial_index=0,
        output_mapping=None,
        request=Request(model=model, prompt="2 + 2 ="),
        result=result,
        num_train_instances=0,
        prompt_truncated=False,
    )


def general(model: str, batch_size: int | None = None) -> dict:
    adapter_spec = AdapterSpec(method="generation")
    stats = BasicMetric([]).evaluate_generation(
        adapter_spec, state_for(model, batch_size), MetricContext(None)
    )
    return {s.name.name: (s.count, s.mean) for s in stats}


def test_basic_metric_adds_them_to_every_request():
    stats = general("openai/davinci")
    # No window service here: 0 prompt tokens; 3 output tokens -> 2 * per-token time (+ overhead).
    assert stats["inference_runtime"] == (1, 0.8)
    assert stats["training_co2_cost"] == (1, 552.2)
    assert stats["training_energy_cost"] == (1, 1287.1)
    assert stats["inference_denoised_runtime"][1] == pytest.approx(2 * 0.03 + 0.183)
    assert stats["inference_idealized_runtime"][1] == pytest.approx(2 * 0.081)
    names = list(stats)
    assert names.index("batch_size") < names.index("training_co2_cost") < names.index("finish_reason_length")

    unknown = general("simple/model1")
    assert unknown["training_co2_cost"] == (0, None)
    assert "inference_denoised_runtime" not in unknown and "inference_idealized_runtime" not in unknown

    batched = general("together/opt-175b", batch_size=4)
    assert batched["inference_runtime"] == (1, 2.0)
    assert batched["batch_size"] == (1, 4)
    assert batched["inference_denoised_runtime"] == (1, 0.5)
