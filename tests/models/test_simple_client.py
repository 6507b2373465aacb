from holistic.models.cache import CacheRegistry
from holistic.models.clients import ClientContext, get_client
from holistic.models.credentials import Credentials
from holistic.models.request import Request


def test_simple_model_answers_like_helm_0_1(tmp_path):
    context = ClientContext(CacheRegistry(tmp_path), Credentials({}, "none"))
    client = get_client("simple/model1", context)
    result = client.make_request(Request(model="simple/model1", prompt="1 2 3", num_completions=2))
    assert [(c.text, c.logprob) for c in result.completions] == [("3", 0), ("2", -1)]
    # HELM v0.1 splits on single spaces: a newline does not separate pieces.
    assert (
        client.make_request(Request(model="simple/model1", prompt="x a\nAnswer:")).completions[0].text
        == "a\nAnswer:"
    )
    # The other profile answers differently, so it must not read these cache entries.
    from holistic.helm_version import helm_version

    with helm_version("0.5"):
        assert (
            client.make_request(Request(model="simple/model1", prompt="x a\nAnswer:")).completions[0].text
            == "Answer:"
        )
    assert len(context.cache("simple")) == 3


def test_simple_model_answers_like_helm(tmp_path, helm_0_5):
    context = ClientContext(CacheRegistry(tmp_path), Credentials({}, "none"))
    client = get_client("simple/model1", context)
    result = client.make_request(Request(model="simple/model1", prompt="1 2 3", num_completions=2))
    assert [(c.text, c.logprob) for c in result.completions] == [("3", 0), ("2", -1)]
    assert client.make_request(Request(model="simple/model1", prompt="+")).completions[0].text == "+"
    # Whitespace-separated (HELM 0.5): a newline separates pieces.
    assert (
        client.make_request(Request(model="simple/model1", prompt="a\nAnswer:")).completions[0].text
        == "Answer:"
    )
    assert len(context.cache("simple")) == 3
