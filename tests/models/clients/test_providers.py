"""Each provider client against a local server that records requests: the exact request it sends, and how it
parses a response in that provider's documented format (logprobs, finish reasons, echo)."""

from __future__ import annotations

import logging

import pytest

from holistic.models.clients import create_client
from holistic.models.registry import get_model
from holistic.models.request import Request
from tests.models.clients.api_fakes import Reply

SECRET = "sk-test-0123456789abcdef"


def make_client(model_name: str, context):
    model = get_model(model_name)
    return create_client(model, context)


def no_secret_anywhere(caplog, result) -> None:
    assert SECRET not in caplog.text
    assert SECRET not in repr(result)


@pytest.fixture(autouse=True)
def _capture_every_log(caplog):
    caplog.set_level(logging.DEBUG)


# ---------------------------------------------------------------- OpenAI


LEGACY_COMPLETION = {
    "id": "cmpl-1",
    "object": "text_completion",
    "model": "davinci",
    "choices": [
        {
            "text": " Paris.\nThe",
            "index": 0,
            "logprobs": {
                "tokens": [" Paris", ".", "\n", "The"],
                "token_logprobs": [-0.25, -0.5, -1.0, -2.0],
                "top_logprobs": [{" Paris": -0.25, " Lyon": -3.0}, {".": -0.5}, {"\n": -1.0}, {"The": -2.0}],
                "text_offset": [21, 27, 28, 29],
            },
            "finish_reason": "length",
        }
    ],
}


def test_openai_completion_request_and_parse(fake_api, make_context, caplog):
    context = make_context(
        {"openaiApiKey": SECRET, "openaiOrgId": "org-42"},
        {"openai/davinci": {"base_url": fake_api.url + "/v1"}},
    )
    fake_api.script(Reply(200, LEGACY_COMPLETION))
    request = Request(
        model="openai/davinci",
        prompt="The capital of France is",
        temperature=0.0,
        max_tokens=4,
        top_k_per_token=2,
        stop_sequences=["\n"],
    )
    result = make_client("openai/davinci", context).make_request(request)

    (sent,) = fake_api.posts()
    assert sent.path == "/v1/completions"
    assert sent.headers["authorization"] == f"Bearer {SECRET}"
    assert sent.headers["openai-organization"] == "org-42"
    assert sent.body == {
        "model": "davinci", "prompt": "The capital of France is", "temperature": 0.0, "n": 1, "max_tokens": 4,
        "best_of": 2, "logprobs": 2, "stop": ["\n"], "top_p": 1, "presence_penalty": 0, "frequency_penalty": 0, "echo": False,
    }  # fmt: skip
    assert result.success and not result.cached
    (completion,) = result.completions
    # Cut at the stop sequence "\n": text and tokens.
    assert completion.text == " Paris."
    assert [t.text for t in completion.tokens] == [" Paris", "."]
    assert completion.logprob == pytest.approx(-0.75)
    assert completion.tokens[0].top_logprobs == {" Paris": -0.25, " Lyon": -3.0}
    assert completion.finish_reason == {"reason": "stop"}
    no_secret_anywhere(caplog, result)

    # The same request again comes from the cache under HELM's key, without a call.
    again = make_client("openai/davinci", context).make_request(request)
    assert again.cached and again.completions == result.completions
    assert len(fake_api.posts()) == 1
    key = {
        "engine": "davinci", "prompt": "The capital of France is", "temperature": 0.0, "n": 1, "max_tokens": 4,
        "best_of": 2, "logprobs": 2, "stop": ["\n"], "top_p": 1, "presence_penalty": 0, "frequency_penalty": 0, "echo": False,
    }  # fmt: skip
    assert context.cache("openai").get(key)["choices"] == LEGACY_COMPLETION["choices"]


