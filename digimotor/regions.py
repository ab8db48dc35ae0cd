"""Municipalities, counties and associations of local authorities, with SCB codes.

The registry holds all 290 Swedish municipalities (kommuner) with their SCB codes, proper
Swedish names and county (län), the 21 counties, and the four associations
(kommunalförbund) of Västra Götaland: Fyrbodal, Skaraborg, Sjuhärad (Boråsregionen) and
Göteborgsregionen.

:func:`resolve_municipality` maps what users type to a code: it ignores case, accepts names
without diacritics ("Amal", "Vanersborg") and the report's OCR spellings, codes with a lost
leading zero (Excel turns 0114 into 114), and suffixes such as "kommun". An unknown name is
rejected with the closest suggestions, and an ambiguous one (Håbo and Habo both read "Habo"
without diacritics) with the candidates. It knows, for all 290 municipalities, the plain
name, the legal name ("Falu kommun"), its genitive stem ("Falu"), the name a municipality
uses for itself ("Göteborgs stad", "Region Gotland") and the aliases; a county (``county=``,
from a län column) settles names that exist in two counties. Nothing is matched loosely in
silence: a name only a fuzzy match finds is an error with suggestions.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .config import REFERENCE_DIR
from .errors import UnknownRegionError


@dataclass(frozen=True)
class Municipality:
    """One municipality: SCB code, Swedish name, county code and name, association ('' if none)."""

    code: str
    name: str
    county_code: str
    county: str
    association: str


@dataclass(frozen=True)
class Region:
    """A named set of municipalities (an association, a county, the country or a custom list)."""

    name: str
    codes: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [municipality(code).name for code in self.codes]

    def __len__(self) -> int:
        return len(self.codes)


def fold(text: str) -> str:
    """Normalise a name for matching: no diacritics, lower case, single spaces, no hyphens."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("-", " ").replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


def _read_reference(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def _registry() -> dict[str, Municipality]:
    counties = {row["county_code"]: row["county"] for row in _read_reference("counties.csv")}
    return {
        row["municipality_code"]: Municipality(
            code=row["municipality_code"],
            name=row["municipality"],
            county_code=row["county_code"],
            county=counties[row["county_code"]],
            association=row["association"],
        )
        for row in _read_reference("municipalities.csv")
    }


@lru_cache(maxsize=1)
def _counties() -> dict[str, str]:
    return {row["county_code"]: row["county"] for row in _read_reference("counties.csv")}


@lru_cache(maxsize=1)
def _associations() -> dict[str, str]:
    """Folded name or alias -> canonical association name."""
    table: dict[str, str] = {}
    for row in _read_reference("associations.csv"):
        for name in [row["association"], *filter(None, row["aliases"].split("|"))]:
            table[fold(name)] = row["association"]
    return table


_SUFFIXES = (" kommun", " stad", " municipality")


def _normalise_exact(text: str) -> str:
    """Case-folded text with single spaces, diacritics kept: "Habo  Kommun" -> "habo kommun"."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip().casefold()


@lru_cache(maxsize=1)
def official_names() -> dict[str, tuple[str, str]]:
    """SCB code -> (legal name, the name the municipality uses for itself or "").

    The legal name is "<genitive> kommun" ("Falu kommun", "Göteborgs kommun"); fourteen
    municipalities call themselves "stad" ("Göteborgs stad") and Gotland "Region Gotland".
    Source: ``reference/municipality_names.csv`` (see its sidecar for the citation).
    """
    return {
        row["municipality_code"]: (row["legal_name"], row["self_name"])
        for row in _read_reference("municipality_names.csv")
    }


def name_forms(code: str) -> list[str]:
    """Every written form the registry knows for one municipality, diacritics kept.

    The plain name ("Falun"), the legal name ("Falu kommun"), its genitive stem ("Falu"),
    the plain name with "kommun" ("Falun kommun"), the self-designation ("Region Gotland",
    "Göteborgs stad") and the aliases of ``municipality_aliases.csv``. (Any form followed by
    "kommun", "stad" or "municipality" is accepted by :func:`resolve_municipality` too.)
    """
    mun = municipality(code)
    legal, self_name = official_names()[code]
    stem = legal.removesuffix(" kommun")
    forms = [mun.name, legal, stem, f"{mun.name} kommun"]
    if self_name:
        forms.append(self_name)
    forms += [a for a, c in _aliases() if c == code]
    return list(dict.fromkeys(forms))


@lru_cache(maxsize=1)
def _aliases() -> tuple[tuple[str, str], ...]:
    return tuple((row["alias"], row["municipality_code"]) for row in _read_reference("municipality_aliases.csv"))


@lru_cache(maxsize=1)
def _name_index() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(folded form -> codes, exact case-folded form -> codes) over every known written form."""
    folded: dict[str, list[str]] = {}
    exact: dict[str, list[str]] = {}
    for code in _registry():
        for form in name_forms(code):
            for table, key in ((folded, fold(form)), (exact, _normalise_exact(form))):
                if code not in table.setdefault(key, []):
                    table[key].append(code)
    return folded, exact


_COUNTY_HEADERS = frozenset({"lan", "county", "lanskod", "lans kod", "lan kod", "county code", "lansnamn"})


def is_county_header(header: object) -> bool:
    """True for a column header that names the county (län, lan, county, länskod)."""
    return fold(str(header)) in _COUNTY_HEADERS


def resolve_county(text: object) -> str:
    """Return the 2-digit county code for a county code ("06", 6) or name ("Jönköpings län", "Jonkoping").

    Raises
    ------
    UnknownRegionError
        If the text names no county (the message lists the closest county names).
    """
    raw = str(text).strip()
    if raw.endswith(".0") and raw[:-2].isdigit():
        raw = raw[:-2]
    counties = _counties()
    if raw.isdigit() and len(raw) <= 2 and raw.zfill(2) in counties:
        return raw.zfill(2)
    key = fold(raw)
    for ccode, cname in counties.items():
        if key in (fold(cname), fold(cname.removesuffix(" län")), fold(cname.removesuffix("s län"))):
            return ccode
    close = difflib.get_close_matches(raw, list(counties.values()), n=3, cutoff=0.6)
    hint = "did you mean " + ", ".join(close) + "?" if close else "use a county name (Västra Götalands län) or code (14)"
    raise UnknownRegionError(f"'{text}' is not a Swedish county", hint=hint)


PSEUDONYM = re.compile(r"(Kommun|IT-org|Region) \d{2}")  # always with fullmatch


def is_pseudonym(text: object) -> bool:
    """True for the pseudonyms synthetic data use instead of real names ("Kommun 01", "IT-org 03")."""
    return bool(PSEUDONYM.fullmatch(str(text)))


def display_name(code: str) -> str:
    """The Swedish name for an SCB code, or the pseudonym itself for synthetic units."""
    return code if is_pseudonym(code) else municipality(code).name


def municipality(code: str) -> Municipality:
    """Return the municipality with SCB code ``code`` (4 digits)."""
    try:
        return _registry()[code]
    except KeyError:
        raise UnknownRegionError(f"'{code}' is not an SCB municipality code") from None


def all_municipalities() -> list[Municipality]:
    """All 290 municipalities in code order."""
    return list(_registry().values())


def municipalities_frame():
    """All municipalities as a DataFrame.

    ================== ======================================================
    column             meaning
    ================== ======================================================
    municipality_code  SCB code, 4-character string ("1492")
    municipality       Swedish name ("Åmål")
    county_code        2-character county code ("14")
    county             county name ("Västra Götalands län")
    association        association of local authorities ("Fyrbodal"), or ""
    ================== ======================================================
    """
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "municipality_code": m.code,
                "municipality": m.name,
                "county_code": m.county_code,
                "county": m.county,
                "association": m.association,
            }
            for m in all_municipalities()
        ]
    )


