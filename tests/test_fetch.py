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
from digimotor.fetch import Client, FetchError, Limits, cell_count, fetch_dataset, split_selection
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
                          client=Client(session=FakeSession([ok("scb_v2_tab638_two_municipalities.json")]),
                                        progress=False, sleep=lambda s: None))
    before = first.read_bytes(), verify(first).sha256
    with pytest.raises(FetchError) as info:
        fetch_dataset("population", region="Fyrbodal", years=[2019], name="live", client=made, replace=True)
    assert message in str(info.value) and "v2" in str(info.value) and "v1" in str(info.value)
    assert len(session.calls) == 6  # 3 attempts on v2, 3 on v1
    assert (first.read_bytes(), verify(first).sha256) == before
    assert sorted(p.name for p in first.parent.iterdir()) == ["live.csv", "live.csv.meta.yml"]


def test_client_error_is_not_retried():
    made, session, _clock = client([FakeResponse(400, b'{"error": "Missing selection for mandatory variable"}')])
    with pytest.raises(FetchError, match="HTTP 400: .*Missing selection"):
        made.request_json("POST", "https://example.invalid/x", {"a": 1})
    assert len(session.calls) == 1


def test_fetch_population_v2_writes_a_public_snapshot(project):
    made, session, _clock = client([ok("scb_v2_tab638_two_municipalities.json")])
    target = fetch_dataset("population", region="Fyrbodal", years=[2019, 2020], client=made)
    assert target == project / "data/raw/public/population/scb-fyrbodal-2019-2020.csv"
    method, url, body = session.calls[0]
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
    made, session, _clock = client([FakeResponse(404, b"not found"), ok("scb_v2_tab638_two_municipalities.json")])
    target = fetch_dataset("population", region="Fyrbodal", years=[2019, 2020], client=made, name="fallback")
    assert "/OV0104/v1/doris/sv/ssd/BE/BE0101/BE0101A/BefolkningNy" in session.calls[1][1]
    assert session.calls[1][2]["response"] == {"format": "json-stat2"}
    assert verify(target).get("api_calls")["api"] == "SCB PxWebApi v1"


def test_large_query_is_split(project):
    def answer(method, url, body):
        selection = {s["variableCode"]: s["valueCodes"] for s in body["selection"]}
        ids = list(selection)
        doc = {"version": "2.0", "class": "dataset", "label": "Folkmängd", "id": ids,
               "size": [len(selection[i]) for i in ids], "role": {"time": ["Tid"]},
               "extension": {"px": {"tableid": "TAB638"}},
               "dimension": {i: {"category": {"index": {c: n for n, c in enumerate(selection[i])}}} for i in ids},
               "value": [1] * cell_count(selection)}
        return FakeResponse(200, json.dumps(doc).encode())

    made, session, _clock = client([answer] * 40, limits=Limits(max_cells=1000))
    target = fetch_dataset("population_by_age", region="Fyrbodal", years=[2019], client=made, name="split")
    bodies = [b for _m, _u, b in session.calls]
    assert len(bodies) > 1
    assert all(cell_count({s["variableCode"]: s["valueCodes"] for s in b["selection"]}) <= 1000 for b in bodies)
    frame = load("population_by_age", target.stem)
    assert len(frame) == 14 * 101 * 2
    assert (frame["population"] == 4).all()  # four civil states of one cell each


def test_cache_answers_the_second_fetch(project):
    cache = project / "build" / "cache" / "http"
    made, session, _clock = client([ok("scb_v2_tab638_two_municipalities.json")], cache_dir=cache)
    fetch_dataset("population", region="Fyrbodal", years=[2019, 2020], client=made, name="one")
    again, session2, _clock = client([], cache_dir=cache)
    fetch_dataset("population", region="Fyrbodal", years=[2019, 2020], client=again, name="two")
    assert session2.calls == []
    assert load("population", "one")["population"].tolist() == load("population", "two")["population"].tolist()


@pytest.mark.parametrize("first_page", ["kolada_v3_page1_next_page.json", "kolada_v3_page1_next_url.json"])
def test_kolada_population_follows_either_pagination_key(project, first_page):
    made, session, _clock = client([ok(first_page), ok("kolada_v3_page2_last.json")])
    target = fetch_dataset("population", region=["Bengtsfors", "Mellerud", "Åmål"], years=[2019],
                           client=made, source="kolada", name="kolada")
    assert session.calls[1][1].endswith("?page=2")
    frame = load("population", target.stem)
    assert dict(zip(frame["municipality_code"], frame["population"], strict=True)) == {
        "1460": 9739, "1461": 9300, "1492": 12600}  # gender T only, not K
    prov = verify(target)
    assert prov.get("kpi") == "N01951" and len(prov.get("response_sha256")) == 2


