"""`partner-warehouse`: run the pipeline, serve the dashboards, manage their users.

The one place that knows every side: the pipeline's commands come from pipelines/cli.py;
`users` goes to the dashboards' user store, `generate` and `reliability` to the tools of a
checkout, each with everything after it (its options included), so no package imports
another's commands.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

from contract.settings import Settings
from pipelines.cli import add_commands, as_process

# Commands handed whole to another module's `main(argv)`: (module, help). `tools` is in a
# checkout of the repository only, not in the wheel.
PASS_THROUGH = {
    "users": (
        "dashboards.users",
        "manage dashboard users: users [--file F] add|remove|list|demo ...",
    ),
    "generate": ("tools.generate.command", "write deterministic sample landing files"),
    "reliability": (
        "tools.reliability",
        "run the reliability tests (bad input, faults, readers, security) and print what "
        "they tried and survived; extra arguments after -- go to pytest",
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
        try:
            module = importlib.import_module(PASS_THROUGH[argv[0]][0])
        except ModuleNotFoundError as exc:
            if exc.name != "tools":
                raise
            print(f"error: `{argv[0]}` needs a checkout of the repository", file=sys.stderr)
            return 2
        return module.main(argv[1:])
    args = parser(Settings.from_env()).parse_args(argv)
    return args.func(args)


def command() -> NoReturn:
    """The installed `partner-warehouse` command: `main` as the process."""
    as_process(main)
