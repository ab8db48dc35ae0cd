import pytest

from digimotor.errors import UnknownRegionError
from digimotor.regions import (
    all_municipalities,
    county_codes,
    municipalities_frame,
    municipality,
    resolve_municipality,
    resolve_region,
)

FYRBODAL = {
    "1421": "Orust", "1427": "Sotenäs", "1430": "Munkedal", "1435": "Tanum", "1438": "Dals-Ed",
    "1439": "Färgelanda", "1460": "Bengtsfors", "1461": "Mellerud", "1484": "Lysekil",
    "1485": "Uddevalla", "1486": "Strömstad", "1487": "Vänersborg", "1488": "Trollhättan",
    "1492": "Åmål",
}


def test_registry_has_all_municipalities_and_counties():
    assert len(all_municipalities()) == 290
    assert len(county_codes()) == 21
    frame = municipalities_frame()
    assert frame["municipality_code"].str.fullmatch(r"\d{4}").all()
    assert frame["municipality_code"].is_unique
    assert (frame["municipality_code"].str[:2] == frame["county_code"]).all()
    assert municipality("0180").name == "Stockholm"
    assert municipality("1480").county == "Västra Götalands län"


def test_fyrbodal_members_with_proper_names():
    region = resolve_region("Fyrbodal")
    assert dict(zip(region.codes, region.names, strict=True)) == FYRBODAL


@pytest.mark.parametrize(
    ("name", "size"),
    [("Skaraborg", 15), ("Sjuhärad", 8), ("Boråsregionen", 8), ("Göteborgsregionen", 13), ("GR", 13),
     ("Västra Götalands län", 49), ("Västra Götaland", 49), ("14", 49), ("Sverige", 290), ("Gotland", 1)],
)
def test_named_groups(name, size):
    assert len(resolve_region(name)) == size


def test_goteborgsregionen_includes_kungsbacka_of_halland():
    assert "1384" in resolve_region("Göteborgsregionen").codes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Åmål", "1492"), ("Amal", "1492"), ("AMAL", "1492"), ("Vanersborg", "1487"),
        ("Stréomstad", "1486"), ("Fargelanda", "1439"), ("Sotenas", "1427"), ("Trollhattan", "1488"),
        ("dals ed", "1438"), ("Uddevalla kommun", "1485"), ("Göteborgs stad", "1480"),
        ("1492", "1492"), ("114", "0114"), (114, "0114"), ("1488.0", "1488"), ("Håbo", "0305"),
    ],
)
def test_resolver_tolerates_how_people_write_names(text, code):
    assert resolve_municipality(text) == code


def test_ambiguous_name_lists_candidates():
    with pytest.raises(UnknownRegionError) as info:
        resolve_municipality("Habo")
    message = str(info.value)
    assert "ambiguous" in message
    assert "Håbo (0305" in message and "Habo (0643" in message


def test_ambiguity_settled_within_a_region():
    assert resolve_municipality("Habo", within=resolve_region("Jönköpings län").codes) == "0643"


def test_unknown_name_suggests_closest():
    with pytest.raises(UnknownRegionError, match="did you mean Bengtsfors"):
        resolve_municipality("Bengtfors")


def test_unknown_code_and_region():
    with pytest.raises(UnknownRegionError, match="not a municipality code"):
        resolve_municipality("9999")
    with pytest.raises(UnknownRegionError, match="did you mean Fyrbodal"):
        resolve_region("Fyrbodl")
    with pytest.raises(UnknownRegionError, match="among the selected"):
        resolve_municipality("Göteborg", within=resolve_region("Fyrbodal").codes)


def test_reference_files_match_their_recorded_checksums():
    import hashlib

    import yaml

    from digimotor.config import REFERENCE_DIR

    sidecar = yaml.safe_load((REFERENCE_DIR / "municipalities.csv.meta.yml").read_text(encoding="utf-8"))
    assert sidecar["kind"] == "public" and "SCB" in sidecar["producer"]
    for name, digest in sidecar["sha256_files"].items():
        assert hashlib.sha256((REFERENCE_DIR / name).read_bytes()).hexdigest() == digest, name
