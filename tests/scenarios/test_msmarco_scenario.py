import random

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios.msmarco_scenario import MSMARCOScenario
from tests.helpers import instances_of, request_states, run_description

NUM_DOCS = 60


def passage(docid):
    return f"Passage number {docid} about topic {docid % 7}."


def write_fixture(scenario_dir, trec_separator=" "):
    """The download cache of the msmarco scenario, in the formats of the MS MARCO and TREC files."""
    data = scenario_dir / "data"
    data.mkdir(parents=True)

    def write(name, rows, separator="\t"):
        (data / name).write_text("".join(separator.join(str(c) for c in row) + "\n" for row in rows))

    docs = [(d, passage(d)) for d in range(NUM_DOCS)]
    docs[5] = (5, '"Quoted" start, then more')  # csv.reader unquotes it, as in HELM
    write("documents.tsv", docs)
    write("train_queries.tsv", [(q, f"train query {q}") for q in range(100, 106)])
    # qid 0 docid relevance; 104 has too short a top-k list, 105 has no judgments.
    write(
        "train_qrels.tsv",
        [(100, 0, 3, 1), (101, 0, 12, 1), (101, 0, 40, 1), (102, 0, 7, 1), (103, 0, 9, 1), (104, 0, 2, 1)],
    )
    train_topk = []
    for q in (100, 101, 102, 103):
        ranked = [(q + r) % NUM_DOCS for r in range(20)]
        train_topk += [(q, d, r + 1) for r, d in enumerate(ranked)]
    train_topk += [(104, d, d + 1) for d in range(5)]
    write("train_topk.tsv", train_topk)

    write("regular_queries.tsv", [(q, f"dev query {q}") for q in (200, 201, 202, 203)])
    write(
        "regular_qrels.tsv",
        [(200, 0, 30, 1), (201, 0, 31, 1), (201, 0, 50, 1), (202, 0, 32, 0), (203, 0, 33, 1)],
    )
    write(
        "regular_topk.tsv",
        [(q, (q + r) % NUM_DOCS, r + 1) for q, n in ((200, 15), (201, 12), (203, 10)) for r in range(n)],
    )

    write("trec_queries.tsv", [(q, f"trec query {q}") for q in (300, 301, 302)])
    write("trec_qrels.tsv", [(300, "Q0", 20, 3), (300, "Q0", 21, 0), (300, "Q0", 22, 1), (301, "Q0", 23, 1), (302, "Q0", 24, 2)],
          separator=trec_separator)  # fmt: skip
    write("trec_topk.tsv", [(q, (q * 3 + r) % NUM_DOCS, r + 1) for q in (300, 301, 302) for r in range(12)])


def shuffled_order(train_qids, valid_qids):
    """HELM's order: one Random(1885) shuffles the document ids, then train and valid query ids."""
    rng = random.Random(1885)
    docids = list(range(NUM_DOCS))
    rng.shuffle(docids)
    rng.shuffle(train_qids)
    rng.shuffle(valid_qids)
    return {d: i for i, d in enumerate(docids)}, train_qids, valid_qids


def docid(reference):
    return int(next(t for t in reference.tags if t.startswith("docid="))[len("docid=") :])


def test_regular_track(tmp_path):
    write_fixture(tmp_path / "msmarco")
    instances = instances_of(MSMARCOScenario("regular"), tmp_path / "msmarco")
    order, train_qids, valid_qids = shuffled_order(list(range(100, 106)), [200, 201, 202, 203])
    train = [i for i in instances if i.split == "train"]
    valid = [i for i in instances if i.split == "valid"]
    assert [i.split for i in instances] == ["train"] * 4 + ["valid"] * 3
    assert [i.input for i in train] == [f"train query {q}" for q in train_qids if q in (100, 101, 102, 103)]
    assert [i.input for i in valid] == [f"dev query {q}" for q in valid_qids if q != 202]
    for instance in instances:
        ids = [docid(r) for r in instance.references]
        assert ids == sorted(ids, key=order.__getitem__)
    for instance in train:
        q = int(instance.input.split()[-1])
        assert len(instance.references) == 2
        (gold,) = [r for r in instance.references if r.is_correct]
        (wrong,) = [r for r in instance.references if not r.is_correct]
        assert "relevance=1" in gold.tags
        # The wrong passage is the first top-k passage ranked 11..20 that is not gold.
        gold_ids = {100: {3}, 101: {12, 40}, 102: {7}, 103: {9}}[q]
        ranked = [(q + r) % NUM_DOCS for r in range(20)]
        expected_wrong = next(d for r, d in enumerate(ranked) if r + 1 >= 11 and d not in gold_ids)
        assert docid(wrong) == expected_wrong
        assert wrong.tags == [f"docid={expected_wrong}", f"rank={(expected_wrong - q) % NUM_DOCS + 1}"]
    q101 = next(i for i in train if i.input == "train query 101")
    # Two gold passages: the first judged one wins the (stable) sort by relevance.
    assert [r.output for r in q101.references if r.is_correct] == [passage(12)]
    q201 = next(i for i in valid if i.input == "dev query 201")
    assert sorted(docid(r) for r in q201.references) == [31, 50]
    assert {docid(r): r.tags for r in q201.references}[31] == [
        "docid=31",
        "correct",
        "relevance=1",
        "rank=11",
    ]
    assert {docid(r): r.tags for r in q201.references}[50] == ["docid=50", "correct", "relevance=1"]
    everything = {docid(r): r.output for i in instances for r in i.references}
    assert all(text == passage(d) for d, text in everything.items() if d != 5)


