"""Sign-in off means loopback only: scripts/start refuses a network address until a user exists."""
from __future__ import annotations

import subprocess

import pytest

from engine.access.exposure import is_loopback, refusal, server_address
from engine.access.users import UsersFile
from tests.conftest import REPO


@pytest.mark.parametrize("argv, environ, config, address", [
    (["--server.address", "0.0.0.0"], {}, "", "0.0.0.0"),
    (["--server.address=10.1.2.3"], {"STREAMLIT_SERVER_ADDRESS": "127.0.0.1"}, "", "10.1.2.3"),
    ([], {"STREAMLIT_SERVER_ADDRESS": "::"}, '[server]\naddress = "127.0.0.1"\n', "::"),
    ([], {}, '[server]\naddress = "127.0.0.1"\n', "127.0.0.1"),
    ([], {}, None, None),
])
def test_the_address_comes_from_the_command_line_then_the_environment_then_the_config(
        tmp_path, argv, environ, config, address):
    path = tmp_path / "config.toml"
    if config is not None:
        path.write_text(config)
    assert server_address(argv, environ, path) == address


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("terrain.example.com", False), (None, False),
])
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


def test_a_network_address_is_refused_until_the_first_user_exists(tmp_path):
    environ = {"TERRAIN_DB": str(tmp_path / "t.duckdb")}
    config = tmp_path / "none.toml"
    reason = refusal(["--server.address", "0.0.0.0"], environ, config)
    assert reason.startswith("Refusing to serve on 0.0.0.0 while sign-in is off (no users file at ")
    assert refusal([], environ, config).startswith("Refusing to serve on every interface")
    assert refusal(["--server.address", "127.0.0.1"], environ, config) is None
    UsersFile(tmp_path / "t.users.json").add("boss", "admin", password="long-enough-1")
    assert refusal(["--server.address", "0.0.0.0"], environ, config) is None


def test_the_shipped_config_binds_loopback_and_the_start_script_checks(tmp_path):
    assert server_address([], {}, REPO / ".streamlit" / "config.toml") == "127.0.0.1"
    result = subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-m", "engine.access.exposure",
                             "--server.address", "0.0.0.0"], cwd=REPO, capture_output=True, text=True,
                            env={"TERRAIN_DB": str(tmp_path / "x.duckdb"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2 and "Refusing to serve on 0.0.0.0" in result.stderr
    assert "engine.access.exposure" in (REPO / "scripts" / "start").read_text()
