import pytest

from holistic.errors import DescriptionError, UnknownNameError
from holistic.run_specs.construct import construct_run_specs
from holistic.specs.description import coerce, parse_description


def test_parse_and_coerce_values():
    parsed = parse_description(
        "mmlu:subject=philosophy,k=5,t=0.3,flag=True,empty=,eq=a=b,subset=DM Mathematics"
    )
    assert parsed.name == "mmlu"
    assert parsed.args == {
        "subject": "philosophy",
        "k": 5,
        "t": 0.3,
        "flag": "True",
        "empty": "",
        "eq": "a=b",
        "subset": "DM Mathematics",
    }
    assert isinstance(parsed.args["k"], int) and isinstance(parsed.args["t"], float)


def test_no_colon_means_no_arguments_and_later_keys_win():
    assert parse_description("simple1").args == {}
    assert parse_description("x:a=1,a=2").args == {"a": 2}
    assert coerce("007") == 7


def test_piece_without_equals_is_an_error_naming_it():
    with pytest.raises(DescriptionError, match="expected <key>=<value>, got 'philosophy'"):
        parse_description("mmlu:philosophy")


def test_unknown_scenario_lists_valid_names():
    with pytest.raises(UnknownNameError, match="unknown scenario 'mmlx' .*mmlu"):
        construct_run_specs("mmlx:subject=philosophy,model=simple/model1")


def test_missing_and_unknown_scenario_arguments():
    with pytest.raises(DescriptionError, match="missing argument 'subject' for scenario mmlu"):
        construct_run_specs("mmlu:model=simple/model1")
    with pytest.raises(
        DescriptionError, match="unknown argument 'subjekt' for scenario mmlu .*subject, method"
    ):
        construct_run_specs("mmlu:subjekt=philosophy,model=simple/model1")


def test_missing_model_is_an_error():
    with pytest.raises(DescriptionError, match="no model"):
        construct_run_specs("mmlu:subject=philosophy")


def test_unknown_model_is_an_error_listing_models():
    with pytest.raises(UnknownNameError, match="unknown model 'openai/davinchi'.*openai/davinci"):
        construct_run_specs("mmlu:subject=philosophy,model=openai/davinchi")
