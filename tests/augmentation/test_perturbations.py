"""The perturbations of §7.3 on HELM's acceptance examples (instance id `id0`, original included)."""

from __future__ import annotations

import json
from random import Random

import pytest

from holistic.augmentation.augmenter import generate
from holistic.augmentation.contraction_expansion_perturbation import (
    CONTRACTION_MAP,
    ContractionPerturbation,
    ExpansionPerturbation,
)
from holistic.augmentation.contrast_sets_perturbation import ContrastSetsPerturbation
from holistic.augmentation.dialect_perturbation import DialectPerturbation
from holistic.augmentation.extra_space_perturbation import ExtraSpacePerturbation
from holistic.augmentation.filler_words_perturbation import FillerWordsPerturbation
from holistic.augmentation.gender_perturbation import GENDER_TERMS, GenderPerturbation
from holistic.augmentation.lowercase_perturbation import LowerCasePerturbation
from holistic.augmentation.mild_mix_perturbation import MildMixPerturbation
from holistic.augmentation.misspelling_perturbation import MisspellingPerturbation
from holistic.augmentation.person_name_perturbation import PersonNamePerturbation
from holistic.augmentation.perturbation import (
    Perturbation,
    PerturbationFiles,
    create_perturbation,
    match_case,
)
from holistic.augmentation.space_perturbation import SpacePerturbation
from holistic.augmentation.synonym_perturbation import SynonymPerturbation, substitute_synonyms
from holistic.augmentation.typos_perturbation import TyposPerturbation
from holistic.errors import DataError, UnknownNameError
from holistic.jsonio import dumps
from holistic.scenarios.base import Instance, Reference
from holistic.specs.object_spec import PerturbationSpec


def perturbed(perturbation: Perturbation, text: str, references: tuple[str, ...] = ()) -> Instance:
    """The perturbed copy of instance `id0`, checking that the original comes first and the copy is kept."""
    original = Instance(text, [Reference(r, ["correct"]) for r in references], split="test", id="id0")
    out = generate(
        [perturbation], [original], include_original=True, skip_unchanged=True, seeds_per_instance=1
    )
    assert len(out) == 2 and out[0] is original
    copy = out[1]
    assert copy.id == "id0" and copy.split == "test"
    assert copy.perturbation is not None and copy.perturbation.name == perturbation.name
    return copy


KARVELAS = "After their marriage, she started a close collaboration with Karvelas."


def test_typos_acceptance():
    copy = perturbed(TyposPerturbation(prob=0.1), KARVELAS)
    assert copy.input == "After tjeir marriage, she xrwrted a cloae dollabpration with Iarvwlas."
    assert copy.perturbation == TyposPerturbation.Description(name="typos", robustness=True, prob=0.1)


def test_filler_words_acceptance():
    copy = perturbed(
        FillerWordsPerturbation(insert_prob=0.3, speaker_ph=False),
        "The quick brown fox jumps over the lazy dog.",
    )
    assert copy.input == "The quick brown fox jumps over like the lazy probably dog."
    assert json.loads(dumps(copy.perturbation))["insert_prob"] == 0.3


def test_filler_words_cap_on_insertions():
    text = " ".join(["word"] * 50)
    out = FillerWordsPerturbation(insert_prob=1.0, max_num_insert=2).perturb(text, Random(0))
    assert len(out.split(" ")) > 50 and out.count("word") == 50
    assert out.startswith("word") is False  # prob 1: a filler before the very first word


def test_space_acceptance():
    copy = perturbed(SpacePerturbation(max_spaces=3), "Hello World!\nQuite a day, huh?")
    assert copy.input == "Hello   World!\nQuite a  day,   huh?"
    assert json.loads(dumps(copy.perturbation)) == {
        "name": "space",
        "robustness": True,
        "fairness": False,
        "computed_on": "perturbed",
        "max_spaces": 3,
    }


def test_extra_space_acceptance():
    copy = perturbed(ExtraSpacePerturbation(num_spaces=2), "Hello my name is", ("some name",))
    assert copy.input == "Hello  my  name  is"
    assert [r.output for r in copy.references] == ["some name"]
    assert copy.perturbation.num_spaces == 2


