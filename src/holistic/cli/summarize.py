"""`helm-summarize`: turn a suite's run directories into leaderboard JSON files and a static HTML report."""

from __future__ import annotations

import sys

from holistic.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    OneLineParser,
    add_plugins_argument,
    error_line,
    main_wrapper,
    positive_int,
)

DESCRIPTION = """Summarize a suite written by helm-run (holistic's or HELM's): writes runs/<suite>/summary.json,
runs.json, run_specs.json, costs.json, groups.json, groups_metadata.json, groups/<group>.json (with LaTeX
and JSON exports of every table), per-run instances.json / display_predictions.json / display_requests.json,
and a static HTML report in runs/<suite>/report/ (open report/index.html, or serve it with helm-server)."""


def build_parser() -> OneLineParser:
    import argparse

    parser = OneLineParser(
        prog="helm-summarize", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--suite", required=True, help="name of the suite (directory under <output-path>/runs/)"
    )
    parser.add_argument(
        "-o", "--output-path", default="benchmarking_output", help="root of runs/ (default: %(default)s)"
    )
    parser.add_argument(
        "--schema-path",
        default=None,
        metavar="YAML",
        help="schema to use instead of the packaged schema.yaml",
    )
    parser.add_argument("--skip-html", action="store_true", help="write the JSON files only, no HTML report")
    parser.add_argument(
        "--skip-write-run-display-json", action="store_true",
        help="do not write instances.json, display_predictions.json and display_requests.json into each run",
    )  # fmt: skip
    parser.add_argument(
        "-n",
        "--num-threads",
        type=positive_int,
        default=8,
        help="runs read, and their display files and report pages written, in parallel: worker processes "
        "(at most one per core) for suites of 32 runs or more, two processes for a single large run "
        "(default: %(default)s, as HELM; the outputs do not depend on it)",
    )
    parser.add_argument(
        "--skip-slim-per-instance-stats",
        action="store_true",
        help="do not write per_instance_stats_slim.json (each stat's name and mean) into each run, "
        "as HELM v0.1.0's flag (runs written with --helm-version 0.5 never get one: HELM 0.5 writes none)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_plugins_argument(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    from holistic import api
    from holistic.errors import HolisticError

    try:
        result = api.summarize(
            args.suite,
            output_path=args.output_path,
            schema_path=args.schema_path,
            html=not args.skip_html,
            display_json=not args.skip_write_run_display_json,
            progress=False if args.quiet else None,
            plugins=args.plugins,  # plug-ins may register models (display names in the report)
            num_threads=args.num_threads,
            write_slim_per_instance_stats=not args.skip_slim_per_instance_stats,
        )
    except HolisticError as e:
        error_line(str(e))
        return EXIT_USAGE
    where = f"; report: {result.report_dir / 'index.html'}" if result.report_dir else ""
    if result.helm_versions:
        where += "; behaviour: " + ", ".join(
            f"{n} run(s) --helm-version {v}" if v != "unknown" else f"{n} run(s) not recorded"
            for v, n in result.helm_versions.items()
        )
    print(
        f"summarized {result.num_runs} run(s), {result.num_instances:,} instances in {result.suite_dir}{where}",
        file=sys.stderr,
    )
    return EXIT_OK


def entry_point() -> None:
    main_wrapper(main)


if __name__ == "__main__":
    entry_point()