def test_openai_echo_scores_the_prompt_and_length_finish_reason(fake_api, make_context):
    context = make_context({"openaiApiKey": SECRET}, {"openai/ada": {"base_url": fake_api.url + "/v1"}})
    fake_api.script(Reply(200, {"choices": [{"text": "Hello world", "finish_reason": "length", "logprobs": {
        "tokens": ["Hello", " world"], "token_logprobs": [None, -1.5], "top_logprobs": [None, {" world": -1.5}]}}]}))  # fmt: skip
    request = Request(model="openai/ada", prompt="Hello world", max_tokens=0, echo_prompt=True, temperature=0)
    result = make_client("openai/ada", context).make_request(request)
    assert fake_api.posts()[0].body["echo"] is True and fake_api.posts()[0].body["max_tokens"] == 0
    (completion,) = result.completions
    assert completion.text == "Hello world"
    assert [t.logprob for t in completion.tokens] == [0.0, -1.5]  # the first token's None counts as 0
    assert completion.finish_reason == {"reason": "length"}


def test_openai_end_of_text_truncates_returned_tokens(fake_api, make_context):
    context = make_context({"openaiApiKey": SECRET}, {"openai/ada": {"base_url": fake_api.url + "/v1"}})
    fake_api.script(Reply(200, {"choices": [{"text": " yes<|endoftext|> junk", "finish_reason": "stop", "logprobs": {
        "tokens": [" yes", "<|endoftext|>", " junk"], "token_logprobs": [-0.1, -0.2, -0.3], "top_logprobs": [{}, {}, {}]}}]}))  # fmt: skip
    result = make_client("openai/ada", context).make_request(
        Request(model="openai/ada", prompt="Q?", max_tokens=3)
    )
    assert result.completions[0].text == " yes"
    assert [t.text for t in result.completions[0].tokens] == [" yes"]


def test_openai_embedding_request_and_parse(fake_api, make_context):
    context = make_context(
        {"openaiApiKey": SECRET}, {"openai/text-similarity-ada-001": {"base_url": fake_api.url + "/v1"}}
    )
    fake_api.script(
        Reply(
            200,
            {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5, -0.25, 1.0]}]},
        )
    )
    request = Request(model="openai/text-similarity-ada-001", prompt="a sentence", embedding=True)
    result = make_client("openai/text-similarity-ada-001", context).make_request(request)
    (sent,) = fake_api.posts()
    assert sent.path == "/v1/embeddings"
    assert sent.body == {
        "model": "text-similarity-ada-001",
        "input": "a sentence",
        "encoding_format": "float",
    }
    assert result.success and result.embedding == [0.5, -0.25, 1.0] and result.completions == []
    assert (
        context.cache("openai").get({"input": "a sentence", "engine": "text-similarity-ada-001"}) is not None
    )


def test_openai_compatible_chat_request_and_parse(fake_api, make_context, tmp_path):
    from holistic.models.deployments import deployment_from_dict
    from holistic.models.registry import register_model

    register_model(
        deployment_from_dict(
            {
                "name": "myserver/chat-model",
                "base_url": fake_api.url + "/v1",
                "api": "chat",
                "api_model": "served-name",
            },
            "test",
        )
    )
    fake_api.script(Reply(200, {"object": "chat.completion", "choices": [{"index": 0, "finish_reason": "stop",
        "message": {"role": "assistant", "content": "Blue."},
        "logprobs": {"content": [{"token": "Blue", "logprob": -0.5, "top_logprobs": [{"token": "Blue", "logprob": -0.5}, {"token": "Red", "logprob": -1.5}]},
                                 {"token": ".", "logprob": -0.25, "top_logprobs": [{"token": ".", "logprob": -0.25}]}]}}]}))  # fmt: skip
    request = Request(
        model="myserver/chat-model",
        prompt="Sky colour?",
        temperature=0.0,
        max_tokens=3,
        top_k_per_token=2,
        stop_sequences=["\n"],
    )
    result = make_client("myserver/chat-model", make_context()).make_request(request)
    (sent,) = fake_api.posts()
    assert sent.path == "/v1/chat/completions"
    assert "authorization" not in sent.headers  # a self-hosted server without a key gets none
    assert sent.body == {
        "model": "served-name", "messages": [{"role": "user", "content": "Sky colour?"}], "temperature": 0.0, "n": 1,
        "max_tokens": 3, "top_p": 1, "presence_penalty": 0, "frequency_penalty": 0, "stop": ["\n"], "logprobs": True, "top_logprobs": 2,
    }  # fmt: skip
    (completion,) = result.completions
    assert completion.text == "Blue."
    assert completion.logprob == pytest.approx(-0.75)
    assert completion.tokens[0].top_logprobs == {"Blue": -0.5, "Red": -1.5}
    assert completion.finish_reason == {"reason": "stop"}


