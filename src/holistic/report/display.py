"""Per-run display files, streamed: instances.json, display_predictions.json, display_requests.json (HELM 0.2)
and the instance browser's data pages for the HTML report.

Both large inputs (per_instance_stats.json, scenario_state.json) are read one element at a time, and the
outputs are written as they come, so memory stays flat however many instances a run has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

from holistic.report.instance_stats import PerInstanceStats, entries_between, perturbation_key, split_point
from holistic.report.jsonfast import dumps_bytes, iter_array
from holistic.report.pipes import Exchange, can_fork
from holistic.report.rewrite import finish_rewrite, open_for_rewrite
from holistic.report.runs import instance_text

PAGE_SIZE = 25
"""Instances per page of the instance browser."""

FILE_SIZE = 100
"""Instances per data file of the instance browser (a multiple of PAGE_SIZE; one file per trial)."""

CALIBRATION = "calibration"

BATCH = 64
"""Elements encoded together (one orjson call for many small ones)."""


class ArrayWriter:
    """Writes a JSON array element by element, indented like HELM's files.

    With `atomic`, the array goes to a temporary file renamed into place at the end, so readers never see a
    half-written file; derived per-run files skip that (a rename costs more than the file on some disks).
    """

    def __init__(self, path: Path, atomic: bool = True):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp") if atomic else path
        # Derived files are overwritten in place (rewrite.py); atomic ones go to a fresh temporary file.
        self.file: BinaryIO = open_for_rewrite(self.tmp) if not atomic else open(self.tmp, "wb")  # noqa: SIM115
        self.file.write(b"[")
        self.count = 0
        self.pending: list[Any] = []

    def add(self, item: Any) -> None:
        self.pending.append(item)
        if len(self.pending) >= BATCH:
            self._write_pending()

    def add_encoded(self, element: bytes) -> None:
        """An element already encoded, indented as it will stand in the file (its lines after the first)."""
        if self.pending:
            self._write_pending()
        self.file.write(b",\n  " if self.count else b"\n  ")
        self.file.write(element)
        self.count += 1

    def _write_pending(self) -> None:
        # An indented list of the pending elements is `[\n  a,\n  b\n]`: the elements as this file lays them out.
        data = dumps_bytes(self.pending)
        self.file.write(data[1:-2] if not self.count else b"," + data[1:-2])
        self.count += len(self.pending)
        self.pending = []

    def close(self) -> None:
        if self.pending:
            self._write_pending()
        self.file.write(b"\n]" if self.count else b"]")
        if self.tmp == self.path:  # overwritten in place
            finish_rewrite(self.file)
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

    pages_in_progress: PagesInProgress | None = None
    """The browser's pages of a run split in two, still being written by the forked process."""


class PagesInProgress:
    """The forked half of a split run, writing the instance browser's pages while this process goes on."""

    def __init__(self, exchange: Exchange):
        self._exchange: Exchange | None = exchange

    def finish(self) -> None:
        """Wait until the pages are written; the writer's error (OSError, ValueError) is raised here."""
        exchange, self._exchange = self._exchange, None
        if exchange is None:
            return
        try:
            exchange.receive()
        finally:
            exchange.close()

    def abandon(self) -> None:
        """Stop waiting for an answer (after an error here): the writer finishes or finds its pipe closed."""
        exchange, self._exchange = self._exchange, None
        if exchange is not None:
            exchange.close()


def write_run_display(
    run_dir: Path,
    wanted_stats: set[str] | None,
    pages_dir: Path | None,
    warn,
    write_json: bool = True,
    parallel: bool = False,
) -> DisplayResult:
    """Write the display files of one run (and the browser's data pages under `pages_dir`).

    With `parallel`, a large run is done by two processes: each reads half of per_instance_stats.json, then this
    one writes the JSON files while a forked one writes the pages (10,000 instances: 0.44 s -> 0.22 s). The
    forked one may still be writing when this returns: `result.pages_in_progress.finish()` waits for it.
    """
    state_path = run_dir / "scenario_state.json"
    stats_path = run_dir / "per_instance_stats.json"
    if not stats_path.is_file():
        warn(f"{run_dir.name}: no per_instance_stats.json; instances are shown without their stats")
    if not state_path.is_file():
        warn(f"{run_dir.name}: no scenario_state.json; its instances are not shown")
        per_instance = PerInstanceStats.read(stats_path, wanted_stats)
        return DisplayResult(costs=per_instance.costs, stat_names=list(per_instance.names))
    split = None
    if parallel and write_json and pages_dir is not None and can_fork():
        split = split_point(stats_path)
    done = None
    if split is not None:
        done = _write_display_in_two(run_dir, state_path, stats_path, split, wanted_stats, pages_dir)
    if done is None:
        per_instance = PerInstanceStats.read(stats_path, wanted_stats)
        done = (
            per_instance,
            _write_display(
                run_dir, state_path, per_instance, pages_dir, write_json, with_index=pages_dir is not None
            ),
        )
    per_instance, result = done
    result.costs, result.stat_names = per_instance.costs, list(per_instance.names)
    return result