def _describe(code: str) -> str:
    mun = municipality(code)
    return f"{mun.name} ({mun.code}, {mun.county})"


def resolve_municipality(
    text: object,
    *,
    within: Iterable[str] | None = None,
    exact_names: bool = False,
    county: object = None,
) -> str:
    """Return the SCB code of the municipality that ``text`` names.

    Parameters
    ----------
    text
        A code ("1492", or 1492 / "114" as Excel leaves it) or a name in any case, with or
        without diacritics: the plain name ("Falun"), the legal name ("Falu kommun"), the
        genitive stem ("Falu", "Göteborgs"), the name a municipality uses for itself
        ("Göteborgs stad", "Region Gotland"), any of these with "kommun"/"stad", or a
        spelling from the report's OCR text.
    within
        Optional codes to restrict the match to (e.g. the municipalities of one region);
        this also settles names that are ambiguous nationally.
    exact_names
        Accept a name spelt exactly as the registry spells it even where another
        municipality reads the same without diacritics ("Habo" and "Habo kommun" are Habo,
        not Håbo). Set it when the source keeps its diacritics, e.g. a file in which other
        names carry å, ä or ö.
    county
        The county the row names (a code such as "06" or a name such as "Jönköpings län"),
        e.g. from a län column: it settles names that exist in two counties, and a name
        that is not in that county is an error.

    Raises
    ------
    UnknownRegionError
        If nothing matches (the message lists the closest names), if several
        municipalities match (the message lists them), or if the county does not fit.
    """
    allowed = set(within) if within is not None else None
    county_code = None if county is None or str(county).strip() == "" else resolve_county(county)
    raw = str(text).strip()
    if raw.endswith(".0") and raw[:-2].isdigit():  # 1492.0 from a spreadsheet
        raw = raw[:-2]
    if raw.isdigit() and len(raw) in (3, 4):
        code = raw.zfill(4)
        if code in _registry() and (allowed is None or code in allowed):
            _check_county(text, [code], county_code)
            return code
        scope = "" if allowed is None else " among the selected municipalities"
        raise UnknownRegionError(f"'{text}' is not a municipality code{scope}")
    if not raw:
        raise UnknownRegionError("an empty municipality name")

    folded_index, exact_index = _name_index()
    key = fold(raw)
    exact_keys = [_normalise_exact(raw)]
    candidates = list(folded_index.get(key, []))
    if not candidates:
        for suffix in _SUFFIXES:
            if key.endswith(suffix):
                stem = key[: -len(suffix)].strip()
                candidates = list(folded_index.get(stem, []))
                exact_keys.append(_normalise_exact(raw)[: -len(suffix)].strip())
                break
    if allowed is not None:
        candidates = [c for c in candidates if c in allowed]
    candidates = _check_county(text, candidates, county_code)
    if len(candidates) > 1 and (exact_names or not raw.isascii()):
        for exact_key in exact_keys:
            exact = [c for c in exact_index.get(exact_key, []) if c in candidates]
            if len(exact) == 1:
                return exact[0]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        listed = "; ".join(_describe(c) for c in sorted(candidates))
        raise UnknownRegionError(
            f"'{text}' is ambiguous: it can mean {listed}",
            hint="give the SCB code or a county column (län) instead, "
            "or keep the diacritics of the other names in the file",
        )
    stem_key = key
    for suffix in _SUFFIXES:
        if key.endswith(suffix):
            stem_key = key[: -len(suffix)].strip()
            break
    pool = {
        fold(m.name): m.name
        for m in all_municipalities()
        if (allowed is None or m.code in allowed) and (county_code is None or m.county_code == county_code)
    }
    close = difflib.get_close_matches(stem_key, list(pool), n=3, cutoff=0.6)
    hint = (
        "did you mean " + ", ".join(pool[c] for c in close) + "?"
        if close
        else "see `digimotor regions` for the list of names and codes"
    )
    scope = "" if allowed is None else " among the selected municipalities"
    if county_code is not None:
        scope += f" in {_counties()[county_code]}"
    raise UnknownRegionError(f"'{text}' is not a Swedish municipality{scope}", hint=hint)


