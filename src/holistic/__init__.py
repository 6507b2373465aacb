"""holistic: holistic evaluation of language models, compatible with HELM's command line and outputs.

The public API is what `__all__` lists (docs/api.md, docs/extending.md); everything else is private. Names
load on first use, so `import holistic` imports nothing heavy.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    # Running and summarizing (holistic.api).
    "plan": "holistic.api",
    "run": "holistic.api",
    "RunEntry": "holistic.api",
    "summarize": "holistic.api",
    "RunResult": "holistic.api",
    "StatValue": "holistic.api",
    "InstanceStats": "holistic.api",
    "SuiteResult": "holistic.api",
    "Summary": "holistic.api",
    "HolisticError": "holistic.errors",
    # In-process models.
    "register_model": "holistic.models.inprocess",
    "InProcessModel": "holistic.models.inprocess",
    "GenerationOptions": "holistic.models.inprocess",
    "Generation": "holistic.models.inprocess",
    "TokenLogprob": "holistic.models.inprocess",
    # Plug-ins.
    "register_scenario": "holistic.plugins",
    "register_run_spec": "holistic.plugins",
    "register_metric": "holistic.plugins",
    "register_perturbation": "holistic.plugins",
    "register_client": "holistic.plugins",
    "register_tokenizer": "holistic.plugins",
    "load_plugins": "holistic.plugins",
    "class_name_of": "holistic.plugins",
    "PluginError": "holistic.plugins",
    # What plug-ins build on.
    "RunSpec": "holistic.specs",
    "ScenarioSpec": "holistic.specs",
    "AdapterSpec": "holistic.specs",
    "MetricSpec": "holistic.specs",
    "get_basic_metric_specs": "holistic.run_specs.presets",
    "Scenario": "holistic.scenarios",
    "Instance": "holistic.scenarios",
    "Reference": "holistic.scenarios",
    "CORRECT_TAG": "holistic.scenarios",
    "TRAIN_SPLIT": "holistic.scenarios",
    "VALID_SPLIT": "holistic.scenarios",
    "TEST_SPLIT": "holistic.scenarios",
    "Metric": "holistic.metrics",
    "MetricContext": "holistic.metrics",
    "MetricName": "holistic.metrics",
    "Stat": "holistic.metrics",
    "RequestState": "holistic.adaptation.request_state",
    "Perturbation": "holistic.augmentation.perturbation",
    "Client": "holistic.models.clients.base",
    "ClientContext": "holistic.models.clients.base",
    "Request": "holistic.models.request",
    "RequestResult": "holistic.models.request",
    "Sequence": "holistic.models.request",
    "Token": "holistic.models.request",
    "Tokenizer": "holistic.models.tokenizers.base",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'holistic' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
