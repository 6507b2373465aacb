"""Efficiency stats BasicMetric adds to every request (§5.2): idealized and denoised runtimes, training costs.

The tables are HELM's measurements (`efficiency_data/*.json`, shipped as package data): per model, seconds
to encode a prompt of some token counts plus seconds per output token (and, for denoised API runtimes, a
fixed overhead); per model, the training run's carbon (tons CO2eq) and energy (MWh). A model missing from
a table gets no runtime stat and a training-cost stat without values (count 0), as in HELM.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA_PACKAGE = "holistic.metrics"


@cache
def _table(name: str) -> dict:
    path = Path(__file__).with_name("efficiency_data") / name
    if path.is_file():  # importlib.resources (and the zipfile it imports) only for a zipped install
        return json.loads(path.read_text(encoding="utf-8"))
    from importlib import resources

    text = resources.files(DATA_PACKAGE).joinpath("efficiency_data", name).read_text(encoding="utf-8")
    return json.loads(text)


def idealized_runtimes() -> dict:
    return _table("inference_idealized_runtimes.json")


def denoised_runtimes() -> dict:
    return _table("inference_denoised_runtimes.json")


def training_efficiency() -> dict:
    return _table("training_efficiency.json")


def estimated_runtime(model_row: dict | None, num_prompt_tokens: int, num_output_tokens: int) -> float | None:
    """Seconds a request would take by a runtime table's row; None for a model without a row.

    Prompt encoding: the time of the smallest measured prompt size K >= num_prompt_tokens, scaled by
    num_prompt_tokens / K (beyond the largest size, that size's time scaled up linearly). Generation: one
    `runtime_per_output_token` per output token after the first. Plus the row's `overhead`, if any.
    """
    if model_row is None:
        return None
    by_size = {int(size): seconds for size, seconds in model_row["runtime_for_prompt_tokens"].items()}
    size = next((k for k in sorted(by_size) if num_prompt_tokens <= k), max(by_size))
    runtime = by_size[size] * (num_prompt_tokens / size)
    if num_output_tokens > 0:
        runtime += model_row["runtime_per_output_token"] * (num_output_tokens - 1)
    overhead = model_row.get("overhead")
    if overhead is not None:
        runtime += overhead
    return runtime


def training_cost(kind: str, model: str) -> float | None:
    """`carbon` (metric tons CO2eq; HELM's schema calls it kg) or `energy` (MWh) of training `model`."""
    row = training_efficiency()[kind].get(model)
    return None if row is None else row["value"]


def efficiency_values(
    model: str,
    runtime: float | None,
    batch_size: int | None,
    num_prompt_tokens: int,
    num_output_tokens: int,
) -> dict[str, float | None]:
    """The efficiency stats after `batch_size`, in HELM's order; runtimes only where defined.

    `batch_size` is given for results of batched inference (Together's offline batches, holistic's local
    models), whose `runtime` is the whole batch's: the denoised runtime is then the batch's time shared
    by its requests; otherwise it is estimated from the denoised-runtime table."""
    values: dict[str, float | None] = {
        "training_co2_cost": training_cost("carbon", model),
        "training_energy_cost": training_cost("energy", model),
    }
    if batch_size is not None and runtime is not None:
        denoised = runtime / batch_size
    else:
        denoised = estimated_runtime(denoised_runtimes().get(model), num_prompt_tokens, num_output_tokens)
    idealized = estimated_runtime(idealized_runtimes().get(model), num_prompt_tokens, num_output_tokens)
    if denoised is not None:
        values["inference_denoised_runtime"] = denoised
    if idealized is not None:
        values["inference_idealized_runtime"] = idealized
    return values
