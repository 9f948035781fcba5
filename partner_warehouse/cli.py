"""`partner-warehouse`: run the pipeline, serve the dashboards, manage their users.

The one place that knows every side: the pipeline's commands come from pipelines/cli.py,
`users` goes to the dashboards' user store with everything after it (its options
included), so neither package imports the other.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from contract.settings import Settings
from pipelines.cli import add_commands

# Commands handed whole to another module's `main(argv)`: (module, help).
PASS_THROUGH = {
    "users": (
        "dashboards.users",
        "manage dashboard users: users [--file F] add|remove|list|demo ...",
    ),
}


def parser(settings: Settings) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="partner-warehouse", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    add_commands(sub, settings)
    for name, (_, text) in PASS_THROUGH.items():
        sub.add_parser(name, help=text)  # listed for --help; `main` hands it on
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] and argv[0] in PASS_THROUGH:
        module = importlib.import_module(PASS_THROUGH[argv[0]][0])
        return module.main(argv[1:])
    args = parser(Settings.from_env()).parse_args(argv)
    return args.func(args)
