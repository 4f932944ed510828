"""Invariants of importing invoices, over random sheets: every row is loaded or rejected (never
dropped), and what loads was paid between nothing and its whole amount, converted alike."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from engine.importing import import_files
from engine.store import Store


def _sheet(seed: int, rows: int) -> str:
    rng = random.Random(seed)
    lines = ["invoice_number,invoice_date,due_date,amount,paid_amount,balance,status"]
    for i in range(rows):
        amount = rng.choice([0, 10, 99.5, 1_000, 12_345.67])
        paid = rng.choice(["", "0", str(amount), str(amount / 2), str(amount + 5), "-1"])
        balance = rng.choice(["", "", "0", str(amount / 4), str(-3)])
        status = rng.choice(["", "Paid", "Open", "已付款"])
        due = rng.choice(["2024-03-31", "2024-01-15", ""])
        lines.append(f"N-{i},2024-02-01,{due},{amount},{paid},{balance},{status}")
    return "\n".join(lines) + "\n"


@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 100_000), rows=st.integers(1, 25))
def test_rows_load_or_are_rejected_and_payments_stay_within_the_amount(tmp_path, seed, rows):
    path = tmp_path / f"invoices-{seed}-{rows}.csv"
    path.write_text(_sheet(seed, rows))
    store = Store.open(":memory:")
    try:
        result = import_files(store, [path], reporting_currency="USD", skip_invalid=True)
        [(loaded, rejected)] = result.files.select("rows_loaded", "rows_rejected").rows()
        assert loaded + rejected == rows
        assert store.count("invoices") == loaded
        assert store.scalar("SELECT count(*) FROM import_rejects") >= rejected
        assert store.scalar("SELECT count(*) FROM invoices WHERE paid_amount < 0 OR paid_amount > amount + 0.005 "
                            "OR due_date < issue_date OR amount_rc <> amount OR paid_amount_rc <> paid_amount") == 0
    finally:
        store.close()
