"""The fast builders of references and instances give what the dataclass constructors give."""

import dataclasses

import pytest

from holistic.scenarios.base import Instance, Reference, new_instance, new_reference


def test_builders_equal_the_constructors_field_for_field():
    built = new_instance("q?", [new_reference("a", ["correct"]), new_reference("b", [])], "valid")
    constructed = Instance("q?", [Reference("a", ["correct"]), Reference("b", [])], split="valid")
    # Every field set, in field order (a field added to Instance must be added to new_instance too).
    assert list(vars(built)) == [f.name for f in dataclasses.fields(Instance)]
    assert list(vars(built.references[0])) == [f.name for f in dataclasses.fields(Reference)]
    assert vars(built) == vars(constructed)
    assert built.first_correct_reference == constructed.first_correct_reference
    with_id = built.with_id("id7")
    assert with_id.id == "id7" and built.id is None
    assert vars(with_id) == vars(dataclasses.replace(constructed, id="id7"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        with_id.input = "changed"  # still frozen
