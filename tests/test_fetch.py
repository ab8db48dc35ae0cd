"""`digimotor fetch` against a local fake session: limits, retries, 429, faults, cache, fallback.

No test touches the network: every response comes from tests/fixtures/public/ through
:class:`FakeSession`, and `socket.connect` is blocked for the whole module.
"""

import itertools
import json
import socket
from pathlib import Path

import pytest
import requests

from digimotor.datasets import load
from digimotor.fetch import fetch_dataset
from digimotor.fetch_client import Client, FetchError, Limits, cell_count, split_selection
from digimotor.provenance import verify

FIX = Path(__file__).resolve().parent / "fixtures" / "public"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(self, address):
        raise AssertionError(f"a test tried to connect to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


class FakeResponse:
    def __init__(self, status=200, content=b"", headers=None):
        self.status_code = status
        self.content = content
        self.headers = headers or {}


class FakeSession:
    """Answers with a scripted list of responses (or exceptions); records every call."""

    def __init__(self, script):
        self.script = list(script)
        self.calls = []

    def request(self, method, url, json=None, timeout=None, headers=None):
        self.calls.append((method, url, json))
        if not self.script:
            raise AssertionError(f"unexpected call {method} {url}")
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        if callable(item):
            return item(method, url, json)
        return item


def ok(name):
    data = (FIX / name).read_bytes()
    return FakeResponse(200, data, {"Content-Length": str(len(data))})


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def config():
    """SCB's /config answer (read before the first v2 call of a client)."""
    return ok("scb_v2_config.json")


def client(script, **kwargs):
    clock = Clock()
    session = FakeSession(script)
    made = Client(session=session, sleep=clock.sleep, clock=clock, progress=False, **kwargs)
    return made, session, clock


def test_split_selection_covers_every_cell_once():
    selection = {"Region": [f"{i:04d}" for i in range(290)], "Alder": [str(a) for a in range(101)],
                 "Kon": ["1", "2"], "ContentsCode": ["BE0101N1"], "Tid": ["2019", "2020"]}
    parts = split_selection(selection, 150_000, protect=("ContentsCode",))
    assert cell_count(selection) == 117_160 and len(parts) == 1
    parts = split_selection(selection, 10_000, protect=("ContentsCode",))
    assert all(cell_count(p) <= 10_000 for p in parts)
    cells = [c for p in parts for c in itertools.product(*p.values())]
    assert len(cells) == len(set(cells)) == cell_count(selection)


def test_split_selection_that_cannot_fit():
    with pytest.raises(Exception, match="cannot be split further"):
        split_selection({"ContentsCode": ["a", "b"], "Tid": ["2019"]}, 1, protect=("ContentsCode",))


def test_rate_limit_waits_for_the_window():
    responses = [ok("scb_v1_json_population.json") for _ in range(7)]
    made, session, clock = client(responses, limits=Limits(max_calls=3, window_s=10.0))
    for i in range(7):
        clock.now += 1.0  # one call per second
        made.request_json("GET", f"https://example.invalid/{i}")
    # calls at t=1,2,3 fill the window; the 4th waits until t=11, and so on
    assert clock.sleeps == [pytest.approx(7.0), pytest.approx(7.0)]
    assert len(session.calls) == 7


def test_429_honours_retry_after():
    made, session, clock = client([FakeResponse(429, b"slow down", {"Retry-After": "7"}),
                                   ok("scb_v1_json_population.json")], backoff=1.0)
    doc, _data = made.request_json("GET", "https://example.invalid/x")
    assert doc["data"][0]["key"] == ["1460", "2019"]
    assert clock.sleeps == [7.0]


def test_server_error_then_success_backs_off():
    made, session, clock = client([FakeResponse(500), FakeResponse(503), ok("scb_v1_json_population.json")],
                                  backoff=0.5)
    made.request_json("GET", "https://example.invalid/x")
    assert clock.sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (lambda: FakeResponse(500, b"oops"), "HTTP 500"),
        (lambda: requests.Timeout("slow"), "time-out"),
        (lambda: FakeResponse(200, b'{"version": "2.0", "class": "dat', {"Content-Length": "4000"}), "truncated body"),
        (lambda: FakeResponse(200, b'{"version": "2.0", "class": "dat'), "unreadable body"),
    ],
)
def test_persistent_faults_fail_clearly_and_write_nothing(project, failure, message):
    made, session, clock = client([failure() for _ in range(20)], retries=2)
    first = fetch_dataset("population", region="Fyrbodal", years=[2019], name="live",
                          client=Client(session=FakeSession([config(), ok("scb_v2_tab638_two_municipalities.json")]),
                                        progress=False, sleep=lambda s: None))
    before = first.read_bytes(), verify(first).sha256
    with pytest.raises(FetchError) as info:
        fetch_dataset("population", region="Fyrbodal", years=[2019], name="live", client=made, replace=True)
    assert message in str(info.value) and "v2" in str(info.value) and "v1" in str(info.value)
    assert len(session.calls) == 9  # 3 attempts on /config (then the configured limits), 3 on v2, 3 on v1
    assert (first.read_bytes(), verify(first).sha256) == before
    assert sorted(p.name for p in first.parent.iterdir()) == ["live.csv", "live.csv.meta.yml"]