def test_lowercase_acceptance():
    copy = perturbed(LowerCasePerturbation(), "Hello World!\nQuite a day, huh?", ("Yes!",))
    assert copy.input == "hello world!\nquite a day, huh?"
    assert [r.output for r in copy.references] == ["Yes!"]


def test_contraction_acceptance():
    copy = perturbed(ContractionPerturbation(), "She is a doctor, and I am a student", ("he is a teacher",))
    assert copy.input == "She's a doctor, and I'm a student"
    assert [r.output for r in copy.references] == ["he is a teacher"]


def test_expansion_acceptance():
    copy = perturbed(ExpansionPerturbation(), "She's a doctor, and I'm a student")
    assert copy.input == "She is a doctor, and I am a student"


def test_contraction_map_rules():
    assert len(CONTRACTION_MAP) == 77
    contract = ContractionPerturbation()
    # Later entries win for shared expansions; nothing is contracted at the very end (no space after).
    assert contract.perturb("this is not here", Random(0)) == "this isn't here"
    # Matches do not overlap: `it is` is taken before `is not` is seen.
    assert contract.perturb("it is not here", Random(0)) == "it's not here"
    assert contract.perturb("So it is", Random(0)) == "So it is"
    assert (
        ExpansionPerturbation().perturb("Won't you? They're here", Random(0)) == "Will not you? They are here"
    )


def test_gender_pronouns_acceptance():
    copy = perturbed(
        GenderPerturbation(mode="pronouns", prob=1.0, source_class="male", target_class="female"),
        "Did she mention that he was coming with his parents and their friends?",
        ("She didn't, perhaps he didn't tell her!",),
    )
    assert copy.input == "Did she mention that she was coming with her parents and their friends?"
    assert [r.output for r in copy.references] == ["She didn't, perhaps she didn't tell her!"]
    assert json.loads(dumps(copy.perturbation)) == {
        "name": "gender",
        "robustness": False,
        "fairness": True,
        "computed_on": "perturbed",
        "mode": "pronouns",
        "prob": 1.0,
        "source_class": "male",
        "target_class": "female",
        "bidirectional": False,
    }


def test_gender_terms_acceptance():
    copy = perturbed(
        GenderPerturbation(mode="terms", prob=1.0, source_class="male", target_class="female"),
        "His grandsons looked a lot like their dad.",
        ("How did their father look like?",),
    )
    assert copy.input == "His granddaughters looked a lot like their mom."
    assert [r.output for r in copy.references] == ["How did their mother look like?"]
    assert len(GENDER_TERMS) == 32


def test_gender_needs_non_word_characters_on_both_sides():
    gender = GenderPerturbation(mode="pronouns", prob=1.0, source_class="male", target_class="female")
    assert gender.perturb("he said he", Random(0)) == "he said he"
    assert gender.perturb(" HE said (Him).", Random(0)) == " SHE said (Her)."


def test_contrast_sets_replace_input_and_references():
    original = Instance(
        "Is it good?",
        [Reference("yes", ["correct"])],
        split="test",
        id="id3",
        contrast_inputs=["Is it bad?"],
        contrast_references=[[Reference("no", ["correct"])]],
    )
    plain = Instance("Is it fine?", [Reference("yes", ["correct"])], split="test", id="id4")
    out = generate([ContrastSetsPerturbation()], [original, plain], True, True, 1)
    # The instance without a contrast set yields no copy (unchanged input).
    assert [(i.id, i.input) for i in out] == [
        ("id3", "Is it good?"),
        ("id3", "Is it bad?"),
        ("id4", "Is it fine?"),
    ]
    assert out[1].references[0].output == "no" and out[1].perturbation.name == "contrast_sets"


def test_seeds_skip_unchanged_and_order():
    instances = [Instance(t, [], split="test", id=f"id{i}") for i, t in enumerate(["a b", "ab"])]
    out = generate([ExtraSpacePerturbation(3), LowerCasePerturbation()], instances, True, True, 2)
    # "a b": original, extra_space seeds None and 1 (lowercase leaves it unchanged); "ab": only the original.
    assert [(i.input, i.perturbation and i.perturbation.seed) for i in out] == [
        ("a b", None),
        ("a   b", None),
        ("a   b", 1),
        ("ab", None),
    ]
    assert out[2].perturbation.seed == 1
    kept = generate([LowerCasePerturbation()], instances, False, False, 1)
    assert [i.input for i in kept] == ["a b", "ab"] and all(i.perturbation for i in kept)


