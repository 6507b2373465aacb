"""Command-line front doors. Each imports only argparse until it runs, so `--help` is instant."""
