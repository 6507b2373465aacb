"""Prompt assembly (§4.2): instructions, in-context blocks and the eval block joined by instance_prefix."""

from __future__ import annotations

import re
from dataclasses import dataclass

from holistic.scenarios.base import Instance
from holistic.specs import AdapterSpec


@dataclass(frozen=True)
class Prompt:
    global_prefix: str
    instructions: str
    train_blocks: list[str]
    eval_block: str
    instance_prefix: str
    substitutions: tuple[tuple[str, str], ...] = ()
    truncated_text: str | None = None

    @property
    def text(self) -> str:
        if self.truncated_text is not None:
            return self.truncated_text
        blocks = ([self.instructions] if self.instructions else []) + self.train_blocks + [self.eval_block]
        text = self.instance_prefix.join(blocks)
        if self.global_prefix:
            text = f"{self.global_prefix} {text}"
        for source, target in self.substitutions:
            text = re.sub(source, target, text)
        return text

    @property
    def num_train_instances(self) -> int:
        return len(self.train_blocks)

    def with_train_blocks(self, train_blocks: list[str]) -> Prompt:
        return Prompt(
            self.global_prefix,
            self.instructions,
            train_blocks,
            self.eval_block,
            self.instance_prefix,
            self.substitutions,
        )

    def with_truncated_text(self, text: str) -> Prompt:
        return Prompt(
            self.global_prefix,
            self.instructions,
            self.train_blocks,
            self.eval_block,
            self.instance_prefix,
            self.substitutions,
            text,
        )


def make_prompt(adapter_spec: AdapterSpec, train_blocks: list[str], eval_block: str) -> Prompt:
    return Prompt(
        global_prefix=adapter_spec.global_prefix,
        instructions=adapter_spec.instructions,
        train_blocks=train_blocks,
        eval_block=eval_block,
        instance_prefix=adapter_spec.instance_prefix,
        substitutions=tuple((s.source, s.target) for s in adapter_spec.substitutions),
    )


def example_block(
    adapter_spec: AdapterSpec, instance: Instance, include_output: bool, reference_index: int | None
) -> str:
    """A generation / separate-method block: input, then the output (or the bare output prefix)."""
    block = adapter_spec.input_prefix + instance.input + adapter_spec.input_suffix
    if include_output:
        if reference_index is None:
            reference = instance.first_correct_reference
            output = reference.output if reference is not None else "n/a"
        else:
            output = instance.references[reference_index].output
        return block + adapter_spec.output_prefix + output + adapter_spec.output_suffix
    return block + adapter_spec.output_prefix.rstrip()


def choice_letter(index: int) -> str:
    return chr(ord("A") + index)


def multiple_choice_block(adapter_spec: AdapterSpec, instance: Instance, include_output: bool) -> str:
    """A joint multiple-choice block: input, lettered references, then the correct letter or the prefix."""
    block = adapter_spec.input_prefix + instance.input + adapter_spec.input_suffix
    correct_letter = "n/a"
    for index, reference in enumerate(instance.references):
        letter = choice_letter(index)
        block += (
            adapter_spec.reference_prefix.replace("A", letter)
            + reference.output
            + adapter_spec.reference_suffix
        )
        if reference.is_correct and correct_letter == "n/a":
            correct_letter = letter
    if include_output:
        return block + adapter_spec.output_prefix + correct_letter + adapter_spec.output_suffix
    return block + adapter_spec.output_prefix.rstrip()
