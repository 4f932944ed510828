"""A demo company with postal-code territories: California split between the Bay Area, Los Angeles
and the rest of US Pacific — territories no state boundary can draw (the maps draw them as H3 cells)."""
from __future__ import annotations

import polars as pl

from engine.store import Store
from engine.territories.publish import apply_rules
from engine.territories.rules import load_rules, save_rules
from engine.territories.tree import add_territory

POSTAL_TERRITORIES = {"T-US-BAY": ("Bay Area", 'country == "US" and postal_code startswith "94"'),
                      "T-US-LA": ("Los Angeles", 'country == "US" and postal_code startswith "90"')}


def split_california(store: Store) -> None:
    """Add the postal-code territories under US West, with rules that beat the state rules, and apply them."""
    for territory_id, (name, _) in POSTAL_TERRITORIES.items():
        add_territory(store, name, parent_id="T-AMER-USW", territory_id=territory_id, actor="test")
    extra = pl.DataFrame({"territory_id": list(POSTAL_TERRITORIES), "priority": [50, 50],
                          "expression": [expression for _, expression in POSTAL_TERRITORIES.values()]})
    rules = load_rules(store)
    save_rules(store, pl.concat([rules, extra.select(pl.col(c).cast(rules.schema[c]) for c in extra.columns)],
                                how="diagonal"), actor="test")
    apply_rules(store, actor="test")
