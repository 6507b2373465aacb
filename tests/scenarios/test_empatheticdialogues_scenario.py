"""empatheticdialogues on a small fixture in the release's own format (empatheticdialogues.tar.gz holding
{train,valid,test}.csv, commas written `_comma_`), fetched from a local HTTP server by the real downloader."""

import tarfile

import pytest

from holistic.scenarios import dialogue_scenarios
from tests.helpers import load_instances, request_states, run, serve_directory

CLASS = "helm.benchmark.scenarios.dialogue_scenarios.EmpatheticDialoguesScenario"
HEADER = "conv_id,utterance_idx,context,prompt,speaker_idx,utterance,selfeval,tags\n"
TRAIN = HEADER + (
    "hit:0_conv:1,1,sentimental,I remember going to the fireworks with my best friend_comma_ it was great.,1,"
    "I remember going to see the fireworks with my best friend._comma_ ,5|5|5_2|2|5,\n"
    "hit:0_conv:1,2,sentimental,I remember going to the fireworks with my best friend_comma_ it was great.,0,"
    "Was this a friend you were in love with?,5|5|5_2|2|5,\n"
    "hit:0_conv:1,3,sentimental,I remember going to the fireworks with my best friend_comma_ it was great.,1,"
    "This was a best friend. I miss her.,5|5|5_2|2|5,\n"
    "hit:1_conv:2,1,afraid,It feels like hitting to blank wall when I see the darkness,3,"
    "Its my first time alone at night.,4|3|4_5|5|5,\n"
    "hit:1_conv:2,2,afraid,It feels like hitting to blank wall when I see the darkness,2,"
    " Oh no_comma_ why?,4|3|4_5|5|5,\n"
    # A one-utterance conversation is no reference; its situation stays an instance.
    "hit:2_conv:4,1,proud,I finally got that promotion at work!,5,I made it!,5|5|5_5|5|5,\n"
)
VALID = HEADER + (
    "hit:3_conv:6,2,angry,My neighbour parks in front of my garage.,7,That is so rude.,3|3|3_3|3|3,\n"
    "hit:3_conv:6,1,angry,My neighbour parks in front of my garage.,6,He did it again today.,3|3|3_3|3|3,\n"
    "hit:3_conv:7,1,angry,My neighbour parks in front of my garage.,8,Again?,1|1|1_1|1|1,\n"
    "hit:3_conv:7,2,angry,My neighbour parks in front of my garage.,9,Yes_comma_ again.,1|1|1_1|1|1,\n"
)
TEST = HEADER + (
    "hit:4_conv:8,1,joyful,We won the game.,1,We won!,5|5|5_5|5|5,\n"
    "hit:4_conv:8,2,joyful,We won the game.,2,Congratulations!,5|5|5_5|5|5,\n"
)


def write_archive(directory):
    source = directory / "empatheticdialogues"
    source.mkdir(parents=True)
    for name, text in (("train", TRAIN), ("valid", VALID), ("test", TEST)):
        (source / f"{name}.csv").write_text(text)
    with tarfile.open(directory / "empatheticdialogues.tar.gz", "w:gz") as tar:
        tar.add(source, arcname="empatheticdialogues")


@pytest.fixture
def served(tmp_path, monkeypatch):
    write_archive(tmp_path / "site")
    with serve_directory(tmp_path / "site") as url:
        monkeypatch.setattr(dialogue_scenarios, "DATA_URL", f"{url}/empatheticdialogues.tar.gz")
        yield


def test_instances(served, tmp_path):
    instances = load_instances(CLASS, {}, tmp_path / "out")
    assert [(i.split, i.sub_split, i.input) for i in instances] == [
        ("train", "proud", "I finally got that promotion at work!"),
        ("train", "sentimental", "I remember going to the fireworks with my best friend, it was great."),
        ("train", "afraid", "It feels like hitting to blank wall when I see the darkness"),
        ("valid", "angry", "My neighbour parks in front of my garage."),
        ("test", "joyful", "We won the game."),
    ]  # grouped by (prompt, context), in sorted order
    assert instances[0].references == []
    assert [r.output for r in instances[1].references] == [
        "Bob: I remember going to see the fireworks with my best friend.,\n"
        "Jen: Was this a friend you were in love with?\nBob: This was a best friend. I miss her.\n"
    ]
    assert [r.output for r in instances[2].references] == [
        "Bob: Its my first time alone at night.\nJen: Oh no, why?\n"
    ]
    # Two conversations about one situation, ordered by conv_id; utterances by utterance_idx.
    assert [r.output for r in instances[3].references] == [
        "Bob: He did it again today.\nJen: That is so rude.\n",
        "Bob: Again?\nJen: Yes, again.\n",
    ]
    assert all(r.tags == ["correct"] for i in instances for r in i.references)
    assert (tmp_path / "out" / "scenarios" / "empatheticdialogues" / "data" / "train.csv").is_file()


def test_run(served, tmp_path):
    states = request_states(
        run(tmp_path, "empatheticdialogues:model=simple/model1", None, max_eval_instances=2)
    )
    assert [s["instance"]["input"] for s in states] == [
        "My neighbour parks in front of my garage.",
        "We won the game.",
    ]
    prompt = states[-1]["request"]["prompt"]
    # No input prefix, input suffix "\n", output prefix "BEGIN DIALOGUE\n" (stripped to "BEGIN DIALOGUE" at the end).
    assert prompt.endswith("\nWe won the game.\nBEGIN DIALOGUE")
    assert "\nBEGIN DIALOGUE\nBob: " in prompt  # in-context conversations
    assert states[-1]["request"]["temperature"] == 0.9 and states[-1]["request"]["max_tokens"] == 50