def test_client_error_is_not_retried():
    made, session, _clock = client([FakeResponse(400, b'{"error": "Missing selection for mandatory variable"}')])
    with pytest.raises(FetchError, match="HTTP 400: .*Missing selection"):
        made.request_json("POST", "https://example.invalid/x", {"a": 1})
    assert len(session.calls) == 1


def test_fetch_population_v2_writes_a_public_snapshot(project):
    made, session, _clock = client([config(), ok("scb_v2_tab638_two_municipalities.json")])
    target = fetch_dataset("population", region="Fyrbodal", years=[2019, 2020], client=made)
    assert target == project / "data/raw/public/population/scb-fyrbodal-2019-2020.csv"
    assert session.calls[0][:2] == ("GET", "https://statistikdatabasen.scb.se/api/v2/config")
    method, url, body = session.calls[1]
    assert url.startswith("https://statistikdatabasen.scb.se/api/v2/tables/TAB638/data?")
    assert method == "POST" and "/api/v2/tables/TAB638/data" in url
    selection = {s["variableCode"]: s["valueCodes"] for s in body["selection"]}
    assert len(selection["Region"]) == 14 and selection["Tid"] == ["2019", "2020"]
    assert selection["Alder"] == ["tot"] and selection["ContentsCode"] == ["BE0101N1"]
    prov = verify(target)
    assert prov.kind == "public" and prov.get("producer") == "Statistics Sweden (SCB)"
    assert prov.get("api_calls")["api"] == "SCB PxWebApi v2"
    doc = json.loads((FIX / "scb_v2_tab638_two_municipalities.json").read_text(encoding="utf-8"))
    half = len(doc["value"]) // 2  # Region is the first dimension: 1460 first, then 1461
    frame = load("population", target.stem)
    by_code = frame.groupby("municipality_code")["population"].sum()
    assert by_code["1460"] == sum(doc["value"][:half]) and by_code["1461"] == sum(doc["value"][half:])


def test_v1_fallback_when_v2_is_gone(project):
    made, session, _clock = client([config(), FakeResponse(404, b"not found"),
                                    ok("scb_v2_tab638_two_municipalities.json")])
    target = fetch_dataset("population", region="Fyrbodal", years=[2019, 2020], client=made, name="fallback")
    assert "/OV0104/v1/doris/sv/ssd/BE/BE0101/BE0101A/BefolkningNy" in session.calls[2][1]
    assert session.calls[2][2]["response"] == {"format": "json-stat2"}
    calls = verify(target).get("api_calls")
    assert calls["api"] == "SCB PxWebApi v1"
    assert "after v2 failed" in calls["note"] and "HTTP 404" in calls["note"] and "2026/27" in calls["note"]