def test_chat_deployment_refuses_echo_requests_without_sending(fake_api, make_context):
    from holistic.models.deployments import deployment_from_dict
    from holistic.models.registry import register_model

    register_model(
        deployment_from_dict(
            {"name": "myserver/chat-only", "base_url": fake_api.url + "/v1", "api": "chat"}, "test"
        )
    )
    result = make_client("myserver/chat-only", make_context()).make_request(
        Request(model="myserver/chat-only", prompt="A B", echo_prompt=True, max_tokens=0)
    )
    assert not result.success and "log-probabilities" in result.error
    assert fake_api.posts() == []


# ---------------------------------------------------------------- GooseAI, Together, Microsoft


def test_gooseai_sends_no_best_of(fake_api, make_context):
    context = make_context(
        {"gooseaiApiKey": SECRET}, {"gooseai/gpt-j-6b": {"base_url": fake_api.url + "/v1"}}
    )
    fake_api.script(
        Reply(
            200,
            {
                "choices": [
                    {
                        "text": " 4",
                        "finish_reason": "length",
                        "logprobs": {
                            "tokens": [" 4"],
                            "token_logprobs": [-0.1],
                            "top_logprobs": [{" 4": -0.1, " 5": -2.0}],
                        },
                    }
                ]
            },
        )
    )
    result = make_client("gooseai/gpt-j-6b", context).make_request(
        Request(model="gooseai/gpt-j-6b", prompt="2+2=", max_tokens=1, top_k_per_token=5)
    )
    (sent,) = fake_api.posts()
    assert sent.path == "/v1/completions" and sent.headers["authorization"] == f"Bearer {SECRET}"
    assert "best_of" not in sent.body and sent.body["logprobs"] == 5 and sent.body["model"] == "gpt-j-6b"
    assert result.completions[0].text == " 4"
    key = {"engine": "gpt-j-6b", "prompt": "2+2=", "temperature": 1.0, "n": 1, "max_tokens": 1, "logprobs": 5, "stop": None,
           "top_p": 1, "presence_penalty": 0, "frequency_penalty": 0, "echo": False}  # fmt: skip
    assert context.cache("gooseai").get(key) is not None


