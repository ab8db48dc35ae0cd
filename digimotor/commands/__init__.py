"""Subcommands of the ``digimotor`` command line, one module each (see :mod:`digimotor.cli`)."""
