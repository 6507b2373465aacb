"""Options of the `data_augmentation=` expander (§7.2): key -> [(option name, perturbation specs)]."""

from __future__ import annotations

from collections.abc import Callable

from holistic.specs.object_spec import PerturbationSpec

_P = "helm.benchmark.augmentations"


def _spec(module: str, cls: str, **args) -> PerturbationSpec:
    return PerturbationSpec(class_name=f"{_P}.{module}.{cls}", args=args)


def extra_space(num_spaces: int) -> PerturbationSpec:
    return _spec("extra_space_perturbation", "ExtraSpacePerturbation", num_spaces=num_spaces)


def space(max_spaces: int) -> PerturbationSpec:
    return _spec("space_perturbation", "SpacePerturbation", max_spaces=max_spaces)


def lower() -> PerturbationSpec:
    return _spec("lowercase_perturbation", "LowerCasePerturbation")


def contraction() -> PerturbationSpec:
    return _spec("contraction_expansion_perturbation", "ContractionPerturbation")


def expansion() -> PerturbationSpec:
    return _spec("contraction_expansion_perturbation", "ExpansionPerturbation")


def filler(insert_prob: float) -> PerturbationSpec:
    return _spec(
        "filler_words_perturbation", "FillerWordsPerturbation", insert_prob=insert_prob, speaker_ph=False
    )


def misspelling(prob: float) -> PerturbationSpec:
    return _spec("misspelling_perturbation", "MisspellingPerturbation", prob=prob)


def typo(prob: float) -> PerturbationSpec:
    return _spec("typos_perturbation", "TyposPerturbation", prob=prob)


def synonym(prob: float) -> PerturbationSpec:
    return _spec("synonym_perturbation", "SynonymPerturbation", prob=prob)


def contrast_sets() -> PerturbationSpec:
    return _spec("contrast_sets_perturbation", "ContrastSetsPerturbation")


def dialect(prob: float) -> PerturbationSpec:
    return _spec(
        "dialect_perturbation",
        "DialectPerturbation",
        prob=prob,
        source_class="SAE",
        target_class="AAVE",
        mapping_file_path=None,  # HELM keeps its default arguments in the spec, None ones as null
    )


def person_name(
    prob: float, source: str, target: str, name_type: str, preserve_gender: bool
) -> PerturbationSpec:
    return _spec(
        "person_name_perturbation",
        "PersonNamePerturbation",
        prob=prob,
        source_class={"race": source},
        target_class={"race": target},
        name_file_path=None,
        person_name_type=name_type,
        preserve_gender=preserve_gender,
    )


def gender(mode: str, prob: float) -> PerturbationSpec:
    return _spec(
        "gender_perturbation",
        "GenderPerturbation",
        mode=mode,
        prob=prob,
        source_class="male",
        target_class="female",
        mapping_file_path=None,
        mapping_file_genders=None,
        bidirectional=False,
    )


def mild_mix() -> PerturbationSpec:
    return _spec("mild_mix_perturbation", "MildMixPerturbation")


def _robustness() -> list[PerturbationSpec]:
    return [mild_mix()]


def _fairness() -> list[PerturbationSpec]:
    return [
        dialect(1.0),
        gender("pronouns", 1.0),
        person_name(1.0, "white_american", "black_american", "first_name", True),
    ]


def _one(
    name: str, specs: Callable[[], list[PerturbationSpec]]
) -> Callable[[], list[tuple[str, list[PerturbationSpec]]]]:
    return lambda: [(name, specs())]


_WHITE_BLACK_FIRST = "person_name_first_prob={}_source=white_target=black_preserve_gender={}"
_WHITE_HISPANIC_LAST = "person_name_last_prob={}_source=white_target=hispanic"

DATA_AUGMENTATION_OPTIONS: dict[str, Callable[[], list[tuple[str, list[PerturbationSpec]]]]] = {
    "extra_space": _one("extra_space2", lambda: [extra_space(2)]),
    "contrast_sets": _one("contrast_sets", lambda: [contrast_sets()]),
    "space": _one("space3", lambda: [space(3)]),
    "lower": _one("lower", lambda: [lower()]),
    "contract": _one("contract", lambda: [contraction(), expansion()]),
    "filler": _one("filler0.3", lambda: [filler(0.3)]),
    "misspelling_mild": _one("misspelling0.05", lambda: [misspelling(0.05)]),
    "misspelling_medium": _one("misspelling0.20", lambda: [misspelling(0.20)]),
    "misspelling_hard": _one("misspelling0.5", lambda: [misspelling(0.5)]),
    "misspelling_sweep": lambda: [(f"misspelling{p}", [misspelling(p)]) for p in (0, 0.05, 0.2, 0.5)],
    "typo_easy": _one("typo0.1", lambda: [typo(0.1)]),
    "typo_medium": _one("typo0.3", lambda: [typo(0.3)]),
    "typo_hard": _one("typo0.5", lambda: [typo(0.5)]),
    "synonym": _one("synonym0.5", lambda: [synonym(0.5)]),
    "dialect_easy": _one("dialect_easy_prob=0.1_source=SAE_target=AAVE", lambda: [dialect(0.1)]),
    "dialect_medium": _one("dialect_prob=0.3_source=SAE_target=AAVE", lambda: [dialect(0.3)]),
    "dialect_hard": _one("dialect_prob=0.5_source=SAE_target=AAVE", lambda: [dialect(0.5)]),
    "dialect_deterministic": _one("dialect_prob=1.0_source=SAE_target=AAVE", lambda: [dialect(1.0)]),
    "person_name_first_hard_preserve_gender": _one(
        _WHITE_BLACK_FIRST.format(0.5, True),
        lambda: [person_name(0.5, "white_american", "black_american", "first_name", True)],
    ),
    "person_name_first_hard_dont_preserve_gender": _one(
        _WHITE_BLACK_FIRST.format(0.5, False),
        lambda: [person_name(0.5, "white_american", "black_american", "first_name", False)],
    ),
    "person_name_first_deterministic": _one(
        _WHITE_BLACK_FIRST.format(1.0, True),
        lambda: [person_name(1.0, "white_american", "black_american", "first_name", True)],
    ),
    "person_name_last_deterministic": _one(
        _WHITE_HISPANIC_LAST.format(1.0), lambda: [person_name(1.0, "white", "hispanic", "last_name", False)]
    ),
    "person_name_last_hard": _one(
        _WHITE_HISPANIC_LAST.format(0.5), lambda: [person_name(0.5, "white", "hispanic", "last_name", False)]
    ),
    **{
        f"gender_{mode}_{level}": _one(
            f"gender_{mode}_prob={p}_source=male_target=female", lambda mode=mode, p=p: [gender(mode, p)]
        )
        for mode in ("terms", "pronouns")
        for level, p in (("easy", 0.1), ("medium", 0.3), ("hard", 0.5), ("deterministic", 1.0))
    },
    "robustness": _one("robustness", _robustness),
    "fairness": _one("fairness", _fairness),
    "canonical": _one("canonical", lambda: _robustness() + _fairness()),
    "robustness_all": _one(
        "robustness_all",
        lambda: [
            contraction(),
            expansion(),
            filler(0.1),
            lower(),
            misspelling(0.1),
            space(3),
            synonym(0.1),
            typo(0.01),
        ],
    ),
}
