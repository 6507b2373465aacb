import gzip
import json
import random

import pytest

from holistic.errors import DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios.natural_qa_scenario import FILES, NaturalQAScenario
from tests.helpers import instances_of, request_states, run_description, stat_names


def sample(n, num_short_answers):
    """One Natural Questions record: page HTML, its tokens, and annotations as byte spans of the HTML."""
    long_html = f"<P>The answer&amp;more is <B>Ans{n}\u00a0x</B> caf\u00e9&nbsp;here.</P>"
    page = f"<HTML><H1>Page {n}</H1>{long_html}<P>Other paragraph {n}</P></HTML>"
    data = page.encode("utf-8")

    def span(text, start_at=0):
        start = data.index(text.encode("utf-8"), start_at)
        return {
            "start_byte": start,
            "end_byte": start + len(text.encode("utf-8")),
            "start_token": 0,
            "end_token": 1,
        }

    shorts = [span(f"Ans{n}\u00a0x"), span("caf\u00e9&nbsp;here"), span(f"Ans{n}\u00a0x")][:num_short_answers]
    annotations = [
        {
            "annotation_id": 1,
            "long_answer": span(long_html),
            "short_answers": shorts[:2],
            "yes_no_answer": "NONE",
        },
        {
            "annotation_id": 2,
            "long_answer": span(long_html),
            "short_answers": shorts[2:],
            "yes_no_answer": "NONE",
        },
    ]
    tokens = ["<H1>", "Page", str(n), "</H1>", "<P>", "The", "answer&amp;more", "new york", "</P>"]
    return {
        "example_id": n,
        "document_title": f"Page {n}",
        "document_url": f"https://en.wikipedia.org/wiki/Page_{n}",
        "document_html": page,
        "document_tokens": [
            {"token": t, "start_byte": 0, "end_byte": 1, "html_token": t.startswith("<")} for t in tokens
        ],
        "question_text": f"what is the answer of page {n}" + ("?" if n == 4 else ""),
        "annotations": annotations,
        "long_answer_candidates": [],
    }


# File 0: samples 0 (no short answer, dropped), 1, 2, 3; file 1: samples 4, 5; files 2-4 empty.
CONTENT = [[sample(0, 0), sample(1, 1), sample(2, 3), sample(3, 2)], [sample(4, 1), sample(5, 2)], [], [], []]


def write_fixture(root):
    (root / "data").mkdir(parents=True)
    for name, samples in zip(FILES, CONTENT):
        with gzip.open(root / "data" / name, "wt", encoding="utf-8") as f:
            f.writelines(json.dumps(s) + "\n" for s in samples)


def expected():
    """(split, question, answer index, short answers) per instance, as §6.2 builds them."""
    rng = random.Random(0)
    rows = []
    for samples in CONTENT:
        kept = [s for s in samples if any(a["short_answers"] for a in s["annotations"])]
        for index, s in enumerate(kept):
            shorts = [a for annotation in s["annotations"] for a in annotation["short_answers"]]
            n = s["example_id"]
            texts = [f"Ans{n} x", "caf\u00e9\u00a0here", f"Ans{n} x"][: len(shorts)]
            question = s["question_text"].capitalize().rstrip("?") + "?"
            rows.append(
                ("train" if index % 2 == 0 else "valid", question, rng.randint(0, len(shorts) - 1), texts, n)
            )
    return rows


@pytest.mark.parametrize("mode", ["closedbook", "openbook_longans", "openbook_wiki"])
def test_instances(tmp_path, mode):
    write_fixture(tmp_path / "natural_qa")
    instances = instances_of(NaturalQAScenario(mode), tmp_path / "natural_qa")
    rows = expected()
    assert (
        [i.split for i in instances] == [r[0] for r in rows] == ["train", "valid", "train", "train", "valid"]
    )
    for instance, (split, question, answer_index, shorts, n) in zip(instances, rows):
        long_answer = f"The answer&more is Ans{n} x caf\u00e9\u00a0here."
        passage = {
            "closedbook": "",
            "openbook_longans": f"Passage: {long_answer}\n\nQuestion: ",
            "openbook_wiki": f"Title: Page {n}\n\nPassage:  Page {n}   The answer&more new_york \n\nQuestion: ",
        }[mode]
        assert instance.input == passage + question
        answers = shorts[answer_index : answer_index + 1] if split == "train" else list(dict.fromkeys(shorts))
        assert [r.output for r in instance.references] == answers
    assert instances[0].input.endswith("What is the answer of page 1?")
    assert instances[3].input.endswith("What is the answer of page 4?")  # no second question mark


def test_reduced_files_are_enough(tmp_path):
    write_fixture(tmp_path / "build" / "natural_qa")
    first = instances_of(NaturalQAScenario("closedbook"), tmp_path / "build" / "natural_qa")
    reduced = sorted((tmp_path / "build" / "natural_qa" / "data").glob("*-instances.jsonl"))
    assert [p.name for p in reduced] == [f"{name}-instances.jsonl" for name in FILES]
    record = json.loads(reduced[0].read_text().splitlines()[0])
    assert list(record) == ["title", "document", "question", "long_answers", "short_answers"]
    # A mirror with only the reduced files: the .gz files are never needed.
    mirror = tmp_path / "mirror" / "natural_qa" / "data"
    mirror.mkdir(parents=True)
    for path in reduced:
        (mirror / path.name).write_bytes(path.read_bytes())
    again = instances_of(
        NaturalQAScenario("closedbook"), tmp_path / "out" / "scenarios" / "natural_qa", tmp_path / "mirror"
    )
    assert [(i.input, [r.output for r in i.references]) for i in again] == [
        (i.input, [r.output for r in i.references]) for i in first
    ]
    assert not any((tmp_path / "out" / "scenarios" / "natural_qa" / "data").glob("*.gz"))


def test_bad_mode():
    with pytest.raises(
        DescriptionError,
        match="unknown natural_qa mode 'open' \\(one of openbook_wiki, openbook_longans, closedbook\\)",
    ):
        NaturalQAScenario("open")
    with pytest.raises(DescriptionError, match="one of openbook_wiki"):
        build_run_spec("natural_qa", {"mode": "closed"})


@pytest.mark.parametrize("mode", ["closedbook", "openbook_longans"])
def test_run_spec_and_full_prompt(tmp_path, mode):
    spec = build_run_spec("natural_qa", {"mode": mode})
    assert spec.name == f"natural_qa:mode={mode}" and spec.groups == [f"natural_qa_{mode}"]
    assert spec.adapter_spec.input_prefix == ("Question: " if mode == "closedbook" else "")
    assert spec.adapter_spec.max_tokens == 300

    write_fixture(tmp_path / "mirror" / "natural_qa")
    run_dir = run_description(
        tmp_path, f"natural_qa:mode={mode},model=simple/model1", tmp_path / "out", tmp_path / "mirror", None
    )
    states = request_states(run_dir)
    assert [s["instance"]["id"] for s in states] == ["id1", "id4"]
    prompt = states[1]["request"]["prompt"]
    prefix = "Question: " if mode == "closedbook" else ""
    assert prompt.endswith("\n\n" + prefix + states[1]["instance"]["input"] + "\nAnswer:")
    assert prompt.count("\nAnswer: ") == 3  # the three train instances
    assert "f1_score" in stat_names(run_dir)
