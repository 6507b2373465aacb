"""`RunResult.per_instance_stats`: the same values from compact files as from HELM's indented ones."""

from __future__ import annotations

import json
from pathlib import Path

import holistic
from holistic.jsonio import full_stat


def test_per_instance_stats_read_the_same_from_compact_and_indented_files(tmp_path: Path, shared_data: Path):
    common = dict(model="simple/model1", max_eval_instances=4, output_path=tmp_path, data_mirror=shared_data)
    descriptions = ["mmlu:subject=anatomy", "mmlu:subject=anatomy,method=multiple_choice_separate_calibrated"]
    compact = holistic.run(descriptions, suite="compact", **common)
    indented = holistic.run(descriptions, suite="indented", indent_json=True, **common)
    assert compact.ok and indented.ok
    for run_compact, run_indented in zip(compact.runs, indented.runs, strict=True):
        entries = run_compact.per_instance_stats
        assert entries == run_indented.per_instance_stats
        assert len(entries) > 4 and {e.instance_id for e in entries} == {
            e.instance_id for e in run_indented.per_instance_stats
        }
        one_value = [s for e in entries for s in e.stats if s.count == 1]
        assert one_value and all(s.stddev == 0.0 and s.mean is not None for s in one_value)
        # The compact file leaves out what count and mean determine; expanded, it is the indented file.
        raw = json.loads(Path(run_compact.directory, "per_instance_stats.json").read_text())
        full = json.loads(Path(run_indented.directory, "per_instance_stats.json").read_text())
        assert any("sum_squared" not in s for e in raw for s in e["stats"])
        assert [{**e, "stats": [full_stat(s) for s in e["stats"]]} for e in raw] == full
