"""Loaders: one module per source, each reading files into tidy DataFrames and nothing else.

Each module declares the :class:`~digimotor.datasets.DatasetSpec` of the datasets it reads
and registers it, so that ``digimotor import`` and ``digimotor template`` know it.
"""
