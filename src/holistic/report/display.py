"""Per-run display files, streamed: instances.json, display_predictions.json, display_requests.json (HELM 0.2)
and the instance browser's data pages for the HTML report.

Both large inputs (per_instance_stats.json, scenario_state.json) are read one element at a time, and the
outputs are written as they come, so memory stays flat however many instances a run has.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from holistic.jsonio import full_stat
from holistic.report.jsonfast import dumps_bytes, iter_array
from holistic.report.runs import instance_text

PAGE_SIZE = 25
"""Instances per page of the instance browser."""

FILE_SIZE = 100
"""Instances per data file of the instance browser (a multiple of PAGE_SIZE; one file per trial)."""

COST_NAMES = ("num_prompt_tokens", "num_completion_tokens")
CALIBRATION = "calibration"


class ArrayWriter:
    """Writes a JSON array element by element, indented like HELM's files.

    With `atomic`, the array goes to a temporary file renamed into place at the end, so readers never see a
    half-written file; derived per-run files skip that (a rename costs more than the file on some disks).
    """

    def __init__(self, path: Path, atomic: bool = True):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp") if atomic else path
        self.file: BinaryIO = open(self.tmp, "wb")  # noqa: SIM115 - closed by close()/abort()
        self.file.write(b"[")
        self.count = 0

    def add(self, item: Any) -> None:
        self.file.write(b",\n  " if self.count else b"\n  ")
        self.file.write(dumps_bytes(item).replace(b"\n", b"\n  "))
        self.count += 1

    def close(self) -> None:
        self.file.write(b"\n]" if self.count else b"]")
        self.file.close()
        if self.tmp != self.path:
            self.tmp.replace(self.path)

    def abort(self) -> None:
        self.file.close()
        self.tmp.unlink(missing_ok=True)


class _NullWriter:
    def add(self, item: Any) -> None:
        pass

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


def _perturbation_key(perturbation: dict[str, Any] | None) -> str:
    return json.dumps(perturbation, sort_keys=True) if perturbation else ""


def _perturbation_label(perturbation: dict[str, Any] | None) -> str | None:
    if not perturbation:
        return None
    details = [
        f"{k}={v}"
        for k, v in perturbation.items()
        if k not in ("name", "robustness", "fairness", "computed_on")
    ]
    return perturbation.get("name", "?") + (f" ({', '.join(details)})" if details else "")


@dataclass
class DisplayResult:
    num_instances: int = 0
    """Distinct (instance, perturbation) pairs."""

    num_request_states: int = 0
    """Request states read."""

    num_pages: int = 0
    """Pages of the instance browser."""

    index: dict[str, Any] | None = None
    """The browser's index: page sizes, trials and every instance id (embedded in the run page)."""

    num_trials: int = 0
    """Trials seen."""

    costs: dict[str, float] = field(default_factory=dict)
    """Per-instance sums of token stats (used when stats.json has no unsplit totals)."""

    stat_names: list[str] = field(default_factory=list)
    """Per-instance stats shown."""


def read_per_instance_stats(
    path: Path, wanted: set[str] | None
) -> tuple[dict[tuple[str, str, int], dict[str, float]], dict[str, float], list[str]]:
    """(instance id, perturbation, trial) -> {stat name: mean}, token totals, names in first-seen order."""
    table: dict[tuple[str, str, int], dict[str, float]] = {}
    costs = dict.fromkeys(COST_NAMES, 0.0)
    names: dict[str, None] = {}
    if not path.is_file():
        return table, costs, []
    interesting = None if wanted is None else {*wanted, *costs, "predicted_index"}
    for entry in iter_array(path):
        key = (
            str(entry.get("instance_id")),
            _perturbation_key(entry.get("perturbation")),
            int(entry.get("train_trial_index", 0)),
        )
        values = table.setdefault(key, {})
        for stat in entry.get("stats", ()):
            name = stat["name"]["name"]
            if interesting is not None and name not in interesting:
                continue
            if name in costs:
                total = full_stat(stat).get("sum")  # compact files leave out a float sum
                if isinstance(total, (int, float)):
                    costs[name] += total
                if wanted is not None and name not in wanted:
                    continue
            if "mean" in stat:
                values[name] = stat["mean"]
                names[name] = None
    return table, costs, list(names)