def tab638_answer(method, url, body):
    """A json-stat2 answer of TAB638 to whatever selection was asked for: 1 in every cell."""
    selection = {s["variableCode"]: s["valueCodes"] for s in body["selection"]}
    ids = list(selection)
    doc = {"version": "2.0", "class": "dataset", "label": "Folkmängd", "id": ids,
           "size": [len(selection[i]) for i in ids], "role": {"time": ["Tid"]},
           "extension": {"px": {"tableid": "TAB638"}},
           "dimension": {i: {"category": {"index": {c: n for n, c in enumerate(selection[i])}}} for i in ids},
           "value": [1] * cell_count(selection)}
    return FakeResponse(200, json.dumps(doc).encode())


def test_large_query_is_split(project):
    made, session, _clock = client([config()] + [tab638_answer] * 40, limits=Limits(max_cells=1000))
    target = fetch_dataset("population_by_age", region="Fyrbodal", years=[2019], client=made, name="split")
    bodies = [b for m, _u, b in session.calls if m == "POST"]
    assert len(bodies) > 1
    assert all(cell_count({s["variableCode"]: s["valueCodes"] for s in b["selection"]}) <= 1000 for b in bodies)
    frame = load("population_by_age", target.stem)
    assert len(frame) == 14 * 101 * 2
    assert (frame["population"] == 4).all()  # four civil states of one cell each


def test_cache_answers_the_second_fetch(project):
    cache = project / "build" / "cache" / "http"
    made, session, _clock = client([config(), ok("scb_v2_tab638_two_municipalities.json")], cache_dir=cache)
    fetch_dataset("population", region="Fyrbodal", years=[2019, 2020], client=made, name="one")
    again, session2, _clock = client([], cache_dir=cache)
    fetch_dataset("population", region="Fyrbodal", years=[2019, 2020], client=again, name="two")
    assert session2.calls == []
    assert load("population", "one")["population"].tolist() == load("population", "two")["population"].tolist()


@pytest.mark.parametrize("first_page", ["kolada_v2_page1_next_page.json", "kolada_v3_page1_next_url.json"])
def test_kolada_population_follows_either_pagination_key(project, first_page):
    made, session, _clock = client([ok(first_page), ok("kolada_v3_page2_last.json")])
    target = fetch_dataset("population", region=["Bengtsfors", "Mellerud", "Åmål"], years=[2019],
                           client=made, source="kolada", name="kolada")
    assert "per_page=5000" in session.calls[0][1]
    assert "page=2" in session.calls[1][1]
    frame = load("population", target.stem)
    assert dict(zip(frame["municipality_code"], frame["population"], strict=True)) == {
        "1460": 9739, "1461": 9300, "1492": 12600}  # gender T only, not K or M
    prov = verify(target)
    assert prov.get("kpi") == "N01951" and len(prov.get("response_sha256")) == 2


def test_kolada_49_municipalities_are_split_into_calls_of_at_most_25(project):
    def answer(method, url, body):
        codes = url.split("/municipality/")[1].split("/")[0].split(",")
        values = [{"kpi": "N01951", "municipality": c, "period": 2019,
                   "values": [{"count": 1, "gender": "T", "isdeleted": False, "status": "", "value": 1000.0 + i}]}
                  for i, c in enumerate(codes)]
        return FakeResponse(200, json.dumps({"count": len(values), "values": values, "next_url": None,
                                             "previous_url": None}).encode())

    made, session, _clock = client([answer, answer, answer])
    target = fetch_dataset("population", region="Västra Götalands län", years=[2019], client=made,
                           source="kolada", name="vg")
    segments = [url.split("/municipality/")[1].split("/")[0].split(",") for _m, url, _b in session.calls]
    assert [len(s) for s in segments] == [25, 24]
    assert len(set(sum(segments, []))) == 49
    assert len(load("population", target.stem)) == 49


