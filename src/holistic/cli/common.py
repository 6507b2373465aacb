"""Shared wiring of helm-run and helm-present: flags, entry expansion, filtering, error reporting."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_USAGE = 2


def error_line(message: str) -> None:
    first = str(message).strip().splitlines()[0] if str(message).strip() else "unknown error"
    print(f"error: {first}", file=sys.stderr)


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid value '{text}' (expected a non-negative integer)"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid value {value} (expected a non-negative integer)")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("invalid value 0 (expected a positive integer)")
    return value


class OneLineParser(argparse.ArgumentParser):
    """argparse whose usage errors follow the house format: one line, exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        error_line(f"{message} (see {self.prog} --help)")
        raise SystemExit(EXIT_USAGE)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--suite",
        default=None,
        help="name of the suite: outputs go to <output-path>/runs/<suite>/ (required to run)",
    )
    parser.add_argument(
        "--helm-version", choices=("0.1", "0.5"), default="0.1",
        help="behaviour profile where HELM versions differ (AdapterSpec presets, in-context example order, "
        "simple/model1, metric ties): 0.1 = HELM v0.1.0 of the HELM paper and its confs (default), "
        "0.5 = HELM 0.5; recorded in each run directory (docs/compatibility.md)",
    )  # fmt: skip
    parser.add_argument(
        "--list-runs", action="store_true",
        help="print the names of the RunSpecs this command would run, one per line, then their count "
        "(on stderr), and exit; builds RunSpecs only (no model, no scenario data)",
    )  # fmt: skip
    parser.add_argument(
        "--json", action="store_true", help="with --list-runs: print one run_spec.json object per line"
    )
    parser.add_argument(
        "-m", "--max-eval-instances", type=non_negative_int, default=None,
        help="evaluate at most this many instances per run (sampled with seed 0, as HELM)",
    )  # fmt: skip
    parser.add_argument(
        "-t",
        "--num-train-trials",
        type=positive_int,
        default=None,
        help="override the number of in-context example draws",
    )
    parser.add_argument(
        "-o",
        "--output-path",
        default="benchmarking_output",
        help="root of runs/ and scenarios/ (default: %(default)s)",
    )
    parser.add_argument(
        "--local", action="store_true", help="accepted for HELM compatibility; holistic always runs locally"
    )
    parser.add_argument(
        "--local-path",
        default="prod_env",
        help="credentials.conf and the request cache (default: %(default)s)",
    )
    parser.add_argument(
        "-n",
        "--num-threads",
        type=positive_int,
        default=4,
        help="threads for API requests (default: %(default)s)",
    )
    parser.add_argument(
        "--skip-completed-runs",
        action="store_true",
        help="skip runs whose directory already has every output file",
    )
    parser.add_argument(
        "-d",
        "--dry-run",
        action="store_true",
        help="build the requests and count tokens without calling any model",
    )
    parser.add_argument(
        "--exit-on-error", action="store_true", help="stop at the first failing run instead of going on"
    )
    parser.add_argument(
        "--priority", type=positive_int, default=None, help="run only conf entries with priority <= this"
    )
    parser.add_argument(
        "--models-to-run",
        nargs="+",
        default=None,
        metavar="MODEL",
        help="run only these models (after expansion)",
    )
    parser.add_argument(
        "--groups-to-run",
        nargs="+",
        default=None,
        metavar="GROUP",
        help="run only runs in any of these groups",
    )
    parser.add_argument(
        "--data-mirror", default=None, metavar="DIR",
        help="read scenario data from DIR/<scenario>/... (a copy of the download cache) instead of the internet; "
        "also $HOLISTIC_DATA_MIRROR",
    )  # fmt: skip
    parser.add_argument(
        "--skip-run-specs-json", action="store_true", help="do not write runs/<suite>/run_specs.json"
    )
    parser.add_argument(
        "--runner", choices=("local", "ray"), default="local",
        help="local (default): runs one after another in this process; ray: several runs in flight, local "
        "models answered by replicas on a Ray cluster (needs pip install 'holistic[ray]'; see docs/scaling.md)",
    )  # fmt: skip
    parser.add_argument(
        "--ray-address", default=None, metavar="ADDRESS",
        help="with --runner ray: auto (a cluster started with `ray start`) or ray://HOST:PORT; "
        "default: start a local Ray instance on this machine",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="only print warnings and the summary")
    parser.add_argument(
        "--output-layout", choices=("2022", "helm-0.5"), default=None,
        help="run-directory layout: 2022 (the spec's, HELM v0.1.0; the default) or helm-0.5 (crfm-helm 0.5's "
        "nested {\"text\": ...} inputs, readable by its helm-summarize and front end)",
    )  # fmt: skip
    parser.add_argument(
        "--indent-json", action="store_true",
        help="write scenario.json, scenario_state.json and per_instance_stats.json indented, byte for byte as "
        "HELM does (default: the same JSON without whitespace, one array element per line: about half the bytes)",
    )  # fmt: skip
    add_plugins_argument(parser)


