"""The import's problems in both languages: each carries its catalog key and values, the English
`reason` is exactly the catalog's English filled in, and `reasons_in` says it in 中文 by polars —
the same sentence Python's str.format would write, for every value."""
from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from engine.i18n import catalog, t
from engine.importing import import_files, import_rejects, reasons_in
from engine.importing.problems import PROBLEM_SCHEMA, problem_frame, problem_rows
from engine.importing.notes import Note
from engine.importing.raw import ROW
from engine.store import Store
from engine.store.errors import ImportFailed, Problem

BAD_DEALS = ("Opportunity ID,Opportunity Name,Amount,Stage,Close Date,Probability (%)\n"
             "D1,Alpha,100,Closed Won,2024-04-31,100\n"        # not a date
             "D2,Beta,200,Vertrag,2024-04-10,50\n"             # unknown stage
             "D1,Gamma,300,Closed Won,2024-04-11,100\n"        # duplicate id of row 2
             "D4,Delta,,Closed Won,2024-04-12,100\n"           # won without an amount
             "D5,Epsilon,500,Prospecting,2024-06-30,170\n")    # not a probability

EXPECTED = [  # row, column, English reason, Chinese reason
    (2, "Close Date", "is not a date", "不是日期"),
    (3, "Stage", t("import.problem.unknown_stage"), t("import.problem.unknown_stage", "zh")),
    (4, "Opportunity ID", "duplicate record id (first on row 2)", "记录 ID 重复（首次出现在第 2 行）"),
    (5, "Amount", "is empty but required", "为空，但此项必填"),
    (6, "Probability (%)", "is not a probability between 0% and 100%", "不是 0% 到 100% 之间的概率"),
]


@pytest.fixture
def bad_deals(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(BAD_DEALS, encoding="utf-8")
    return path


def test_every_problem_is_said_in_both_languages(tmp_path, bad_deals):
    store = Store.open(tmp_path / "t.duckdb")
    result = import_files(store, [bad_deals], reporting_currency="USD", skip_invalid=True, source="generic",
                          entity="deals")
    problems = result.problems.sort("row")
    assert problems.select("row", "column", "reason").rows() == [(r, c, en) for r, c, en, _ in EXPECTED]
    chinese = reasons_in(problems, "zh")
    assert chinese.columns == ["file", "row", "column", "value", "reason"]
    assert chinese.select("row", "column", "reason").rows() == [(r, c, zh) for r, c, _, zh in EXPECTED]
    # the rejected rows keep their key: the download says why in the reader's language
    import_id = store.scalar("SELECT import_id FROM imports")
    rejects = import_rejects(store, import_id, "zh")
    assert rejects.columns == ["row_number", "column", "value", "reason", "record"]
    assert rejects.select("row_number", "reason").rows() == [(r, zh) for r, _, _, zh in EXPECTED]
    assert import_rejects(store, import_id)["reason"].to_list() == [en for _, _, en, _ in EXPECTED]


def test_the_command_line_and_strict_mode_stay_english(tmp_path, bad_deals):
    with pytest.raises(ImportFailed) as failure:
        import_files(Store.open(tmp_path / "t.duckdb"), [bad_deals], reporting_currency="USD", source="generic",
                     entity="deals")
    assert [(p.row, p.reason) for p in failure.value.problems] == [(r, en) for r, _, en, _ in EXPECTED]


@pytest.mark.parametrize(("key", "args", "english", "chinese"), [
    ("import.problem.not.year", {}, "is not a year such as 2009", "不是年份（如 2009）"),
    ("import.problem.same_record_other_file", {"row": "7", "file": "b.csv"},
     "the same record id is also on row 7 of b.csv; a record may come from one file of an import only: "
     "remove it from one of them", "同一记录 ID 也出现在 b.csv 的第 7 行；一次导入中一条记录只能来自一个文件：请从其中一个文件中删除"),
    ("import.problem.no_rate", {"currency": "USD", "day": "2024-05-31"},
     "has no exchange rate to USD on or before 2024-05-31: import a rates sheet (columns currency, "
     "rate_to_reporting, valid_from)",
     "在 2024-05-31 或之前没有到 USD 的汇率：请导入汇率表（列 currency、rate_to_reporting、valid_from）"),
    ("import.problem.missing_column", {"fields": "amount or amount_rc", "fields_zh": "amount或amount_rc",
                                       "field": "amount"},
     "has no column for amount or amount_rc: map one with --map 'COLUMN=amount' or in the mapping table",
     "没有 amount或amount_rc 列：请用 --map 'COLUMN=amount' 或在映射表中映射一列"),
])
def test_a_problem_row_and_a_listed_problem_say_the_same(key, args, english, chinese):
    frame = pl.DataFrame({ROW: [2, 3], "bad": [True, False]})
    by_rows = problem_rows(frame, pl.col("bad"), "Col", None, key, **args)
    listed = problem_frame([Problem("f.csv", 2, "Col", None, Note(key, **args))])
    for found in (by_rows, listed):
        assert found.schema == pl.Schema(PROBLEM_SCHEMA)
        assert found["reason"].to_list() == [english]
        assert reasons_in(found, "zh")["reason"].to_list() == [chinese]


def test_a_problem_without_a_key_keeps_its_words():
    found = problem_frame([Problem("f.csv", None, None, None, "cannot be read as CSV (EOF)")])
    assert reasons_in(found, "zh")["reason"].to_list() == ["cannot be read as CSV (EOF)"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["import.problem.target_twice", "import.problem.same_record_other_file",
                                           "import.problem.ragged_fewer", "import.problem.required"]),
                          st.text(max_size=12), st.text(max_size=12)), min_size=1, max_size=20))
