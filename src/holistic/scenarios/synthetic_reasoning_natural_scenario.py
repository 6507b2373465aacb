"""Synthetic reasoning in natural language: rules + a fact -> what follows (§6.2 synthetic_reasoning_natural).

Difficulty `easy`: rules name the fact's subject; `medium`: rules may speak of its category ("an animal");
`hard`: also, the fact uses synonyms of the rules' attributes ("ancient" for "old"). Generated with Python's
`random` seeded with 42; the order of draws below is what makes the instances identical to HELM's, so keep
it when editing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from holistic.errors import DescriptionError, one_of
from holistic.scenarios.base import (
    CORRECT_TAG,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALID_SPLIT,
    Instance,
    Reference,
    Scenario,
)

DIFFICULTIES = ("easy", "medium", "hard")
SUBJECTS = {
    "person": ["Alice", "Bob", "Carol", "Dan", "Erin", "Frank"],
    "animal": ["dog", "cat", "rabbit", "mouse", "tiger", "lion", "bear", "squirrel", "cow", "panda", "hedgehog",
               "elephant", "giraffe", "hippo"],
    "plant": ["poppy", "dandelion", "tree", "rose", "sunflower"],
}  # fmt: skip
# Attribute -> the words that say it (itself first); `hard` facts use any of them.
ATTRIBUTE_GROUPS = {
    "young": ["young"],
    "soft": ["soft"],
    "sad": ["sad"],
    "scary": ["scary"],
    "cold": ["cold", "chill", "cool"],
    "hot": ["hot", "warm"],
    "smart": ["smart", "clever", "wise", "intelligent"],
    "clean": ["clean", "tidy"],
    "small": ["small", "little", "tiny"],
    "big": ["big", "enormous", "giant", "huge"],
    "good": ["good", "kind", "nice"],
    "beautiful": ["beautiful", "pretty"],
    "red": ["red", "crimson"],
    "blue": ["blue", "cobalt"],
    "green": ["green", "viridian"],
    "purple": ["purple", "violet"],
    "boring": ["boring", "dull"],
    "old": ["old", "ancient", "antique"],
    "strong": ["strong", "powerful", "muscular"],
    "weak": ["weak", "frail", "fragile"],
    "fast": ["fast", "quick"],
    "slow": ["slow", "sluggish"],
    "bad": ["bad", "evil", "wicked", "mean"],
    "happy": ["happy", "elated", "glad", "cheerful"],
    "round": ["round", "circular", "spherical"],
}
MAX_RULES = 5
P_CONSEQUENCELESS = 0.1  # chance of keeping a fact from which nothing follows


def specified(subject: str, category: str, specifier: str, upper: bool = False) -> str:
    """`a dog`, `An elephant`, `the cat`; people (and the category "person") take no article."""
    if category == "person" or subject == "person":
        return subject
    first = specifier[0].upper() if upper else specifier[0]
    if specifier == "a":
        return f"{first}n {subject}" if subject[0].lower() in "aeiou" else f"{first} {subject}"
    return f"{first}{specifier[1:]} {subject}"


@dataclass(frozen=True)
class Rule:
    subject: str
    category: str
    condition: list[str]
    conjunction: str
    consequent: str

    def __str__(self) -> str:
        condition = f" {self.conjunction} ".join(self.condition)
        return (
            f"If {specified(self.subject, self.category, 'a')} is {condition}, "
            f"then {specified(self.subject, self.category, 'the')} is {self.consequent}."
        )

    def applies(self, attributes: list[str]) -> bool:
        if self.consequent in attributes:
            return False
        if self.conjunction == "and":
            return set(self.condition).issubset(attributes)
        return not set(self.condition).isdisjoint(attributes)


def fact_text(subject: str, category: str, attributes: list[str]) -> str:
    if not attributes:
        return "Nothing."
    return f"{specified(subject, category, 'the', upper=True)} is {' and '.join(attributes)}."


def check_difficulty(difficulty: str) -> None:
    if difficulty not in DIFFICULTIES:
        raise DescriptionError(
            f"unknown synthetic_reasoning_natural difficulty '{difficulty}' ({one_of(DIFFICULTIES)})"
        )


class SRNScenario(Scenario):
    name = "sythetic_reasoning_natural"  # (sic) HELM's data directory name
    description = "Language Pattern Matching"
    tags = ["reasoning", "language", "pattern_matching"]

    def __init__(self, difficulty: str, random_seed: int = 42) -> None:
        check_difficulty(difficulty)
        self.specific_category = difficulty == "easy"
        self.use_specific_attributes = difficulty == "hard"
        self.random_seed = random_seed
        self.num_train_instances = 1000
        self.num_valid_instances = 5000
        self.num_test_instances = 5000

    def _rules(self, rng: random.Random, subject: str, category: str) -> list[Rule]:
        attributes = list(ATTRIBUTE_GROUPS)
        rng.shuffle(attributes)
        rules: list[Rule] = []
        while len(attributes) > 2 and len(rules) < MAX_RULES:
            rule_subject = subject if self.specific_category else rng.choice([category, subject])
            size = rng.randint(2, 3)
            chosen, attributes = attributes[:size], attributes[size:]
            rules.append(Rule(rule_subject, category, chosen[:-1], rng.choice(["and", "or"]), chosen[-1]))
        return rules

    def _fact(self, rng: random.Random, rules: list[Rule]) -> tuple[list[str], list[str], list[str]]:
        """(attributes, the words the fact uses for them, consequents); re-drawn while nothing follows,
        except with probability P_CONSEQUENCELESS."""
        while True:
            attributes = rng.sample(list(ATTRIBUTE_GROUPS), 2)
            words = [rng.choice(ATTRIBUTE_GROUPS[a]) for a in attributes]
            consequents = [rule.consequent for rule in rules if rule.applies(attributes)]
            if consequents or rng.random() <= P_CONSEQUENCELESS:
                return attributes, words, consequents

    def get_instances(self) -> list[Instance]:
        rng = random.Random(self.random_seed)
        total = self.num_train_instances + self.num_valid_instances + self.num_test_instances
        instances = []
        for index in range(total):
            category = rng.choice(list(SUBJECTS))
            subject = rng.choice(SUBJECTS[category])
            rules = self._rules(rng, subject, category)
            attributes, words, consequents = self._fact(rng, rules)
            fact = fact_text(subject, category, words if self.use_specific_attributes else attributes)
            question = "".join(f"{rule}\n" for rule in rules)
            question += f"Fact:\n{fact}\n"
            question += f"The following can be determined about {specified(subject, category, 'the')}:"
            if index < self.num_train_instances:
                split = TRAIN_SPLIT
            elif index < self.num_train_instances + self.num_valid_instances:
                split = VALID_SPLIT
            else:
                split = TEST_SPLIT
            target = fact_text(subject, category, consequents)
            instances.append(Instance(question, [Reference(target, [CORRECT_TAG])], split))
        return instances
