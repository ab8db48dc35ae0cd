"""A study's own capability catalogue: new capabilities and new aliases on top of the report's.

Imported as dataset ``capability_catalogue`` (``digimotor import capability_catalogue <file>
--name <name>``); :func:`digimotor.sources.capabilities.load_capability_catalogue` with that
name returns the report's catalogue extended by it, and imports of self-assessments,
criticality and willingness given ``--catalogue <name>`` are checked against it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputFileError
from .capabilities import _header, _key, _spellings, capability_lookup
from .registry import load

if TYPE_CHECKING:
    import pandas as pd


def _clashes(catalogue: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Spellings that name two capabilities: (spelling, first id, second id)."""
    seen: dict[str, str] = {}
    out = []
    for row in catalogue.itertuples(index=False):
        for text in _spellings(row):
            key = _key(text)
            if key in seen and seen[key] != row.capability_id:
                out.append((str(text), seen[key], str(row.capability_id)))
            seen.setdefault(key, row.capability_id)
    return out


def extend_catalogue(base: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    """The report's catalogue ``base`` extended by a study's rows ``own``.

    A row of ``own`` whose id, Swedish or English name is already a capability of ``base``
    adds its aliases (and its other spellings) to that capability; any other row is a new
    capability. Returns a new frame in ``base``'s columns, the study's capabilities last.
    """
    import pandas as pd

    out = base.copy()
    lookup = capability_lookup(base)
    new_rows = []
    for row in own.itertuples(index=False):
        known = next((lookup[_key(t)] for t in (row.capability_id, row.name_sv, row.name_en)
                      if isinstance(t, str) and _key(t) in lookup), None)
        if known is None:
            new_rows.append({c: getattr(row, c, None) for c in base.columns})
            continue
        index = out.index[out["capability_id"] == known][0]
        current = out.at[index, "aliases"]
        extra = [t for t in [row.capability_id, row.name_sv, row.name_en] + (
            str(row.aliases).split("|") if isinstance(row.aliases, str) else []) if isinstance(t, str) and t.strip()]
        aliases = [a for a in (str(current).split("|") if isinstance(current, str) and current else []) if a]
        aliases += [t for t in extra if _key(t) not in {_key(a) for a in aliases} and _key(t) not in lookup]
        out.at[index, "aliases"] = "|".join(dict.fromkeys(aliases)) or current
    if new_rows:
        out = pd.concat([out, pd.DataFrame(new_rows, columns=base.columns).astype(base.dtypes.to_dict())],
                        ignore_index=True)
    out.attrs.update(own.attrs)
    return out


def check_catalogue(frame: pd.DataFrame, file: str) -> None:
    """A study's catalogue: no spelling may name two capabilities (in it or with the report's)."""
    from ..schema import ROW

    published = load("capability_catalogue", "published")
    for text, first, second in _clashes(extend_catalogue(published, frame)):
        rows = frame.loc[frame["capability_id"].isin([first, second]), ROW]
        raise InputFileError(
            f"'{text}' would name two capabilities: {first} and {second}",
            file=file, row=int(rows.iloc[0]) if len(rows) else None, column=_header(frame, "aliases"),
            hint="give each alias to one capability (a row with a known id or name adds aliases to it)",
        )
