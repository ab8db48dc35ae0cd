"""Survey distributions (report Figures 20–23): shares per answer option, respondent counts,
the layout of a diverging stacked bar, and the respondent counts that rounded shares imply.

Pure functions on DataFrames; no I/O, no drawing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..errors import DigimotorError
from ..model.survey import DONT_KNOW, QUESTIONS
from ..provenance import keeps_provenance

if TYPE_CHECKING:
    import pandas as pd

#: Segment that holds what the report's text does not state (drawn grey).
UNSTATED = "unstated"
SIDES = ("negative", "neutral", "positive", "dont_know", "unstated")


def scale_options(question_id: str, scale_points: int | None = None) -> tuple[str, ...]:
    """The answer options of a question in scale order (catalogue, or ``1``…``scale_points``)."""
    question = QUESTIONS.get(question_id)
    if question is not None:
        return question.options
    if not scale_points:
        raise DigimotorError(f"question '{question_id}' is not in the catalogue and has no scale_points")
    return tuple(str(i) for i in range(1, int(scale_points) + 1))


@keeps_provenance
def respondents_per_question(answers: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Number of respondents who answered each question (``don't know`` included).

    The study's questions were answered by different numbers of respondents (Figure 23 by the
    IT chiefs, Figures 20–22 by the department heads, and not every head answered every
    question), so every share has its own denominator.

    Returns
    -------
    pandas.DataFrame
        ``[*by, question_id, respondent_group, respondents, dont_know]``.
    """
    keys = [*by, "question_id", "respondent_group"]
    grouped = answers.groupby(keys, observed=True, dropna=False)
    out = grouped["respondent_id"].nunique().rename("respondents").to_frame()
    out["dont_know"] = grouped["dont_know"].sum().astype("Int64")
    return out.reset_index()


