"""Visibility by territory: table-driven cases on the tiny company, then a property over random
companies — no scoped query returns a row outside what the viewer sees, and totals add up."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from engine.access.permissions import PermissionDenied, may, require
from engine.access.viewer_store import as_viewer
from engine.access.visibility import Viewer, scope_for, visibility
from engine.metrics.forecast import forecast_table
from engine.metrics.kpis import kpi_table
from engine.metrics.performance import attainment_table, kpi_tiles, shares_table
from engine.metrics.periods import parse_period
from engine.metrics.reps import rep_accounts, rep_deals
from engine.planner.baseline import build_baseline
from engine.store import Store
from engine.store.settings import load_settings
from tests.conftest import fill_tiny_company

SETTINGS = load_settings({})
FY2024 = parse_period("2024")


@pytest.fixture
def tiny(store):
    fill_tiny_company(store)
    with store.transaction() as tx:  # Bo manages Ada; Carla reports to nobody
        tx.execute("UPDATE reps SET manager_id = 'R2' WHERE rep_id = 'R1'")
    return store


@pytest.mark.parametrize("viewer, territories, tops", [
    (Viewer("ada", "rep", "R1"), {"AM-W"}, ("AM-W",)),
    (Viewer("bo", "manager", "R2"), {"AM-W", "AM-E"}, ("AM-E", "AM-W")),       # his own + Ada's, who reports to him
    (Viewer("mia", "manager", None, ("AM",)), {"AM", "AM-W", "AM-E"}, ("AM",)),  # everything below Americas
    (Viewer("vic", "viewer", None, ("EU", "nowhere")), {"EU", "EU-DE"}, ("EU",)),
    (Viewer("lost", "rep", "R9"), set(), ()),
])
def test_who_sees_which_territories(tiny, viewer, territories, tops):
    seen = visibility(tiny, viewer)
    assert (set(seen.territories), seen.tops) == (territories, tops)


def test_admin_and_sales_ops_see_everything(tiny):
    assert visibility(tiny, Viewer("o", "sales_ops")).everything
    assert scope_for(tiny, Viewer("a", "admin"), None).scope is None


@pytest.mark.parametrize("requested, scope, refused", [
    (None, ("AM-W",), ()),                  # no scope: their own
    (["AM-W"], ("AM-W",), ()),
    (["AM"], ("AM-W",), ()),                # an ancestor narrows to what she sees below it
    (["CO"], ("AM-W",), ()),
    (["EU-DE"], ("AM-W",), ("EU-DE",)),      # invisible: refused, her own instead
    (["T-NOPE"], ("AM-W",), ("T-NOPE",)),   # unknown: refused too
    (["EU", "AM"], ("AM-W",), ("EU",)),
])
def test_a_requested_scope_meets_what_the_viewer_sees(tiny, requested, scope, refused):
    assert scope_for(tiny, Viewer("ada", "rep", "R1"), requested) == type(scope_for(tiny, Viewer("a", "admin"), None))(
        scope, refused)


def test_a_reps_figures_are_their_territorys_and_a_total_never_leaks(tiny):
    everyone = attainment_table(tiny, FY2024, "territory", None, SETTINGS).select("id", "won", "target")
    ada = as_viewer(tiny, Viewer("ada", "rep", "R1"))
    own = everyone.filter(pl.col("id") == "AM-W").row(0, named=True)
    company = attainment_table(ada, FY2024, "company", None, SETTINGS).row(0, named=True)
    assert (company["won"], company["target"]) == (own["won"], own["target"])
    assert attainment_table(ada, FY2024, "region", None, SETTINGS)["id"].to_list() == ["AM"]
    assert attainment_table(ada, FY2024, "territory", ["EU"], SETTINGS).is_empty()  # nothing of EMEA is hers
    assert attainment_table(ada, FY2024, "territory", ["AM"], SETTINGS)["id"].to_list() == ["AM-W"]  # narrowed
    assert attainment_table(ada, FY2024, "rep", None, SETTINGS)["id"].to_list() == ["R1"]
    assert shares_table(ada, FY2024, "territory", None, SETTINGS)["share"].to_list() == [1.0]
    assert kpi_tiles(ada, FY2024, None, SETTINGS).filter(pl.col("metric") == "won")["value"][0] == own["won"]
    assert rep_deals(ada, "R3", FY2024, SETTINGS).is_empty()      # Carla's deals are not hers to see
    assert rep_accounts(ada, "R3", FY2024, SETTINGS).is_empty()


@pytest.mark.parametrize("role, writes", [
    ("admin", {"import", "targets", "rules", "territories", "scenarios", "users"}),
    ("sales_ops", {"import", "targets", "rules", "territories", "scenarios"}),
    ("manager", {"targets"}),
    ("rep", set()),
    ("viewer", set()),
])
def test_each_role_owns_its_writes(role, writes):
    assert {a for a in ("import", "targets", "rules", "territories", "scenarios", "users")
            if may(Viewer("x", role, territories=("AM",)), a)} == writes


def test_a_manager_sets_targets_of_their_subtree_only(tiny):
    mia = Viewer("mia", "manager", None, ("AM",))
    require(mia, "targets", store=tiny, territories=["AM-W"])
    with pytest.raises(PermissionDenied, match="outside their territories"):
        require(mia, "targets", store=tiny, territories=["EU-DE"])
    with pytest.raises(PermissionDenied, match=r"vic \(viewer\) may not import data"):
        require(Viewer("vic", "viewer", None, ("EU",)), "import")


def test_writes_are_refused_and_recorded_by_the_engine(tiny):
    from engine.metrics.saved_targets import save_scoped_targets, save_targets

    frame = pl.DataFrame({"scope": ["territory"], "scope_id": ["AM-W"], "period_start": [date(2025, 1, 1)],
                          "amount": [5.0]})
    with pytest.raises(PermissionDenied):
        save_targets(as_viewer(tiny, Viewer("ada", "rep", "R1")), frame)
    with pytest.raises(PermissionDenied, match="whole company"):
        save_targets(as_viewer(tiny, Viewer("mia", "manager", None, ("AM",))), frame)
    assert save_scoped_targets(as_viewer(tiny, Viewer("mia", "manager", None, ("AM",))), frame, "AM-W") == 1
    assert tiny.rows("SELECT scope_id, amount, saved_by FROM targets WHERE period_start = '2025-01-01'") == [
        ("AM-W", 5.0, "mia")]


# --- the property ------------------------------------------------------------------------------
@st.composite
def companies(draw):
    """A random tree (each territory's parent is an earlier one), reps in random territories,
    accounts and won/open deals in random territories (some in none), and one random user."""
    n = draw(st.integers(2, 9))
    parents = [None] + [f"T{draw(st.integers(0, i - 1))}" for i in range(1, n)]
    territories = [f"T{i}" for i in range(n)]
    reps = [f"R{i}" for i in range(draw(st.integers(1, 4)))]
    members = draw(st.lists(st.tuples(st.sampled_from(territories), st.sampled_from(reps)), max_size=6, unique=True))
    # (T0 is the company: deals sit below it, as region-level tables expect, or on no territory)
    deals = draw(st.lists(st.tuples(st.sampled_from(territories[1:] + [None]), st.sampled_from(reps),
                                    st.sampled_from(["won", "open", "lost"]), st.integers(1, 9) .map(lambda k: k * 100.0),
                                    st.integers(1, 12)), min_size=1, max_size=14))
    role = draw(st.sampled_from(["rep", "manager", "viewer"]))
    own = tuple(draw(st.lists(st.sampled_from(territories), max_size=2, unique=True)))
    viewer = Viewer("u", role, draw(st.sampled_from(reps + [None])), own)
    return territories, parents, reps, members, deals, viewer


def _fill(store: Store, territories, parents, reps, members, deals) -> None:
    with store.transaction() as tx:
        tx.insert_frame("territories", pl.DataFrame({"territory_id": territories, "name": territories,
                                                     "parent_id": parents}))
        tx.insert_frame("reps", pl.DataFrame({"rep_id": reps, "name": reps}))
        if members:
            tx.insert_frame("territory_members", pl.DataFrame(
                {"territory_id": [m[0] for m in members], "rep_id": [m[1] for m in members], "role": "owner"}))
        tx.insert_frame("accounts", pl.DataFrame({
            "account_id": [f"A{i}" for i in range(len(deals))], "name": [f"A{i}" for i in range(len(deals))],
            "territory_id": [d[0] for d in deals], "owner_rep_id": [d[1] for d in deals]}))
        tx.insert_frame("deals", pl.DataFrame({
            "deal_id": [f"D{i}" for i in range(len(deals))], "account_id": [f"A{i}" for i in range(len(deals))],
            "territory_id": [d[0] for d in deals], "owner_rep_id": [d[1] for d in deals],
            "status": [d[2] for d in deals], "amount": [d[3] for d in deals], "amount_rc": [d[3] for d in deals],
            "currency": "USD", "created_date": [date(2024, 1, 1)] * len(deals),
            "close_date": [date(2024, d[4], 15) for d in deals]}))


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies())
def test_no_scoped_query_shows_an_invisible_row_and_totals_are_the_visible_sums(company):
    territories, parents, reps, members, deals, viewer = company
    store = Store.open(":memory:")
    try:
        _fill(store, territories, parents, reps, members, deals)
        seen = visibility(store, viewer).territories
        visible_won = sum(d[3] for d in deals if d[0] in seen and d[2] == "won")
        as_user = as_viewer(store, viewer)
        for requested in (None, [territories[0]], [territories[-1]]):
            company_row = attainment_table(as_user, FY2024, "company", requested, SETTINGS).row(0, named=True)
            # the requested subtree, cut down to what the viewer sees
            inside = set(seen) if requested is None else {
                t for t in seen if any(t == r or _below(t, r, territories, parents) for r in requested)}
            won = sum(d[3] for d in deals if d[0] in inside and d[2] == "won")
            assert company_row["won"] == pytest.approx(won)
        as_of = date(2024, 6, 30)
        everyone = attainment_table(store, FY2024, "territory", None, SETTINGS, as_of).filter(pl.col("id").is_in(seen))
        for level in ("region", "territory", "rep"):
            table = attainment_table(as_user, FY2024, level, None, SETTINGS, as_of)
            assert table["won"].sum() == pytest.approx(visible_won)
            assert table["pipeline"].sum() == pytest.approx(everyone["pipeline"].sum())
            if level == "territory":
                assert set(table["id"]) <= set(seen)
            if level == "region":
                assert all(r in seen or any(_below(t, r, territories, parents) for t in seen) for r in table["id"])
        assert forecast_table(as_user, FY2024, "territory", SETTINGS)["won"].sum() == pytest.approx(visible_won)
        assert kpi_table(as_user, FY2024, "territory", SETTINGS)["won"].sum() == pytest.approx(visible_won)
        for rep in reps:  # the leaderboard's drill-down tables and their downloads
            assert set(rep_deals(as_user, rep, FY2024, SETTINGS)["deal_id"]) <= {
                f"D{i}" for i, d in enumerate(deals) if d[0] in seen}
        baseline = build_baseline(as_user, as_of=date(2025, 1, 1), settings=SETTINGS)
        assert set(baseline.accounts["territory_id"].drop_nulls()) <= set(seen)
        assert baseline.accounts["won"].sum() == pytest.approx(visible_won)
    finally:
        store.close()


def _below(node: str, ancestor: str, territories, parents) -> bool:
    """True when `node` lies strictly below `ancestor` in the generated tree."""
    parent = dict(zip(territories, parents))
    current = parent.get(node)
    while current is not None:
        if current == ancestor:
            return True
        current = parent.get(current)
    return False