def test_kolada_broadband_kpi_resolved_by_title(project):
    made, session, _clock = client([ok("kolada_v3_kpi_search_bredband.json"), ok("kolada_v3_broadband_data.json")])
    target = fetch_dataset("broadband", region="Fyrbodal", years=[2019], client=made, name="kolada-bb")
    assert "/v3/kpi?title=" in session.calls[0][1]
    assert "/data/kpi/N07900/" in session.calls[1][1]
    frame = load("broadband", target.stem)
    assert frame.set_index("municipality_code")["share_pct"].to_dict() == {"1461": 58.0, "1460": 61.5}
    assert "unverified" in verify(target).get("note")


def _metadata(title, years):
    return FakeResponse(200, json.dumps({"title": title, "variables": [
        {"code": "Region", "values": ["14"], "valueTexts": ["Västra Götalands län"]},
        {"code": "Kon", "values": ["1", "2"], "valueTexts": ["män", "kvinnor"]},
        {"code": "ContentsCode", "values": ["BE0401N2", "BE0401N1"], "valueTexts": ["Födda", "Folkmängd"]},
        {"code": "Tid", "values": years, "valueTexts": years, "time": True}]}).encode())


def test_projection_of_a_later_edition_records_its_vintage(project):
    made, session, _clock = client([_metadata("Folkmängd efter region, kön och år. År 2024-2070",
                                              [str(y) for y in range(2024, 2071)]),
                                    ok("scb_projection_2024_edition.json")])
    target = fetch_dataset("population_projection", region="14", years=[2030], client=made, name="proj")
    assert session.calls[1][2]["query"][1] == {"code": "ContentsCode",
                                               "selection": {"filter": "item", "values": ["BE0401N1"]}}
    prov = verify(target)
    assert prov.get("vintage") == "2024"
    assert set(load("population_projection", "proj")["vintage"]) == {"2024"}


def test_projection_without_the_study_years_is_refused(project):
    made, _session, _clock = client([_metadata("År 2024-2070", [str(y) for y in range(2024, 2071)])])
    with pytest.raises(FetchError, match="has no years 2019"):
        fetch_dataset("population_projection", region="14", years=[2019, 2030], client=made)
    assert not (project / "data/raw/public/population_projection").exists()


def test_retry_after_as_http_date():
    from digimotor.fetch import _retry_after

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

    offline_session.script.append(ok("scb_v2_tab638_two_municipalities.json"))
    assert main(["fetch", "population", "--years", "2019", "--name", "live", "--quiet", "--no-cache"]) == 0
    target = project / "data/raw/public/population/live.csv"
    before = target.read_bytes()
    capsys.readouterr()
    assert main(["fetch", "population", "--years", "2019", "--name", "live", "--quiet", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and "--replace" in err
    assert len(offline_session.calls) == 1  # the second fetch made no call
    offline_session.script.append(ok("scb_v2_tab638_two_municipalities.json"))
    assert main(["fetch", "population", "--years", "2019", "--name", "live", "--quiet", "--no-cache",
                 "--replace"]) == 0
    assert len(offline_session.calls) == 2 and target.read_bytes() == before
    verify(target)


def test_a_failed_fetch_exits_1_in_one_line(project, offline_session, capsys):
    from digimotor.cli import main

    offline_session.script.extend([FakeResponse(500, b"oops")] * 2)
    assert main(["fetch", "population", "--years", "2019", "--retries", "0", "--quiet", "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "HTTP 500" in err


@pytest.mark.parametrize(("where", "code"), [("fsync", 28), ("replace", 13), ("replace", 30)])
def test_fetch_into_a_failing_data_raw_is_one_line(project, offline_session, capsys, monkeypatch, where, code):
    import os

    from digimotor.cli import main

    offline_session.script.append(ok("scb_v2_tab638_two_municipalities.json"))
    before = sorted((project / "data/raw").rglob("*"))

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, where, fail)
    assert main(["fetch", "population", "--years", "2019", "--name", "disk", "--quiet", "--no-cache"]) == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "cannot write" in err and "disk.csv" in err and os.strerror(code) in err
    assert len(offline_session.calls) == 1
    assert [p for p in sorted((project / "data/raw").rglob("*")) if p.is_file()] == \
        [p for p in before if p.is_file()]