def test_random_stream_is_per_instance_id_and_seed():
    text = "a b c d e f g h i j k l m n o p"
    space = SpacePerturbation(9)
    one = Instance(text, [], split="test", id="id7")
    assert space.apply(one).input == space.perturb(text, Random("id7"))
    assert space.apply(one, 2).input == space.perturb(text, Random("2id7"))
    assert space.apply(one).input != space.apply(one, 2).input


def test_match_case():
    assert match_case("word", "Other") == "other"
    assert match_case("WORD", "other") == "OTHER"
    assert match_case("Word", "oTHER") == "Other"
    assert match_case("wOrd", "oTHER") == "oTHER"


def test_class_names_resolve_like_helm():
    spec = PerturbationSpec(
        class_name="helm.benchmark.augmentations.extra_space_perturbation.ExtraSpacePerturbation",
        args={"num_spaces": 4},
    )
    perturbation = create_perturbation(spec)
    assert isinstance(perturbation, ExtraSpacePerturbation) and perturbation.num_spaces == 4
    with pytest.raises(UnknownNameError, match="not implemented"):
        create_perturbation(PerturbationSpec(class_name="helm.benchmark.augmentations.nope.NopePerturbation"))


# Perturbations with data files, on small fixture files placed where the loader looks.


def files_with(tmp_path, name: str, file_name: str, content: str) -> PerturbationFiles:
    path = tmp_path / "out" / "perturbations" / name / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return PerturbationFiles(str(tmp_path / "out"))


MISSPELLINGS = {"Already": ["Alreayd"], "the": ["hten"], "not": ["nto"], "available": ["avaliable"]}


def test_misspelling_with_a_fixture_list(tmp_path):
    files = files_with(tmp_path, "misspellings", "correct_to_misspelling.json", json.dumps(MISSPELLINGS))
    misspelling = MisspellingPerturbation(prob=1.0)
    misspelling.prepare(files)
    copy = perturbed(misspelling, "Already, the new product is not available.")
    # With one misspelling per word the choice is forced, so this is HELM's acceptance output.
    assert copy.input == "Alreayd, hten new product is nto avaliable."
    # Case-sensitive keys (the list has its own capitalised variants); whole words only.
    assert misspelling.perturb("The theory is nothing", Random(0)) == "The theory is nothing"
    misspelling.prob = 0.0
    assert misspelling.perturb("the", Random(0)) == "the"


def test_mild_mix_with_a_fixture_list(tmp_path):
    files = files_with(tmp_path, "misspellings", "correct_to_misspelling.json", json.dumps({"the": ["teh"]}))
    mix = MildMixPerturbation()
    mix.prepare(files)
    text = "It is the END of THE day"
    out = mix.perturb(text, Random("id0"))
    # Same stream, same order, done by hand: lowercase, contraction, misspelling(0.1), space(3).
    rng = Random("id0")
    expected = ContractionPerturbation().perturb(text.lower(), rng)
    misspelling = MisspellingPerturbation(0.1)
    misspelling.prepare(files)
    expected = SpacePerturbation(3).perturb(misspelling.perturb(expected, rng), rng)
    assert out == expected and out.replace(" ", "").startswith("it'sthe")


SAE_TO_AAVE = {"will": ["gon"], "this": ["dis"], "be": ["b"], "my": ["mah"], "i": ["ah"]}


def test_dialect_with_a_fixture_map(tmp_path):
    files = files_with(tmp_path, "dialect", "SAE_to_AAVE_mapping.json", json.dumps(SAE_TO_AAVE))
    dialect = DialectPerturbation(prob=1.0, source_class="sae", target_class="aave")
    dialect.prepare(files)
    copy = perturbed(dialect, "I will remember this day to be the best day of my life.", ("Is this love?",))
    # Words at the very start are never matched (the pattern needs a character before them).
    assert copy.input == "I gon remember dis day to b the best day of mah life."
    assert [r.output for r in copy.references] == ["Is dis love?"]
    assert copy.perturbation == DialectPerturbation.Description(
        name="dialect",
        fairness=True,
        prob=1.0,
        source_class="SAE",
        target_class="AAVE",
        mapping_file_path="benchmark_output/perturbations/dialect/SAE_to_AAVE_mapping.json",
    )


