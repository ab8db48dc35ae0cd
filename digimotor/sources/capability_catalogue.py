"""Capability names and a study's own catalogue: new capabilities and new aliases on top of the report's.

Every spelling of a capability (its id, Swedish and English names, aliases) resolves to its id
(:func:`capability_lookup`, :func:`resolve_capability`).

Imported as dataset ``capability_catalogue`` (``digimotor import capability_catalogue <file>
--name <name>``); :func:`digimotor.sources.capabilities.load_capability_catalogue` with that
name returns the report's catalogue extended by it, and imports of self-assessments,
criticality and willingness given ``--catalogue <name>`` are checked against it.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..errors import InputFileError
from ..regions import fold
from .registry import load

if TYPE_CHECKING:
    import pandas as pd


# ---------------------------------------------------------------------------------------
# Capability names: ids, Swedish and English names, aliases -> id
# ---------------------------------------------------------------------------------------


def spelling_key(text: object) -> str:
    return " ".join(fold(str(text)).replace("-", " ").replace("_", " ").split())


def spellings(row) -> list[str]:
    texts = [row.capability_id, row.name_sv, row.name_en]
    if isinstance(row.aliases, str) and row.aliases:
        texts += [a for a in row.aliases.split("|") if a.strip()]
    return texts


def capability_lookup(catalogue: pd.DataFrame) -> dict[str, str]:
    """Map every accepted spelling of a capability (id, names, aliases; folded) to its id."""
    lookup: dict[str, str] = {}
    for row in catalogue.itertuples(index=False):
        for text in spellings(row):
            lookup[spelling_key(text)] = row.capability_id
    return lookup


def resolve_capability(text: object, lookup: dict[str, str], names: dict[str, str] | None = None) -> str:
    """Return the catalogue id for ``text`` (an id, a Swedish or English name, or an alias).

    ``names`` (id -> Swedish name) adds the name to the suggestion in the error message.

    Raises
    ------
    ValueError
        If ``text`` is not in the catalogue; the message suggests the closest names.
    """
    key = spelling_key(text)
    if key in lookup:
        return lookup[key]
    close = difflib.get_close_matches(key, list(lookup), n=3, cutoff=0.6)
    suggestion = ", ".join(
        f"{cid} ('{names[cid]}')" if names and cid in names else cid for cid in dict.fromkeys(lookup[c] for c in close)
    )
    hint = f"; did you mean {suggestion}?" if suggestion else ""
    raise ValueError(f"'{text}' is not a capability in the catalogue{hint}")


def file_header(frame: pd.DataFrame, column: str) -> str:
    """The file's own header for ``column`` (errors name the column as the user wrote it)."""
    return frame.attrs.get("headers", {}).get(column, column)


# ---------------------------------------------------------------------------------------
# A study's own catalogue
# ---------------------------------------------------------------------------------------


def _clashes(catalogue: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Spellings that name two capabilities: (spelling, first id, second id)."""
    seen: dict[str, str] = {}
    out = []
    for row in catalogue.itertuples(index=False):
        for text in spellings(row):
            key = spelling_key(text)
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
        known = next((lookup[spelling_key(t)] for t in (row.capability_id, row.name_sv, row.name_en)
                      if isinstance(t, str) and spelling_key(t) in lookup), None)
        if known is None:
            new_rows.append({c: getattr(row, c, None) for c in base.columns})
            continue
        index = out.index[out["capability_id"] == known][0]
        current = out.at[index, "aliases"]
        extra = [t for t in [row.capability_id, row.name_sv, row.name_en] + (
            str(row.aliases).split("|") if isinstance(row.aliases, str) else []) if isinstance(t, str) and t.strip()]
        aliases = [a for a in (str(current).split("|") if isinstance(current, str) and current else []) if a]
        aliases += [t for t in extra if spelling_key(t) not in {spelling_key(a) for a in aliases} and spelling_key(t) not in lookup]
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
            file=file, row=int(rows.iloc[0]) if len(rows) else None, column=file_header(frame, "aliases"),
            hint="give each alias to one capability (a row with a known id or name adds aliases to it)",
        )
