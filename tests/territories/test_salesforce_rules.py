"""The real Salesforce sample under a small US rule set: the exact orphans, and routing on import."""
from __future__ import annotations

import polars as pl

from engine.importing import import_files
from engine.territories.publish import route_accounts, simulate_live
from engine.territories.rules import save_rules
from tests.importing.conftest import SALESFORCE

FILES = [SALESFORCE / "Account.csv", SALESFORCE / "Opportunity.csv"]
US = 'country in ["United States", "US", "USA"]'
TERRITORIES = pl.DataFrame({"territory_id": ["NA", "NA-W", "NA-C", "NA-E"],
                            "name": ["North America", "US West", "US Central", "US East"],
                            "parent_id": [None, "NA", "NA", "NA"]})
RULES = pl.DataFrame({
    "territory_id": ["NA-W", "NA-C", "NA-E"], "priority": [10, 10, 10],
    "expression": [f'{US} and state in ["CA", "OR", "WA", "AK", "ID", "CO"]',
                   f'{US} and state in ["IL", "MN", "SD"]',
                   f'{US} and state in ["NY", "ME", "VA", "WV", "TN", "MS", "IN"]'],
})


def _with_rules(store) -> None:
    store.insert_frame("territories", TERRITORIES)
    save_rules(store, RULES, actor="ops")


def test_the_exact_orphans_of_the_sample(store):
    _with_rules(store)
    result = import_files(store, FILES, reporting_currency="USD")
    assert (result.routed, result.orphans) == (18, 4)
    simulation = simulate_live(store)
    assert simulation.orphans.select("name", "field", "value", "reason").sort("name").rows() == [
        ("Hill Group", "state", "MP", "unexpected"),  # the Northern Mariana Islands: no rule names them
        ("Lead Account", "country", None, "empty"),
        ("Robinson-Dodson", "state", "MP", "unexpected"),
        ("Sample Account for Entitlements", "country", None, "empty"),  # the account without a billing address
    ]
    assert simulation.changes.is_empty()  # routing on import already applied the rules
    by_territory = dict(store.rows("SELECT territory_id, count(*) FROM accounts GROUP BY ALL"))
    assert by_territory == {"NA-W": 8, "NA-C": 3, "NA-E": 7, None: 4}
    # the open deals of routed accounts followed them
    assert store.scalar("SELECT count(*) FROM deals d JOIN accounts a USING (account_id) WHERE d.status = 'open' "
                        "AND d.territory_id IS DISTINCT FROM a.territory_id") == 0
    assert store.scalar("SELECT count(*) FROM assignment_log WHERE actor = 'import'") == 18


def test_keeping_the_crm_territory_or_not(store):
    _with_rules(store)
    import_files(store, FILES, reporting_currency="USD")
    ids = store.table("accounts", ["account_id"])["account_id"].to_list()
    store.execute("UPDATE accounts SET territory_id = 'NA' WHERE name = 'Good PLC'")  # as if the CRM said so
    kept = route_accounts(store, ids, keep_crm_territory=True)
    assert (kept.routed, kept.orphans) == (0, 4)  # only accounts without a territory are routed
    assert store.scalar("SELECT territory_id FROM accounts WHERE name = 'Good PLC'") == "NA"
    replaced = route_accounts(store, ids, keep_crm_territory=False)
    assert (replaced.routed, replaced.orphans) == (1, 4)
    assert store.scalar("SELECT territory_id FROM accounts WHERE name = 'Good PLC'") == "NA-W"  # Alaska


def test_no_rules_no_routing(store):
    result = import_files(store, FILES, reporting_currency="USD")
    assert (result.routed, result.orphans) == (0, 0)
    assert store.count("assignment_log") == 0


def test_the_import_command_says_how_many_were_routed(tmp_path, capsys):
    from engine.cli import main
    from tests.conftest import database_file

    db = database_file(tmp_path / "sf.duckdb", _with_rules)
    code = main(["import", str(SALESFORCE / "Account.csv"), "--db", str(db)])
    assert code == 0
    assert "routed 18 new account(s) by the assignment rules; 4 orphan(s) matched no rule" in capsys.readouterr().out
