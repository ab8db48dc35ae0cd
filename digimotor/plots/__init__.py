"""Plots: functions ``(data, ..., lang="sv", ax=None) -> Axes`` in one style.

Labels come from a Swedish/English catalogue (:mod:`digimotor.plots.style`); the caller
saves figures with :func:`digimotor.outputs.save_figure`. A figure that shows synthetic data
carries a watermark inside the image (:func:`digimotor.plots.style.mark_kind`), because a
saved PNG travels without its page.
"""
