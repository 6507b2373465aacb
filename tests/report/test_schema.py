from __future__ import annotations

import pytest

from holistic.errors import ConfigError
from holistic.models.registry import MODELS
from holistic.report.schema import load_schema, parse_schema


def test_every_registry_model_is_in_the_schema_with_its_display_name():
    schema = load_schema()
    for model in MODELS:
        entry = schema.model(model.name)
        assert entry is not None, model.name
        assert entry.display_name == model.display_name
    assert schema.model("huggingface/smollm2-135m-instruct") is not None


def test_references_between_sections_resolve():
    schema = load_schema()
    for group in schema.run_groups:
        for name in group.metric_groups:
            assert schema.metric_group(name) is not None, (group.name, name)
        for name in group.subgroups:
            assert schema.run_group(name) is not None, (group.name, name)
        if group.environment:
            assert schema.metric(group.environment["main_name"]) is not None, group.name
    for metric_group in schema.metric_groups:
        for matcher in metric_group.metrics:
            if matcher.resolved:
                assert schema.metric(matcher.name) is not None, matcher.name
            if matcher.perturbation_name:
                assert schema.perturbation(matcher.perturbation_name) is not None


@pytest.mark.parametrize(
    "group, main_name, main_split",
    [
        ("mmlu", "exact_match", "test"),
        ("boolq", "quasi_exact_match", "valid"),
        ("narrative_qa", "f1_score", "test"),
        ("natural_qa_openbook_longans", "f1_score", "valid"),
        ("hellaswag", "exact_match", "valid"),
        ("msmarco_trec", "NDCG@10", "valid"),
        ("summarization_xsum", "rouge_2", "test"),
        ("the_pile", "bits_per_byte", "test"),
        ("gsm", "exact_match_indicator", "test"),
        ("synthetic_reasoning_natural", "f1_set_match", "test"),
        ("code_humaneval", "pass", "test"),
        ("disinformation_wedging", "self_bleu", "valid"),
    ],
)
def test_main_metric_and_split_follow_helm(group, main_name, main_split):
    assert load_schema().run_group(group).environment == {"main_name": main_name, "main_split": main_split}


def test_core_scenarios_cover_helms_core_groups():
    schema = load_schema()
    core = schema.run_group("core_scenarios")
    leaves = [leaf for sub in core.subgroups for leaf in schema.run_group(sub).subgroups]
    for name in [
        "mmlu",
        "boolq",
        "narrative_qa",
        "quac",
        "msmarco_regular",
        "summarization_cnndm",
        "imdb",
        "civil_comments",
        "raft",
    ]:
        assert name in leaves


def test_top_k_variants_inherit_their_metric():
    entry = load_schema().metric("quasi_exact_match@5")
    assert entry is not None and entry.lower_is_better is False and entry.short.endswith("@5")
    assert load_schema().metric("no_such_metric@5") is None


def test_malformed_schema_is_a_config_error(tmp_path):
    bad = tmp_path / "schema.yaml"
    bad.write_text("models: [1, 2]\n")
    with pytest.raises(ConfigError, match="malformed"):
        load_schema(str(bad))
    bad.write_text("models: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_schema(str(bad))
    with pytest.raises(ConfigError, match="cannot read"):
        load_schema(str(tmp_path / "missing.yaml"))


def test_matcher_templates_substitute():
    schema = parse_schema(
        {
            "metric_groups": [
                {
                    "name": "a",
                    "display_name": "A",
                    "metrics": [{"name": "${main_name}", "split": "${main_split}"}],
                }
            ]
        }
    )
    matcher = schema.metric_group("a").metrics[0]
    assert not matcher.resolved
    resolved = matcher.substitute({"main_name": "f1_score", "main_split": "valid"})
    assert (resolved.name, resolved.split, resolved.resolved) == ("f1_score", "valid", True)


@pytest.fixture
def schema_copy(tmp_path, monkeypatch):
    """A copy of the packaged schema, with the parsed-schema cache in a fresh directory."""
    from holistic.report.schema import SCHEMA_PATH

    monkeypatch.setenv("HOLISTIC_CACHE", str(tmp_path / "cache"))
    load_schema.cache_clear()
    path = tmp_path / "schema.yaml"
    path.write_bytes(SCHEMA_PATH.read_bytes())
    yield path
    load_schema.cache_clear()


def test_the_parsed_schema_is_cached_and_follows_edits(schema_copy, tmp_path):
    import os

    first = load_schema(str(schema_copy))
    assert list((tmp_path / "cache" / "schema").glob("*.pickle"))
    load_schema.cache_clear()
    assert load_schema(str(schema_copy)) == first  # read back from the cache
    text = schema_copy.read_text()
    assert "display_name: 'MMLU (Massive" in text
    schema_copy.write_text(
        text.replace("display_name: 'MMLU (Massive", "display_name: 'MMLU, edited (Massive")
    )
    os.utime(schema_copy, ns=(1, 1))  # an edit within the same clock tick still changes the size
    load_schema.cache_clear()
    assert load_schema(str(schema_copy)).run_group("mmlu").display_name.startswith("MMLU, edited")


def test_a_damaged_or_unwritable_cache_only_costs_the_parse(schema_copy, tmp_path, monkeypatch):
    expected = load_schema(str(schema_copy))
    for cached in (tmp_path / "cache" / "schema").glob("*.pickle"):
        cached.write_bytes(b"not a pickle")
    load_schema.cache_clear()
    assert load_schema(str(schema_copy)) == expected
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    monkeypatch.setenv("HOLISTIC_CACHE", str(not_a_directory))  # fails for root too, unlike a chmod
    load_schema.cache_clear()
    assert load_schema(str(schema_copy)) == expected