def test_kolada_deleted_and_null_values_are_skipped_and_counted(project):
    made, session, _clock = client([ok("kolada_v3_broadband_data.json")])
    target = fetch_dataset("broadband", region="Fyrbodal", years=[2019], client=made, name="kolada-bb")
    assert "/data/kpi/N07900/" in session.calls[0][1] and len(session.calls) == 1
    frame = load("broadband", target.stem)
    assert frame.set_index("municipality_code")["share_pct"].to_dict() == {"1461": 58.0, "1460": 61.5}
    prov = verify(target)
    assert prov.get("skipped_values") == {"deleted": 1, "null": 1}
    assert prov.get("kpi") == "N07900" and "households" in prov.get("note")


def test_kolada_broadband_outside_the_household_years_is_refused(project):
    made, session, _clock = client([])
    with pytest.raises(Exception, match="counts the population, not households, in 2021"):
        fetch_dataset("broadband", region="Fyrbodal", years=[2019, 2021], client=made)
    assert session.calls == []


def test_kolada_page_without_values_names_the_url_and_writes_nothing(project):
    made, _session, _clock = client([FakeResponse(200, b'{"count": 0, "next_url": null}')])
    with pytest.raises(Exception) as info:
        fetch_dataset("municipal_costs", region="Fyrbodal", years=[2019], client=made)
    assert "not a Kolada response" in str(info.value) and "api.kolada.se/v3/data/kpi/N03013,N03012,N01951" in str(
        info.value)
    assert not (project / "data/raw/public/municipal_costs").exists()


def test_kolada_default_costs_are_the_total_cost_kpis(project):
    made, session, _clock = client([ok("kolada_v3_costs_two_municipalities.json")])
    target = fetch_dataset("municipal_costs", region=["Bengtsfors", "Mellerud"], years=[2019], client=made,
                           name="costs")
    assert "/data/kpi/N03013,N03012,N01951/municipality/1460,1461/year/2019?per_page=5000" in session.calls[0][1]
    frame = load("municipal_costs", target.stem)
    assert set(frame["kpi"]) == {"N03013", "N03012", "N01951"}
    assert frame.set_index(["municipality_code", "kpi"]).loc[("1460", "N03012"), "kpi_title"] == (
        "Avskrivningar kommun, kr/inv")


def _tab698_script(data="scb_v2_tab698_county14_decimals.json"):
    return [ok("scb_v2_tab698_metadata.json"), config(), ok(data)]


def test_tab698_with_decimals_is_accepted_as_the_2024_edition(project):
    made, session, _clock = client(_tab698_script())
    target = fetch_dataset("population_projection", region="14", years=[2024, 2030], client=made, name="proj")
    assert session.calls[0][:2] == ("GET", "https://statistikdatabasen.scb.se/api/v2/tables/TAB698/metadata"
                                           "?lang=sv&outputFormat=json-stat2")
    method, url, body = session.calls[2]
    assert method == "POST" and "/api/v2/tables/TAB698/data" in url
    selection = {s["variableCode"]: s["valueCodes"] for s in body["selection"]}
    assert selection["ContentsCode"] == ["000004LG"] and selection["Tid"] == ["2024", "2030"]
    assert len(selection["Alder"]) == 101 and selection["Kon"] == ["1", "2"]
    prov = verify(target)
    assert prov.get("vintage") == "2024" and prov.get("rounded_cells") > 0
    doc = json.loads((FIX / "scb_v2_tab698_county14_decimals.json").read_text(encoding="utf-8"))
    frame = load("population_projection", "proj")
    assert set(frame["vintage"]) == {"2024"}
    # Tid is the last dimension (2024, 2030 alternate); each age cell is rounded to whole persons
    expected = {}
    ages = list(doc["dimension"]["Alder"]["category"]["index"])
    position = 0
    for _age in ages:
        for sex in ("men", "women"):
            for year in (2024, 2030):
                expected[(sex, year)] = expected.get((sex, year), 0.0) + doc["value"][position]
                position += 1
    got = frame.groupby(["sex", "year"])["population"].sum()
    assert len(frame) == 101 * 2 * 2
    for (sex, year), total in expected.items():
        assert abs(got[(sex, year)] - total) <= 101 * 0.5  # one rounding per age cell at most


