"""the_pile, wikitext_103, twitter_aae and ice: fixtures in each source's own format (none is in shared/data)."""

import csv
import json

import pytest

from holistic.errors import DataError, DescriptionError
from holistic.run_specs import build_run_spec
from holistic.scenarios.ice_scenario import preprocess_text
from tests.helpers import UNREACHABLE, load_instances, serve_directory

PILE = "helm.benchmark.scenarios.the_pile_scenario.ThePileScenario"
WIKITEXT = "helm.benchmark.scenarios.wikitext_103_scenario.Wikitext103Scenario"
TWITTER = "helm.benchmark.scenarios.twitter_aae_scenario.TwitterAAEScenario"
ICE = "helm.benchmark.scenarios.ice_scenario.ICEScenario"


def write_pile(mirror):
    """The decompressed test set (`data`, one JSON document per line) and lm_perplexity's subsample indices."""
    root = mirror / "the_pile"
    root.mkdir(parents=True)
    documents = [
        ("ArXiv", "arxiv zero"),
        ("Github", "def f():\r\n    return 1\n"),
        ("ArXiv", 'arxiv one, with "quotes"'),
        ("Ubuntu IRC", "irc zero"),
        ("ArXiv", "arxiv two"),
        ("Ubuntu IRC", "irc one"),
    ]
    lines = [json.dumps({"text": text, "meta": {"pile_set_name": subset}}) for subset, text in documents]
    (root / "data").write_text("\n".join(lines) + "\n")
    for short, indices in {"arxiv": [2, 0, 2], "github": [0]}.items():
        (root / "test_subsample_indices" / short).mkdir(parents=True)
        (root / "test_subsample_indices" / short / "group0.json").write_text(json.dumps(indices))
    return mirror


def test_the_pile_keeps_the_subsample_in_document_order(tmp_path):
    mirror = write_pile(tmp_path / "mirror")
    arxiv = load_instances(PILE, {"subset": "ArXiv"}, tmp_path / "out", mirror)
    assert [(i.input, i.split, i.references) for i in arxiv] == [
        ("arxiv zero", "test", []),
        ("arxiv two", "test", []),
    ]
    # Every subset was cached as HELM's <subset>.csv; the CSV round trip turns "\r\n" into "\n", as in HELM.
    assert (tmp_path / "out" / "scenarios" / "the_pile" / "Wikipedia (en).csv").exists()
    (github,) = load_instances(PILE, {"subset": "Github"}, tmp_path / "out", mirror)
    assert github.input == "def f():\n    return 1\n"
    # Ubuntu IRC is too small to subsample: every document.
    irc = load_instances(PILE, {"subset": "Ubuntu IRC"}, tmp_path / "out", mirror)
    assert [i.input for i in irc] == ["irc zero", "irc one"]


def test_the_pile_errors(tmp_path, monkeypatch):
    with pytest.raises(DescriptionError, match="unknown the_pile subset 'arxiv'.*ArXiv"):
        build_run_spec("the_pile", {"subset": "arxiv"})
    mirror = write_pile(tmp_path / "mirror")
    (mirror / "the_pile" / "test_subsample_indices" / "arxiv" / "group0.json").write_text("[7]")
    with pytest.raises(DataError, match="lists document 7.*3 documents"):
        load_instances(PILE, {"subset": "ArXiv"}, tmp_path / "out", mirror)
    monkeypatch.setattr("holistic.scenarios.the_pile_scenario.DATA_URL", UNREACHABLE + "/test.jsonl.zst")
    with pytest.raises(DataError, match="cannot download"):
        load_instances(PILE, {"subset": "ArXiv"}, tmp_path / "elsewhere")


