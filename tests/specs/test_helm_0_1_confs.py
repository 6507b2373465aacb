"""HELM v0.1.0's conf files: holistic's RunSpecs (default profile) against HELM v0.1.0's own expansion.

Every entry whose scenario holistic has is compared name by name and field by field; the differences left
must be exactly the rows of the table in docs/compatibility.md. Entries of scenarios not built yet are
listed (they are compared automatically once the scenario exists).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from holistic.cli.present import main as helm_present
from holistic.errors import UnknownNameError
from holistic.jsonio import asdict_with_nones
from holistic.run_specs import run_spec_names
from holistic.run_specs._data_context import run_spec_data
from holistic.run_specs.construct import construct_run_specs
from holistic.specs.conf import read_run_entries
from holistic.specs.description import parse_description

CONFS = ("run_specs", "run_specs_extra", "run_specs_big_bench_lite", "run_specs_gpu",
         "run_specs_interactive_qa", "run_specs_small", "run_specs_tiny")  # fmt: skip
COMPATIBILITY = Path(__file__).resolve().parents[2] / "docs" / "compatibility.md"
TABLE_START = "<!-- helm-0.1.0-runspec-differences -->"


def _helm_0_1(shared_reference: Path) -> Path:
    root = shared_reference / "helm-0.1.0"
    if not root.is_dir():
        pytest.fail(f"HELM v0.1.0 reference expansion not found at {root}")
    return root


def _expansion(root: Path, conf: str) -> dict[str, list[dict]]:
    """Entry description -> the RunSpecs HELM v0.1.0 built from it (as dicts)."""
    by_entry: dict[str, list[dict]] = defaultdict(list)
    with gzip.open(root / "expansion" / f"{conf}.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            run_spec = json.loads(line)
            by_entry[run_spec.pop("_entry_description")].append(run_spec)
            run_spec.pop("_entry_priority")
    return by_entry


def _unbuildable(root: Path, conf: str) -> set[str]:
    """Entries HELM v0.1.0 itself failed on here (downloads at RunSpec construction)."""
    path = root / "expansion" / f"{conf}.errors.txt"
    return {line.split("\t")[0] for line in path.read_text().splitlines() if line} if path.exists() else set()


def _helm_name(description: str, name: str) -> str:
    """HELM v0.1.0 names summarization_xsum_sampled's runs `summarization_xsum:...`, so they collide with
    xsum's; holistic gives them their own name (docs/compatibility.md, "Language modelling and summarization")."""
    if description.startswith("summarization_xsum_sampled:") and name.startswith("summarization_xsum:"):
        return "summarization_xsum_sampled:" + name.removeprefix("summarization_xsum:")
    return name


def _sort_metric_names(ours: dict, theirs: dict) -> None:
    """big_bench: HELM collects BasicMetric names in a Python set, so their order in its RunSpecs changes with
    the hash seed; holistic writes a fixed order (docs/compatibility.md). Compare them as sets."""
    for spec in ours["metric_specs"] + theirs["metric_specs"]:
        names = spec.get("args", {}).get("names")
        if isinstance(names, list):
            names.sort()


def _differences(ours: object, theirs: object, path: str = "") -> list[tuple[str, object, object]]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out = []
        for key in list(ours) + [k for k in theirs if k not in ours]:
            sub = f"{path}.{key}" if path else key
            if key not in theirs or key not in ours:
                out.append((sub, ours.get(key, "<absent>"), theirs.get(key, "<absent>")))
            else:
                out += _differences(ours[key], theirs[key], sub)
        return out
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [d for a, b in zip(ours, theirs) for d in _differences(a, b, f"{path}[]")]
    # 0.0 == 0 in JSON terms, but a bool is not an int here.
    if ours != theirs or isinstance(ours, bool) != isinstance(theirs, bool):
        return [(path, ours, theirs)]
    return []


def _documented_differences() -> set[tuple[str, str, str]]:
    text = COMPATIBILITY.read_text(encoding="utf-8")
    assert TABLE_START in text, f"{COMPATIBILITY} lost its table of RunSpec differences"
    table = text.split(TABLE_START, 1)[1].split("<!-- end -->", 1)[0]
    rows = set()
    for line in table.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.add(tuple(re.sub(r"^`(.*)`$", r"\1", c) for c in cells[:3]))
    return rows


def _scenario_missing(description: str) -> str | None:
    name = parse_description(description).name
    return None if name in run_spec_names() else name


