from holistic.models.cache import CacheRegistry
from holistic.models.clients import ClientContext, get_client
from holistic.models.credentials import Credentials
from holistic.models.request import Request


def test_simple_model_answers_like_helm(tmp_path):
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
