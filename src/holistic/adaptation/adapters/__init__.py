"""One adapter per adaptation method, chosen by `AdapterSpec.method`."""

from __future__ import annotations

from holistic.adaptation.adapters.base import Adapter
from holistic.errors import UnknownNameError, one_of
from holistic.models.window_service import WindowService
from holistic.resolve import resolve_class
from holistic.specs import AdapterSpec

# method -> (module, class)
ADAPTERS: dict[str, tuple[str, str]] = {
    "generation": ("generation", "GenerationAdapter"),
    "multiple_choice_joint": ("multiple_choice_joint", "MultipleChoiceJointAdapter"),
    "multiple_choice_separate_original": ("multiple_choice_separate", "MultipleChoiceSeparateAdapter"),
    "multiple_choice_separate_calibrated": ("multiple_choice_separate", "MultipleChoiceCalibratedAdapter"),
    "language_modeling": ("language_modeling", "LanguageModelingAdapter"),
    "ranking_binary": ("ranking_binary", "BinaryRankingAdapter"),
}


def get_adapter(adapter_spec: AdapterSpec, window_service: WindowService) -> Adapter:
    if adapter_spec.method not in ADAPTERS:
        raise UnknownNameError(f"unknown adaptation method '{adapter_spec.method}' ({one_of(ADAPTERS)})")
    module_name, class_name = ADAPTERS[adapter_spec.method]
    cls = resolve_class(
        f"{module_name}.{class_name}", "holistic.adaptation.adapters", "adapter class", Adapter
    )
    return cls(adapter_spec, window_service)