def output_layout(args: argparse.Namespace) -> str:
    """The run-directory layout: --output-layout, else the one implied by the --helm-version profile."""
    if args.output_layout:
        return args.output_layout
    # The single link between the behaviour profile and the layout: HELM 0.5's profile writes 0.5's files.
    if getattr(args, "helm_version", None) == "0.5":
        return "helm-0.5"
    return "2022"


def add_plugins_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plugins", nargs="+", action="extend", default=[], metavar="MODULE_OR_PATH",
        help="import these plug-ins (module names or .py files) besides those of installed packages "
        "(entry-point group 'holistic'); see docs/extending.md",
    )  # fmt: skip


def load_plugins(names: list[str]) -> str | None:
    """Import installed and named plug-ins; None, or the one-line error when one fails."""
    from holistic.errors import HolisticError
    from holistic.plugins import load_plugins as load

    try:
        load(names)
    except HolisticError as e:
        return str(e)
    return None


def check_output_path(path: str) -> str | None:
    """None if the output path can be written, else why not."""
    target = Path(path)
    probe = target
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        return f"output path {path} is not a directory (give a writable directory with --output-path)"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"output path {path} is not writable (give a writable directory with --output-path)"
    try:
        # os.access says yes to root everywhere, and /proc or a read-only mount refuse anyway: try it.
        target.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return f"output path {path} cannot be created ({e.strerror}; give a writable directory with --output-path)"
    return None


