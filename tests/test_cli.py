"""The command-line dispatcher: every command is listed, bad usage exits 2 with a message."""
from __future__ import annotations

import subprocess
import sys

from engine.cli import main
from engine.commands.bench import available
from tests.conftest import REPO


def test_help_lists_every_command():
    result = subprocess.run([sys.executable, "-m", "engine", "--help"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("demo", "import", "report", "whatif", "balance", "scenario", "bench"):
        assert command in result.stdout


def test_unknown_command_and_unknown_benchmark_exit_2(capsys):
    result = subprocess.run([sys.executable, "-m", "engine", "frobnicate"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice" in result.stderr
    assert main(["bench", "nope"]) == 2
    assert f"choose from {', '.join(available())}" in capsys.readouterr().err
    assert {"import", "metrics", "whatif", "balance"} <= set(available())


def test_a_bad_setting_is_reported_not_raised(monkeypatch, capsys):
    monkeypatch.setenv("TERRAIN_FISCAL_START", "13")
    assert main(["report", "shares"]) == 2
    assert "TERRAIN_FISCAL_START" in capsys.readouterr().err