def _check_county(text: object, candidates: list[str], county_code: str | None) -> list[str]:
    """Keep the candidates in the county; none left where some were is an error naming both."""
    if county_code is None or not candidates:
        return candidates
    kept = [c for c in candidates if municipality(c).county_code == county_code]
    if not kept:
        listed = "; ".join(_describe(c) for c in sorted(candidates))
        raise UnknownRegionError(
            f"'{text}' is not in {_counties()[county_code]}: it is {listed}",
            hint="correct the name or the county column",
        )
    return kept


def resolve_municipalities(
    names: Iterable[object], *, within: Iterable[str] | None = None
) -> list[str]:
    """Resolve several names; report every unknown one at once."""
    within = list(within) if within is not None else None
    codes: list[str] = []
    problems: list[str] = []
    for name in names:
        try:
            codes.append(resolve_municipality(name, within=within))
        except UnknownRegionError as exc:
            problems.append(str(exc))
    if problems:
        raise UnknownRegionError("; ".join(problems))
    return codes


def county_codes() -> dict[str, str]:
    """County code -> county name for the 21 counties."""
    return dict(_counties())


def association_names() -> list[str]:
    """The associations the registry knows."""
    return sorted(set(_associations().values()))


def resolve_region(spec: str | Sequence[str]) -> Region:
    """Return the municipalities of a named region.

    Parameters
    ----------
    spec
        An association ("Fyrbodal", "Sjuhärad", "Boråsregionen", "GR"), a county by name
        ("Västra Götalands län", "Västra Götaland") or code ("14"), "Sverige"/"Riket"/"Sweden"
        for all 290 municipalities, a single municipality, or a list of municipalities.

    Raises
    ------
    UnknownRegionError
        If the name is none of these.
    """
    if not isinstance(spec, str):
        codes = resolve_municipalities(spec)
        if not codes:
            raise UnknownRegionError("an empty list of municipalities")
        return Region(name="Urval", codes=tuple(dict.fromkeys(codes)))
    key = fold(spec)
    if key in ("sverige", "riket", "sweden", "00", "all"):
        return Region(name="Riket", codes=tuple(_registry()))
    associations = _associations()
    if key in associations:
        name = associations[key]
        codes = tuple(c for c, m in _registry().items() if m.association == name)
        return Region(name=name, codes=codes)
    counties = _counties()
    for ccode, cname in counties.items():
        if key in (ccode, fold(cname), fold(cname.removesuffix(" län")), fold(cname.removesuffix("s län"))):
            codes = tuple(c for c, m in _registry().items() if m.county_code == ccode)
            return Region(name=cname, codes=codes)
    try:
        code = resolve_municipality(spec)
    except UnknownRegionError as exc:
        options = association_names() + [counties[c] for c in sorted(counties)]
        close = difflib.get_close_matches(spec, options, n=3, cutoff=0.5)
        hint = ("did you mean " + ", ".join(close) + "?") if close else (
            "use an association (" + ", ".join(association_names()) + "), a county, "
            "'Sverige', or a list of municipalities"
        )
        raise UnknownRegionError(f"'{spec}' is not a known region", hint=hint) from exc
    return Region(name=municipality(code).name, codes=(code,))