def test_together_request_parse_and_helm_offline_results(fake_api, make_context):
    context = make_context(
        {"togetherApiKey": SECRET},
        {"together/bloom": {"base_url": fake_api.url + "/v1", "api_model": "bigscience/bloom"}},
    )
    fake_api.script(
        Reply(
            200,
            {
                "choices": [
                    {
                        "text": "\u2581yes",
                        "finish_reason": "stop",
                        "logprobs": {
                            "tokens": ["\u2581yes"],
                            "token_logprobs": [-0.3],
                            "top_logprobs": [{"\u2581yes": -0.3}],
                        },
                    }
                ]
            },
        )
    )
    request = Request(model="together/bloom", prompt="OK?", max_tokens=2, temperature=0)
    result = make_client("together/bloom", context).make_request(request)
    (sent,) = fake_api.posts()
    assert sent.path == "/v1/completions" and sent.headers["authorization"] == f"Bearer {SECRET}"
    assert (
        sent.body["model"] == "bigscience/bloom"
        and sent.body["prompt"] == "OK?"
        and sent.body["max_tokens"] == 2
    )
    assert result.completions[0].text == " yes" and result.completions[0].tokens[0].text == " yes"

    # A result HELM's offline batch uploaded (batch timing), read from the cache without a key or a call.
    offline = Request(model="together/bloom", prompt="Batch?", max_tokens=1, temperature=0)
    raw = make_client("together/bloom", context).cache_keys(offline)[0]
    assert raw["request_type"] == "language-model-inference" and raw["model"] == "together/bloom"
    context.cache("together").put(
        raw,
        {
            "choices": [{"text": " no", "finish_reason": "length"}],
            "request_time": {"batch_size": 8, "batch_time": 2.5},
        },
    )
    keyless = make_context({}, {"together/bloom": {"base_url": fake_api.url + "/v1"}})
    keyless.caches = context.caches
    cached = make_client("together/bloom", keyless).make_request(offline)
    assert cached.success and cached.cached and cached.batch_size == 8 and cached.batch_request_time == 2.5
    assert cached.completions[0].text == " no"
    assert len(fake_api.posts()) == 1
    uncached = make_client("together/bloom", keyless).make_request(
        Request(model="together/bloom", prompt="New?")
    )
    assert not uncached.success and "togetherApiKey" in uncached.error


def test_microsoft_one_completion_per_call_and_first_stop_only(fake_api, make_context):
    context = make_context({"microsoftApiKey": SECRET}, {"microsoft/TNLGv2_7B": {"base_url": fake_api.url}})
    reply = {
        "choices": [
            {
                "text": " a;b",
                "finish_reason": "stop",
                "logprobs": {
                    "tokens": [" a", ";", "b"],
                    "token_logprobs": [-0.1, -0.2, -0.3],
                    "top_logprobs": [{}, {}, {}],
                },
            }
        ]
    }
    fake_api.script(Reply(200, reply), Reply(200, reply))
    request = Request(
        model="microsoft/TNLGv2_7B", prompt="x", num_completions=2, max_tokens=3, stop_sequences=["\n", ";"]
    )
    result = make_client("microsoft/TNLGv2_7B", context).make_request(request)
    sent = fake_api.posts()
    assert [s.path for s in sent] == ["/TNLGv2_7B/inference"] * 2
    assert sent[0].headers["authorization"] == f"Bearer {SECRET}"
    assert sent[0].body == {
        "prompt": "x",
        "temperature": 1.0,
        "max_tokens": 3,
        "best_of": 1,
        "logprobs": 1,
        "stop": "\n",
        "top_p": 1,
        "echo": False,
    }
    # The second stop sequence is applied afterwards.
    assert [c.text for c in result.completions] == [" a", " a"]
    assert len(context.cache("microsoft")) == 2  # one key per completion_index


def test_microsoft_malformed_answer_is_retried_not_cached(fake_api, make_context):
    context = make_context({"microsoftApiKey": SECRET}, {"microsoft/TNLGv2_7B": {"base_url": fake_api.url}})
    fake_api.script(*[Reply(200, {"choices": [{"text": None, "logprobs": None}]})] * 3)
    result = make_client("microsoft/TNLGv2_7B", context).make_request(
        Request(model="microsoft/TNLGv2_7B", prompt="x")
    )
    assert not result.success and "MT-NLG" in result.error and "after 3 attempts" in result.error
    assert len(fake_api.posts()) == 3 and len(context.cache("microsoft")) == 0


# ---------------------------------------------------------------- Anthropic, Cohere, AI21