def run_entries(args: argparse.Namespace, entries: list[tuple[str, int, list[str]]]) -> int:
    """Expand entries into RunSpecs, filter, run them, print a summary. Returns the exit status."""
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    from holistic.errors import HolisticError
    from holistic.helm_version import set_helm_version
    from holistic.run_specs.construct import construct_run_specs
    from holistic.specs.overrides import apply_overrides

    set_helm_version(args.helm_version)  # before any RunSpec is built
    if args.json and not args.list_runs:
        error_line("--json only applies to --list-runs (add --list-runs)")
        return EXIT_USAGE
    if not args.list_runs and not args.suite:
        error_line("the following arguments are required: --suite (a suite name, e.g. --suite v1)")
        return EXIT_USAGE
    if args.suite == "latest":
        error_line("the suite cannot be named 'latest' (runs/latest points at the last suite)")
        return EXIT_USAGE
    if args.runner == "ray":
        from holistic.runner.ray_runner import RAY_MISSING, ray_available

        if not ray_available():
            error_line(RAY_MISSING)
            return EXIT_USAGE
    elif args.ray_address:
        error_line("--ray-address needs --runner ray (or leave it out)")
        return EXIT_USAGE
    problem = None if args.list_runs else check_output_path(args.output_path)
    if problem:
        error_line(problem)
        return EXIT_USAGE

    # Plug-ins first: they add scenario keys, models and clients that descriptions name.
    problem = load_plugins(args.plugins)
    if problem:
        error_line(problem)
        return EXIT_USAGE

    from holistic.models.deployments import load_model_deployments
    from holistic.run_specs._data_context import run_spec_data

    try:
        # Deployments name models, so they must be known before descriptions are expanded.
        load_model_deployments(args.local_path)
    except HolisticError as e:
        error_line(str(e))
        return EXIT_USAGE

    status = EXIT_OK
    run_specs = []
    for description, priority, groups in entries:
        if args.priority is not None and priority > args.priority:
            continue
        try:
            # big_bench reads its task.json while its RunSpec is built: from this run's data.
            with run_spec_data(args.output_path, args.data_mirror):
                expanded = construct_run_specs(description)
        except HolisticError as e:
            error_line(f"{e} [in '{description}']")
            status = EXIT_USAGE
            continue
        for run_spec in expanded:
            if args.models_to_run and run_spec.adapter_spec.model not in args.models_to_run:
                continue
            if args.groups_to_run and not set(args.groups_to_run) & set(run_spec.groups):
                continue
            run_specs.append(
                apply_overrides(run_spec, args.max_eval_instances, args.num_train_trials, groups)
            )
    if args.list_runs:
        list_runs(run_specs, args.json)
        return status
    if not run_specs:
        if status == EXIT_OK:
            print("There were no RunSpecs or they got filtered out.", file=sys.stderr)
        return status

    from holistic.runner.runner import Runner, RunnerOptions

    options = RunnerOptions(
        suite=args.suite,
        output_path=args.output_path,
        local_path=args.local_path,
        num_threads=args.num_threads,
        dry_run=args.dry_run,
        skip_completed_runs=args.skip_completed_runs,
        exit_on_error=args.exit_on_error,
        data_mirror=args.data_mirror,
        skip_run_specs_json=args.skip_run_specs_json,
        output_layout=output_layout(args),
        indent_json=args.indent_json,
    )
    try:
        if args.runner == "ray":
            from holistic.runner.ray_runner import RayRunner

            runner: Runner = RayRunner(options, args.ray_address)
        else:
            runner = Runner(options)
        outcomes = runner.run_all(run_specs)
    except HolisticError as e:  # --exit-on-error
        error_line(str(e))
        return EXIT_USAGE
    for outcome in outcomes:
        if outcome.status == "failed":
            error_line(f"{outcome.run_spec.name}: {outcome.message}")
            run_failed = outcome.crashed or "requests failed" in outcome.message  # not the user's input
            status = max(status, EXIT_RUN_FAILED if run_failed else EXIT_USAGE)
            if "requests failed" in outcome.message:
                print(outcome.message, file=sys.stderr)
    done = [o for o in outcomes if o.status == "done"]
    skipped = [o for o in outcomes if o.status == "skipped"]
    failed = [o for o in outcomes if o.status == "failed"]
    print(
        f"{len(done)} run(s) done, {len(skipped)} skipped, {len(failed)} failed; "
        f"outputs in {Path(args.output_path, 'runs', args.suite)}",
        file=sys.stderr,
    )
    return status


def list_runs(run_specs: list, as_json: bool) -> None:
    """Names (or run_spec.json objects) on stdout, one per line; the count on stderr so pipes stay clean."""
    if as_json:
        from holistic.jsonio import compact_lines_without_nones

        lines = list(compact_lines_without_nones(run_specs))
    else:
        lines = [r.name for r in run_specs]
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    print(f"{len(run_specs)} RunSpec(s)", file=sys.stderr)


def main_wrapper(function: Callable[[], int]) -> None:
    try:
        code = function()
    except KeyboardInterrupt:
        error_line("interrupted (answered requests are in the cache; rerun the same command to resume)")
        code = 130
    raise SystemExit(code)
