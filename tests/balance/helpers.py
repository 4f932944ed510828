"""Hand-made balance inputs small enough to check by hand."""
from __future__ import annotations

import polars as pl

from engine.planner.balance.auto import BalanceInput


def line_company(counts: dict[str, int], *, spacing: float = 0.01, values: list[float] | None = None) -> BalanceInput:
    """Accounts on a north-south line, territory by territory in the order given (so each territory
    is one contiguous run); each territory's home base sits at its first account. One postal code
    per account; `values` (one per account) fill every money metric, default 1.0."""
    ids, territories, lats = [], [], []
    homes = []
    for territory, count in counts.items():
        homes.append((territory, len(ids) * spacing))
        for _ in range(count):
            ids.append(f"A{len(ids):03d}")
            territories.append(territory)
            lats.append(len(lats) * spacing)
    n = len(ids)
    values = values or [1.0] * n
    accounts = pl.DataFrame({
        "account_id": ids, "territory_id": territories, "lat": lats, "lon": [0.0] * n,
        "country": ["US"] * n, "state": ["CA"] * n, "city": [f"City{i // 2}" for i in range(n)],
        "postal_code": [f"{90000 + i}" for i in range(n)], "won": values, "pipeline": values,
        "potential": values, "activities": values, "visit_hours": values})
    home_frame = pl.DataFrame({"territory_id": [h[0] for h in homes], "home_lat": [h[1] for h in homes],
                               "home_lon": [0.0] * len(homes)})
    return BalanceInput(accounts, home_frame)
