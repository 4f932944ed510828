"""The Import page in 中文 with bad rows: the problems table's reasons (and their "what to do") are
Chinese, and a switch of language after an upload keeps the page working (the encoding, source
and entity pickers are said in the language of the run that drew them)."""
from __future__ import annotations

import json
import re

import pytest

from tests.app.conftest import database_for_app, run_page
from tests.app.test_every_page_speaks import ALLOWED, _names, english_words, rendered_texts
from tests.conftest import fill_tiny_company
from tests.importing.test_problem_words import BAD_DEALS, EXPECTED

# Code a reason quotes for the reader to type (a CLI flag with its value, a field name): not English prose.
CODE = re.compile(r"--\w+(?: '[^']*')?|\b[a-z]+(?:_[a-z]+)+\b")


@pytest.fixture
def tiny_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_tiny_company)


def _uploaded(lang: str):
    app = run_page("import", lang=lang, timeout=120)
    app.file_uploader[0].set_value([("deals.csv", BAD_DEALS.encode("utf-8"), "text/csv")])
    return app.run()


def _problem_table(app):
    return next(frame.value for frame in app.dataframe if "reason" in frame.value.columns)


def test_the_problems_table_speaks_chinese(tiny_db):
    app = _uploaded("zh")
    assert not app.exception, app.exception
    table = _problem_table(app)
    assert list(table["reason"]) == [zh for _, _, _, zh in EXPECTED]
    # the data, its file's name and the help's example of a garbled name (Müller read as M黮ler)
    allowed = ALLOWED | _names([BAD_DEALS, "deals.csv", "Müller M黮ler", "UTF BOM LE BE Windows GBK Big Shift-JIS"])
    left = english_words([CODE.sub("", reason) for reason in table["reason"]], allowed)
    assert left == [], f"English in the problems table in 中文: {left}"
    found = english_words(rendered_texts(app), allowed)
    assert found == [], json.dumps(found, ensure_ascii=False)


def test_the_problems_table_in_english_is_the_engines(tiny_db):
    table = _problem_table(_uploaded("en"))
    assert list(table["reason"]) == [en for _, _, en, _ in EXPECTED]


def test_a_switch_of_language_after_an_upload(tiny_db):
    """AppTest formats a choice again after the run; a browser sends the old label back after a
    switch. Both once named no option ('UTF-8 (detected)' is not in list)."""
    app = _uploaded("zh")
    app.run()  # the rerun that failed
    assert not app.exception, app.exception
    entity = next(s for s in app.selectbox if s.label == "数据类型")
    entity.set_value("deals").run()
    app.session_state["lang"] = "en"
    app.run()
    assert not app.exception, app.exception
    values = {s.label: s.value for s in app.selectbox}
    assert values["Text encoding"] == "utf-8" and values["Holds"] == "deals", values
    assert list(_problem_table(app)["reason"]) == [en for _, _, en, _ in EXPECTED]
    app.session_state["lang"] = "zh"
    app.run()
    assert not app.exception, app.exception
    assert list(_problem_table(app)["reason"]) == [zh for _, _, _, zh in EXPECTED]
