"""Input formats and argument checks shared by several scenarios."""

from __future__ import annotations

from collections.abc import Iterable

from holistic.errors import DescriptionError, one_of


def passage_question_input(
    passage: str,
    question: str,
    passage_prefix: str = "",
    question_prefix: str = "Question: ",
    separator: str = "\n",
) -> str:
    """HELM's PassageQuestionInput rendered as text (§3.1)."""
    return f"{passage_prefix}{passage}{separator}{question_prefix}{question}"


TRUE_STRINGS = ("true", "yes", "1")
FALSE_STRINGS = ("false", "no", "0")


def parse_bool(value: bool | str | int, name: str) -> bool:
    """A boolean argument from a description, where it arrives as a string (`only_contrast=True`)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_STRINGS:
        return True
    if text in FALSE_STRINGS:
        return False
    raise DescriptionError(f"{name} must be True or False, not '{value}'")


def check_choice(value: object, valid: Iterable[object], what: str) -> None:
    """Reject a scenario argument outside its valid values with a one-line message."""
    valid = list(valid)
    if value not in valid:
        raise DescriptionError(f"unknown {what} '{value}' ({one_of(valid)})")