def test_projection_of_an_unexpected_edition_is_refused(project):
    made, session, _clock = client([ok("scb_v2_tab698_metadata.json")])
    with pytest.raises(FetchError) as info:
        fetch_dataset("population_projection", region="14", years=[2030], client=made, edition="2023")
    assert "TAB698/metadata" in str(info.value) and "2024 edition" in str(info.value) and "expected 2023" in str(
        info.value)
    assert not (project / "data/raw/public/population_projection").exists()


def _v1_metadata(title, years, contents=("BE0401N2", "BE0401N1"), texts=("Födda", "Folkmängd")):
    return FakeResponse(200, json.dumps({"title": title, "variables": [
        {"code": "Region", "values": ["14"], "valueTexts": ["Västra Götalands län"]},
        {"code": "Kon", "values": ["1", "2"], "valueTexts": ["män", "kvinnor"]},
        {"code": "ContentsCode", "values": list(contents), "valueTexts": list(texts)},
        {"code": "Tid", "values": years, "valueTexts": years, "time": True}]}).encode())


def test_the_2020_edition_comes_from_v1_and_says_so(project):
    made, session, _clock = client([_v1_metadata("Framskriven folkmängd efter region, kön och år. År 2020-2070",
                                                 [str(y) for y in range(2020, 2071)]),
                                    ok("scb_projection_2020_edition.json")])
    target = fetch_dataset("population_projection", region="14", years=[2030], client=made, name="p20",
                           edition=2020)
    assert session.calls[0][1].endswith("/BE/BE0401/BE0401B/BefProgOsiktRegN20")
    assert session.calls[1][2]["query"][2] == {"code": "ContentsCode",
                                               "selection": {"filter": "item", "values": ["BE0401N1"]}}
    prov = verify(target)
    assert prov.get("vintage") == "2020"
    assert "exists only in v1" in prov.get("api_calls")["note"]


def test_projection_falls_back_to_v1_when_v2_is_gone(project):
    made, session, _clock = client([FakeResponse(404, b"no such table"),
                                    _v1_metadata("Framskriven folkmängd", [str(y) for y in range(2024, 2071)],
                                                 contents=("000004LG",), texts=("Folkmängd",)),
                                    ok("scb_projection_2024_edition.json")])
    target = fetch_dataset("population_projection", region="14", years=[2030], client=made, name="proj")
    assert session.calls[1][1].endswith("/BE/BE0401/BE0401A/BefProgOsiktRegN")
    prov = verify(target)
    assert prov.get("vintage") == "2024" and prov.get("api_calls")["api"] == "SCB PxWebApi v1"


def test_projection_without_the_study_years_is_refused(project):
    made, _session, _clock = client([ok("scb_v2_tab698_metadata.json")])
    with pytest.raises(FetchError, match="has no years 2019"):
        fetch_dataset("population_projection", region="14", years=[2019, 2030], client=made)
    assert not (project / "data/raw/public/population_projection").exists()


def test_limits_are_read_from_config(project):
    small = json.loads((FIX / "scb_v2_config.json").read_text(encoding="utf-8"))
    small.update({"maxDataCells": 1000, "maxCallsPerTimeWindow": 20, "timeWindow": 10})

    made, session, _clock = client([FakeResponse(200, json.dumps(small).encode())] + [tab638_answer] * 40)
    target = fetch_dataset("population_by_age", region="Fyrbodal", years=[2019], client=made, name="cfg")
    posts = [b for m, _u, b in session.calls if m == "POST"]
    assert len(posts) > 1
    assert all(cell_count({s["variableCode"]: s["valueCodes"] for s in b["selection"]}) <= 1000 for b in posts)
    assert made.limits == Limits(max_calls=20, window_s=10.0, max_cells=1000)
    assert verify(target).get("api_calls")["limits_from_config"]["maxDataCells"] == 1000


