"""Every page in both languages: no message key shown instead of its words, and in 中文 no English
words left in any rendered text (titles, captions, labels, placeholders, options, help, tiles,
alerts). Names from the data, codes and units are allowed (ALLOWED and the tiny company's names)."""
from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from engine.i18n import catalog
from tests.app.conftest import database_for_app, run_page
from tests.conftest import fill_tiny_company

PAGES = ("overview", "reps", "forecast", "targets", "activity", "planner", "import")
# Codes, units and product names that stay as they are in Chinese text.
ALLOWED = {
    "usd", "eur", "cny", "fy", "q1", "q2", "q3", "q4", "cv", "kpi", "crm", "csv", "xlsx", "xls", "tsv", "txt",
    "parquet", "excel", "salesforce", "zoho", "hubspot", "dynamics", "generic", "png", "svg", "pdf", "id",
    "km", "mi", "mb", "gb", "k", "m", "b", "h", "x", "terrain", "mape", "utc", "us", "de", "ca", "ny", "be",
    "rc",
}
# Proto fields that hold machine text (ids, keys, chart specs, JSON configs), not words people read.
SKIPPED_FIELDS = {"id", "form_id", "key", "spec", "json", "columns", "data", "arrow_data", "styler", "default",
                  "type", "format", "url_path", "page_script_hash", "icon", "mapbox_token", "selection_mode",
                  "page_name", "tooltip", "theme", "vega_lite_chart"}
KEY_SHAPE = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
MACHINE = re.compile(r"^[0-9a-f]{16,}$|^/|^https?://|^[\w.-]+\.(csv|xlsx|png|svg|pdf|json)$")  # ids, media paths, file names
WORD = re.compile(r"[A-Za-z][A-Za-z_'’-]+")


@pytest.fixture
def tiny_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_tiny_company)


def _texts(message, out: list[str]) -> None:
    """Every string field of a protobuf message, recursively (skipping machine fields)."""
    for field, value in message.ListFields():
        if field.name == "columns" and isinstance(value, str) and value.startswith("{"):
            # a table's column config (JSON): its headers and help are words people read
            for config in json.loads(value).values():
                if isinstance(config, dict):
                    out.extend(str(config[k]) for k in ("label", "help") if config.get(k))
            continue
        if field.name in SKIPPED_FIELDS:
            continue
        values = value if getattr(field, "is_repeated", False) or isinstance(value, (list, tuple)) \
            or type(value).__name__.startswith("Repeated") else [value]
        for item in values:
            if isinstance(item, str):
                out.append(item)
            elif hasattr(item, "ListFields"):
                _texts(item, out)


def rendered_texts(app: AppTest) -> list[str]:
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            _texts(proto, out)
            if type(node).__name__ == "Dataframe":  # a header without a label shows the raw column name
                config = json.loads(proto.columns) if proto.columns else {}
                out.extend(column for column in node.value.columns
                           if not (config.get(column) or {}).get("label") and not (config.get(column) or {}).get("hidden"))
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(app._tree)
    return [text for text in out if text.strip() and not MACHINE.match(text.strip())]


def _names(store_texts: list[str]) -> set[str]:
    """The words of the data's own names (territories, reps, accounts, places) and of `store_texts`."""
    from engine.store import Store
    from ui import context

    store: Store = context.base_store()
    words: set[str] = set()
    for table, columns in (("territories", ("name",)), ("reps", ("name",)),
                           ("accounts", ("name", "industry", "city", "state", "country"))):
        for column in columns:
            for value in store.table(table, [column])[column].drop_nulls().to_list():
                words.update(w.lower() for w in WORD.findall(value))
    return words | {w.lower() for text in store_texts for w in WORD.findall(text)}


def english_words(texts: list[str], allowed: set[str]) -> list[tuple[str, str]]:
    found = []
    for text in texts:
        for word in WORD.findall(text):
            if word.startswith("TERRAIN_"):  # a setting's name, as the README lists it
                continue
            if word.lower() not in allowed and word.lower().strip("'’-") not in allowed:
                found.append((word, text[:80]))
    return found


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_message_key_is_shown(tiny_db, page, lang):
    app = run_page(page, period="2024-Q2", lang=lang, timeout=120)
    assert not app.exception, app.exception
    keys = set(catalog())
    shown = [text for text in rendered_texts(app) if KEY_SHAPE.match(text.strip()) and text.strip() in keys]
    assert shown == [], f"message keys shown on {page} ({lang}): {shown}"


@pytest.mark.parametrize("page", PAGES)
def test_no_english_left_in_chinese(tiny_db, page):
    app = run_page(page, period="2024-Q2", lang="zh", timeout=120)
    assert not app.exception, app.exception
    allowed = ALLOWED | _names([])
    found = english_words(rendered_texts(app), allowed)
    assert found == [], f"English on {page} in 中文: " + json.dumps(found[:40], ensure_ascii=False, indent=0)


def test_the_walk_catches_english():
    """The scan itself: an English sentence, a placeholder and a message key would be caught."""
    assert english_words(["请选择…", "Choose options", "2024财年第2季度 · 单位 USD"], ALLOWED) == [
        ("Choose", "Choose options"), ("options", "Choose options")]
    assert KEY_SHAPE.match("planner.tile.cv") and not KEY_SHAPE.match("离散度（CV）")


def test_an_import_with_warnings_speaks_chinese(tiny_db, tmp_path, monkeypatch):
    """The import's own sentences (engine/importing: accounts created from names on deal rows, deals
    whose accounts are unknown) are said in 中文 too, like the page around them."""
    dynamics = tmp_path / "opportunities.csv"
    dynamics.write_text(
        "opportunityid,name,_parentaccountid_value,estimatedvalue,estimatedclosedate,statecode,stepname,"
        "closeprobability,_ownerid_value,createdon\n"
        "a1b2-0001,Fleet deal,acc-1,12000.00,2024-05-31,1,4-Close,100,usr-1,2024-01-10T08:00:00Z\n"
        "a1b2-0002,Pilot,acc-2,800.00,2024-09-30,0,2-Develop,40,usr-1,2024-03-10T08:00:00Z\n", encoding="utf-8")
    zoho = tmp_path / "zoho_deals.csv"
    zoho.write_text("Deal Name,Account Name,Amount,Stage,Closing Date,Deal Owner\n"
                    "Renewal,Globex Neu,5000,Closed Won,2024-04-30,Ada West\n", encoding="utf-8")
    # The pickers bind their language when drawn (pages/import.py), so AppTest formatting a choice
    # again between runs, outside the session, finds the same labels: no patching of the language.
    app = run_page("import", lang="zh", timeout=120)
    app.file_uploader[0].set_value([(p.name, p.read_bytes(), "text/csv") for p in (dynamics, zoho)])
    app.run()
    next(b for b in app.button if b.label == "开始导入").click()
    app.run()
    assert not app.exception, app.exception
    infos = [i.value for i in app.info]
    assert any("2 行商机引用的客户既不在数据库中，也不在本次导入中" in i for i in infos), infos
    assert any("已根据商机行中的客户名称新建 1 个客户" in i for i in infos), infos
    # the file's own name, header and ids are quoted as they are
    allowed = ALLOWED | _names([dynamics.name, "parentaccountid value", "acc 1"])
    found = english_words(rendered_texts(app), allowed)
    assert found == [], "English after an import in 中文: " + json.dumps(found[:40], ensure_ascii=False, indent=0)
