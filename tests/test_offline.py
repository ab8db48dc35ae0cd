"""No network access except an explicit `digimotor fetch`: library paths run with sockets blocked.

Every non-loopback connection raises during these tests; loading, checking, importing and
recomputing the claims must not need one.
"""

import socket

import pytest

from digimotor.checks import check_raw_data
from digimotor.claims import derive_all
from digimotor.importer import import_file


@pytest.fixture
def no_network(monkeypatch):
    real_connect = socket.socket.connect
    attempts = []

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1")):
            return real_connect(self, address)
        attempts.append(address)
        raise OSError(f"network access attempted in an offline path: {address}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: guarded(socket.socket(), a[0]))
    yield attempts
    assert attempts == [], f"offline code tried to connect to {attempts}"


def test_claims_and_checks_are_offline(repo_root, no_network):
    assert derive_all()
    assert check_raw_data() == []


def test_import_is_offline(project, tmp_path, no_network):
    source = tmp_path / "a.csv"
    source.write_text("Kommun;År;Folkmängd\nÅmål;2019;12600\n", encoding="utf-8")
    import_file("population_forecast", source, name="a")