def _write_display_in_two(
    run_dir: Path, state_path: Path, stats_path: Path, split: int, wanted: set[str] | None, pages_dir: Path
) -> tuple[PerInstanceStats, DisplayResult] | None:
    """None when no second process can be started (the caller then does it all)."""
    exchange = Exchange()
    try:
        in_child = exchange.fork()
    except OSError:
        return None
    if in_child:
        _write_pages_in_child(exchange, run_dir, state_path, stats_path, split, wanted, pages_dir)
    try:
        per_instance = PerInstanceStats()
        per_instance.add_entries(entries_between(stats_path, 0, split), stats_path.name, wanted)
        per_instance.merge(exchange.trade(per_instance))
        # The index of the browser (every instance's id) is made here too: nothing more is needed from the
        # child, which finishes the pages while this process writes the run's page and the suite's files.
        result = _write_display(run_dir, state_path, per_instance, None, write_json=True, with_index=True)
    except BaseException:
        exchange.close()  # a child still working finds its pipes closed and exits
        raise
    result.pages_in_progress = PagesInProgress(exchange)
    return per_instance, result


def _write_pages_in_child(
    exchange: Exchange,
    run_dir: Path,
    state_path: Path,
    stats_path: Path,
    split: int,
    wanted: set[str] | None,
    pages_dir: Path,
) -> NoReturn:
    """The forked half: read the file's second half, trade halves, write the pages; never returns."""

    def work() -> None:
        second_half = PerInstanceStats()
        second_half.add_entries(entries_between(stats_path, split, None), stats_path.name, wanted)
        per_instance = exchange.trade(second_half)
        per_instance.merge(second_half)
        _write_display(run_dir, state_path, per_instance, pages_dir, write_json=False, with_index=False)
        exchange.send(None)

    exchange.serve(work)


def _write_display(
    run_dir: Path,
    state_path: Path,
    per_instance: PerInstanceStats,
    pages_dir: Path | None,
    write_json: bool,
    with_index: bool,
) -> DisplayResult:
    result = DisplayResult()

    names = ("instances.json", "display_predictions.json", "display_requests.json")
    writers = [ArrayWriter(run_dir / n, atomic=False) if write_json else _NullWriter() for n in names]
    instances_out, predictions_out, requests_out = writers
    pages = _Pages(pages_dir) if pages_dir is not None else None
    positions: dict[tuple[str, str], int] = {}
    ids: list[list[Any]] = []
    trials: set[int] = set()
    lowest_trial = 0
    stats_of, predicted_of = per_instance.table.get, per_instance.predicted.get  # per state: no method calls
    try:
        for state in iter_array(state_path, "request_states"):
            result.num_request_states += 1
            instance = state.get("instance") or {}
            instance_id = str(instance.get("id"))
            perturbation = instance.get("perturbation")
            p_key = perturbation_key(perturbation) if perturbation else ""
            trial = int(state.get("train_trial_index", 0))
            if trial not in trials:
                trials.add(trial)
                lowest_trial = min(trials)
            key = (instance_id, p_key)
            position = positions.get(key)
            if position is None:
                position = positions[key] = len(positions)
                instances_out.add(instance)
                if with_index:
                    ids.append([instance_id, _perturbation_label(perturbation)])
            if state.get("request_mode") == CALIBRATION:
                continue
            stats_key = (instance_id, p_key, trial)
            shown = stats_of(stats_key) or {}
            reference_index = state.get("reference_index")
            predicted_index = predicted_of(stats_key)
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
            if chosen and write_json:
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
                    trial, position // FILE_SIZE, key, instance, perturbation, trial == lowest_trial
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
    if with_index:
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
        self.last: tuple[int, int] | None = None

    def record(self, trial, page, key, instance, perturbation, with_instance: bool) -> dict[str, Any]:
        page_key = (trial, page)
        if page_key != self.last:  # files before this one are complete (a scan per call found nothing new)
            for open_key in [k for k in self.open if k < page_key]:
                self.flush(open_key)
            self.last = page_key
        records = self.open.setdefault(page_key, {})
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
        path = self.directory / f"t{trial}-f{page}.js"
        appending = page_key in self.written
        self.written.add(page_key)
        payload = dumps_bytes(list(records.values()), indent=False)
        with open(path, "ab") if appending else open_for_rewrite(path) as f:
            f.write(b"HOLISTIC.data(%d,%d," % (trial, page) + payload + b");\n")
            finish_rewrite(f)

    def flush_all(self) -> None:
        for key in sorted(self.open):
            self.flush(key)