def test_the_pile_downloads_and_unpacks_its_zstandard_test_set(tmp_path, monkeypatch):
    """HELM's real download path: `test.jsonl.zst` and the subsample indices, from a local HTTP server."""
    zstandard = pytest.importorskip("zstandard")
    site = write_pile(tmp_path / "site") / "the_pile"
    (site / "test.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress((site / "data").read_bytes()))
    (site / "data").unlink()
    with serve_directory(site) as url:
        monkeypatch.setattr("holistic.scenarios.the_pile_scenario.DATA_URL", url + "/test.jsonl.zst")
        monkeypatch.setattr(
            "holistic.scenarios.the_pile_scenario.INDICES_URL", url + "/test_subsample_indices/{}/group0.json"
        )
        arxiv = load_instances(PILE, {"subset": "ArXiv"}, tmp_path / "out")
    assert [i.input for i in arxiv] == ["arxiv zero", "arxiv two"]
    assert (tmp_path / "out" / "scenarios" / "the_pile" / "data").read_text().count("pile_set_name") == 6


WIKITEXT_RAW = [
    " \n", " = Valkyria Chronicles III = \n", " \n",
    " Senjō no Valkyria 3 is a game . \n", " \n",
    " = = Gameplay = = \n", " \n", " It plays . \n", " \n",
    " = Tower Building = \n", " \n", " The tower is tall . \n", " \n",
]  # fmt: skip


def test_wikitext_splits_articles_at_top_level_titles(tmp_path):
    data = tmp_path / "mirror" / "wikitext_103" / "data"
    data.mkdir(parents=True)
    (data / "wiki.test.raw").write_text("".join(WIKITEXT_RAW), encoding="utf-8")
    (data / "wiki.train.raw").write_text(" \n = Other = \n \n")
    instances = load_instances(WIKITEXT, {}, tmp_path / "out", tmp_path / "mirror")
    # The empty line before a top-level title starts the next article; section titles do not split.
    assert [i.input for i in instances] == ["".join(WIKITEXT_RAW[:8]), "".join(WIKITEXT_RAW[8:])]
    assert build_run_spec("wikitext_103", {}).adapter_spec.method == "language_modeling"


def test_twitter_aae(tmp_path):
    root = tmp_path / "mirror" / "twitter_aae"
    root.mkdir(parents=True)
    with open(root / "white_tweets.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["first tweet, with a comma"], ['a "quoted" one']])
    instances = load_instances(TWITTER, {"demographic": "white"}, tmp_path / "out", tmp_path / "mirror")
    assert [i.input for i in instances] == ["first tweet, with a comma", 'a "quoted" one']
    spec = build_run_spec("twitter_aae", {"demographic": "aa"})
    assert (spec.name, spec.groups) == ("twitter_aae:demographic=aa", ["twitter_aae", "twitter_aae_aa"])
    with pytest.raises(DescriptionError, match="aa, white"):
        build_run_spec("twitter_aae", {"demographic": "black"})


def test_ice_markup_is_stripped_as_helm_does():
    text = "<$A> Hello <,> there <O>laughs</O> <quote>friend</quote> &ersand; co\n\n\n  next"
    assert preprocess_text(text) == "<$A> Hello, there  friend & co\n\nnext"
    # HELM's pattern for text-unit tags (`<ICE.+>`) is greedy: it takes the rest of the line up to its last
    # tag. Kept for comparability (docs/compatibility.md).
    assert preprocess_text("<ICE-IND:S1A-001#1:1:A> Hi <I>there</I>\nNext line") == "Next line"


def write_ice(root):
    india = root / "ICE India"
    (india / "Corpus").mkdir(parents=True)
    (india / "Headers").mkdir()
    (india / "Corpus" / "S1A-001.txt").write_text("<$A> <#> Spoken by a woman\n", encoding="utf-8")
    (india / "Corpus" / "W1A-002.txt").write_bytes("<p> Written caf\xe9 text </p>\n".encode("iso-8859-1"))
    (india / "Corpus" / "W2A-003.txt").write_text("<h> Men wrote this </h>\n")
    (india / "Headers" / "S1A-001.hdr").write_text("<speaker><gender>F</gender></speaker>")
    (india / "Headers" / "W1A-002.hdr").write_text("<gender>female</gender><gender>F</gender>")
    (india / "Headers" / "W2A-003.hdr").write_text("<gender>M</gender><gender>F</gender>")
    return root


def test_ice_subset_category_and_gender(tmp_path):
    write_ice(tmp_path / "out" / "scenarios" / "ice")
    every = load_instances(ICE, {"subset": "ind"}, tmp_path / "out")
    assert [i.input for i in every] == ["<$A> Spoken by a woman", "Written café text", "Men wrote this"]
    written = load_instances(ICE, {"subset": "ind", "category": "W"}, tmp_path / "out")
    assert [i.input for i in written] == ["Written café text", "Men wrote this"]
    female = load_instances(ICE, {"subset": "ind", "gender": "female"}, tmp_path / "out")
    assert [i.input for i in female] == ["<$A> Spoken by a woman", "Written café text"]
    spec = build_run_spec("ice", {"subset": "ind", "gender": "female"})
    assert spec.name == "ice:gender=female,subset=ind" and build_run_spec("ice", {}).name == "ice"


def test_ice_errors_say_what_to_place_where(tmp_path):
    with pytest.raises(DataError, match="extract the ind subset so that 'ICE India' lies in restricted/ice/"):
        load_instances(ICE, {"subset": "ind"}, tmp_path / "out")
    with pytest.raises(DescriptionError, match="no speaker metadata"):
        build_run_spec("ice", {"subset": "ja", "gender": "male"})
    with pytest.raises(DescriptionError, match="unknown ice category 'X'"):
        build_run_spec("ice", {"category": "X"})