def write_run_display(
    run_dir: Path,
    wanted_stats: set[str] | None,
    pages_dir: Path | None,
    warn,
    write_json: bool = True,
) -> DisplayResult:
    """Write the display files of one run (and the browser's data pages under `pages_dir`)."""
    result = DisplayResult()
    state_path = run_dir / "scenario_state.json"
    per_instance, result.costs, result.stat_names = read_per_instance_stats(
        run_dir / "per_instance_stats.json", wanted_stats
    )
    if not (run_dir / "per_instance_stats.json").is_file():
        warn(f"{run_dir.name}: no per_instance_stats.json; instances are shown without their stats")
    if not state_path.is_file():
        warn(f"{run_dir.name}: no scenario_state.json; its instances are not shown")
        return result

    names = ("instances.json", "display_predictions.json", "display_requests.json")
    writers = [ArrayWriter(run_dir / n, atomic=False) if write_json else _NullWriter() for n in names]
    instances_out, predictions_out, requests_out = writers
    pages = _Pages(pages_dir) if pages_dir is not None else None
    positions: dict[tuple[str, str], int] = {}
    ids: list[list[Any]] = []
    trials: set[int] = set()
    try:
        for state in iter_array(state_path, "request_states"):
            result.num_request_states += 1
            instance = state.get("instance") or {}
            instance_id = str(instance.get("id"))
            perturbation = instance.get("perturbation")
            p_key = _perturbation_key(perturbation)
            trial = int(state.get("train_trial_index", 0))
            trials.add(trial)
            key = (instance_id, p_key)
            position = positions.get(key)
            if position is None:
                position = positions[key] = len(positions)
                instances_out.add(instance)
                ids.append([instance_id, _perturbation_label(perturbation)])
            if state.get("request_mode") == CALIBRATION:
                continue
            stats = per_instance.get((instance_id, p_key, trial), {})
            reference_index = state.get("reference_index")
            predicted_index = stats.get("predicted_index")
            if (
                reference_index is not None
                and predicted_index is not None
                and reference_index != predicted_index
            ):
                chosen = False
            else:
                chosen = True
            completions = ((state.get("result") or {}).get("completions")) or []
            predicted_text = str(completions[0].get("text", "")) if completions else ""
            mapped_output = None
            mapping = state.get("output_mapping")
            if mapping:
                mapped_output = mapping.get(predicted_text.strip())
            elif reference_index is not None:
                references = instance.get("references") or []
                if 0 <= reference_index < len(references):
                    mapped_output = instance_text(references[reference_index].get("output"))
            shown = {k: v for k, v in stats.items() if k != "predicted_index"}
            if chosen:
                prediction: dict[str, Any] = {"instance_id": instance_id}
                if perturbation:
                    prediction["perturbation"] = perturbation
                prediction["train_trial_index"] = trial
                prediction["predicted_text"] = predicted_text
                if mapped_output is not None:
                    prediction["mapped_output"] = mapped_output
                if reference_index is not None:
                    prediction["reference_index"] = reference_index
                prediction["stats"] = shown
                predictions_out.add(prediction)
                request_entry: dict[str, Any] = {"instance_id": instance_id}
                if perturbation:
                    request_entry["perturbation"] = perturbation
                request_entry["train_trial_index"] = trial
                request_entry["request"] = state.get("request") or {}
                requests_out.add(request_entry)
            if pages is not None:
                record = pages.record(
                    trial, position // FILE_SIZE, key, instance, perturbation, trial == min(trials)
                )
                record["predictions"].append(
                    _browser_prediction(state, completions, predicted_text, mapped_output, shown, chosen)
                )
        for writer in writers:
            writer.close()
    except BaseException:
        for writer in writers:
            writer.abort()
        raise
    result.num_instances = len(positions)
    result.num_trials = len(trials)
    if pages is not None:
        pages.flush_all()
        result.num_pages = (len(positions) + PAGE_SIZE - 1) // PAGE_SIZE
        result.index = {
            "pageSize": PAGE_SIZE,
            "fileSize": FILE_SIZE,
            "pages": result.num_pages,
            "trials": sorted(trials),
            "ids": ids,
        }
    return result


def _browser_prediction(state, completions, predicted_text, mapped_output, stats, chosen) -> dict[str, Any]:
    request = state.get("request") or {}
    out: dict[str, Any] = {
        "trial": state.get("train_trial_index", 0),
        "prompt": request.get("prompt", ""),
        "completion": predicted_text,
        "stats": stats,
    }
    if len(completions) > 1:
        out["completions"] = [str(c.get("text", "")) for c in completions]
    if completions and isinstance(completions[0].get("logprob"), (int, float)):
        out["logprob"] = completions[0]["logprob"]
    if mapped_output is not None:
        out["mapped"] = mapped_output
    if state.get("reference_index") is not None:
        out["reference_index"] = state["reference_index"]
        out["chosen"] = chosen
    if state.get("prompt_truncated"):
        out["truncated"] = True
    error = (state.get("result") or {}).get("error")
    if error:
        out["error"] = str(error)
    return out


class _Pages:
    """Data files of the instance browser: `t<trial>-f<file>.js`, each calling HOLISTIC.data(trial, file, records)
    for FILE_SIZE instances (a page script loads them on demand; file:// pages cannot fetch JSON).

    Request states come trial by trial in instance order, so files fill one after another and are written as
    soon as the next one starts; out-of-order input only keeps more files open until the end.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.open: dict[tuple[int, int], dict[tuple[str, str], dict[str, Any]]] = {}
        self.written: set[tuple[int, int]] = set()

    def record(self, trial, page, key, instance, perturbation, with_instance: bool) -> dict[str, Any]:
        for open_key in [k for k in self.open if k < (trial, page)]:
            self.flush(open_key)
        records = self.open.setdefault((trial, page), {})
        record = records.get(key)
        if record is None:
            record = records[key] = {"id": key[0], "predictions": []}
            if perturbation:
                record["perturbation"] = _perturbation_label(perturbation)
            if with_instance:
                record["split"] = instance.get("split")
                if instance.get("sub_split"):
                    record["sub_split"] = instance["sub_split"]
                record["input"] = instance_text(instance.get("input"))
                record["references"] = [
                    {"text": instance_text(r.get("output")), "tags": list(r.get("tags") or [])}
                    for r in instance.get("references") or []
                ]
        return record

    def flush(self, page_key: tuple[int, int]) -> None:
        records = self.open.pop(page_key)
        trial, page = page_key
        # Out-of-order input reopens a written page: another call appended to the file merges in the browser.
        mode = "ab" if page_key in self.written else "wb"
        self.written.add(page_key)
        payload = dumps_bytes(list(records.values()), indent=False)
        with open(self.directory / f"t{trial}-f{page}.js", mode) as f:
            f.write(b"HOLISTIC.data(%d,%d," % (trial, page) + payload + b");\n")

    def flush_all(self) -> None:
        for key in sorted(self.open):
            self.flush(key)
