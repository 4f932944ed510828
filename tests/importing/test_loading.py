"""One import = one transaction: strict refusal, --skip-invalid with kept rejects, upserts, profiles."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.store.errors import ImportFailed, TerrainError
from engine.importing import (import_files, import_history, import_rejects, list_profiles, load_profile,
                              plan_files, save_profile)
from engine.importing import load as load_module
from engine.store import Store
from tests.importing.conftest import BROKEN, SALESFORCE

TABLES = ("accounts", "deals", "reps", "territories", "territory_members", "activities", "imports", "import_rejects")


def _counts(store):
    return {t: store.count(t) for t in TABLES}


def test_skip_invalid_loads_valid_rows_and_keeps_rejected_rows_with_their_cells(store):
    result = import_files(store, [BROKEN / "unparseable_dates.csv"], reporting_currency="USD", skip_invalid=True)
    assert result.files.select("rows_in", "rows_loaded", "rows_rejected", "status").row(0) == (3, 2, 1, "partial")
    assert sorted(store.query("SELECT deal_id FROM deals")["deal_id"]) == ["006A1", "006A3"]
    rejects = import_rejects(store, result.files["import_id"][0])
    assert rejects.select("row_number", "column", "value", "reason").rows() == [
        (3, "CloseDate", "31/31/2024", "is not a date")]
    record = json.loads(rejects["record"][0])
    assert record["Id"] == "006A2" and record["CloseDate"] == "31/31/2024"


def test_skip_invalid_with_an_unreadable_file_loads_the_other_files(store):
    result = import_files(store, [BROKEN / "empty.csv", SALESFORCE / "Opportunity.csv"], reporting_currency="USD",
                          skip_invalid=True)
    assert result.files.select("file", "rows_loaded", "status").rows() == [
        ("Opportunity.csv", 50, "loaded"), ("empty.csv", 0, "rejected")]
    assert store.count("deals") == 50


def test_strict_import_of_several_files_writes_nothing_when_one_is_bad(store):
    before = _counts(store)
    with pytest.raises(ImportFailed) as failure:
        import_files(store, [SALESFORCE / "Opportunity.csv", BROKEN / "duplicate_ids.csv"], reporting_currency="USD")
    assert _counts(store) == before
    assert [p.file for p in failure.value.problems] == ["duplicate_ids.csv"]


def test_an_import_failing_half_way_leaves_nothing_behind(tiny_store, monkeypatch):
    before = _counts(tiny_store)
    real = load_module._write_table
    written = []

    def fail_after_first_table(tx, table, frames):
        real(tx, table, frames)
        written.append(table)
        raise RuntimeError("disk full")

    monkeypatch.setattr(load_module, "_write_table", fail_after_first_table)
    with pytest.raises(RuntimeError):
        import_files(tiny_store, [SALESFORCE / "Account.csv", SALESFORCE / "Opportunity.csv"],
                     reporting_currency="USD")
    assert written == ["accounts"]
    assert _counts(tiny_store) == before


def test_reimporting_an_updated_export_replaces_rows(store, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text("deal_id,deal_name,amount,stage,close_date\nD1,a,100,Won,2024-01-01\nD2,b,50,Lost,2024-01-02\n")
    import_files(store, [path], reporting_currency="USD")
    path.write_text("deal_id,deal_name,amount,stage,close_date\nD1,a,150,Won,2024-01-01\nD3,c,70,Engaging,\n")
    import_files(store, [path], reporting_currency="USD")
    assert store.query("SELECT deal_id, amount, status FROM deals ORDER BY 1").rows() == [
        ("D1", 150.0, "won"), ("D2", 50.0, "lost"), ("D3", 70.0, "open")]
    assert import_history(store)["rows_loaded"].to_list() == [2, 2]


def test_unknown_stage_loads_once_the_user_says_what_it_means(store):
    with pytest.raises(ImportFailed):
        import_files(store, [BROKEN / "unknown_stages.csv"], reporting_currency="USD")
    import_files(store, [BROKEN / "unknown_stages.csv"], reporting_currency="USD",
                 stage_overrides={"Verbal Yes": "open"})
    assert store.query("SELECT deal_id, status FROM deals ORDER BY 1").rows() == [("006A1", "won"), ("006A2", "open")]


def test_mapping_profiles_round_trip(store):
    save_profile(store, "zoho deals", "zoho", "deals", {"Deal Ident": "deal_id"})
    save_profile(store, "zoho deals", "zoho", "deals", {"Deal Ident": "deal_id", "Value": "amount"})
    assert load_profile(store, "zoho deals") == ("zoho", "deals", {"Deal Ident": "deal_id", "Value": "amount"})
    assert list_profiles(store).select("name", "columns").rows() == [("zoho deals", 2)]
    with pytest.raises(TerrainError, match="no mapping profile called 'nope'"):
        load_profile(store, "nope")


def test_unknown_field_in_an_override_is_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(TerrainError, match="not a field of deals"):
        plan_files([path], entity="deals", overrides={"a": "amountt"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=600),
                 st.text(alphabet=st.sampled_from(list('ab,;|\t"\n\r 1.-$€¥年月日客户金额\x00')), max_size=300)
                 .map(lambda text: text.encode("utf-8"))))
def test_fuzz_reader_and_import_never_raise_unhandled(tmp_path, data):
    """Any bytes at all: the import either loads or refuses with a TerrainError, never crashes."""
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    store = Store.open(":memory:")
    try:
        import_files(store, [path], reporting_currency="USD")
    except TerrainError as refused:
        assert str(refused)
    finally:
        store.close()