def test_scb_base_is_configurable(project, monkeypatch):
    monkeypatch.setenv("DIGIMOTOR_SCB_V2_BASE", "https://statistikdatabasen.scb.se/api/v2beta/")
    made, session, _clock = client([config(), ok("scb_v2_tab638_two_municipalities.json")])
    fetch_dataset("population", region="Fyrbodal", years=[2019, 2020], client=made, name="beta")
    assert session.calls[0][1] == "https://statistikdatabasen.scb.se/api/v2beta/config"
    assert session.calls[1][1].startswith("https://statistikdatabasen.scb.se/api/v2beta/tables/TAB638/data")


def test_retry_after_as_http_date():
    from digimotor.fetch_client import _retry_after

    assert _retry_after("12") == 12.0
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert _retry_after("soon") is None


def test_fetch_command_exists():
    from digimotor.cli import build_parser

    args = build_parser().parse_args(["fetch", "population", "--years", "2019", "2020", "--max-cells", "1000"])
    assert args.years == [2019, 2020] and args.max_cells == 1000


def test_region_codes_for_county_tables_and_municipality_tables():
    from digimotor.fetch import _region_codes

    assert _region_codes("population_by_age", "14") == (["14"], "Västra Götalands län")
    assert _region_codes("population_projection", "Sverige") == (["00"], "Riket")
    codes, name = _region_codes("population", "Västra Götalands län")
    assert name == "Västra Götalands län" and len(codes) == 49 and "1461" in codes
    assert _region_codes("population_by_age", "Mellerud") == (["1461"], "Mellerud")