def test_anthropic_messages_request_and_parse(fake_api, make_context, caplog):
    context = make_context(
        {"anthropicApiKey": SECRET},
        {"anthropic/stanford-online-all-v4-s3": {"base_url": fake_api.url + "/v1", "api_model": "claude-x"}},
    )
    fake_api.script(Reply(200, {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x",
                                "content": [{"type": "text", "text": "Hello there"}], "stop_reason": "max_tokens",
                                "usage": {"input_tokens": 3, "output_tokens": 2}}))  # fmt: skip
    request = Request(
        model="anthropic/stanford-online-all-v4-s3",
        prompt="Hi",
        max_tokens=2,
        temperature=0.0,
        stop_sequences=["\n", "###"],
    )
    result = make_client("anthropic/stanford-online-all-v4-s3", context).make_request(request)
    (sent,) = fake_api.posts()
    assert sent.path == "/v1/messages"
    assert sent.headers["x-api-key"] == SECRET and sent.headers["anthropic-version"] == "2023-06-01"
    assert sent.body == {
        "model": "claude-x",
        "max_tokens": 2,
        "messages": [{"role": "user", "content": "Hi"}],
        "temperature": 0.0,
        "stop_sequences": ["###"],
    }
    (completion,) = result.completions
    assert completion.text == "Hello there" and completion.finish_reason == {"reason": "length"}
    assert "".join(t.text for t in completion.tokens) == "Hello there" and completion.logprob == 0.0
    no_secret_anywhere(caplog, result)
    echo = make_client("anthropic/stanford-online-all-v4-s3", context).make_request(
        Request(model="anthropic/stanford-online-all-v4-s3", prompt="Hi", echo_prompt=True, max_tokens=0)
    )
    assert not echo.success and "log-probabilities" in echo.error and len(fake_api.posts()) == 1


def test_cohere_generate_request_and_parse(fake_api, make_context):
    context = make_context({"cohereApiKey": SECRET}, {"cohere/small-20220720": {"base_url": fake_api.url}})
    fake_api.script(Reply(200, {"id": "g", "generations": [{"text": " fine", "likelihood": -0.4,
        "token_likelihoods": [{"token": "How"}, {"token": " are", "likelihood": -1.0}, {"token": " fine", "likelihood": -0.4}]}]}))  # fmt: skip
    request = Request(
        model="cohere/small-20220720",
        prompt="How are",
        max_tokens=1,
        echo_prompt=True,
        temperature=0.0,
        top_k_per_token=0,
    )
    result = make_client("cohere/small-20220720", context).make_request(request)
    (sent,) = fake_api.posts()
    assert sent.path == "/generate"
    assert (
        sent.headers["authorization"] == f"BEARER {SECRET}" and sent.headers["cohere-version"] == "2021-11-08"
    )
    assert sent.body == {"prompt": "How are", "max_tokens": 1, "model": "small-20220720", "temperature": 0.0, "num_generations": 1,
                         "k": 0, "p": 1, "frequency_penalty": 0, "presence_penalty": 0, "stop_sequences": [], "return_likelihoods": "ALL"}  # fmt: skip
    (completion,) = result.completions
    assert completion.text == "How are fine"  # the prompt is prepended when echoing with max_tokens > 0
    assert [t.logprob for t in completion.tokens] == [0.0, -1.0, -0.4]
    assert completion.finish_reason is None  # Cohere returns none
    invalid = make_client("cohere/small-20220720", context).make_request(
        Request(model="cohere/small-20220720", prompt="x", num_completions=6)
    )
    assert not invalid.success and "num_completions" in invalid.error and len(fake_api.posts()) == 1


AI21_RESPONSE = {
    "id": "a",
    "prompt": {"text": "Hi", "tokens": [{"generatedToken": {"token": "\u2581Hi", "logprob": -5.0, "raw_logprob": -5.5}, "topTokens": None, "textRange": {"start": 0, "end": 2}}]},
    "completions": [{
        "data": {"text": " there\n", "tokens": [
            {"generatedToken": {"token": "\u2581there", "logprob": -1.0, "raw_logprob": -1.25},
             "topTokens": [{"token": "\u2581there", "logprob": -1.0, "raw_logprob": -1.25}, {"token": "<|newline|>", "logprob": -2.0, "raw_logprob": -2.5}],
             "textRange": {"start": 0, "end": 6}},
            {"generatedToken": {"token": "<|newline|>", "logprob": -0.5, "raw_logprob": -0.75}, "topTokens": [], "textRange": {"start": 6, "end": 7}}]},
        "finishReason": {"reason": "length", "length": 2}}],
}  # fmt: skip