NAMES = """jack,first_name,race,white_american,gender,male
peter,first_name,race,white_american,gender,male
lauren,first_name,race,white_american,gender,female
lamar,first_name,race,black_american,gender,male
tyree,first_name,race,black_american,gender,male
sharise,first_name,race,black_american,gender,female
smith,last_name,race,white
"""


def test_person_name_with_a_fixture_list(tmp_path):
    files = files_with(tmp_path, "person_name", "person_names.txt", NAMES)
    person = PersonNamePerturbation(
        prob=1.0,
        source_class={"race": "white_american"},
        target_class={"race": "black_american"},
        person_name_type="first_name",
        preserve_gender=True,
    )
    person.prepare(files)
    copy = perturbed(
        person,
        "I learned that Jack, Peter, and Lauren are siblings! Do you know who is the oldest?",
        ("Peter and peter were friends.",),
    )
    words = copy.input.replace(",", "").split()
    jack, peter, lauren = words[3], words[4], words[6]
    # Gender kept, case matched, and Peter's substitute chosen in the reference is reused in the input.
    assert {jack, peter} <= {"Lamar", "Tyree"} and lauren == "Sharise"
    assert copy.references[0].output == f"{peter} and {peter.lower()} were friends."
    assert copy.input.endswith("are siblings! Do you know who is the oldest?")
    # Seeds do not change the stream, and the description carries no seed.
    assert person.apply(copy, 3).input == person.apply(copy).input
    assert copy.perturbation.seed is None and copy.perturbation.source_class == "race=white_american"


def test_missing_file_error_names_file_and_places(tmp_path, monkeypatch):
    monkeypatch.setenv("HOLISTIC_OFFLINE", "1")
    with pytest.raises(DataError) as error:
        DialectPerturbation(0.5, "SAE", "AAVE").prepare(PerturbationFiles(str(tmp_path / "out")))
    message = str(error.value)
    assert "\n" not in message
    assert "SAE_to_AAVE_mapping.json" in message and "0x3523e02bd46b42bcad783292b40b4e38" in message
    assert str(tmp_path / "out/perturbations/dialect/SAE_to_AAVE_mapping.json") in message
    assert "DIR/perturbations/dialect/SAE_to_AAVE_mapping.json" in message


def test_mirror_layout(tmp_path, monkeypatch):
    monkeypatch.setenv("HOLISTIC_OFFLINE", "1")
    mirror = tmp_path / "mirror" / "perturbations" / "misspellings"
    mirror.mkdir(parents=True)
    (mirror / "correct_to_misspelling.json").write_text(json.dumps(MISSPELLINGS))
    misspelling = MisspellingPerturbation(1.0)
    misspelling.prepare(PerturbationFiles(str(tmp_path / "out"), str(tmp_path / "mirror")))
    assert misspelling.perturb("not", Random(0)) == "nto"
    assert (tmp_path / "out/perturbations/misspellings/correct_to_misspelling.json").exists()


def test_synonym_substitution_rules():
    tokens = [("This", "DET", " "), ("was", "AUX", " "), ("Good", "ADJ", ""), ("!", "PUNCT", "")]
    synonyms = {"good:s": ["good", "near", "full"]}
    out = substitute_synonyms(tokens, synonyms, lambda word, pos: [word], 1.0, Random(1))
    # Only the adjective changes, to a case-matched synonym other than itself; whitespace is kept.
    assert out.startswith("This was ") and out.endswith("!")
    assert out[len("This was ") : -1] in {"Near", "Full"}
    assert substitute_synonyms(tokens, synonyms, lambda word, pos: [word], 0.0, Random(1)) == "This was Good!"


def test_synonym_without_spacy_is_a_clear_error(tmp_path):
    # Neither spaCy's en_core_web_sm model nor WordNet is installed by holistic (spaCy itself may be, by the
    # `summarization` extra); where both are present this check does not apply.
    try:
        import spacy

        spacy.load("en_core_web_sm")
        pytest.skip("spaCy's en_core_web_sm is installed")
    except (ImportError, OSError):
        pass
    with pytest.raises(DataError, match="pip install spacy") as error:
        SynonymPerturbation(0.5).prepare(PerturbationFiles(str(tmp_path)))
    assert "\n" not in str(error.value) and "en_core_web_sm" in str(error.value)
