"""Shared wiring of helm-run and helm-present: flags, entry expansion, filtering, error reporting."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holistic.specs.conf import RunEntry

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
        "HELM does (default: without whitespace, one array element per line, per-instance stats without the "
        "fields their count and mean determine: about a third of the bytes)",
    )  # fmt: skip
    add_plugins_argument(parser)


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


def run_entries(args: argparse.Namespace, entries: list[RunEntry]) -> int:
    """Expand entries into RunSpecs, filter, run them through `holistic.run`, print a summary.

    Returns the exit status. The steps are the Python API's (`holistic.api.plan` and `holistic.api.run`);
    this function only checks the command line, turns errors into one line each and prints the outcome.
    """
    import logging  # here: helm-summarize and --help do without it

    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    from holistic import api
    from holistic.errors import HolisticError

    if args.json and not args.list_runs:
        error_line("--json only applies to --list-runs (add --list-runs)")
        return EXIT_USAGE
    if not args.list_runs and not args.suite:
        error_line("the following arguments are required: --suite (a suite name, e.g. --suite v1)")
        return EXIT_USAGE
    try:
        api.check_runner(args.runner, args.ray_address)
    except HolisticError as e:
        error_line(str(e))
        return EXIT_USAGE
    problem = None if args.list_runs else check_output_path(args.output_path)
    if problem:
        error_line(problem)
        return EXIT_USAGE

    status = EXIT_OK

    def bad_description(line: str) -> None:
        nonlocal status
        error_line(line)
        status = EXIT_USAGE

    common = dict(
        output_path=args.output_path,
        local_path=args.local_path,
        data_mirror=args.data_mirror,
        plugins=args.plugins,
        helm_version=args.helm_version,
    )
    try:
        # Every description is expanded first, so that all mistakes of a long conf show at once.
        run_specs = api.plan(
            entries,
            max_eval_instances=args.max_eval_instances,
            num_train_trials=args.num_train_trials,
            models_to_run=args.models_to_run,
            groups_to_run=args.groups_to_run,
            priority=args.priority,
            on_error=bad_description,
            **common,
        )
        if args.list_runs:
            list_runs(run_specs, args.json)
            return status
        if not run_specs:
            if status == EXIT_OK:
                print("There were no RunSpecs or they got filtered out.", file=sys.stderr)
            return status
        suite = api.run(
            run_specs,
            suite=args.suite,
            num_threads=args.num_threads,
            dry_run=args.dry_run,
            skip_completed_runs=args.skip_completed_runs,
            exit_on_error=args.exit_on_error,
            skip_run_specs_json=args.skip_run_specs_json,
            output_layout=args.output_layout,
            indent_json=args.indent_json,
            runner=args.runner,
            ray_address=args.ray_address,
            **common,
        )
    except HolisticError as e:  # plug-ins, deployments, the runner's options, --exit-on-error
        error_line(str(e))
        return EXIT_USAGE
    for result in suite.failures:
        message = result.error or ""
        error_line(f"{result.name}: {message}")
        run_failed = result.bug or "requests failed" in message  # not the user's input
        status = max(status, EXIT_RUN_FAILED if run_failed else EXIT_USAGE)
        if "requests failed" in message:
            print(message, file=sys.stderr)
    counts = {s: sum(1 for r in suite.runs if r.status == s) for s in ("done", "skipped", "failed")}
    print(
        f"{counts['done']} run(s) done, {counts['skipped']} skipped, {counts['failed']} failed; "
        f"outputs in {suite.directory}",
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
        import threading

        if threading.active_count() > 1:
            # Daemon threads (runs in flight under --runner ray, a client's request pool) may still be inside C
            # extensions; finalizing the interpreter under them can crash it (SIGSEGV) after every answer is
            # safely cached. Nothing is left to clean up, so leave at once with the status.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    raise SystemExit(code)
