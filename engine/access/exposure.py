"""Refuse to open Terrain to the network while sign-in is off.

Without a users file everyone who reaches the server is the local admin, so the shipped
`.streamlit/config.toml` binds to 127.0.0.1 and `scripts/start` runs this check first: an address
other than loopback (from `--server.address`, `STREAMLIT_SERVER_ADDRESS` or the config file) is
refused until the first user is added. `python -m engine.access.exposure [streamlit args]` exits
2 with the reason, else 0.
"""
from __future__ import annotations

import ipaddress
import os
import sys
import tomllib
from pathlib import Path

from engine.access.users import UsersFile, users_path
from engine.store.settings import load_settings

LOOPBACK_NAMES = ("localhost",)


def server_address(argv: list[str], environ: dict[str, str], config: Path) -> str | None:
    """The address streamlit will bind: the command line, else the environment, else the config."""
    for index, arg in enumerate(argv):
        if arg.startswith("--server.address="):
            return arg.split("=", 1)[1]
        if arg == "--server.address" and index + 1 < len(argv):
            return argv[index + 1]
    if environ.get("STREAMLIT_SERVER_ADDRESS"):
        return environ["STREAMLIT_SERVER_ADDRESS"]
    if config.exists():
        return tomllib.loads(config.read_text(encoding="utf-8")).get("server", {}).get("address")
    return None


def is_loopback(address: str | None) -> bool:
    """Streamlit binds every interface when no address is given, so None is not loopback."""
    if not address:
        return False
    if address.strip("[]").lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def refusal(argv: list[str], environ: dict[str, str], config: Path) -> str | None:
    """Why serving would be unsafe, or None when it is fine."""
    address = server_address(argv, environ, config)
    if is_loopback(address):
        return None
    users = UsersFile(users_path(load_settings(environ)))
    if users.exists():
        return None
    return (f"Refusing to serve on {address or 'every interface'} while sign-in is off (no users file at "
            f"{users.path}): anyone on the network would be the admin. Add a user first "
            "(python -m engine users add NAME --role admin --password-stdin), or keep server.address = 127.0.0.1.")


def main(argv: list[str]) -> int:
    reason = refusal(argv, dict(os.environ), Path(".streamlit") / "config.toml")
    if reason:
        sys.stderr.write(f"error: {reason}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
