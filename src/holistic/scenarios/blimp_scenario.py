"""BLiMP (Warstadt et al., 2020): 67 paradigms of 1,000 minimal pairs, grouped into 12 phenomena (§6.2).

Each pair is a TEST instance with an empty input and two references, the grammatical sentence (correct)
and the ungrammatical one; the separate multiple-choice methods score each sentence on its own.

Phenomenon → paradigms: every line of a paradigm file carries a `linguistics_term`; the phenomena are
those terms, except that the two `s-selection` paradigms (animate_subject_passive,
animate_subject_trans) belong to `argument_structure`, as in HELM (12 phenomena, not 13). The order of
the paradigms within a phenomenon is HELM's; it fixes the instance ids, hence which pairs
`--max-eval-instances` samples.
"""

from __future__ import annotations

import json

from holistic.errors import DataError, one_of
from holistic.scenarios.base import CORRECT_TAG, TEST_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded, require_file

BLIMP_URL = "https://github.com/alexwarstadt/blimp/blob/master/BLiMP.zip?raw=true"

PHENOMENON_TO_PARADIGMS: dict[str, tuple[str, ...]] = {
    "island_effects": (
        "left_branch_island_simple_question", "sentential_subject_island", "wh_island",
        "coordinate_structure_constraint_object_extraction", "coordinate_structure_constraint_complex_left_branch",
        "adjunct_island", "complex_NP_island", "left_branch_island_echo_question",
    ),
    "anaphor_agreement": ("anaphor_gender_agreement", "anaphor_number_agreement"),
    "argument_structure": (
        "animate_subject_passive", "animate_subject_trans", "transitive", "passive_1", "intransitive", "passive_2",
        "causative", "drop_argument", "inchoative",
    ),
    "determiner_noun_agreement": (
        "determiner_noun_agreement_with_adj_irregular_2", "determiner_noun_agreement_1",
        "determiner_noun_agreement_with_adj_irregular_1", "determiner_noun_agreement_irregular_1",
        "determiner_noun_agreement_irregular_2", "determiner_noun_agreement_with_adjective_1",
        "determiner_noun_agreement_2", "determiner_noun_agreement_with_adj_2",
    ),
    "subject_verb_agreement": (
        "distractor_agreement_relative_clause", "irregular_plural_subject_verb_agreement_2",
        "irregular_plural_subject_verb_agreement_1", "regular_plural_subject_verb_agreement_1",
        "distractor_agreement_relational_noun", "regular_plural_subject_verb_agreement_2",
    ),
    "ellipsis": ("ellipsis_n_bar_1", "ellipsis_n_bar_2"),
    "control_raising": (
        "expletive_it_object_raising", "tough_vs_raising_1", "existential_there_subject_raising",
        "tough_vs_raising_2", "existential_there_object_raising",
    ),
    "quantifiers": (
        "existential_there_quantifiers_1", "superlative_quantifiers_1", "superlative_quantifiers_2",
        "existential_there_quantifiers_2",
    ),
    "irregular_forms": ("irregular_past_participle_verbs", "irregular_past_participle_adjectives"),
    "npi_licensing": (
        "sentential_negation_npi_licensor_present", "matrix_question_npi_licensor_present",
        "sentential_negation_npi_scope", "only_npi_licensor_present", "only_npi_scope", "npi_present_2",
        "npi_present_1",
    ),
    "binding": (
        "principle_A_domain_2", "principle_A_domain_3", "principle_A_case_1", "principle_A_case_2",
        "principle_A_reconstruction", "principle_A_c_command", "principle_A_domain_1",
    ),
    "filler_gap_dependency": (
        "wh_vs_that_with_gap", "wh_vs_that_no_gap", "wh_questions_object_gap", "wh_vs_that_no_gap_long_distance",
        "wh_questions_subject_gap", "wh_questions_subject_gap_long_distance", "wh_vs_that_with_gap_long_distance",
    ),
}  # fmt: skip

# linguistics_term values that HELM folds into another phenomenon.
FOLDED_TERMS = {"s-selection": "argument_structure"}


def check_phenomenon(phenomenon: str) -> None:
    if phenomenon not in PHENOMENON_TO_PARADIGMS:
        raise DataError(f"unknown BLiMP phenomenon '{phenomenon}' ({one_of(PHENOMENON_TO_PARADIGMS)})")


class BLiMPScenario(Scenario):
    name = "blimp"
    description = "The Benchmark of Linguistic Minimal Pairs for English"
    tags = ["linguistic_knowledge", "language_modeling", "minimal_pairs"]

    def __init__(self, phenomenon: str) -> None:
        check_phenomenon(phenomenon)
        self.phenomenon = phenomenon

    def get_instances(self) -> list[Instance]:
        data = ensure_file_downloaded(
            BLIMP_URL, self.data_path("data"), unpack=True, unpack_type="unzip", mirror=self.data_mirror
        )
        instances: list[Instance] = []
        for paradigm in PHENOMENON_TO_PARADIGMS[self.phenomenon]:
            # The zip holds data/<paradigm>.jsonl (and __MACOSX/), so it unpacks to data/data/.
            path = require_file(data / "data" / f"{paradigm}.jsonl", f"BLiMP paradigm {paradigm}")
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, start=1):
                    if not line.strip():
                        continue
                    try:
                        pair = json.loads(line)
                        good, bad = pair["sentence_good"], pair["sentence_bad"]
                    except (json.JSONDecodeError, KeyError) as e:
                        raise DataError(f"{path}:{number}: not a BLiMP pair ({e})") from None
                    references = [Reference(good, [CORRECT_TAG]), Reference(bad, [])]
                    instances.append(Instance(input="", references=references, split=TEST_SPLIT))
        return instances