@pytest.fixture(scope="module")
def comparisons(shared_reference, shared_data, tmp_path_factory) -> dict[str, dict]:
    root = _helm_0_1(shared_reference)
    # big_bench's RunSpecs are built from the task's task.json, read from the offline data.
    output = tmp_path_factory.mktemp("conf-output")
    results = {}
    for conf in CONFS:
        expansion = _expansion(root, conf)
        unbuildable = _unbuildable(root, conf)
        not_built: dict[str, int] = defaultdict(int)
        names_matched, name_problems, differences = 0, [], defaultdict(int)
        for entry in read_run_entries([str(root / "confs" / f"{conf}.conf")]):
            if entry.description in unbuildable:
                continue
            theirs = {}
            for r in expansion.get(entry.description, []):
                r["name"] = _helm_name(entry.description, r["name"])
                theirs[r["name"]] = r
            missing = _scenario_missing(entry.description)
            if missing:
                not_built[missing] += len(theirs)
                continue
            try:
                with run_spec_data(str(output), str(shared_data)):
                    ours = {r.name: asdict_with_nones(r) for r in construct_run_specs(entry.description)}
            except UnknownNameError as e:
                name_problems.append(f"{entry.description}: {e}")
                continue
            # HELM builds model=ablation_* through a Python set (arbitrary order); holistic keeps registry order.
            same_order = "ablation" in entry.description or list(ours) == list(theirs)
            if ours.keys() != theirs.keys() or not same_order:
                name_problems.append(
                    f"{entry.description}: only holistic {sorted(set(ours) - set(theirs))[:3]}, "
                    f"only HELM {sorted(set(theirs) - set(ours))[:3]}, or a different order"
                )
            for name in ours.keys() & theirs.keys():
                names_matched += 1
                if entry.description.startswith("big_bench"):
                    _sort_metric_names(ours[name], theirs[name])
                for path, mine, helm in _differences(ours[name], theirs[name]):
                    differences[(path, json.dumps(mine), json.dumps(helm))] += 1
        results[conf] = {
            "expected": sum(len(v) for v in expansion.values()),
            "matched": names_matched,
            "name_problems": name_problems,
            "differences": dict(differences),
            "not_built": dict(not_built),
        }
        summary = ", ".join(f"{k} ({v})" for k, v in sorted(not_built.items())) or "none"
        print(f"{conf}: {names_matched} of {results[conf]['expected']} names matched; "
              f"{sum(differences.values())} field differences; scenario not built yet: {summary}")  # fmt: skip
    return results


@pytest.mark.parametrize("conf", CONFS)
def test_same_names_as_helm_0_1_0(comparisons, conf):
    assert comparisons[conf]["name_problems"] == []


@pytest.mark.parametrize("conf", CONFS)
def test_not_built_yet_lists_only_missing_scenarios(comparisons, conf):
    # Every scenario skipped is really absent; the others were all compared.
    result = comparisons[conf]
    assert all(name not in run_spec_names() for name in result["not_built"])
    assert result["matched"] + sum(result["not_built"].values()) == result["expected"]


def test_every_field_difference_is_documented(comparisons):
    documented = _documented_differences()
    found = {key for result in comparisons.values() for key in result["differences"]}
    undocumented = sorted(key for key in found if key not in documented)
    assert undocumented == [], f"add these to the table in {COMPATIBILITY.name}"
    stale = sorted(row for row in documented if row not in found)
    assert stale == [], f"these rows of {COMPATIBILITY.name} no longer match any difference"


def test_list_runs_filters_like_helm(shared_reference, capsys):
    """--priority and --models-to-run select the same RunSpecs as filtering HELM's expansion."""
    root = _helm_0_1(shared_reference)
    conf = root / "confs" / "run_specs.conf"
    model = "openai/davinci"
    code = helm_present(["--conf", str(conf), "--priority", "1", "--models-to-run", model, "--list-runs"])
    out, err = capsys.readouterr()
    names = out.splitlines()
    assert err.splitlines()[-1] == f"{len(names)} RunSpec(s)"
    # Entries of scenarios not built yet fail (one line each, status 2); everything else is listed.
    assert code == (2 if "error: unknown scenario" in err else 0)
    expected = []
    with gzip.open(root / "expansion" / "run_specs.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            run_spec = json.loads(line)
            if (
                run_spec["_entry_priority"] <= 1
                and run_spec["adapter_spec"]["model"] == model
                and not _scenario_missing(run_spec["_entry_description"])
            ):
                expected.append(_helm_name(run_spec["_entry_description"], run_spec["name"]))
    assert len(names) > 5
    assert names == expected


def test_list_runs_json_is_run_spec_json(shared_reference, capsys):
    root = _helm_0_1(shared_reference)
    code = helm_present(["--conf", str(root / "confs" / "run_specs_tiny.conf"), "--list-runs", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and err.strip() == "1 RunSpec(s)"
    (line,) = out.splitlines()
    run_spec = json.loads(line)
    with gzip.open(root / "expansion" / "run_specs_tiny.jsonl.gz", "rt", encoding="utf-8") as f:
        helm = json.loads(f.readline())
    assert run_spec["name"] == helm["name"]
    # run_spec.json drops None fields (HELM's writer); the rest is HELM v0.1.0's RunSpec.
    for key in ("scenario_spec", "metric_specs", "groups"):
        assert run_spec[key] == helm[key], key
    assert run_spec["adapter_spec"] == {k: v for k, v in helm["adapter_spec"].items() if v is not None}


def test_raft_builds_where_helm_0_1_0_needs_a_download(shared_reference):
    """HELM v0.1.0 fetches raft's prompt settings while building the RunSpec (it fails offline); holistic
    bundles them, so the paper's raft entries build, with the names of HELM's scheme."""
    root = _helm_0_1(shared_reference)
    raft = sorted(d for d in _unbuildable(root, "run_specs") if d.startswith("raft:"))
    assert len(raft) == 11
    for description in raft:
        run_specs = construct_run_specs(description)
        subset = parse_description(description).args["subset"]
        assert run_specs and all(r.name.startswith(f"raft:subset={subset},model=") for r in run_specs)
        assert all(",data_augmentation=canonical" in r.name for r in run_specs)
        assert all(r.adapter_spec.instructions for r in run_specs)
