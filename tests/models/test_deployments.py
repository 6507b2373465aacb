"""prod_env/model_deployments.yaml: client options, new model names, errors."""

from __future__ import annotations

import pytest

from holistic.errors import ConfigError
from holistic.models.deployments import load_deployments
from holistic.models.registry import get_model


def write(tmp_path, text: str):
    (tmp_path / "model_deployments.yaml").write_text(text)
    return tmp_path


def test_no_file_means_no_options(tmp_path):
    assert load_deployments(tmp_path) == {}


def test_options_and_a_new_name_copying_a_model(tmp_path):
    path = write(
        tmp_path,
        """
model_deployments:
  - name: huggingface/smollm2-135m-instruct
    client_spec:
      class_name: ignored.Client
      args: {device: cpu, torch_dtype: bfloat16}
  - name: huggingface/smollm2-test-copy
    model_name: huggingface/smollm2-135m-instruct
    max_sequence_length: 1024
    client_spec:
      args: {dtype: float32, batch_tokens: 256}
""",
    )
    options = load_deployments(path)
    assert options["huggingface/smollm2-135m-instruct"] == {"device": "cpu", "dtype": "bfloat16"}
    assert options["huggingface/smollm2-test-copy"] == {"dtype": "float32", "batch_tokens": 256}
    copy, original = (
        get_model("huggingface/smollm2-test-copy"),
        get_model("huggingface/smollm2-135m-instruct"),
    )
    assert copy.max_sequence_length == copy.max_request_length == 1024
    assert (copy.client, copy.tokenizer, copy.args) == (original.client, original.tokenizer, original.args)
    assert original.max_sequence_length == 8192


def test_weights_arguments_point_a_new_name_elsewhere(tmp_path):
    path = write(
        tmp_path,
        """
model_deployments:
  - name: huggingface/my-local-model
    client_spec:
      args: {pretrained_model_name_or_path: /models/mine, device: cuda}
""",
    )
    assert load_deployments(path) == {"huggingface/my-local-model": {"device": "cuda"}}
    assert get_model("huggingface/my-local-model").args["pretrained_model_name_or_path"] == "/models/mine"


@pytest.mark.parametrize(
    "text, message",
    [
        ("model_deployments: [", "not valid YAML"),
        ("model_deployments: {a: 1}", "expected a list"),
        ("model_deployments:\n  - client_spec: {}", "needs a name"),
        ("model_deployments:\n  - name: nowhere/model", "deployment nowhere/model"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_deployments(write(tmp_path, text))
