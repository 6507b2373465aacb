"""synthetic_reasoning_natural: generated instances equal HELM's (values from crfm-helm 0.5.16)."""

import pytest

from holistic.errors import DescriptionError
from holistic.metrics.reference_metrics import exact_set_match, f1_set_match, iou_set_match
from holistic.scenarios.synthetic_reasoning_natural_scenario import SRNScenario
from tests.helpers import request_states, run

HELM_FIRST = {
    "easy": (
        "If a poppy is boring and red, then the poppy is big.\nIf a poppy is fast, then the poppy is weak.\n"
        "If a poppy is smart or hot, then the poppy is good.\nIf a poppy is purple, then the poppy is bad.\n"
        "If a poppy is beautiful and strong, then the poppy is soft.\nFact:\nThe poppy is beautiful and hot.\n"
        "The following can be determined about the poppy:",
        "The poppy is good.",
    ),
    "medium": (
        "If a poppy is boring, then the poppy is red.\nIf a poppy is big or fast, then the poppy is weak.\n"
        "If a plant is smart, then the plant is hot.\nIf a plant is good, then the plant is purple.\n"
        "If a plant is bad or beautiful, then the plant is strong.\nFact:\nThe poppy is weak and beautiful.\n"
        "The following can be determined about the poppy:",
        "The poppy is strong.",
    ),
    "hard": (
        "If a poppy is boring, then the poppy is red.\nIf a poppy is big or fast, then the poppy is weak.\n"
        "If a plant is smart, then the plant is hot.\nIf a plant is good, then the plant is purple.\n"
        "If a plant is bad or beautiful, then the plant is strong.\nFact:\nThe poppy is fragile and beautiful.\n"
        "The following can be determined about the poppy:",
        "The poppy is strong.",
    ),
}
HELM_LAST_HARD = (
    "If person is smart, then person is scary.\nIf Carol is beautiful and purple, then Carol is fast.\n"
    "If Carol is slow, then Carol is boring.\nIf Carol is soft or weak, then Carol is big.\n"
    "If Carol is good, then Carol is blue.\nFact:\nCarol is sluggish and blue.\n"
    "The following can be determined about Carol:",
    "Carol is boring.",
)


@pytest.fixture(scope="module")
def hard():
    return SRNScenario("hard").get_instances()


@pytest.mark.parametrize("difficulty", HELM_FIRST)
def test_first_instance_equals_helms(difficulty, hard):
    instances = hard if difficulty == "hard" else SRNScenario(difficulty).get_instances()
    assert (instances[0].input, instances[0].references[0].output) == HELM_FIRST[difficulty]


def test_splits_and_last_instance(hard):
    assert [i.split for i in hard] == ["train"] * 1000 + ["valid"] * 5000 + ["test"] * 5000
    assert (hard[-1].input, hard[-1].references[0].output) == HELM_LAST_HARD
    assert SRNScenario.name == "sythetic_reasoning_natural"  # (sic), HELM's directory name


def test_prompt(tmp_path):
    run_dir = run(tmp_path, "synthetic_reasoning_natural:difficulty=easy,model=simple/model1", None, 1)
    (state,) = request_states(run_dir)
    train = {
        f"Rules:\n{i.input}\n{i.references[0].output}" for i in SRNScenario("easy").get_instances()[:1000]
    }
    # Instructions, then 3 train blocks "Rules:\n<input>\n<reference>\n" and the eval block, joined by "\n".
    head, *blocks, eval_block = state["request"]["prompt"].split("\n\n")
    assert head == "Please solve the following problem."
    assert len(blocks) == state["num_train_instances"] == 3
    assert all(block in train for block in blocks)
    assert eval_block == "Rules:\n" + state["instance"]["input"] + "\n"


@pytest.mark.parametrize(
    "pred,exact,iou,f1",
    [
        ("The poppy is good and red.", 1.0, 1.0, 1.0),
        ("The poppy is red.", 0.0, 0.5, 2 / 3),
        ("Nothing.", 0.0, 0.0, 0.0),
        ("The poppy is good and red.\nMore text", 1.0, 1.0, 1.0),  # the prediction's first line only
    ],
)
def test_set_match_metrics(pred, exact, iou, f1):
    gold = "The poppy is good and red."
    assert (exact_set_match(gold, pred), iou_set_match(gold, pred), f1_set_match(gold, pred)) == (
        exact,
        iou,
        f1,
    )


def test_bad_difficulty():
    with pytest.raises(DescriptionError, match="unknown synthetic_reasoning_natural difficulty 'extreme'"):
        SRNScenario("extreme")
