"""The demo company: deterministic, complete, internally consistent, with its deliberate faults."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from engine.demo import company as demo
from engine.cli import main as cli_main
from engine.demo.company import ANCHOR, DatabaseNotEmpty, build_demo, checksum, generate_demo
from engine.store.errors import TerrainError
from engine.store import Store

SMALL = 0.02  # 500 accounts, 3,000 deals: enough for consistency checks that need a fresh build


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Store:
    """The standard demo (scale 1, seed 7), built once per test session into a temp .duckdb file."""
    store = Store.open(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    store.summary = build_demo(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def small() -> dict[str, pl.DataFrame]:
    return generate_demo(SMALL)


def test_summary_counts_are_exact_for_the_seed(demo_db):
    assert demo_db.summary == {"territories": 45, "reps": 80, "territory_members": 113, "territory_rules": 32,
                               "accounts": 25_010,
                               "deals": 150_000, "activities": 347_258, "targets": 4_536, "fx_rates": 658,
                               "leads": 36_000, "contacts": 75_276, "invoices": 42_037}
    for table, rows in demo_db.summary.items():
        assert demo_db.count(table) == rows


@pytest.mark.parametrize("status, count, total", [
    ("won", 42_037, 2_467_666_661), ("lost", 89_828, 5_972_647_939), ("open", 18_135, 1_195_379_416)])
def test_deal_outcomes_are_exact_for_the_seed(demo_db, status, count, total):
    row = demo_db.rows("SELECT count(*), round(sum(amount_rc)) FROM deals WHERE status = ?", [status])[0]
    assert row[0] == count
    assert row[1] == pytest.approx(total, abs=1)  # DuckDB's parallel sum may differ in the last bits


def test_same_seed_same_company_other_seed_other_company(small):
    again = generate_demo(SMALL)
    for table in small:
        assert small[table].equals(again[table]), table
    assert checksum(small) == checksum(again)
    assert checksum(generate_demo(SMALL, seed=8)) != checksum(small)


def test_territory_tree(demo_db):
    territories = demo_db.table("territories")
    ids = set(territories["territory_id"])
    assert territories.filter(pl.col("parent_id").is_null())["territory_id"].to_list() == ["T-COMPANY"]
    assert set(territories["parent_id"].drop_nulls()) <= ids
    regions = territories.filter(pl.col("parent_id") == "T-COMPANY")
    assert set(regions["name"]) == {"Americas", "EMEA", "APAC", "LATAM", "Strategic Accounts"}
    china = territories.filter(pl.col("name") == "Greater China").row(0, named=True)
    assert china["level"] == 2 and china["parent_id"] == "T-APAC"
    assert sorted(territories.filter(pl.col("parent_id") == china["territory_id"])["name"]) == \
        sorted(["华东", "华北", "华南", "西部"])
    assert set(territories["type"]) == {"geo", "industry", "named-accounts"}
    # level is the depth in the tree
    parent_level = territories.join(territories.select(pl.col("territory_id").alias("parent_id"),
                                                       pl.col("level").alias("parent_level")), on="parent_id")
    assert (parent_level["level"] == parent_level["parent_level"] + 1).all()
    assert territories["owner_rep_id"].null_count() == 0


def test_reps_and_memberships(demo_db):
    reps = demo_db.table("reps")
    ids = set(reps["rep_id"])
    assert reps.height == 80 and reps["rep_id"].is_unique().all()
    assert set(reps["manager_id"].drop_nulls()) <= ids
    assert reps.filter(pl.col("manager_id").is_null())["role"].to_list() == ["executive"]
    assert dict(reps.group_by("role").len().iter_rows()) == {
        "executive": 1, "director": 5, "manager": 12, "specialist": 4, "rep": 58}
    assert reps["home_lat"].null_count() == 0 and reps["email"].is_unique().all()
    assert reps.filter(pl.col("role") == "rep")["capacity"].min() > 0
    members = demo_db.table("territory_members")
    assert set(members["rep_id"]) <= ids
    assert set(members["role"]) == {"owner", "overlay", "specialist"}
    territories = demo_db.table("territories")
    owned = territories.join(members, left_on=["territory_id", "owner_rep_id"], right_on=["territory_id", "rep_id"])
    assert owned.height == territories.height  # every territory's owner is one of its members


def test_every_deal_follows_an_existing_account(demo_db):
    orphan_deals = demo_db.scalar(
        "SELECT count(*) FROM deals d LEFT JOIN accounts a USING (account_id) WHERE a.account_id IS NULL")
    assert orphan_deals == 0
    mismatched = demo_db.scalar("""
        SELECT count(*) FROM deals d JOIN accounts a USING (account_id)
        WHERE d.territory_id IS DISTINCT FROM a.territory_id OR d.owner_rep_id IS DISTINCT FROM a.owner_rep_id""")
    assert mismatched == 0
    assert demo_db.scalar("SELECT count(*) FROM deals WHERE created_date > close_date") == 0
    late = demo_db.scalar("SELECT count(*) FROM accounts a JOIN deals d USING (account_id) "
                          "WHERE CAST(a.created_at AS DATE) > d.created_date")
    assert late == 0


def test_amount_rc_is_amount_times_the_rate_of_the_close_month(small):
    deals, rates = small["deals"], small["fx_rates"]
    anchor_month = date(ANCHOR.year, ANCHOR.month, 1)
    joined = deals.with_columns(
        pl.min_horizontal(pl.col("close_date").dt.truncate("1mo"), pl.lit(anchor_month)).alias("valid_from")
    ).join(rates, on=["currency", "valid_from"], how="left")
    assert joined["rate_to_reporting"].null_count() == 0
    assert (joined["amount_rc"] == joined["amount"] * joined["rate_to_reporting"]).all()
    assert set(deals["currency"]) >= {"USD", "EUR", "GBP", "CNY", "JPY", "BRL"}
    assert rates.filter(pl.col("currency") == "USD")["rate_to_reporting"].unique().to_list() == [1.0]


def test_reporting_currency_changes_rates_not_amounts(small):
    in_euro = generate_demo(SMALL, reporting_currency="EUR")
    assert in_euro["deals"]["amount"].equals(small["deals"]["amount"])
    assert in_euro["fx_rates"].filter(pl.col("currency") == "EUR")["rate_to_reporting"].unique().to_list() == [1.0]


def test_the_demo_does_not_depend_on_today(demo_db):
    assert demo_db.scalar("SELECT max(close_date) FROM deals WHERE status <> 'open'") == ANCHOR
    assert demo_db.scalar("SELECT max(CAST(ts AS DATE)) FROM activities") == ANCHOR
    overdue = demo_db.scalar("SELECT count(*) FROM deals WHERE status = 'open' AND close_date <= ?", [ANCHOR])
    assert 500 < overdue < 3_000
    first, last = demo_db.rows("SELECT min(close_date), max(close_date) FROM deals WHERE status <> 'open'")[0]
    assert first == date(2024, 1, 1) and last == ANCHOR


def test_targets_cover_every_scope_and_month(demo_db):
    targets = demo_db.table("targets")
    months = pl.date_range(date(2024, 1, 1), date(2026, 12, 1), "1mo", eager=True)
    for scope, table, column in (("territory", "territories", "territory_id"), ("rep", "reps", "rep_id")):
        ids = demo_db.table(table)[column]
        got = targets.filter(pl.col("scope") == scope).group_by("scope_id").agg(pl.col("period_start").sort())
        assert set(got["scope_id"]) == set(ids)
        assert all(list(m) == months.to_list() for m in got["period_start"])
    company = targets.filter(pl.col("scope") == "company")
    assert company.height == 36 and set(company["scope_id"]) == {"T-COMPANY"}
    assert targets.filter(pl.col("scope") == "territory", pl.col("scope_id") == "T-COMPANY")["amount"].equals(
        company["amount"])
    # a parent's target is the sum of its children's
    apac = targets.filter(pl.col("scope") == "territory", pl.col("scope_id") == "T-APAC")["amount"].sum()
    children = demo_db.table("territories").filter(pl.col("parent_id") == "T-APAC")["territory_id"]
    assert apac == targets.filter(pl.col("scope") == "territory", pl.col("scope_id").is_in(children.to_list()))["amount"].sum()


def test_attainment_varies_between_territories(demo_db):
    attainment = demo_db.query("""
        WITH won AS (SELECT territory_id, sum(amount_rc) AS won FROM deals
                     WHERE status = 'won' AND year(close_date) = 2025 GROUP BY 1),
             target AS (SELECT scope_id AS territory_id, sum(amount) AS target FROM targets
                        WHERE scope = 'territory' AND year(period_start) = 2025 GROUP BY 1)
        SELECT territory_id, won / target AS attainment FROM won JOIN target USING (territory_id)""")
    assert attainment.height == 28
    assert 0.6 <= attainment["attainment"].min() < 0.9
    assert 1.1 < attainment["attainment"].max() <= 1.7
    win_rates = demo_db.query("""SELECT territory_id, avg(CASE WHEN status = 'won' THEN 1 ELSE 0 END) AS rate
                                 FROM deals WHERE status <> 'open' GROUP BY 1""")["rate"]
    assert win_rates.max() - win_rates.min() > 0.1


def test_seasonality_peaks_at_quarter_ends_and_q4(demo_db):
    monthly = dict(demo_db.rows("""SELECT month(close_date), sum(amount_rc) FROM deals
                                   WHERE status = 'won' AND year(close_date) = 2025 GROUP BY 1"""))
    assert max(monthly, key=monthly.get) == 12
    assert monthly[3] > monthly[2] and monthly[6] > monthly[5] and monthly[9] > monthly[8]


def test_deliberate_data_quality_faults(demo_db):
    accounts = demo_db.table("accounts")
    orphans = accounts.filter(pl.col("territory_id").is_null())
    assert orphans.height == 250 and orphans["owner_rep_id"].null_count() == 250
    assert demo_db.scalar("SELECT count(*) FROM deals WHERE territory_id IS NULL") == 0
    duplicates = (accounts.group_by(pl.col("name").str.to_lowercase())
                  .agg(pl.col("account_id").n_unique().alias("ids"), pl.col("owner_rep_id").n_unique().alias("reps"),
                       pl.col("website").n_unique().alias("sites"))
                  .filter(pl.col("ids") > 1))
    assert duplicates.height == 10
    assert (duplicates["ids"] == 2).all() and (duplicates["reps"] == 2).all() and (duplicates["sites"] == 1).all()
    assert accounts["website"].n_unique() == accounts.height - 10
    precision = dict(accounts.group_by("geo_precision").len().iter_rows())
    assert precision == {"exact": 24_524, "postal_code": 139, "city": 244, "state": 48, "country": 32, None: 23}
    unplaced = accounts.filter(pl.col("geo_precision").is_null())
    assert unplaced["lat"].null_count() == 23 and unplaced["country"].null_count() == 23


def test_accounts_sit_in_their_territory_and_chinese_accounts_have_chinese_names(demo_db):
    accounts = demo_db.table("accounts")
    china = accounts.filter(pl.col("country") == "CN")
    assert china.height > 2_000
    assert china["name"].str.ends_with("有限公司").all()
    gc = accounts.filter(pl.col("territory_id").is_in(["T-GC-EAST", "T-GC-NORTH", "T-GC-SOUTH", "T-GC-WEST"]))
    assert set(gc["country"].drop_nulls()) <= {"CN", "HK"}
    east = accounts.filter(pl.col("territory_id") == "T-GC-EAST", pl.col("city") == "Shanghai")
    assert east.height > 80
    placed = accounts.filter(pl.col("geo_precision") == "exact", pl.col("country") == "US")
    assert placed["lat"].is_between(18, 72).all() and placed["lon"].is_between(-180, -60).all()
    us = accounts.filter(pl.col("country") == "US")
    assert us["postal_code"].null_count() < us.height * 0.01
    assert accounts["account_id"].is_unique().all()


def test_fiscal_year_starting_in_april_moves_the_three_years(small):
    april = generate_demo(SMALL, fiscal_start_month=4)
    months = april["targets"]["period_start"]
    assert months.min() == date(2024, 4, 1) and months.max() == date(2027, 3, 1)
    assert small["targets"]["period_start"].min() == date(2024, 1, 1)


def test_refuses_a_database_with_data_and_replaces_only_when_asked(store):
    build_demo(store, scale=SMALL)
    before = store.count("deals")
    with pytest.raises(DatabaseNotEmpty, match="already holds"):
        build_demo(store, scale=SMALL)
    summary = build_demo(store, scale=SMALL, seed=9, replace=True)
    assert store.count("deals") == summary["deals"] == before  # replaced, never doubled
    assert store.get_meta("demo") is not None


def test_a_failing_build_leaves_nothing_behind(store, monkeypatch):
    real = demo.generate_demo

    def broken(*args, **kwargs):
        frames = real(*args, **kwargs)
        frames["targets"] = pl.concat([frames["targets"], frames["targets"].head(1)])  # duplicate primary key
        return frames

    monkeypatch.setattr(demo, "generate_demo", broken)
    with pytest.raises(Exception):
        build_demo(store, scale=SMALL)
    assert store.is_empty() and store.count("territories") == 0 and store.count("targets") == 0


@pytest.mark.parametrize("scale", [0, -1, 1000])
def test_rejects_a_senseless_scale(scale):
    with pytest.raises(TerrainError, match="scale"):
        generate_demo(scale)


def test_cli_demo_exit_codes(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    assert cli_main(["demo", "--db", db, "--scale", str(SMALL)]) == 0
    out = capsys.readouterr().out
    assert "accounts                    503 rows" in out and "deals                     3,000 rows" in out
    assert "Done in" in out and out.index("accounts") < out.index("deals") < out.index("Done in")
    assert cli_main(["demo", "--db", db, "--scale", str(SMALL)]) == 2
    assert "already holds data" in capsys.readouterr().err
    assert cli_main(["demo", "--db", db, "--scale", str(SMALL), "--seed", "3", "--force"]) == 0
    assert cli_main(["demo", "--db", db, "--scale", "0", "--force"]) == 2
    assert "scale" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        cli_main(["demo", "--db", db, "--scale", "lots"])
    assert usage.value.code == 2


def test_cli_demo_if_empty_builds_a_new_database_once_and_keeps_one_with_data(tmp_path, capsys):
    """What scripts/start runs before the server: the first start builds, later starts keep the data."""
    db = str(tmp_path / "start.duckdb")
    assert cli_main(["demo", "--db", db, "--scale", str(SMALL), "--if-empty"]) == 0
    assert "Building the demo company" in capsys.readouterr().out
    store = Store.open(db)
    store.execute("DELETE FROM deals WHERE status = 'lost'")  # the user's own changes must survive
    deals = store.count("deals")
    store.close()
    assert cli_main(["demo", "--db", db, "--scale", str(SMALL), "--if-empty"]) == 0
    assert "already holds a company (503 accounts)" in capsys.readouterr().out
    store = Store.open(db)
    assert store.count("deals") == deals
    store.close()
    with pytest.raises(SystemExit):
        cli_main(["demo", "--db", db, "--force", "--if-empty"])


def test_the_planted_duplicates_and_orphans_are_found_by_the_territory_engine(demo_db):
    from engine.territories.duplicates import duplicate_groups, duplicate_summary
    from engine.territories.unowned import unowned_accounts

    groups = duplicate_groups(demo_db)
    assert duplicate_summary(groups) == {"groups": 10, "accounts": 20, "split_groups": 10}
    assert set(groups["matched_on"].list.join("+")) == {"name+domain"}  # nothing else looks alike
    assert unowned_accounts(demo_db, missing="both").height == 250


def test_health_tiers_of_the_demo_are_a_plausible_mix(demo_db):
    """Calibration (docs/health.md): most customers green or yellow, a red minority of 10–20%."""
    from engine.health.score import health_table, tier_counts

    counts = tier_counts(health_table(demo_db))
    assert counts == {"green": 11_511, "yellow": 9_077, "red": 4_422}
    assert 0.10 <= counts["red"] / sum(counts.values()) <= 0.20


def test_account_care_keeps_most_customers_in_touch(demo_db):
    """Each owned customer has a rhythm of care touches; about 5% drifted out of touch (plus the
    planted ownerless accounts, which nobody touches)."""
    rows = demo_db.rows(
        "SELECT count(*) FILTER (WHERE last IS NULL OR last < ?::DATE - 90), count(*) FROM "
        "(SELECT a.account_id, max(CAST(x.ts AS DATE)) AS last FROM accounts a "
        "LEFT JOIN activities x USING (account_id) GROUP BY a.account_id)", [ANCHOR])[0]
    assert rows == (1_922, 25_010)  # silent for more than 90 days, of all accounts


def test_replacing_the_demo_keeps_the_board_links(tmp_path, capsys):
    """A board link is set up like a user (a wall screen's token), not data: `demo --force` keeps it."""
    from engine.access.board_links import create_link, list_links, revoke_link, verify
    db = str(tmp_path / "links.duckdb")
    assert cli_main(["demo", "--db", db, "--scale", str(SMALL)]) == 0
    store = Store.open(db)
    token, link = create_link(store, "Lobby", "T-EMEA", "zh", 20)
    _, revoked = create_link(store, "Old lobby")
    revoke_link(store, revoked.link_id)
    store.close()
    assert cli_main(["demo", "--db", db, "--scale", str(SMALL), "--seed", "3", "--force"]) == 0
    store = Store.open(db)
    assert store.count("accounts") > 0 and store.count("board_tokens") == 2
    found = verify(store, token)
    assert (found.link_id, found.label, found.scope, found.lang, found.rotate_seconds) == \
        (link.link_id, "Lobby", "T-EMEA", "zh", 20)
    assert sorted(list_links(store)["link_id"].to_list()) == sorted([link.link_id, revoked.link_id])
    assert list_links(store).filter(pl.col("link_id") == revoked.link_id)["revoked_at"][0] is not None
    store.close()
