"""The ``digimotor`` command line.

Each subcommand is a module in :mod:`digimotor.commands` with a docstring (its first line
is the help text), ``configure(parser)`` and ``run(args) -> int``. Heavy libraries are
imported inside ``run``, so ``digimotor --help`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from types import ModuleType

from . import __version__
from .errors import DigimotorError


def _commands() -> dict[str, ModuleType]:
    from . import commands

    found = {}
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        found[getattr(module, "NAME", info.name)] = module
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digimotor",
        description=(
            "Reproduce and repeat the 'Digital motor Fyrbodal' pre-study (2021). "
            "Start with `digimotor reproduce`; bring your own data in with `digimotor import`."
        ),
    )
    parser.add_argument("--version", action="version", version=f"digimotor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _commands().items():
        doc = (module.__doc__ or "").strip()
        summary = doc.splitlines()[0] if doc else ""
        command = sub.add_parser(
            name, help=summary, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        module.configure(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``digimotor`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except DigimotorError as exc:
        print(f"digimotor {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"digimotor {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
