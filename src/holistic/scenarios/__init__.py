"""Scenarios: where instances come from. One module per scenario, named as HELM's (`mmlu_scenario.py`)."""

from holistic.scenarios.base import (
    CORRECT_TAG,
    EVAL_SPLITS,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALID_SPLIT,
    Instance,
    PerturbationDescription,
    Reference,
    Scenario,
    create_scenario,
)

__all__ = [
    "CORRECT_TAG",
    "EVAL_SPLITS",
    "TEST_SPLIT",
    "TRAIN_SPLIT",
    "VALID_SPLIT",
    "Instance",
    "PerturbationDescription",
    "Reference",
    "Scenario",
    "create_scenario",
]
