"""WikiFact: complete "<subject> <relation>" with the object, from Wikidata facts, one relation at a time (§6.2)."""

from __future__ import annotations

import json

from holistic.errors import DataError, DescriptionError, one_of
from holistic.scenarios.base import (
    CORRECT_TAG,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALID_SPLIT,
    Instance,
    Reference,
    Scenario,
)
from holistic.scenarios.download import ensure_file_downloaded

BASE_URL = "https://worksheets.codalab.org/rest/bundles/0x8c3b60eb7c6b462e822a150f194d3b35/contents/blob/"
SPLITS = {"train": TRAIN_SPLIT, "dev": VALID_SPLIT, "test": TEST_SPLIT}

# Relation name (the `subject` argument) -> Wikidata property id, in HELM's order.
RELATIONS: dict[str, str] = {
    "genre": "P136", "instrument": "P1303", "author": "P50", "creator": "P170", "composer": "P86",
    "director": "P57", "applies_to_jurisdiction": "P1001", "overrules": "P4006", "laws_applied": "P3014",
    "repealed_by": "P2568", "majority_opinion_by": "P5826", "plaintiff": "P1620", "defendant": "P1591",
    "movement": "P135", "influenced_by": "P737", "member_of_political_party": "P102",
    "diplomatic_relation": "P530", "position_held": "P39", "basic_form_of_government": "P122",
    "office_held_by_head_of_state": "P1906", "head_of_state": "P35",
    "office_held_by_head_of_government": "P1313", "head_of_government": "P6", "shares_border_with": "P47",
    "continent": "P30", "capital": "P36", "capital_of": "P1376", "country": "P17",
    "twinned_administrative_body": "P190", "currency": "P38", "central_bank": "P1304", "subsidiary": "P355",
    "stock_exchange": "P414", "industry": "P452", "statement_describes": "P2384", "solved_by": "P1136",
    "programming_language": "P277", "file_extension": "P1195", "number_of_processor_cores": "P1141",
    "operating_system": "P306", "measured_physical_quantity": "P111",
    "recommended_unit_of_measurement": "P8111", "atomic_number": "P1086", "electron_configuration": "P8000",
    "discoverer_or_inventor": "P61", "time_of_discovery_or_invention": "P575",
    "location_of_discovery": "P189", "medical_condition_treated": "P2175",
    "drug_or_therapy_used_for_treatment": "P2176", "genetic_association": "P2293",
    "therapeutic_area": "P4044", "symptoms_and_signs": "P780", "place_of_birth": "P19",
    "place_of_death": "P20", "subclass_of": "P279", "official_language": "P37",
    "position_played_on_team": "P413", "member_of_sports_team": "P54", "award_received": "P166",
    "original_network": "P449", "educated_at": "P69", "named_after": "P138",
    "original_language_of_film_or_TV_show": "P364", "member_of": "P463", "field_of_work": "P101",
    "participating_team": "P1923", "occupation": "P106", "has_part": "P527", "manufacturer": "P176",
    "developer": "P178", "country_of_citizenship": "P27", "language_of_work_or_name": "P407",
    "located_in_the_administrative_territorial_entity": "P131",
    "languages_spoken_written_or_signed": "P1412", "employer": "P108", "record_label": "P264",
    "location": "P276", "work_location": "P937", "religion": "P140", "owned_by": "P127",
    "native_language": "P103", "instance_of": "P31", "country_of_origin": "P495",
    "headquarters_location": "P159", "location_of_formation": "P740", "part_of": "P361",
}  # fmt: skip


def check_subject(subject: str) -> None:
    if subject not in RELATIONS:
        raise DescriptionError(f"unknown wikifact subject '{subject}' ({one_of(RELATIONS)})")


def flatten(value: object) -> list:
    """Nested lists to a flat list (a non-list is a list of itself)."""
    if isinstance(value, list):
        return [item for element in value for item in flatten(element)]
    return [value]


class WIKIFactScenario(Scenario):
    name = "wikifact"
    description = "Fact Completion in WikiData"
    tags = ["knowledge", "generation"]

    def __init__(self, subject: str) -> None:
        check_subject(subject)
        self.subject = subject

    def get_instances(self) -> list[Instance]:
        property_id = RELATIONS[self.subject]
        instances = []
        for file_split, split in SPLITS.items():
            name = f"{file_split}.jsonl"
            path = ensure_file_downloaded(
                BASE_URL + name, self.data_path("data", name), mirror=self.data_mirror
            )
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, start=1):
                    try:
                        fact = json.loads(line)
                        if fact["property"] != property_id:
                            continue
                        template, answers = fact["template"], flatten(fact["result_names"])
                    except (ValueError, KeyError, TypeError) as e:
                        raise DataError(
                            f"{path}:{number}: not a wikifact record ({e.__class__.__name__}: {e})"
                        ) from None
                    references = [Reference(str(answer).strip(), [CORRECT_TAG]) for answer in answers]
                    instances.append(Instance(input=template, references=references, split=split))
        return instances
