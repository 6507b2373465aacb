"""`helm-server`: serve a suite's HTML report and raw JSON over HTTP (loopback only unless --host says otherwise)."""

from __future__ import annotations

import sys
from pathlib import Path

from holistic.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    OneLineParser,
    add_plugins_argument,
    error_line,
    load_plugins,
    main_wrapper,
    non_negative_int,
)

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="helm-server",
        description="Serve runs/<suite>/report/ (written by helm-summarize) and every raw JSON file under the output path.",
    )
    parser.add_argument(
        "--suite", default="latest", help="suite whose report / redirects to (default: %(default)s)"
    )
    parser.add_argument(
        "-p",
        "--port",
        type=non_negative_int,
        default=8000,
        help="port (default: %(default)s; 0 picks a free one)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s, this machine only)"
    )
    parser.add_argument(
        "-o", "--output-path", default="benchmarking_output", help="root of runs/ (default: %(default)s)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not log requests")
    add_plugins_argument(parser)  # the same flag on every command; the server itself only serves files
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    problem = load_plugins(args.plugins)
    if problem:
        error_line(problem)
        return EXIT_USAGE
    suite_dir = Path(args.output_path, "runs", args.suite)
    if not suite_dir.is_dir():
        error_line(
            f"suite directory {suite_dir} does not exist (run helm-run --suite {args.suite} first, or give --output-path)"
        )
        return EXIT_USAGE
    if not (suite_dir / "report" / "index.html").is_file():
        print(
            f"warning: no report in {suite_dir / 'report'} yet (run helm-summarize --suite {args.suite}); serving the raw files",
            file=sys.stderr,
        )
    if args.host not in LOOPBACK:
        print(
            f"warning: binding to {args.host}: anyone who can reach this machine can read the outputs",
            file=sys.stderr,
        )
    from holistic.report.server import make_server, report_url

    try:
        server = make_server(args.output_path, args.suite, args.host, args.port, quiet=args.quiet)
    except OSError as e:
        error_line(f"cannot listen on {args.host}:{args.port}: {e.strerror or e} (choose another --port)")
        return EXIT_USAGE
    print(f"serving {report_url(server, args.suite)} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def entry_point() -> None:
    main_wrapper(main)


if __name__ == "__main__":
    entry_point()
