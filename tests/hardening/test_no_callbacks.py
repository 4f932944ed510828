"""The serving path never hands a Python callback to polars (issue 12: a `map_elements` lambda on the
polars pool, waiting for the GIL held by another session's `to_pandas`, froze the server for good)."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from engine.i18n import fmt_money, fmt_month, t
from engine.i18n.labels import formatted, translated

ROOT = Path(__file__).resolve().parents[2]
CALLBACKS = re.compile(r"\.map_elements\(|\.map_batches\(|\.map_groups\(|\.map_rows\(|\.apply\(\s*lambda|"
                       r"pl\.map_batches\(|pl\.map_groups\(|pl\.fold\(|pl\.reduce\(|pl\.cum_fold\(")


def serving_path() -> list[Path]:
    """Everything a page request can run: app.py, pages/, ui/ and the engine except the importing
    pipeline (an import runs in its own worker, off the serving threads)."""
    files = [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py"),
             *(ROOT / "engine").rglob("*.py")]
    return sorted(f for f in files if "importing" not in f.relative_to(ROOT).parts[:2])


def test_the_scan_sees_the_serving_code():
    names = {f.relative_to(ROOT).as_posix() for f in serving_path()}
    assert {"app.py", "engine/charts/overview.py", "pages/forecast.py", "ui/downloads.py"} <= names
    assert not any(name.startswith("engine/importing/") for name in names)


def test_no_python_callbacks_in_polars_on_the_serving_path():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in serving_path()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if CALLBACKS.search(line)]
    assert found == []


@pytest.mark.parametrize("line", ['pl.col("won").map_elements(lambda v: v)', "frame.map_rows(f)",
                                  "s.apply( lambda x: x)", "pl.col('a').map_batches(fn)"])
def test_the_pattern_catches_each_callback_form(line):
    assert CALLBACKS.search(line)


def test_formatted_labels_match_the_formatter_and_keep_nulls():
    won = pl.Series("won", [1234.0, None, -2_500_000.0])
    assert formatted(won, lambda v: fmt_money(v, "en", "EUR"), "won_text").to_list() == ["€1.2K", None, "-€2.5M"]
    assert formatted(won, lambda v: fmt_money(v, "en", "EUR"), skip_nulls=False).to_list() == ["€1.2K", "–", "-€2.5M"]
    months = pl.Series("month", [date(2024, 7, 1), date(2025, 1, 1)])
    assert formatted(months, lambda d: fmt_month(d, "zh")).to_list() == ["2024年7月", "2025年1月"]
    assert formatted(pl.Series("x", [], dtype=pl.Float64), str).dtype == pl.String


def test_translated_codes_use_the_catalog():
    frame = pl.DataFrame({"category": ["Commit", "Closed", None, "Commit"]})
    named = frame.select(translated("category", frame["category"], "forecast.cat.{code}", "en"))
    assert named["category"].to_list() == [t("forecast.cat.Commit"), t("forecast.cat.Closed"), None,
                                           t("forecast.cat.Commit")]
