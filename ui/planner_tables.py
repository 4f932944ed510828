"""The planner's tables as people read them: territory and rep names instead of ids, translated
headers (figure · before / after / change), money in the reporting currency (万/亿 in Chinese),
travel in the distance-unit setting, signed changes coloured green up / red down (a scenario's
figures coloured against the live assignment), "no accounts" instead of an infinite ratio.
The frames given to the downloads stay as the engine returns them (ids, full precision, km)."""
from __future__ import annotations

import math

import polars as pl
import streamlit as st

from engine.i18n import t
from engine.planner.baseline import Baseline
from engine.planner.plan import FIGURES
from engine.store.settings import KM_PER_MILE, Settings
from ui.tables import before_after_columns, show

MONEY_FIGURES = ("won", "pipeline", "target", "potential", "mileage_cost")
COUNT_FIGURES = ("accounts", "activities")
TRAVEL_FIGURES = ("travel_km_mean", "travel_km_max")
INDICES = ("cv", "max_min_ratio", "gini")


def _per_unit(settings: Settings) -> float:
    return KM_PER_MILE if settings.distance_unit == "mi" else 1.0


def figure_label(figure: str, lang: str, unit: str) -> str:
    if figure in TRAVEL_FIGURES:
        return t(f"tables.{figure}", lang, unit=t(f"unit.{unit}", lang))
    return t(f"planner.figure.{figure}", lang)


def _label(lang: str, unit: str):
    whens = {"before": t("planner.before", lang), "after": t("planner.after", lang), "delta": t("tables.delta", lang)}

    def label(column: str) -> str:
        figure, _, when = column.rpartition("_")
        if when in whens and figure:
            return f"{figure_label(figure, lang, unit)} · {whens[when]}"
        return t(f"tables.col.{column}", lang)
    return label


