"""`helm-present`: run the entries of HOCON conf files, filtered by priority, models and groups."""

from __future__ import annotations

import sys

from holistic.cli.common import (
    EXIT_USAGE,
    OneLineParser,
    add_run_arguments,
    error_line,
    main_wrapper,
    run_entries,
)


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="helm-present",
        description="Run every entry of one or more run-entry conf files (HOCON: entries: [{description, priority, groups}]).",
    )
    parser.add_argument(
        "--conf",
        "--conf-paths",
        dest="conf_paths",
        nargs="+",
        action="extend",
        required=True,
        metavar="CONF",
        help="conf files",
    )
    add_run_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    from holistic.errors import HolisticError
    from holistic.specs.conf import read_run_entries

    try:
        entries = read_run_entries(args.conf_paths)
    except HolisticError as e:
        error_line(str(e))
        return EXIT_USAGE
    return run_entries(args, entries)


def entry_point() -> None:
    main_wrapper(main)


if __name__ == "__main__":
    entry_point()
