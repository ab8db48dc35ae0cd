"""Plots: functions ``(data, ..., lang="sv", ax=None) -> Axes`` in one style.

Labels come from a Swedish/English catalogue (:mod:`digimotor.plots.style`); the caller
saves figures with :func:`digimotor.outputs.save_figure`. A figure that shows synthetic data
carries a watermark inside the image (:func:`digimotor.plots.style.mark_kind`), because a
saved PNG travels without its page.

The data kind is a fact of the data, not an argument: every figure function reads it from its
frame's ``attrs["provenance"]`` (:func:`digimotor.provenance.kind_and_source`), and its source
line too unless ``source=`` is given. A frame without provenance, or with several kinds that no
one labelled (:func:`digimotor.provenance.label_mixed`), is refused with a one-line error. Only
figures of bare numbers (:func:`digimotor.plots.dimios.infosec_management`,
:func:`digimotor.plots.dimios.typology_plane`) take ``kind=``, and without a default.
"""
