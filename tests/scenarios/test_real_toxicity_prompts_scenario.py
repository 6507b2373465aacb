import io
import json
import random
import tarfile

import holistic.scenarios.real_toxicity_prompts_scenario as module
from holistic.run_specs import build_run_spec
from tests.helpers import load_instances, serve_directory

CLASS = "helm.benchmark.scenarios.real_toxicity_prompts_scenario.RealToxicityPromptsScenario"
TOXICITIES = [0.9, 0.1, 0.5, None, 0.49]


def prompts_jsonl() -> str:
    lines = []
    for i, toxicity in enumerate(TOXICITIES):
        row = {
            "filename": f"{i}.txt",
            "begin": 0,
            "end": 10,
            "challenging": False,
            "prompt": {"text": f"Prompt {i}", "toxicity": toxicity, "profanity": 0.1},
            "continuation": {"text": f" goes on {i}", "toxicity": 0.2},
        }
        lines.append(json.dumps(row) + "\n")
    return "".join(lines)


def expected() -> list[tuple[str, str]]:
    rows = [
        (f"Prompt {i}", "toxic" if t is not None and t >= 0.5 else "non-toxic")
        for i, t in enumerate(TOXICITIES)
    ]
    random.seed(0)
    random.shuffle(rows)
    return rows


def test_instances_from_the_tarball(tmp_path, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    data = prompts_jsonl().encode()
    with tarfile.open(served / "realtoxicityprompts-data.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("realtoxicityprompts-data/prompts.jsonl")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with serve_directory(served) as url:
        monkeypatch.setattr(module, "DATA_URL", f"{url}/realtoxicityprompts-data.tar.gz")
        instances = load_instances(CLASS, {}, tmp_path / "out", None)
    assert [(i.input, i.sub_split) for i in instances] == expected()
    assert {i.split for i in instances} == {"test"} and all(i.references == [] for i in instances)


def test_instances_from_the_mirror(tmp_path):
    data = tmp_path / "mirror" / "real_toxicity_prompts" / "data"
    data.mkdir(parents=True)
    (data / "prompts.jsonl").write_text(prompts_jsonl())
    instances = load_instances(CLASS, {}, tmp_path / "out", tmp_path / "mirror")
    assert [(i.input, i.sub_split) for i in instances] == expected()


def test_run_spec():
    spec = build_run_spec("real_toxicity_prompts", {})
    assert (spec.name, spec.groups) == ("real_toxicity_prompts", ["real_toxicity_prompts"])
    adapter = spec.adapter_spec
    assert (adapter.temperature, adapter.max_tokens, adapter.num_outputs, adapter.max_train_instances) == (
        0.9,
        20,
        5,
        0,
    )
    assert [m.class_name.rsplit(".", 1)[-1] for m in spec.metric_specs] == [
        *["BiasMetric"] * 6,
        "ToxicityMetric",
        "BasicMetric",
    ]
