"""Loaders: one module per source, each reading files into tidy DataFrames and nothing else.

Each module declares the :class:`~digimotor.schema.DatasetSpec` of the datasets it reads
and registers it (:mod:`digimotor.sources.registry`), so that ``digimotor import`` and
``digimotor template`` know it. The study's vocabulary the files are checked against is
:mod:`digimotor.model`.
"""
