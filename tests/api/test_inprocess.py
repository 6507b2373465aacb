"""In-process model objects: batched calls, the request cache, failures, scoring versus generation."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import holistic
from holistic import Generation, TokenLogprob


class RecordingModel:
    """Scores every character at log(1/27) (the first at 0); continues with the prompt's last character."""

    def __init__(self, fail: bool = False) -> None:
        self.score_batches: list[int] = []
        self.generate_batches: list[tuple[int, holistic.GenerationOptions]] = []
        self.fail = fail

    def score(self, texts):
        self.score_batches.append(len(texts))
        return [[TokenLogprob(c, 0.0 if i == 0 else -math.log(27)) for i, c in enumerate(t)] for t in texts]

    def generate(self, prompts, options):
        if self.fail:
            raise RuntimeError("out of memory")
        self.generate_batches.append((len(prompts), options))
        return [[Generation(p[-1] * options.max_tokens + ".")] * options.num_completions for p in prompts]


def _state(run: holistic.RunResult) -> dict:
    assert run.directory is not None
    return json.loads(Path(run.directory, "scenario_state.json").read_text())


def test_generation_is_batched_cached_and_cut_at_stop_sequences(tmp_path: Path):
    model = RecordingModel()
    holistic.register_model("test/recording", model, tokenizer="simple/model1", batch_size=4)
    kwargs = dict(suite="s", model="test/recording", max_eval_instances=10, output_path=tmp_path / "out",
                  local_path=tmp_path / "prod_env")  # fmt: skip
    result = holistic.run("simple1", **kwargs)
    run = result.runs[0]
    assert result.ok and run.status == "done" and run.error is None
    # simple1 samples (temperature 1): every request has its own seed, so one prompt per call.
    assert [n for n, _ in model.generate_batches] == [1] * 30
    options = model.generate_batches[0][1]
    assert (options.max_tokens, options.num_completions, options.stop_sequences) == (100, 3, (".",))
    state = _state(run)
    completions = state["request_states"][0]["result"]["completions"]
    prompt = state["request_states"][0]["request"]["prompt"]
    assert [c["text"] for c in completions] == [prompt[-1] * 100] * 3  # cut before the stop sequence "."
    assert not state["request_states"][0]["result"]["cached"]
    # A second run asks the model nothing: every answer comes from prod_env/cache/inprocess.sqlite.
    model.generate_batches.clear()
    again = holistic.run("simple1", **{**kwargs, "suite": "s2"})
    assert model.generate_batches == []
    assert all(s["result"]["cached"] for s in _state(again.runs[0])["request_states"])
    assert again.runs[0].stats == run.stats
    assert (tmp_path / "prod_env" / "cache" / "inprocess.sqlite").is_file()


def test_greedy_generation_groups_requests_into_batches(tmp_path: Path, shared_data: Path):
    model = RecordingModel()
    holistic.register_model("test/greedy", model, tokenizer="simple/model1", batch_size=4)
    result = holistic.run(
        "mmlu:subject=anatomy", suite="s", model="test/greedy", max_eval_instances=10,
        output_path=tmp_path / "out", local_path=tmp_path / "prod_env", data_mirror=shared_data,
    )  # fmt: skip
    assert result.ok
    assert [n for n, _ in model.generate_batches] == [4, 4, 2]
    assert model.generate_batches[0][1].temperature == 0


def test_scoring_requests_go_to_score(tmp_path: Path, shared_data: Path):
    model = RecordingModel()
    holistic.register_model("test/scoring", model, tokenizer="simple/model1", batch_size=8)
    result = holistic.run(
        "mmlu:subject=anatomy,method=multiple_choice_separate_original", suite="s", model="test/scoring",
        max_eval_instances=5, output_path=tmp_path / "out", local_path=tmp_path / "prod_env",
        data_mirror=shared_data,
    )  # fmt: skip
    run = result.runs[0]
    assert result.ok and model.generate_batches == []
    assert model.score_batches == [8, 8, 4]  # 5 instances x 4 answer choices
    # Every request's log-probability is what the model gave for its tokens.
    for state in _state(run)["request_states"]:
        completion = state["result"]["completions"][0]
        prompt = state["request"]["prompt"]
        assert completion["text"] == prompt
        assert completion["logprob"] == pytest.approx(-(len(prompt) - 1) * math.log(27))


def test_a_failing_model_fails_the_run_not_the_process(tmp_path: Path):
    holistic.register_model("test/failing", RecordingModel(fail=True), tokenizer="simple/model1")
    result = holistic.run(
        "simple1", suite="s", model="test/failing", max_eval_instances=2, output_path=tmp_path / "out",
        local_path=tmp_path / "prod_env",
    )  # fmt: skip
    assert not result.ok and result.failures == result.runs
    assert "6 of 6 requests failed" in result.runs[0].error and "out of memory" in result.runs[0].error
    assert result.runs[0].stat_values == ()


def test_registration_mistakes_are_holistic_errors():
    with pytest.raises(holistic.HolisticError, match="needs an organization"):
        holistic.register_model("noslash", RecordingModel())
    with pytest.raises(holistic.HolisticError, match="lacks score"):
        holistic.register_model("test/x", object())
    with pytest.raises(holistic.HolisticError, match="either an in-process model object or a client"):
        holistic.register_model("test/x")


def test_descriptions_that_name_a_model_cannot_take_model_too(tmp_path: Path):
    with pytest.raises(holistic.HolisticError, match="already names a model"):
        holistic.run("simple1:model=simple/model1", suite="s", model="simple/model1", output_path=tmp_path)
    with pytest.raises(holistic.HolisticError, match="unknown scenario"):
        holistic.run("no_such_scenario", suite="s", model="simple/model1", output_path=tmp_path)


def test_run_takes_run_spec_objects(tmp_path: Path):
    from holistic.run_specs import get_run_spec_function

    run_spec = get_run_spec_function("simple1")()
    assert run_spec.adapter_spec.model == "simple/model1"
    result = holistic.run(run_spec, suite="s", max_eval_instances=2, output_path=tmp_path)
    assert result.ok and result["simple1"].stat("num_instances") == 2
    with pytest.raises(holistic.HolisticError, match="already names model"):
        holistic.run(run_spec, suite="s", model="test/other", output_path=tmp_path)