def test_ai21_complete_request_and_parse(fake_api, make_context):
    context = make_context(
        {"ai21ApiKey": SECRET}, {"ai21/j1-large": {"base_url": fake_api.url + "/studio/v1"}}
    )
    fake_api.script(Reply(200, AI21_RESPONSE), Reply(200, AI21_RESPONSE))
    request = Request(model="ai21/j1-large", prompt="Hi", max_tokens=2, temperature=0.0, top_k_per_token=2)
    result = make_client("ai21/j1-large", context).make_request(request)
    (sent,) = fake_api.posts()
    assert sent.path == "/studio/v1/j1-large/complete" and sent.headers["authorization"] == f"Bearer {SECRET}"
    assert sent.body == {
        "prompt": "Hi",
        "temperature": 0.0,
        "numResults": 1,
        "topKReturn": 2,
        "topP": 1,
        "maxTokens": 2,
        "stopSequences": [],
    }
    (completion,) = result.completions
    assert completion.text == " there\n"
    assert [t.text for t in completion.tokens] == [" there", "\n"]
    assert completion.tokens[0].logprob == -1.25  # raw (unscaled) log-probabilities
    assert completion.tokens[0].top_logprobs == {" there": -1.25, "\n": -2.5}
    assert completion.finish_reason == {"reason": "length", "length": 2}
    echoed = make_client("ai21/j1-large", context).make_request(
        Request(model="ai21/j1-large", prompt="Hi", max_tokens=2, echo_prompt=True)
    )
    (with_prompt,) = echoed.completions
    assert with_prompt.text == "Hi there\n" and [t.text for t in with_prompt.tokens] == ["Hi", " there", "\n"]
    assert with_prompt.logprob == pytest.approx(-5.5 - 1.25 - 0.75)


def test_api_tokenizers_are_cached_like_requests(fake_api, make_context):
    from holistic.models.tokenizers.api import build_api_tokenizer

    context = make_context({"ai21ApiKey": SECRET, "cohereApiKey": SECRET},
                           {"ai21/j1-jumbo": {"base_url": fake_api.url}, "cohere/xlarge-20220609": {"base_url": fake_api.url}})  # fmt: skip
    fake_api.script(
        Reply(
            200,
            {
                "tokens": [
                    {"token": "\u2581Hello", "textRange": {"start": 0, "end": 5}},
                    {"token": "\u2581world", "textRange": {"start": 5, "end": 11}},
                ]
            },
        ),
        Reply(200, {"tokens": [33555, 1114], "token_strings": ["Hello", " world"]}),
    )
    ai21 = build_api_tokenizer("ai21/j1", context)
    assert ai21.encode("Hello world") == ["Hello", " world"]
    assert ai21.decode(ai21.encode("Hello world")) == "Hello world"
    cohere = build_api_tokenizer("cohere/cohere", context)
    assert cohere.tokenize("Hello world") == ["Hello", " world"]
    assert [r.path for r in fake_api.posts()] == ["/tokenize", "/tokenize"]
    assert (
        fake_api.posts()[0].body == {"text": "Hello world"}
        and fake_api.posts()[1].headers["cohere-version"] == "2021-11-08"
    )
    # A fresh tokenizer (new process, same cache) asks nothing.
    assert build_api_tokenizer("ai21/j1", context).encode("Hello world") == ["Hello", " world"]
    assert len(fake_api.posts()) == 2
    # Without a key the offline approximation stands in.
    assert build_api_tokenizer("ai21/j1", make_context()) is None
