"""The ``digimotor`` command line.

Each subcommand is a module in :mod:`digimotor.commands` with a docstring (its first line
is the help text), ``configure(parser)`` and ``run(args) -> int``. Heavy libraries are
imported inside ``run``, so ``digimotor --help`` starts fast.

Every failure ends in one line on stderr and a non-zero exit status, never a traceback:

* a bad option or argument: argparse's message and a pointer to ``--help`` (status 2);
* a :class:`~digimotor.errors.DigimotorError`: its message and hint (its ``exit_code``: 2 for
  input and parameter errors, 1 for a failed fetch);
* an :class:`OSError`: the file and the reason (1; 2 for a missing path or a folder);
* Ctrl-C: ``interrupted`` (130); a closed pipe (``digimotor claims | head``): nothing (141);
* any other exception, which is a bug: its type and message and a hint to rerun with
  ``--debug`` (1).

``--debug`` (or ``DIGIMOTOR_DEBUG=1``) lets the exception through with its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from types import ModuleType
from typing import NoReturn

from . import __version__
from .errors import DigimotorError, describe_os_error, one_line

DEBUG_ENV = "DIGIMOTOR_DEBUG"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (the usage is one ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see `{self.prog} --help`)\n")


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
    parser = _Parser(
        prog="digimotor",
        description=(
            "Reproduce and repeat the 'Digital motor Fyrbodal' pre-study (2021). "
            "Start with `digimotor reproduce`; bring your own data in with `digimotor import`."
        ),
    )
    parser.add_argument("--version", action="version", version=f"digimotor {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help=f"show the full traceback of an unexpected error (or set {DEBUG_ENV}=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.set_defaults(_parsers={})
    for name, module in _commands().items():
        doc = (module.__doc__ or "").strip()
        summary = doc.splitlines()[0] if doc else ""
        command = sub.add_parser(
            name, help=summary, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        module.configure(command)
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help="show the full traceback of an unexpected error")
        command.set_defaults(_run=module.run)
        parser.get_default("_parsers")[name] = command
    return parser


def _fail(command: str, message: str, status: int) -> int:
    print(f"digimotor {command}: error: {one_line(message)}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``digimotor`` console script; returns the exit status."""
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # reported by the command's own parser, which names the command
            args._parsers.get(args.command, parser).error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    command = args.command
    debug = args.debug or os.environ.get(DEBUG_ENV, "").lower() in ("1", "true", "yes")
    try:
        return int(args._run(args) or 0)
    except DigimotorError as exc:
        if debug:
            raise
        return _fail(command, str(exc), int(getattr(exc, "exit_code", 2)))
    except KeyboardInterrupt:
        print(f"digimotor {command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`digimotor claims | head`)
        _silence_stdout()
        return 141
    except OSError as exc:
        if debug:
            raise
        missing = isinstance(exc, (FileNotFoundError, IsADirectoryError, NotADirectoryError))
        return _fail(command, describe_os_error(exc), 2 if missing else 1)
    except Exception as exc:
        if debug:
            raise
        detail = one_line(exc)[:300]
        return _fail(command, f"unexpected {type(exc).__name__}{': ' + detail if detail else ''} "
                     f"(a bug in digimotor; rerun with --debug for the traceback and report it)", 1)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush cannot fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests, notebooks)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