def test_valid_topk_adds_top_ranked_passages(tmp_path):
    write_fixture(tmp_path / "msmarco")
    instances = instances_of(MSMARCOScenario("regular", valid_topk=11), tmp_path / "msmarco")
    valid = {i.input: i for i in instances if i.split == "valid"}
    assert sorted(valid) == ["dev query 200", "dev query 201"]  # 203 has only 10 top-k passages
    q200 = valid["dev query 200"]
    assert sorted(docid(r) for r in q200.references) == sorted(
        {30} | {(200 + r) % NUM_DOCS for r in range(11)}
    )
    assert sum(r.is_correct for r in q200.references) == 1


@pytest.mark.parametrize("separator", [" ", "\t"])  # as downloaded, and as HELM rewrites it
def test_trec_track(tmp_path, separator):
    write_fixture(tmp_path / "msmarco", trec_separator=separator)
    instances = instances_of(MSMARCOScenario("trec"), tmp_path / "msmarco")
    valid = {i.input: i for i in instances if i.split == "valid"}
    assert sorted(valid) == ["trec query 300", "trec query 302"]  # 301 has no judgment of 2 or 3
    tags = {docid(r): r.tags for r in valid["trec query 300"].references}
    assert tags[20] == ["docid=20", "correct", "relevance=3"]
    assert tags[21] == ["docid=21"]  # relevance 0 is not a tag
    assert tags[22] == ["docid=22", "relevance=1"]
    assert [i.split for i in instances].count("train") == 4
    text_5 = [r.output for i in instances for r in i.references if docid(r) == 5]
    assert all(t == "Quoted start, then more" for t in text_5)


def test_arguments_and_missing_passage(tmp_path):
    with pytest.raises(DescriptionError, match="unknown msmarco track 'dev' \\(one of regular, trec\\)"):
        MSMARCOScenario("dev")
    with pytest.raises(DescriptionError, match="valid_topk must be between 11 and 1000, not 5"):
        MSMARCOScenario("regular", valid_topk=5)
    with pytest.raises(
        DescriptionError, match="valid_topk must be an integer between 11 and 1000, not 'ten'"
    ):
        build_run_spec("msmarco", {"track": "trec", "valid_topk": "ten"})
    write_fixture(tmp_path / "msmarco")
    (tmp_path / "msmarco" / "data" / "regular_qrels.tsv").write_text("200\t0\t999\t1\n")
    with pytest.raises(DataError, match="passage 999, which is not in the documents file"):
        instances_of(MSMARCOScenario("regular"), tmp_path / "msmarco")


def test_run_spec():
    spec = build_run_spec("msmarco", {"track": "trec", "valid_topk": "100"})
    assert spec.name == "msmarco:track=trec,valid_topk=100"
    assert spec.groups == ["msmarco_trec"]
    assert spec.scenario_spec.args == {"track": "trec", "valid_topk": 100}
    adapter = spec.adapter_spec
    assert (adapter.method, adapter.max_train_instances, adapter.stop_sequences) == (
        "ranking_binary",
        2,
        ["\n"],
    )
    assert adapter.output_prefix == "Does the passage answer the query?\nAnswer: "
    ranking, basic = spec.metric_specs
    assert ranking.class_name == "helm.benchmark.ranking_metrics.RankingMetric"
    assert ranking.args["rank"] == 100 and ranking.args["multiple_relevance_values"] is True
    assert ranking.args["measure_names"][-1] == "ndcg_cut.20" and len(ranking.args["measure_names"]) == 18
    assert (ranking.args["correct_output"], ranking.args["wrong_output"]) == ("Yes", "No")
    assert basic.args == {"names": []}
    regular = build_run_spec("msmarco", {"track": "regular"})
    assert regular.name == "msmarco:track=regular,valid_topk=None"
    assert regular.metric_specs[0].args["multiple_relevance_values"] is False
    assert len(regular.metric_specs[0].args["measure_names"]) == 15


def test_full_prompt(tmp_path):
    mirror = tmp_path / "mirror"
    write_fixture(mirror / "msmarco")
    run_dir = run_description(
        tmp_path, "msmarco:track=regular,model=simple/model1", tmp_path / "out", mirror, None
    )
    states = request_states(run_dir)
    # One request per reference of each valid instance.
    assert len(states) == 4
    first = states[0]
    reference = first["instance"]["references"][first["reference_index"]]
    assert first["request"]["prompt"].endswith(
        f"Passage: {reference['output']}\nQuery: {first['instance']['input']}\nDoes the passage answer the query?\nAnswer:"
    )
    assert (
        first["request"]["prompt"].count("Does the passage answer the query?") == 5
    )  # four in-context blocks
