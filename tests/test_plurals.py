"""English counts say their noun in its own form through the catalogs — "1 account", "2 accounts",
never "account(s)" — while Chinese, which has no plural, reads as it always did."""
from __future__ import annotations

import re
from string import Formatter

import polars as pl
import pytest

from engine.health.config import FACTORS
from engine.health.explain import with_words
from engine.i18n import catalog, is_one, t

FORMS = re.compile(r"\{(\w+)\|[^{}|]*\|[^{}|]*\}")


@pytest.mark.parametrize("key, values, expected", [
    ("rules.applied", {"run": "A00001", "accounts": "1", "deals": "1"},
     "Applied as run A00001: 1 account and 1 open deal reassigned, each logged."),
    ("rules.applied", {"run": "A00001", "accounts": "2", "deals": "0"},
     "Applied as run A00001: 2 accounts and 0 open deals reassigned, each logged."),
    ("rules.undone", {"run": "A00002", "accounts": "1,000", "deals": "1"},
     "Run A00002 undone: 1,000 accounts and 1 deal put back."),
    ("rules.saved", {"count": 1}, "Saved 1 rule."),
    ("rules.copied", {"count": 1}, "Copied 1 rule into the editor; edit its condition (e.g. the countries), then save."),
    ("rules.copied", {"count": 3}, "Copied 3 rules into the editor; edit their conditions (e.g. the countries), then save."),
    ("import.done", {"loaded": "1", "files": 1, "rejected": "0"}, "Imported 1 row from 1 file; 0 rejected."),
    ("import.done", {"loaded": "72", "files": 2, "rejected": "1"}, "Imported 72 rows from 2 files; 1 rejected."),
    ("import.no_problems", {"rows": "1"}, "No problems found: 1 row is ready to load."),
    ("import.split_note", {"file": "t.csv", "rows": "1", "how": "split"},
     "t.csv: 1 target row for a quarter or year was split, to the cent."),
    ("targets.fallback", {"count": 1}, "No history for 1 split: it was split evenly."),
    ("planner.balance.done", {"plans": 0}, "Done: 0 plans found."),
    ("activity.days", {"days": "+1"}, "+1 day"),  # a change of one day
    ("activity.days", {"days": "1.5"}, "1.5 days"),
    ("overview.to_date_long", {"period": "FY2025 Q1", "day": "1 Jan 2025", "days": 1},
     "FY2025 Q1 to 1 Jan 2025, the same first 1 day"),
    ("planner.scenario.undone", {"id": "S0001", "count": 1}, "Undid scenario S0001: 1 account is back."),
    ("planner.filter.matches", {"count": "1"}, "1 account matches the filter."),
    ("planner.filter.matches", {"count": "1,204"}, "1,204 accounts match the filter."),
    ("tadmin.done.merge", {"changed": 1}, "Merged: 1 account changed owner."),
    ("tadmin.retire.preview", {"name": "US West", "accounts": 1, "open_deals": 0, "targets": 1, "children": 1,
                               "receiver": "US East"},
     "US West holds 1 account, 0 open deals, 1 target month and 1 sub-territory; they go to US East "
     "(sub-territories move up to its parent)."),
])
def test_english_counts_agree_with_their_nouns(key, values, expected):
    assert t(key, "en", **values) == expected


@pytest.mark.parametrize("key, values, expected", [
    ("rules.applied", {"run": "A00001", "accounts": "1", "deals": "2"},
     "已作为第 A00001 次运行应用：1 个客户和 2 个未结商机已重新分配，均已记录。"),
    ("import.done", {"loaded": "1", "files": 1, "rejected": "0"}, "已从 1 个文件导入 1 行；拒绝 0 行。"),
    ("rules.saved", {"count": 1}, "已保存 1 条规则。"),
])
def test_chinese_stays_as_it_was(key, values, expected):
    assert t(key, "zh", **values) == expected


@pytest.mark.parametrize("value, one", [
    (1, True), (1.0, True), (-1, True), ("1", True), ("+1", True), ("1\\.0", True),  # Markdown-escaped
    (0, False), (2, False), ("1,000", False), ("1.5", False), ("", False), ("one", False), (None, False),
])
def test_what_reads_as_one(value, one):
    assert is_one(value) is one


def test_no_message_says_s_in_brackets_and_every_choice_names_a_placeholder_it_fills():
    for key, (english, chinese) in catalog().items():
        assert "(s)" not in english, key
        assert not FORMS.search(chinese), key  # Chinese has no plural to choose
        placeholders = {name for _, name, _, _ in Formatter().parse(FORMS.sub("", english)) if name}
        assert set(FORMS.findall(english)) <= placeholders, key


def test_the_health_reason_counts_each_row_in_its_own_form():
    """The reason column is built by polars for every account at once: 1 deal, 3 deals, 1 day, 52 days."""
    rows = [("overdue_deals", 1, None), ("overdue_deals", 3, None), ("recency", None, 1), ("recency", None, 52)]
    scores = pl.DataFrame({
        "main_reason": [factor for factor, _, _ in rows], "overdue_deals": [d for _, d, _ in rows],
        "days_since_activity": [a for _, _, a in rows], "tier": ["red"] * len(rows),
        "activities_recent": [0] * len(rows), "activities_before": [0] * len(rows),
        "days_since_won": [None] * len(rows), "days_past_due": [None] * len(rows),
        **{f"lost_{factor}": [10.0] * len(rows) for factor in FACTORS},
        **{f"points_{factor}": [40.0 if factor == "pipeline" else 0.0] * len(rows) for factor in FACTORS}})  # of 100
    assert with_words(scores, "en")["reason"].to_list() == [
        "1 open deal past close date (−10.0)", "3 open deals past close date (−10.0)",
        "1 day without activity (−10.0)", "52 days without activity (−10.0)"]
    assert with_words(scores, "zh")["reason"].to_list()[:2] == ["1 个商机已过预计成交日 (−10.0)", "3 个商机已过预计成交日 (−10.0)"]
