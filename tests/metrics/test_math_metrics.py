"""MATH answer equivalence (math_equiv, math_equiv_chain_of_thought), values worked out by hand."""

import pytest

from holistic.metrics.reference_metrics import REFERENCE_METRICS
from holistic.scenarios.math_scenario import get_answer, last_boxed_only_string

math_equiv = REFERENCE_METRICS["math_equiv"]
math_equiv_chain_of_thought = REFERENCE_METRICS["math_equiv_chain_of_thought"]


@pytest.mark.parametrize(
    "gold,pred,expected",
    [
        ("\\frac{1}{2}", "0.5", 1.0),  # 0.5 is rewritten as \frac{1}{2}
        ("\\frac{1}{2}", "1/2", 1.0),  # integer a/b becomes \frac{a}{b}
        ("\\frac{1}{2}", ".5", 1.0),  # leading "." gets a 0, then 0.5
        ("\\frac12", "\\frac{1}{2}", 1.0),
        ("\\frac1{72}", "\\frac{1}{72}", 1.0),
        ("\\dfrac{3}{4}", "\\tfrac34", 1.0),
        ("\\sqrt3", "\\sqrt{3}", 1.0),
        ("10", "10\\text{ cm}", 1.0),  # units after "\text{ " are dropped
        ("x = 5", "5", 1.0),  # a short left-hand side is dropped
        ("xyz = 5", "5", 0.0),  # ...a long one is not
        ("90^\\circ", "90", 1.0),
        ("50\\%", "50", 1.0),
        ("50%", "50", 0.0),  # only \% is removed, as in the MATH code
        ("\\left( 1, 2 \\right)", "(1,2)", 1.0),
        ("\\$5", "5", 1.0),
        ("2", "3", 0.0),
        ("2", "", 0.0),
        ("2", None, 0.0),
        # Two "\text{ " make the normalisation fail: the raw strings are compared.
        ("5\\text{ m}\\text{ s}", "5\\text{ m}\\text{ s}", 1.0),
        ("5\\text{ m}\\text{ s}", "5", 0.0),
        ("\\sqrt", "\\sqrt", 1.0),  # dangling \sqrt: raw comparison
    ],
)
def test_math_equiv(gold, pred, expected):
    assert math_equiv(gold, pred) == expected


def test_last_boxed_only_string():
    assert last_boxed_only_string("a \\boxed{1} b \\boxed{\\frac{2}{3}} c") == "\\boxed{\\frac{2}{3}}"
    assert last_boxed_only_string("only \\fbox{4} here") == "\\fbox{4}"
    assert last_boxed_only_string("\\boxed{unclosed") is None
    assert last_boxed_only_string("nothing") is None
    assert get_answer("so $\\boxed{\\frac{1}{2}}$.") == "\\frac{1}{2}"
    assert get_answer("\\fbox{4}") is None  # found, but only "\boxed{" is unwrapped (as in the MATH code)


@pytest.mark.parametrize(
    "pred,expected",
    [
        ("Half of it: $\\boxed{0.5}$.", 1.0),
        ("First \\boxed{1}, finally \\boxed{\\dfrac12}", 1.0),
        ("The answer is 1/2.", 0.0),  # no box: None against an answer
        ("\\boxed{\\frac{1}{3}}", 0.0),
    ],
)
def test_math_equiv_chain_of_thought(pred, expected):
    gold = "We halve it, so the answer is $\\boxed{\\frac{1}{2}}$."
    assert math_equiv_chain_of_thought(gold, pred) == expected


def test_chain_of_thought_without_any_box_on_either_side_counts_as_equal():
    assert math_equiv_chain_of_thought("no box", "none either") == 1.0
