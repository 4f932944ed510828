"""One record, one file: a record id that two files of one import both bring.

Which of two differing records is right is the user's call, not ours, so the later file's row is
a problem naming the first file and row — in strict mode nothing is written, with skip-invalid the
first loads and the second is kept among the rejected rows. Nothing is dropped quietly.
"""
from __future__ import annotations

import polars as pl

from engine.importing.problems import problem_rows
from engine.importing.raw import ROW


def repeated_across_files(outcomes: list, keys_of: dict[str, list[str]]) -> None:
    """Add to `outcomes` (load._Outcome: plan, frame, problems) a problem for each row whose record
    key (`keys_of[entity]`) an earlier file of the same entity brought already."""
    by_entity: dict[str, list] = {}
    for outcome in outcomes:
        if outcome.frame is not None:
            by_entity.setdefault(outcome.plan.entity, []).append(outcome)
    for entity, group in by_entity.items():
        keys = keys_of.get(entity)
        if len(group) < 2 or not keys or not all(set(keys) <= set(o.frame.columns) for o in group):
            continue
        stacked = pl.concat([o.frame.lazy().select(*keys, ROW, pl.lit(i).alias("_file"))
                             for i, o in enumerate(group)]).drop_nulls(keys).collect()
        firsts = stacked.group_by(keys, maintain_order=True).agg(pl.col("_file").first().alias("_first_file"),
                                                               pl.col(ROW).first().alias("_first_row"))
        repeated = (stacked.join(firsts, on=keys, nulls_equal=False)
                    .filter(pl.col("_file") != pl.col("_first_file")))
        if repeated.is_empty():
            continue
        header_of = [{f: h for h, f in o.plan.columns.items()} for o in group]
        names = pl.Series([o.plan.file_name for o in group], dtype=pl.String)
        for (file_index,), rows in repeated.partition_by("_file", as_dict=True).items():
            outcome = group[file_index]
            column = header_of[file_index].get(keys[-1], keys[-1]) if len(keys) == 1 else ", ".join(keys)
            value = pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=" / ")
            found = problem_rows(rows, pl.lit(True), column, value, "import.problem.same_record_other_file",
                                 row=pl.col("_first_row"), file=pl.lit(names).gather(pl.col("_first_file")))
            outcome.problems = pl.concat([outcome.problems, found]).sort("row", nulls_last=True)