@keeps_provenance
def distribution(answers: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Shares of every answer option per question (and per ``by``, e.g. municipality).

    Parameters
    ----------
    answers
        :func:`digimotor.sources.survey.load_survey`.
    by
        Extra grouping columns, e.g. ``["municipality_code", "municipality"]``; empty for the
        regional distribution of all respondents.

    Returns
    -------
    pandas.DataFrame
        ``[*by, question_id, respondent_group, option, position, count, respondents, share_pct,
        scale_points]``:
        one row per option of the scale (zero counts included) and one for ``dont_know``;
        ``share_pct`` = 100 · count / respondents of that question and group.
    """
    import pandas as pd

    rows = []
    keys = [*by, "question_id", "respondent_group"]
    for key, group in answers.groupby(keys, observed=True, dropna=False, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        points = group["scale_points"].dropna()
        options = scale_options(key[len(by)], int(points.iloc[0]) if len(points) else None)
        counts = group["answer"].value_counts()
        unknown = set(counts.index) - set(options) - {DONT_KNOW}
        if unknown:
            raise DigimotorError(
                f"question {key[len(by)]}: answers {sorted(unknown)} are not on its scale {list(options)}"
            )
        n = group["respondent_id"].nunique()
        for position, option in enumerate([*options, DONT_KNOW], start=1):
            count = int(counts.get(option, 0))
            rows.append({**dict(zip(keys, key, strict=True)), "option": option,
                         "position": position if option != DONT_KNOW else None,
                         "count": count, "respondents": n, "share_pct": 100.0 * count / n,
                         "scale_points": len(options)})
    frame = pd.DataFrame(rows, columns=[*keys, "option", "position", "count", "respondents", "share_pct",
                                        "scale_points"])
    frame["position"] = frame["position"].astype("Int64")
    frame["scale_points"] = frame["scale_points"].astype("Int64")
    return frame


def _positions(option: str, options: Sequence[str]) -> tuple[int, int] | None:
    """Scale positions an option covers: ``"4"`` -> (4, 4), ``"4-5"`` -> (4, 5), ``"business"`` -> (3, 3)."""
    if option in options:
        p = options.index(option) + 1
        return p, p
    if "-" in option:
        low, high = option.split("-", 1)
        if low in options and high in options:
            return options.index(low) + 1, options.index(high) + 1
    return None


def side_of(option: str, options: Sequence[str]) -> str:
    """``negative`` / ``neutral`` / ``positive`` relative to the scale's middle, or ``dont_know`` / ``unstated``.

    The middle is (k + 1) / 2; on an even scale (Figure 23's 1–6) no point is neutral.

    Raises
    ------
    DigimotorError
        If ``option`` is neither an option, a range of options, ``dont_know`` nor ``unstated``,
        or a range straddles the middle.
    """
    if option in (DONT_KNOW, UNSTATED):
        return option
    span = _positions(option, options)
    if span is None:
        raise DigimotorError(f"'{option}' is not an option of the scale {list(options)}")
    middle = (len(options) + 1) / 2
    low, high = span
    if high < middle:
        return "negative"
    if low > middle:
        return "positive"
    if low == high == middle:
        return "neutral"
    raise DigimotorError(f"the range '{option}' straddles the middle of the scale")


@keeps_provenance
def diverging_layout(segments: pd.DataFrame, gap: float = 6.0, by: Sequence[str] = ("question_id",)) -> pd.DataFrame:
    """Where each segment of a diverging stacked bar goes.

    Negative options are stacked leftwards from the middle (the one nearest the middle
    first), positive ones rightwards, a neutral option is centred on zero. ``dont_know`` and
    the ``unstated`` remainder are placed after the longest positive end plus ``gap``, so they
    never read as agreement.

    Parameters
    ----------
    segments
        ``question_id``, ``option`` and ``share_pct`` (options may be ranges ``"4-5"``,
        ``dont_know`` or ``unstated``), optionally ``scale_points`` for questions outside the
        catalogue.
    gap
        Space between the scale and the "don't know"/unstated part, in percentage points.
    by
        Columns that identify one bar (default one bar per question; e.g.
        ``["question_id", "municipality_code"]`` for one bar per municipality).

    Returns
    -------
    pandas.DataFrame
        ``segments`` with ``side``, ``order`` (position on the scale) and ``start`` (left end
        on the x axis, in percentage points).
    """
    import pandas as pd

    out = segments.copy().reset_index(drop=True)
    sides, orders = [], []
    for row in out.itertuples():
        points = getattr(row, "scale_points", None)
        options = scale_options(row.question_id, None if points is None or pd.isna(points) else int(points))
        side = side_of(row.option, options)
        sides.append(side)
        span = _positions(row.option, options)
        orders.append((span[0] + span[1]) / 2 if span else len(options) + (1 if side == DONT_KNOW else 2))
    out["side"] = pd.Categorical(sides, categories=list(SIDES))
    out["order"] = orders
    out["start"] = math.nan
    right_ends = {}
    for bar, group in out.groupby(list(by), sort=False, dropna=False):
        neutral = group.loc[group["side"] == "neutral", "share_pct"].sum()
        left = -neutral / 2
        for index in group[group["side"] == "negative"].sort_values("order", ascending=False).index:
            left -= out.at[index, "share_pct"]
            out.at[index, "start"] = left
        for index in group[group["side"] == "neutral"].index:
            out.at[index, "start"] = -neutral / 2
        right = neutral / 2
        for index in group[group["side"] == "positive"].sort_values("order").index:
            out.at[index, "start"] = right
            right += out.at[index, "share_pct"]
        right_ends[bar] = right
    extra_start = max(right_ends.values(), default=0.0) + gap
    for _bar, group in out.groupby(list(by), sort=False, dropna=False):
        x = extra_start
        for index in group[group["side"].isin([DONT_KNOW, UNSTATED])].sort_values("order").index:
            out.at[index, "start"] = x
            x += out.at[index, "share_pct"]
    return out


@keeps_provenance
def published_segments(shares: pd.DataFrame, questions: Iterable[str] | None = None) -> pd.DataFrame:
    """Segments for drawing the shares the report's text states, with the rest ``unstated``.

    Only shares stated exactly (``relation`` "=") are drawn; a share stated as "more than"
    (Figure 20's 'över hälften') is part of the unstated remainder and listed in
    ``attrs["inequalities"]``. A question without any stated share (Figure 23) is one
    ``unstated`` segment of 100 %.

    Parameters
    ----------
    shares
        :func:`digimotor.sources.survey.load_survey_shares`.
    questions
        Question ids to include (default: the four of the catalogue).
    """
    import pandas as pd

    questions = list(questions or QUESTIONS)
    exact = shares[shares["relation"] == "="]
    rows = []
    for question_id in questions:
        stated = exact[exact["question_id"] == question_id]
        for row in stated.itertuples():
            rows.append({"question_id": question_id, "option": row.answer_option, "share_pct": float(row.share_pct)})
        rest = 100.0 - float(stated["share_pct"].sum())
        if rest < -1e-9:
            raise DigimotorError(f"the stated shares of {question_id} add up to more than 100 %")
        if rest > 1e-9:
            rows.append({"question_id": question_id, "option": UNSTATED, "share_pct": rest})
    frame = pd.DataFrame(rows, columns=["question_id", "option", "share_pct"])
    frame.attrs["inequalities"] = shares[shares["relation"] != "="][
        ["question_id", "answer_option", "relation", "share_pct"]
    ].to_dict("records")
    return frame


@keeps_provenance
def distribution_segments(dist: pd.DataFrame) -> pd.DataFrame:
    """Segments for drawing a :func:`distribution` (one bar per question)."""
    keep = dist[["question_id", "option", "share_pct", "respondents", "scale_points"]].copy()
    return keep.reset_index(drop=True)


def implied_respondent_counts(
    shares: Sequence[float], decimals: Sequence[int], max_n: int = 500
) -> list[int]:
    """Respondent counts ``n`` for which every share is ``100·k/n`` rounded to its printed decimals.

    A share printed as 37,5 % fits n = 8, 16, 24, 40 …; 35 % (0 decimals) fits any ``k/n``
    within 34,5–35,5 %. The smallest common ``n`` is the fewest respondents consistent with
    all the printed shares of one question (grouped options are sums of counts, so they are
    also multiples of ``1/n``).

    Parameters
    ----------
    shares
        Printed shares in percent.
    decimals
        Decimals printed for each share.
    max_n
        Largest ``n`` tried.

    Returns
    -------
    list of int
        Every consistent ``n`` up to ``max_n`` (empty if none).
    """
    if len(shares) != len(decimals):
        raise ValueError("shares and decimals must have the same length")
    found = []
    for n in range(1, max_n + 1):
        ok = True
        for share, places in zip(shares, decimals, strict=True):
            half = 0.5 * 10.0 ** (-places)
            low, high = (share - half) * n / 100, (share + half) * n / 100
            k = max(0, math.ceil(low - 1e-12))  # a count cannot be negative: 0 % fits k = 0
            if not (k <= high + 1e-12 and k <= n):
                ok = False
                break
        if ok:
            found.append(n)
    return found


@keeps_provenance
def implied_counts_table(shares: pd.DataFrame, max_n: int = 500) -> pd.DataFrame:
    """Per question: the exactly stated shares and the fewest respondents consistent with them.

    Parameters
    ----------
    shares
        :func:`digimotor.sources.survey.load_survey_shares` (rows with ``relation`` "=" are used).

    Returns
    -------
    pandas.DataFrame
        ``question_id, stated_shares, smallest_n, consistent_n`` (the first five consistent
        counts); a question with fewer than two exactly stated shares is left out (one share
        alone says little about the count).
    """
    import pandas as pd

    rows = []
    exact = shares[shares["relation"] == "="]
    for question_id, group in exact.groupby("question_id", sort=True):
        if len(group) < 2:
            continue
        found = implied_respondent_counts(group["share_pct"].tolist(), [int(d) for d in group["decimals"]], max_n)
        rows.append({
            "question_id": question_id,
            "stated_shares": " + ".join(f"{s:g}" for s in group["share_pct"]),
            "smallest_n": found[0] if found else None,
            "consistent_n": ", ".join(map(str, found[:5])) + (" …" if len(found) > 5 else ""),
        })
    frame = pd.DataFrame(rows, columns=["question_id", "stated_shares", "smallest_n", "consistent_n"])
    frame["smallest_n"] = frame["smallest_n"].astype("Int64")
    return frame


@keeps_provenance
def summary_by_municipality(answers: pd.DataFrame) -> pd.DataFrame:
    """Per municipality and question: respondents, mean scale position, share above the middle,
    share "don't know".

    The mean and the share above the middle ((k + 1) / 2) leave "don't know" out; for Figure
    20 (nominal) "above the middle" means business-oriented.

    Returns
    -------
    pandas.DataFrame
        ``municipality_code, municipality, question_id, respondents, mean_position,
        above_middle_pct, dont_know_pct``.
    """
    import pandas as pd

    rows = []
    for (code, name, question_id), group in answers.groupby(
        ["municipality_code", "municipality", "question_id"], observed=True, sort=True
    ):
        known = group[~group["dont_know"].astype(bool)]
        n = group["respondent_id"].nunique()
        points = int(group["scale_points"].iloc[0])
        positions = known["position"].astype(float)
        rows.append({
            "municipality_code": code, "municipality": name, "question_id": question_id, "respondents": n,
            "mean_position": positions.mean() if len(known) else math.nan,
            "above_middle_pct": 100.0 * float((positions > (points + 1) / 2).sum()) / len(known) if len(known) else math.nan,
            "dont_know_pct": 100.0 * float(group["dont_know"].astype(bool).sum()) / n,
        })
    return pd.DataFrame(rows, columns=["municipality_code", "municipality", "question_id", "respondents",
                                       "mean_position", "above_middle_pct", "dont_know_pct"])


#: Per-municipality survey results withheld below the respondent threshold.
RESULT_COLUMNS = ("count", "share_pct", "mean_position", "above_middle_pct", "dont_know_pct")


@keeps_provenance
def suppress_municipalities(frame: pd.DataFrame, min_respondents: int = 3) -> pd.DataFrame:
    """Per municipality and question: results of fewer than ``min_respondents`` respondents withheld.

    For :func:`distribution` (``by`` a municipality) and :func:`summary_by_municipality`
    output: the counts, shares and means of a municipality × question answered by fewer
    respondents become empty and ``suppressed`` is true (``respondents`` stays). See
    :mod:`digimotor.metrics.suppression`.
    """
    from .suppression import suppress

    return suppress(frame, n_column="respondents", columns=RESULT_COLUMNS, min_respondents=min_respondents)


@keeps_provenance
def change_by_question(before: pd.DataFrame, after: pd.DataFrame, *, min_respondents: int = 3,
                       n_boot: int = 2000, seed: int = 2021, confidence: float = 0.95) -> dict[str, pd.DataFrame]:
    """Change of each municipality's mean scale position per question between two measurements.

    Parameters
    ----------
    before, after
        :func:`summary_by_municipality` of the earlier and the later measurement (not yet
        suppressed: the regional change uses every municipality).

    Returns
    -------
    dict
        ``summary``: one row per question (``question_id`` and
        :meth:`digimotor.metrics.change.PairedChange.summary`); ``municipalities``: per
        municipality and question the mean position before, after and the change, withheld
        (``suppressed``) where either measurement has fewer than ``min_respondents``
        respondents; ``unpaired``: municipality × question present in one measurement only
        (``present_in`` = ``before`` or ``after``).
    """
    import pandas as pd

    from ..regions import display_name
    from .change import paired_change
    from .suppression import suppress

    rows, unpaired = [], []
    questions = sorted(set(before["question_id"]) | set(after["question_id"]))
    for offset, question in enumerate(questions):
        result = paired_change(before[before["question_id"] == question], after[after["question_id"] == question],
                               key="municipality_code", value="mean_position", n_boot=n_boot, seed=seed + offset,
                               confidence=confidence)
        rows.append({"question_id": question, **result.summary()})
        unpaired += [(code, display_name(str(code)), question, "before") for code in result.only_before]
        unpaired += [(code, display_name(str(code)), question, "after") for code in result.only_after]
    keys = ["municipality_code", "question_id"]
    columns = [*keys, "respondents", "mean_position"]
    paired = before[columns].merge(after[columns], on=keys, suffixes=("_before", "_after"))
    paired = paired.dropna(subset=["mean_position_before", "mean_position_after"])
    paired["mean_position_change"] = paired["mean_position_after"] - paired["mean_position_before"]
    paired.insert(1, "municipality", paired["municipality_code"].astype(str).map(display_name))
    paired["respondents"] = paired[["respondents_before", "respondents_after"]].min(axis=1)
    shown = suppress(paired.sort_values(keys, kind="stable").reset_index(drop=True), n_column="respondents",
                     columns=("mean_position_before", "mean_position_after", "mean_position_change"),
                     min_respondents=min_respondents).drop(columns="respondents")
    return {
        "summary": pd.DataFrame(rows),
        "municipalities": shown,
        "unpaired": pd.DataFrame(unpaired, columns=["municipality_code", "municipality", "question_id", "present_in"]),
    }
