"""A one-page sign-off summary of a scenario, as PNG or PDF, for the people who approve a redraw.

It shows what a director signs: the scenario's name, author and note, how many accounts change
hands, accounts and won revenue per territory before → after, and the balance indices. Rendered
offline from one Vega-Lite spec by vl-convert, so the file is the same on every machine.
"""
from __future__ import annotations

from datetime import datetime

import altair as alt
import polars as pl
import vl_convert as vlc

from engine.charts.theme import CONFIG, FONT, base
from engine.store.errors import TerrainError
from engine.i18n import fmt_number, t
from engine.charts.palette import territory_colour
from engine.store import Store
from engine.planner.indices import balance_table
from engine.planner.plan import Plan, before_after
from engine.planner.baseline import Baseline

WIDTH = 520
FORMATS = ("png", "pdf")


def _pairs(frame: pl.DataFrame, figure: str, lang: str) -> pl.DataFrame:
    """Long form: one row per territory and state (before/after) of `figure`."""
    before, after = t("planner.before", lang), t("planner.after", lang)
    rows = frame.filter(pl.col("plannable")).select(
        "territory_id", "name", pl.col(f"{figure}_before").cast(pl.Float64).alias(before),
        pl.col(f"{figure}_after").cast(pl.Float64).alias(after))
    return rows.unpivot(index=["territory_id", "name"], variable_name="state", value_name="value")


def _bars(frame: pl.DataFrame, figure: str, title: str, lang: str) -> alt.Chart:
    long = _pairs(frame, figure, lang)
    ids = long["territory_id"].unique(maintain_order=True).to_list()
    return base(long).mark_bar().encode(
        y=alt.Y("name:N", title=None, sort=alt.EncodingSortField("value", op="max", order="descending")),
        yOffset=alt.YOffset("state:N", sort=[t("planner.before", lang), t("planner.after", lang)]),
        x=alt.X("value:Q", title=None),
        color=alt.Color("territory_id:N", scale=alt.Scale(domain=ids, range=[territory_colour(i) for i in ids]),
                        legend=None),
        opacity=alt.Opacity("state:N", scale=alt.Scale(domain=[t("planner.before", lang), t("planner.after", lang)],
                                                       range=[0.35, 1.0]), legend=alt.Legend(title=None)),
    ).properties(title=title, width=WIDTH, height=max(120, 30 * len(ids)))


def _ratio(value: float) -> str:
    return "∞" if value == float("inf") else f"{value:.2f}"


def _indices(indices: pl.DataFrame, lang: str) -> alt.Chart:
    rows = []
    for record in indices.filter(pl.col("figure").is_in(["accounts", "won", "pipeline", "potential"])).iter_rows(named=True):
        rows.append({"line": (f"{t('planner.figure.' + record['figure'], lang)}: "
                              f"CV {record['cv_before']:.2f} → {record['cv_after']:.2f} · "
                              f"max/min {_ratio(record['max_min_ratio_before'])} → {_ratio(record['max_min_ratio_after'])} · "
                              f"Gini {record['gini_before']:.2f} → {record['gini_after']:.2f}")})
    frame = pl.DataFrame(rows).with_row_index("row")
    return base(frame).mark_text(align="left", fontSize=12, color="#1F2933").encode(
        y=alt.Y("row:O", axis=None), text="line:N", x=alt.value(0),
    ).properties(title=t("planner.indices", lang), width=WIDTH, height=22 * max(1, frame.height))


def signoff_chart(plan: Plan, *, name: str, author: str | None, note: str | None, lang: str = "en",
                  created_at: datetime | None = None) -> alt.VConcatChart:
    """The sign-off page of a plan as one Vega-Lite chart (fixed width, renders without a browser)."""
    frame = before_after(plan)
    moved = int(plan.changed_positions().size)
    subtitle = [t("planner.signoff.moved", lang, accounts=fmt_number(moved, lang, compact=False)),
                t("planner.signoff.by", lang, author=author or "–",
                  date=(created_at or datetime.now()).strftime("%Y-%m-%d"))]
    if note:
        subtitle.append(note)
    chart = alt.vconcat(
        _bars(frame, "accounts", t("planner.figure.accounts", lang), lang),
        _bars(frame, "won", t("planner.figure.won", lang), lang),
        _indices(balance_table(plan), lang),
        title=alt.TitleParams(t("planner.signoff.title", lang, name=name), subtitle=subtitle, anchor="start",
                              fontSize=18, subtitleFontSize=12),
        spacing=24)
    return chart.configure(font=FONT, background="white", **{k: v for k, v in CONFIG.items() if k in ("axis", "view")})


def render(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """PNG (2× scale, for screens and slides) or PDF (vector, for printing) bytes of a chart."""
    if fmt not in FORMATS:
        raise TerrainError(f"'{fmt}' is not a sign-off format.", hint="Use png or pdf.")
    spec = chart.to_json()
    return vlc.vegalite_to_png(spec, scale=2) if fmt == "png" else vlc.vegalite_to_pdf(spec)


def scenario_signoff(store: Store, baseline: Baseline, scenario_id: str, fmt: str, lang: str = "en") -> bytes:
    """The sign-off summary of a saved scenario as PNG or PDF bytes."""
    from engine.planner.scenarios import load_plan, scenario_info

    info = scenario_info(store, scenario_id)
    plan = load_plan(store, baseline, scenario_id)
    chart = signoff_chart(plan, name=info["name"], author=info.get("author"), note=info.get("note"), lang=lang,
                          created_at=info.get("created_at"))
    return render(chart, fmt)