def test_polars_fills_a_reason_as_str_format_would(cases):
    """Per-row values (quotes, braces, 中文, empty) fill the template exactly as t() does."""
    frame = pl.DataFrame({ROW: list(range(len(cases))), "key": [k for k, _, _ in cases],
                          "a": [a for _, a, _ in cases], "b": [b for _, _, b in cases]})
    values = {"row": pl.col("a"), "file": pl.col("b"), "fields": pl.col("a"), "width": pl.col("b")}
    found = problem_rows(frame, pl.lit(True), "c", None, pl.col("key"), **values)
    for lang in ("en", "zh"):
        expected = [t(k, lang, row=a, file=b, fields=a, width=b) if "{" not in a + b or k == "import.problem.required"
                    else None for k, a, b in cases]
        got = reasons_in(found, lang)["reason"].to_list()
        for want, have in zip(expected, got):
            if want is not None:  # a value holding "{name}" is filled in again by a later name: not compared
                assert have == want
    assert all(json.loads(a) is not None for a in found["reason_args"])


def test_every_problem_key_has_both_languages():
    keys = [k for k in catalog() if k.startswith("import.problem.")]
    assert len(keys) >= 40
    assert all(catalog()[k][0] and catalog()[k][1] and catalog()[k][0] != catalog()[k][1] for k in keys)


@pytest.mark.parametrize("exit_code", [-9, -6, -11, 3, None])
def test_a_worker_that_died_says_the_same_sentence_in_both_languages(exit_code):
    # the codes: SIGKILL, SIGABRT, SIGSEGV, an exit, no code
    from engine.importing.limits import Limits
    from engine.importing.worker import WorkerFailed, _death_hint, _death_message, _death_words

    limits = Limits()
    failed = WorkerFailed("big.xlsx", _death_message(exit_code, limits, "alloc"), hint=_death_hint(exit_code),
                          **_death_words(exit_code, limits, "alloc"))
    assert str(failed.sentence()) == f"{failed.reason} {failed.hint}"  # the English the CLI prints
    chinese = failed.sentence().text("zh")
    assert "未导入任何数据" in chinese and "nothing" not in chinese
