"""Hendrycks et al.'s MATH answer equivalence (`math_equiv`, `math_equiv_chain_of_thought`, §5.2).

Two answers are equal when their normalised strings are equal. The normalisation is the MATH paper's
(units, fractions, square roots, superfluous LaTeX); where it fails on odd input (a second `\\text{ `, a
dangling `\\sqrt`), the raw strings are compared, as in the original.
"""

from __future__ import annotations

from holistic.scenarios.math_scenario import get_answer


class _Unnormalisable(Exception):
    """The normalisation does not apply; compare the raw strings."""


def _fix_fracs(text: str) -> str:
    r"""`\frac12` -> `\frac{1}{2}`, `\frac1{72}` -> `\frac{1}{72}`; a one-character tail leaves the text as it is."""
    head, *tails = text.split("\\frac")
    out = [head]
    for tail in tails:
        if not tail:
            raise _Unnormalisable
        out.append("\\frac")
        if tail[0] == "{":
            out.append(tail)
            continue
        if len(tail) < 2:
            return text
        numerator, second, rest = tail[0], tail[1], tail[2:]
        if second != "{":
            out.append(f"{{{numerator}}}{{{second}}}{rest}")
        else:
            out.append(f"{{{numerator}}}{second}{rest}")
    return "".join(out)


def _fix_a_slash_b(text: str) -> str:
    r"""`2/3` -> `\frac{2}{3}` when both sides are plain integers."""
    parts = text.split("/")
    if len(parts) != 2:
        return text
    try:
        a, b = int(parts[0]), int(parts[1])
    except ValueError:
        return text
    if text != f"{a}/{b}":
        return text
    return f"\\frac{{{a}}}{{{b}}}"


def _remove_right_units(text: str) -> str:
    r"""Drop a unit written as `\text{ ...}` at the end (only ever used for units in MATH)."""
    if "\\text{ " not in text:
        return text
    parts = text.split("\\text{ ")
    if len(parts) != 2:
        raise _Unnormalisable
    return parts[0]


def _fix_sqrt(text: str) -> str:
    r"""`\sqrt3` -> `\sqrt{3}`."""
    head, *tails = text.split("\\sqrt")
    out = [head]
    for tail in tails:
        if not tail:
            raise _Unnormalisable
        out.append(f"\\sqrt{tail}" if tail[0] == "{" else f"\\sqrt{{{tail[0]}}}{tail[1:]}")
    return "".join(out)


def normalize_math_answer(text: str) -> str:
    """The MATH paper's canonical form of an answer (raises _Unnormalisable where it does not apply)."""
    text = text.replace("\n", "").replace("\\!", "").replace("\\\\", "\\")
    text = text.replace("tfrac", "frac").replace("dfrac", "frac")
    text = text.replace("\\left", "").replace("\\right", "")
    text = text.replace("^{\\circ}", "").replace("^\\circ", "")
    text = text.replace("\\$", "")
    text = _remove_right_units(text)
    text = text.replace("\\%", "")
    text = text.replace(" .", " 0.").replace("{.", "{0.")
    if not text:
        return text
    if text[0] == ".":
        text = "0" + text
    # `k = 5` -> `5` when the left side is a short variable name.
    sides = text.split("=")
    if len(sides) == 2 and len(sides[0]) <= 2:
        text = sides[1]
    text = _fix_sqrt(text)
    text = text.replace(" ", "")
    text = _fix_fracs(text)
    if text == "0.5":
        text = "\\frac{1}{2}"
    return _fix_a_slash_b(text)


def is_equiv(gold: str | None, pred: str | None) -> float:
    if gold is None and pred is None:
        return 1.0
    if gold is None or pred is None:
        return 0.0
    try:
        return float(normalize_math_answer(gold) == normalize_math_answer(pred))
    except _Unnormalisable:
        return float(gold == pred)


def math_equiv(gold: str, pred: str | None) -> float:
    return is_equiv(gold, pred)


def math_equiv_chain_of_thought(gold: str, pred: str | None) -> float:
    """Compare the last `\\boxed{}` answers of a worked solution and the model's."""
    return is_equiv(get_answer(gold), get_answer(pred))
