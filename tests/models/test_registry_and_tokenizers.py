import pytest

from holistic.errors import UnknownNameError
from holistic.models.registry import get_model, helm_models, models_with_tag
from holistic.models.request import Request, Sequence, Token, truncate_sequence
from holistic.models.tokenizers import get_tokenizer
from holistic.models.window_service import get_window_service

TEST_PROMPT = (
    "The Center for Research on Foundation Models (CRFM) is an interdisciplinary initiative born out of the Stanford "
    "Institute for Human-Centered Artificial Intelligence (HAI) that aims to make fundamental advances in the study, "
    "development, and deployment of foundation models."
)


def test_registry_has_helms_43_models():
    models = helm_models()
    assert len(models) == 43 and len({m.name for m in models}) == 43
    assert len(models_with_tag("text")) == 35
    j1 = get_model("ai21/j1-jumbo")
    assert (j1.organization, j1.engine) == ("ai21", "j1-jumbo")
    assert get_model("openai/text-curie-001").group == "gpt3"
    assert [m.name for m in models if m.organization == "simple"] == ["simple/model1"]
    assert models_with_tag("code") == [
        "openai/code-davinci-002",
        "openai/code-davinci-001",
        "openai/code-cushman-001",
    ]


def test_unknown_model():
    with pytest.raises(UnknownNameError):
        get_model("nobody/model")


def test_gpt2_tokenizer():
    tokenizer = get_tokenizer("huggingface/gpt2")
    assert len(tokenizer.encode(TEST_PROMPT)) == 51
    assert tokenizer.encode("I am a computer scientist.") == [40, 716, 257, 3644, 11444, 13]
    assert tokenizer.token_strings("I am a computer scientist.") == [
        "I",
        "Ġam",
        "Ġa",
        "Ġcomputer",
        "Ġscientist",
        ".",
    ]
    assert tokenizer.encode("<|endoftext|>") == [50256]
    assert tokenizer.decode(tokenizer.encode(TEST_PROMPT)) == TEST_PROMPT


@pytest.mark.parametrize(
    ("model", "length"),
    [("openai/davinci", 2049), ("huggingface/gpt2", 1025), ("openai/text-davinci-002", 4001)],
)
def test_window_services(model, length):
    service = get_window_service(model)
    assert service.max_request_length == length
    assert service.fits_within_context_window(TEST_PROMPT, length - 51)
    assert not service.fits_within_context_window(TEST_PROMPT, length - 51 + 1)
    assert service.get_num_tokens(service.truncate_from_right(TEST_PROMPT * 100)) == length
    assert service.truncate_from_right("their 'studio'") == "their 'studio'"


def test_simple_model_window_counts_characters(helm_0_5):
    service = get_window_service("simple/model1")
    assert service.get_num_tokens("abc def") == 7 and service.max_request_length == 2048


def test_simple_model_window_is_gpt2_under_helm_0_1():
    # HELM v0.1's simple/model1 used the window service of OpenAI models.
    service = get_window_service("simple/model1")
    assert service.get_num_tokens("abc def") == 2 and service.max_request_length == 2049
    assert service.max_sequence_length == 2048


def _sequence(texts):
    tokens = [Token(t, -1.0) for t in texts]
    return Sequence("".join(texts), -float(len(texts)), tokens)


def test_truncate_sequence_rules():
    sequence = _sequence(["hello", " world", "\n", "what"])
    assert truncate_sequence(sequence, Request(echo_prompt=True, stop_sequences=["\n"])) == sequence
    assert truncate_sequence(sequence, Request(stop_sequences=["#"])) == sequence
    cut = truncate_sequence(sequence, Request(stop_sequences=["\n"]))
    assert (
        [t.text for t in cut.tokens] == ["hello", " world"]
        and cut.text == "hello world"
        and cut.logprob == -2.0
    )
    short = truncate_sequence(_sequence(["a", " b", " c"]), Request(max_tokens=2))
    assert short.text == "a b" and short.logprob == -2.0 and short.finish_reason == {"reason": "length"}
