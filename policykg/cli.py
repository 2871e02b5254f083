"""The `policykg` command: finds its subcommands in policykg/commands/ and runs one.

Each module in policykg.commands (but _-prefixed helpers) defines `register(subparsers)`; heavy imports happen inside
the command's handler, so that `policykg --help` and every command start fast.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from policykg import commands
from policykg.commands._common import Parser
from policykg.errors import PolicyKGError


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="policykg",
        description="A comparative knowledge graph of cross-border e-commerce subsidy policies.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue  # shared helpers, not a command
        importlib.import_module(f"policykg.commands.{info.name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except PolicyKGError as exc:
        print(f"policykg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("policykg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