def _in_units(frame: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    per_unit = _per_unit(settings)
    travel = [c for c in before_after_columns(TRAVEL_FIGURES, frame.columns)]
    return frame.with_columns(pl.col(c) / per_unit for c in travel) if per_unit != 1.0 else frame


def before_after_table(frame: pl.DataFrame, baseline: Baseline, settings: Settings, lang: str, *,
                       key: str) -> None:
    """A territory (`territory_id, name, owner_rep_id`) or rep (`rep_id, name`) before/after frame."""
    reps = dict(zip(baseline.reps["rep_id"].to_list(), baseline.reps["name"].to_list()))
    columns = before_after_columns(FIGURES, frame.columns)
    shown = _in_units(frame, settings)
    named = shown.select(
        pl.col("name").replace({"Unassigned": t("tables.unassigned", lang), "No owner": t("tables.no_owner", lang)}),
        *([pl.col("owner_rep_id").replace_strict(reps, default=None).alias("owner")] if "owner_rep_id" in frame.columns
          else []),
        *columns)
    show(named, _label(lang, settings.distance_unit), settings.reporting_currency, lang=lang, key=key,
         money=before_after_columns(MONEY_FIGURES, columns), counts=before_after_columns(COUNT_FIGURES, columns),
         decimals=before_after_columns(("visit_hours", *TRAVEL_FIGURES), columns),
         signed=[c for c in columns if c.endswith("_delta")])


def index_text(value: float | None, lang: str) -> str:
    """A balance index for reading: two decimals; an infinite or undefined ratio (a territory with
    nothing to compare) says so instead of ∞."""
    if value is None or not math.isfinite(value):
        return t("tables.no_accounts", lang)
    return f"{value:.2f}"


def index_expression(value: pl.Expr, lang: str) -> pl.Expr:
    """`index_text` as a native expression (balance indices are never negative)."""
    hundredths = (value * 100).round(0).cast(pl.Int64, strict=False)
    text = (hundredths // 100).cast(pl.String) + "." + (hundredths % 100).cast(pl.String).str.zfill(2)
    return pl.when(value.is_finite()).then(text).otherwise(pl.lit(t("tables.no_accounts", lang)))


def scenario_matrix_table(matrix: pl.DataFrame, settings: Settings, lang: str, *, key: str) -> None:
    """compare_scenarios' matrix: scenario names, indices as text (no ∞), travel in the unit."""
    unit = settings.distance_unit
    index_columns = [c for c in matrix.columns if c.rpartition("_")[2] in ("cv", "gini") or c.endswith("max_min_ratio")]
    shown = matrix.with_columns(
        pl.col("name").replace({"Live assignment": t("tables.live", lang)}),
        *(index_expression(pl.col(c), lang) for c in index_columns),
        *(pl.col(c) / _per_unit(settings) for c in TRAVEL_FIGURES if c in matrix.columns))
    names = {"cv": t("planner.tile.cv", lang), "max_min_ratio": t("planner.tile.maxmin", lang),
             "gini": t("planner.tile.gini", lang)}

    def label(column: str) -> str:
        for index, word in names.items():
            if column.endswith(f"_{index}"):
                return f"{figure_label(column[: -len(index) - 1], lang, unit)} · {word}"
        if column in FIGURES:
            return figure_label(column, lang, unit)
        return t(f"tables.col.{column}", lang)
    show(shown, label, settings.reporting_currency, lang=lang, key=key, hidden=("scenario_id",),
         money=("mileage_cost",), counts=("accounts_moved",), decimals=TRAVEL_FIGURES,
         directions=against_live(matrix))
    st.caption(t("tables.against_live", lang))


def against_live(matrix: pl.DataFrame) -> dict[str, pl.Series]:
    """Per figure column of compare_scenarios' matrix: each scenario's direction against the live
    assignment (the first row): 1 higher, -1 lower, 0 the same; null on the live row itself."""
    if matrix.is_empty():
        return {}
    figures = [c for c, dtype in matrix.schema.items() if dtype.is_numeric() and c != "accounts_moved"]
    live = matrix.row(0, named=True)
    return {c: pl.Series(c, [None, *(matrix[c][1:] - live[c]).sign().to_list()], dtype=pl.Float64)
            if live[c] is not None else pl.Series(c, [None] * matrix.height, dtype=pl.Float64) for c in figures}


def scenario_diff_table(diff: pl.DataFrame, baseline: Baseline, names: dict[str, str], settings: Settings,
                        lang: str, *, key: str) -> None:
    """compare_accounts' account-level diff with territory and rep names; ids only in the download."""
    territories = dict(zip(baseline.territories["territory_id"].to_list(), baseline.territories["name"].to_list()))
    reps = dict(zip(baseline.reps["rep_id"].to_list(), baseline.reps["name"].to_list()))
    columns = [c for c in diff.columns if c.endswith(("_territory_id", "_rep_id"))]
    shown = diff.with_columns(
        pl.col(c).replace_strict(territories if c.endswith("_territory_id") else reps, default=None)
        for c in columns).drop("account_id")
    words = {"_territory_id": t("tables.col.territory", lang), "_rep_id": t("tables.col.rep", lang)}

    def label(column: str) -> str:
        for suffix, word in words.items():
            if column.endswith(suffix):
                owner = column[: -len(suffix)]
                return f"{t('tables.live', lang) if owner == 'live' else names.get(owner, owner)} · {word}"
        return t(f"tables.col.{column}", lang)
    show(shown, label, settings.reporting_currency, lang=lang, key=key)


def saved_scenarios_view(saved: pl.DataFrame, lang: str) -> tuple[pl.DataFrame, dict]:
    """The saved-scenario list for a selectable st.dataframe: translated headers and status, the
    id hidden (the rows keep their order, so a selection still maps to saved['scenario_id'])."""
    from ui.tables import readable

    shown = saved.with_columns(pl.col("status").replace_strict(
        {s: t(f"tables.status.{s}", lang) for s in ("draft", "applied", "undone")}, default=pl.col("status")))
    return readable(shown, lambda c: t(f"tables.col.{c}", lang), "", lang=lang, hidden=("scenario_id",),
                    counts=("accounts",))
