"""AdapterSpec: how instances become prompts and requests (HELM v0.1.0 fields and defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Substitution:
    source: str
    """Regular expression to replace in the final prompt."""

    target: str
    """Replacement text."""


ADAPT_GENERATION = "generation"
ADAPT_LANGUAGE_MODELING = "language_modeling"
ADAPT_MULTIPLE_CHOICE_JOINT = "multiple_choice_joint"
ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL = "multiple_choice_separate_original"
ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED = "multiple_choice_separate_calibrated"
ADAPT_RANKING_BINARY = "ranking_binary"

ADAPT_METHODS = (
    ADAPT_GENERATION,
    ADAPT_LANGUAGE_MODELING,
    ADAPT_MULTIPLE_CHOICE_JOINT,
    ADAPT_MULTIPLE_CHOICE_SEPARATE_ORIGINAL,
    ADAPT_MULTIPLE_CHOICE_SEPARATE_CALIBRATED,
    ADAPT_RANKING_BINARY,
)


@dataclass(frozen=True)
class AdapterSpec:
    method: str = ""
    """One of ADAPT_METHODS."""

    global_prefix: str = ""
    """Prepended to the whole prompt, followed by one space."""

    instructions: str = ""
    """First block of the prompt."""

    input_prefix: str = "Input: "
    """Before each instance's input."""

    input_suffix: str = "\n"
    """After each instance's input."""

    reference_prefix: str = "A. "
    """Before each reference (multiple choice); its `A` becomes the choice letter."""

    reference_suffix: str = "\n"
    """After each reference (multiple choice)."""

    output_prefix: str = "Output: "
    """Before each output."""

    output_suffix: str = "\n"
    """After each output of an in-context example."""

    instance_prefix: str = "\n"
    """Separator between blocks."""

    substitutions: list[Substitution] = field(default_factory=list)
    """Regex replacements applied to the final prompt."""

    max_train_instances: int = 5
    """Maximum number of in-context examples."""

    max_eval_instances: int | None = None
    """Maximum number of evaluation instances (sampled with seed 0)."""

    num_outputs: int = 5
    """Completions per request (and top-k for multiple choice joint)."""

    num_train_trials: int = 1
    """Number of independent draws of in-context examples."""

    model: str = ""
    """Model name, `<organization>/<engine>`."""

    temperature: float = 1
    """Sampling temperature (0 is greedy)."""

    max_tokens: int = 100
    """Maximum number of tokens generated per completion."""

    stop_sequences: list[str] = field(default_factory=list)
    """Generation stops at the first of these."""

    random: str | None = None
    """Added to cache keys to force fresh samples."""
