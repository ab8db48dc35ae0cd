"""The study's domain vocabulary and its pure rules, one module per study part.

Nothing here reads a file, draws or imports pandas at module level: these are the names the
report uses (DiMiOS areas and dimensions, the score scale and the types A–D; the TBM cost
pools and work areas; the survey questions; the capability elements; the scenario codes) as
small typed objects, and the few rules that follow from them alone (e.g.
:func:`digimotor.model.tbm.reconcile`). Loaders (:mod:`digimotor.sources`) validate files
against them; metrics, plots, synthetic data and claims use them. This is the lowest layer of
the study code: it imports only :mod:`digimotor.errors` and :mod:`digimotor.regions`.
"""
