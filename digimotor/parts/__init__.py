"""The study's parts as notebook pages: what every notebook repeats, and one page class per part.

Each notebook ``notebooks/NN-topic.ipynb`` has a module here (``demography``, ``broadband``,
``dimios``, ``tbm``, ``capabilities``, ``scenarios``, ``survey``) with a ``NotebookPage``: built
with the notebook's parameters, it runs the first cell (checks, data, the data banner); then one
method per code cell writes the tables and figures and shows them. Branching on the language and
on the data at hand (published numbers or respondent data, the report's region or another, an
optional comparison year) lives in these methods, never in a notebook cell.

Layer: above ``plots``/``claims``/``outputs``, below the runner and the site.

Helpers shared by the pages:

- :func:`prose` — a sentence with values, escaped (``outputs.markdown``) and shown;
- :func:`show_figure` — save a figure (every format of the run) and show it;
- :func:`compare_with_report` — the closing comparison with the report's claims.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

#: The language of the page being built: set by :class:`Page` from its ``lang`` parameter (one
#: page per notebook run), read by :func:`prose` for the number format of its values.
_PAGE_LANG = {"lang": "sv"}


def prose(template: str, /, **values: Any) -> None:
    """Show ``template`` as Markdown with ``values`` escaped into it (:func:`outputs.markdown`);
    numbers are written as the page's language writes them (Swedish: ``1 734 443``, ``3,5``)."""
    from IPython.display import display

    from digimotor import outputs

    display(outputs.markdown(template, number_lang=_PAGE_LANG["lang"], **values))


def show_figure(figure: Any, name: str) -> None:
    """Save ``figure`` as ``figures/<name>.*`` (:func:`outputs.save_figure`) and show it."""
    import matplotlib.pyplot as plt

    from digimotor import outputs

    outputs.save_figure(figure, name)
    plt.show()


def compare_with_report(
    part: str,
    produced: Mapping[str, Any],
    columns: Sequence[str],
    *,
    record: bool = True,
    counts: bool = True,
    styled: bool = False,
    check: bool = True,
    lang: str = "sv",
) -> Any:
    """The closing section of a page: the claims of ``part`` beside the values ``produced``.

    Records the values for the site (``record``), shows the count per outcome (``counts``) and
    the ``columns`` of the scorecard (as a formatted table with ``styled``), and (with ``check``)
    stops the run if a *derived* claim differs from the report. Returns the scorecard.
    """
    from IPython.display import display

    from digimotor import claims, outputs
    from digimotor.labels import label

    if record:
        outputs.record_claims(part, produced)
    card = claims.scorecard(produced=produced, parts=[part])
    if counts:
        display(card["outcome"].value_counts().to_frame(label("parts.claims", lang)))
    shown = card[list(columns)]
    display(
        shown.style.hide(axis="index").format(precision=2, na_rep="–", escape="html")
        if styled
        else shown
    )
    if check and (card["outcome"] == "differs").any():
        raise AssertionError("a derived claim differs from the report")
    return card


class Page:
    """A notebook's page: its parameters as attributes, its first cell run by the constructor."""

    NOTEBOOK: ClassVar[str] = ""
    PARAMETERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **parameters: Any) -> None:
        missing = [name for name in self.PARAMETERS if name not in parameters]
        unknown = [name for name in parameters if name not in self.PARAMETERS]
        if missing or unknown:
            raise TypeError(f"{self.NOTEBOOK}: missing parameters {missing}, unknown {unknown}")
        for name in self.PARAMETERS:
            setattr(self, name, parameters[name])
        from digimotor.plots.style import apply_style, check_lang

        _PAGE_LANG["lang"] = check_lang(parameters.get("lang", "sv"))
        apply_style()
        self.setup()

    def setup(self) -> None:
        """The notebook's first cell (subclasses)."""
