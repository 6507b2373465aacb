"""The fast reader of plain HOCON gives pyhocon's result, or declines (None) and pyhocon reads the file."""

from __future__ import annotations

import json

import pytest
from pyhocon import ConfigFactory

from holistic.specs.conf import read_run_entries
from holistic.specs.conf_fast import parse_plain_hocon


def _pyhocon(text: str):
    return json.loads(json.dumps(ConfigFactory.parse_string(text)))


def test_helm_confs_read_fast_and_like_pyhocon(shared_reference):
    confs = sorted((shared_reference / "helm-0.1.0" / "confs").glob("*.conf"))
    assert len(confs) == 7
    for conf in confs:
        text = conf.read_text(encoding="utf-8")
        assert parse_plain_hocon(text) == _pyhocon(text), conf.name


PLAIN = [
    'entries: [{description: "mmlu:subject=anatomy,model=text", priority: 1}]',
    'entries: [\n  # a comment, with commas\n  {description: "a", priority: 2, groups: ["x", "y"]},\n'
    '  // another\n  {description = "b:c=\\"d\\"", priority: -3}\n]\n',
    '{"entries": [{description: "a", priority: 1, flag: true, none: null}]}',
    'entries: [\n  {description: "a"\n   priority: 1}\n  {description: "b", priority: 2}\n]',
    "entries: []",
]
NOT_PLAIN = [
    "entries: [{description: mmlu, priority: 1}]",  # unquoted string
    'a: "x" "y"',  # concatenation
    "a: {b: 1 c: 2}",
    "a: 1\na: 2",  # repeated key
    "a.b: 1",  # path
    "a: ${b}\nb: 1",  # substitution
    "a: [1,,2]",
    "a: [, 1]",
    'a: """x"""',
    "a: 1.5",
    "a { b: 1 }",
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_subset(text):
    assert parse_plain_hocon(text) is not None
    assert parse_plain_hocon(text) == _pyhocon(text)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_everything_else_is_left_to_pyhocon(text):
    assert parse_plain_hocon(text) is None


def test_a_conf_beyond_the_subset_is_still_read(tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text(
        'base = "mmlu:subject=anatomy"\nentries: [{description: ${base}",model=text", priority: 1}]\n'
    )
    (entry,) = read_run_entries([str(conf)])
    assert (entry.description, entry.priority) == ("mmlu:subject=anatomy,model=text", 1)
