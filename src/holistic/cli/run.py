"""`helm-run`: evaluate RunSpec descriptions (`--run-specs`) and conf files (`--conf-paths`)."""

from __future__ import annotations

import sys

from holistic.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    OneLineParser,
    add_plugins_argument,
    add_run_arguments,
    error_line,
    load_plugins,
    main_wrapper,
    run_entries,
)

DESCRIPTION = """Evaluate language models on scenarios, writing HELM-compatible run directories.

A RunSpec description is <scenario>:<key>=<value>,... for example
  mmlu:subject=philosophy,model=huggingface/gpt2
  synthetic_reasoning:mode=pattern_match,model=text,max_train_instances=zero
Keys that name run expanders (model, max_train_instances, num_train_trials, num_outputs, instructions,
prompt, newline, stop, global_prefix, data_augmentation, tokenizer, num_prompt_tokens,
num_output_tokens, max_tokens) expand one description into several runs; the others are scenario
arguments. List the scenarios with --list-scenarios."""


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="helm-run", description=DESCRIPTION, formatter_class=_formatter())
    parser.add_argument(
        "-r", "--run-specs", nargs="+", action="extend", default=[], metavar="DESCRIPTION",
        help="RunSpec descriptions to run (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "-c", "--conf-paths", nargs="+", action="extend", default=[], metavar="CONF",
        help="HOCON conf files of run entries (entries: [{description: ..., priority: 1}])",
    )  # fmt: skip
    parser.add_argument("--list-scenarios", action="store_true", help="print the scenario names and exit")
    add_run_arguments(parser)
    return parser


def _plugins_in(argv: list[str]) -> list[str]:
    """The --plugins of a command line that need not be complete otherwise (--list-scenarios)."""
    import argparse

    parser = argparse.ArgumentParser(add_help=False)
    add_plugins_argument(parser)
    return parser.parse_known_args(argv)[0].plugins


def _formatter():
    import argparse

    return argparse.RawDescriptionHelpFormatter


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--list-scenarios" in argv:
        from holistic.run_specs import run_spec_names

        problem = load_plugins(_plugins_in(argv))
        if problem:
            error_line(problem)
            return EXIT_USAGE
        print("\n".join(run_spec_names()))
        return EXIT_OK
    args = build_parser().parse_args(argv)
    if not args.run_specs and not args.conf_paths:
        error_line("nothing to run (give --run-specs DESCRIPTION ... or --conf-paths FILE ...)")
        return EXIT_USAGE
    from holistic.specs.conf import RunEntry

    entries = [RunEntry(d, 1) for d in args.run_specs]
    if args.conf_paths:
        from holistic.errors import HolisticError
        from holistic.specs.conf import read_run_entries

        try:
            entries += read_run_entries(args.conf_paths)
        except HolisticError as e:
            error_line(str(e))
            return EXIT_USAGE
    return run_entries(args, entries)


def entry_point() -> None:
    main_wrapper(main)


if __name__ == "__main__":
    entry_point()