@pytest.fixture
def offline_session(monkeypatch):
    """The session `digimotor fetch` creates: scripted, and refusing any call not scripted."""
    made = FakeSession([])
    monkeypatch.setattr(requests, "Session", lambda: made)
    return made


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["population", "--max-calls", "0"], "--max-calls must be a whole number of calls, more than 0; not 0"),
        (["population", "--max-calls", "-3"], "--max-calls"),
        (["population", "--timeout", "0"], "--timeout must be a number of seconds, more than 0; not 0.0"),
        (["population", "--timeout", "-1"], "--timeout"),
        (["population", "--timeout", "nan"], "--timeout"),
        (["population", "--timeout", "inf"], "--timeout"),
        (["population", "--retries", "-1"], "--retries must be a whole number, 0 or more; not -1"),
        (["population", "--window", "0"], "--window"),
        (["population", "--max-cells", "0"], "--max-cells"),
        (["municipal_costs", "--kpi", "n03011"], "--kpi 'n03011' is not a Kolada KPI id"),
        (["municipal_costs", "--kpi", "N0301"], "is not a Kolada KPI id"),
        (["municipal_costs", "--kpi", "N030111"], "is not a Kolada KPI id"),
        (["municipal_costs", "--kpi", "N03011\n"], "is not a Kolada KPI id"),
        (["municipal_costs", "--kpi", "N03011/../x"], "is not a Kolada KPI id"),
        (["population", "--kpi", "N03011"], "--kpi applies to municipal_costs only"),
        (["population", "--name", "Bad Name"], "'Bad Name' cannot name a snapshot"),
        (["population", "--name", "x\n"], "'x\\n' cannot name a snapshot"),
        (["population", "--name", "published"], "cannot name a snapshot"),
        (["population", "--years", "0"], "--years: 0 is not a year"),
        (["population", "--years", "2019", "20190"], "--years: 20190 is not a year"),
        (["population", "--region", "Nowhere"], "not a known region"),
        (["population_by_age", "--source", "kolada"], "comes from SCB only"),
        (["population", "--years", "twenty"], "invalid int value"),
        (["nothing"], "invalid choice"),
    ],
)
def test_bad_options_are_one_line_before_any_call(project, offline_session, capsys, args, text):
    from digimotor.cli import main

    before = sorted((project / "data/raw").rglob("*"))
    assert main(["fetch", *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("digimotor fetch: error: ")
    assert text in err
    assert offline_session.calls == []
    assert sorted((project / "data/raw").rglob("*")) == before


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [({"timeout": 0}, "--timeout"), ({"retries": -1}, "--retries"), ({"retries": 1.5}, "--retries"),
     ({"limits": Limits(max_calls=0)}, "--max-calls"), ({"limits": Limits(window_s=-1)}, "--window"),
     ({"limits": Limits(max_cells=0)}, "--max-cells"), ({"timeout": True}, "--timeout")],
)
def test_client_refuses_settings_that_cannot_work(kwargs, option):
    from digimotor.errors import ParameterError

    with pytest.raises(ParameterError, match=option):
        Client(session=FakeSession([]), **kwargs)


def test_existing_snapshot_needs_replace_and_is_checked_before_any_call(project, offline_session, capsys):
    from digimotor.cli import main

    offline_session.script.extend([config(), ok("scb_v2_tab638_two_municipalities.json")])
    assert main(["fetch", "population", "--years", "2019", "--name", "live", "--quiet", "--no-cache"]) == 0
    target = project / "data/raw/public/population/live.csv"
    before = target.read_bytes()
    capsys.readouterr()
    assert main(["fetch", "population", "--years", "2019", "--name", "live", "--quiet", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and "--replace" in err
    assert len(offline_session.calls) == 2  # /config and the data; the second fetch made no call
    offline_session.script.extend([config(), ok("scb_v2_tab638_two_municipalities.json")])
    assert main(["fetch", "population", "--years", "2019", "--name", "live", "--quiet", "--no-cache",
                 "--replace"]) == 0
    assert len(offline_session.calls) == 4 and target.read_bytes() == before
    verify(target)


def test_a_failed_fetch_exits_1_in_one_line(project, offline_session, capsys):
    from digimotor.cli import main

    offline_session.script.extend([FakeResponse(500, b"oops")] * 3)
    assert main(["fetch", "population", "--years", "2019", "--retries", "0", "--quiet", "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "HTTP 500" in err


@pytest.mark.parametrize(("where", "code"), [("fsync", 28), ("replace", 13), ("replace", 30)])
def test_fetch_into_a_failing_data_raw_is_one_line(project, offline_session, capsys, monkeypatch, where, code):
    import os

    from digimotor.cli import main

    offline_session.script.extend([config(), ok("scb_v2_tab638_two_municipalities.json")])
    before = sorted((project / "data/raw").rglob("*"))

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, where, fail)
    assert main(["fetch", "population", "--years", "2019", "--name", "disk", "--quiet", "--no-cache"]) == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "cannot write" in err and "disk.csv" in err and os.strerror(code) in err
    assert len(offline_session.calls) == 2  # /config and the data
    assert [p for p in sorted((project / "data/raw").rglob("*")) if p.is_file()] == \
        [p for p in before if p.is_file()]


def test_fetch_command_says_when_it_fell_back_to_v1(project, monkeypatch, capsys):
    from digimotor.cli import build_parser
    from digimotor.commands import fetch as fetch_command

    session = FakeSession([FakeResponse(404, b"no config"), FakeResponse(404, b"not found"),
                           ok("scb_v2_tab638_two_municipalities.json")])
    monkeypatch.setattr(requests, "Session", lambda: session)
    args = build_parser().parse_args(["fetch", "population", "--years", "2019", "2020", "--name", "cli",
                                      "--quiet", "--no-cache"])
    assert fetch_command.run(args) == 0
    out = capsys.readouterr().out
    assert "data/raw/public/population/cli.csv" in out
    assert "note: fetched through the v1 API after v2 failed" in out and "2026/27" in out
