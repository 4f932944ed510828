"""The Import page's last English in 中文: the "(field N)" column of a ragged row's extra cells, and
the refusal in strict mode (rows that turned bad after the check) — both said in the page's language."""
from __future__ import annotations

import json

import pytest

import engine.importing as importing
from tests.app.conftest import database_for_app, run_page
from tests.app.test_every_page_speaks import ALLOWED, _names, english_words, rendered_texts
from tests.app.test_import_problems_zh import CODE
from tests.conftest import REPO, fill_tiny_company
from tests.importing.test_problem_words import BAD_DEALS, EXPECTED

RAGGED = (REPO / "tests" / "importing" / "broken" / "ragged_too_many_fields.csv").read_bytes()


@pytest.fixture
def tiny_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_tiny_company)


def _uploaded(lang: str, name: str, content: bytes):
    app = run_page("import", lang=lang, timeout=120)
    app.file_uploader[0].set_value([(name, content, "text/csv")])
    return app.run()


def _problems(app):
    return next(frame.value for frame in app.dataframe if "reason" in frame.value.columns)


@pytest.mark.parametrize("lang, column", [("zh", "（第 5 个字段）"), ("en", "(field 5)")])
def test_a_ragged_rows_extra_cells_are_named_in_the_pages_language(tiny_db, lang, column):
    app = _uploaded(lang, "accounts.csv", RAGGED)
    assert not app.exception, app.exception
    problems = _problems(app)
    extra = [(row, name) for row, name in zip(problems["row"], problems["column"]) if "field" in name or "字段" in name]
    assert extra == [(4, column)]
    if lang == "zh":
        allowed = ALLOWED | _names([RAGGED.decode(), "accounts.csv", "Müller M黮ler", "UTF BOM LE BE Windows GBK Big Shift-JIS"])
        found = english_words(rendered_texts(app), allowed)
        assert found == [], json.dumps(found, ensure_ascii=False)


def _refused(tiny_db, monkeypatch, lang: str):
    """BAD_DEALS as if its rows turned bad after the check: the page's check sees no problem (its
    `check_plan` drops them), so the button is live; the import checks again, strictly, and refuses."""
    real = importing.check_plan

    def check_saw_nothing(*args, **kwargs):
        outcomes, context = real(*args, **kwargs)
        for outcome in outcomes:
            outcome.problems = outcome.problems.clear()
        return outcomes, context

    monkeypatch.setattr(importing, "check_plan", check_saw_nothing)
    app = _uploaded(lang, "deals.csv", BAD_DEALS.encode("utf-8"))
    assert not app.exception, app.exception
    button = next(b for b in app.button if b.label == ("开始导入" if lang == "zh" else "Import"))
    assert not button.disabled
    return button.click().run()


def test_the_strict_refusal_speaks_chinese_and_writes_nothing(tiny_db, monkeypatch):
    from ui import context
    deals = context.base_store().count("deals")
    app = _refused(tiny_db, monkeypatch, "zh")
    assert not app.exception, app.exception
    assert [e.value for e in app.error] == ["**导入被拒绝** —— 未导入任何数据：1 个文件中有 5 个问题，列于下方（导入时发现："
                                            "检查之后数据有变化）。请修正所列的行，或勾选“跳过无效行”，只导入有效的行，"
                                            "其余另行保留。"]
    assert list(_problems(app)["reason"]) == [zh for _, _, _, zh in EXPECTED]
    allowed = ALLOWED | _names([BAD_DEALS, "deals.csv", "Müller M黮ler", "UTF BOM LE BE Windows GBK Big Shift-JIS"])
    found = english_words([CODE.sub("", text) for text in rendered_texts(app)], allowed)
    assert found == [], json.dumps(found, ensure_ascii=False)
    assert context.base_store().count("deals") == deals and deals > 0       # nothing half-written


def test_the_strict_refusal_in_english(tiny_db, monkeypatch):
    app = _refused(tiny_db, monkeypatch, "en")
    assert app.error[0].value.startswith("**The import was refused** — nothing was imported: 5 problems in 1 file")
    assert list(_problems(app)["reason"]) == [en for _, _, en, _ in EXPECTED]
