"""Looking ids up in a table (deal → account territory, owner → primary territory): the hash-keyed
lookup must give exactly what a dictionary gives, whatever the ids."""
from __future__ import annotations

import polars as pl
from hypothesis import given, settings, strategies as st

from engine.importing import resolve
from engine.importing.resolve import lookup_ids

IDS = st.text(alphabet="ab01 ", max_size=4)


def expected(ids: list[str | None], rows: list[tuple[str, str | None]]) -> tuple[list[bool], list[str | None]]:
    table = dict(rows)  # the last row of a repeated key wins
    return [i is not None and i in table for i in ids], [table.get(i) if i is not None else None for i in ids]


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(st.none() | IDS, max_size=30),
       rows=st.lists(st.tuples(IDS, st.none() | st.sampled_from(["north", "south", "华东"])), max_size=12))
def test_lookup_ids_gives_what_a_dictionary_gives(ids, rows):
    table = pl.DataFrame(rows, schema={"account_id": pl.String, "territory_id": pl.String}, orient="row")
    found = lookup_ids(pl.Series("account_id", ids, dtype=pl.String), table, "account_id", "territory_id")
    assert (found["found"].to_list(), found["territory_id"].to_list()) == expected(ids, rows)


def test_a_hash_clash_falls_back_to_joining_the_strings(monkeypatch):
    monkeypatch.setattr(resolve, "_positions", lambda ids, keys: None)
    table = pl.DataFrame({"account_id": ["a", "b", "a"], "territory_id": ["t1", "t2", "t3"]})
    found = lookup_ids(pl.Series("account_id", ["a", None, "c", "b"]), table, "account_id", "territory_id")
    assert found.rows() == [(True, "t3"), (False, None), (False, None), (True, "t2")]


def test_repeated_keys_keep_the_last_row_and_unknown_ids_are_not_found():
    table = pl.DataFrame({"account_id": ["001A", "001B", "001A"], "territory_id": ["east", None, "west"]})
    found = lookup_ids(pl.Series(["001A", "001B", "001C", None]), table, "account_id", "territory_id")
    assert found.rows() == [(True, "west"), (True, None), (False, None), (False, None)]
