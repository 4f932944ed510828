"""Names and link parameters render as text, never as live Markdown (issue 12): a territory named
`[Sign in again](http://…)` or `![x](http://…)` must not become a link or fetch an image in a
title, caption, alert, breadcrumb, button or tab."""
from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.app.conftest import database_for_app, run_page
from tests.conftest import REPO
from tests.hardening.conftest import MARKDOWN, fill_markdown_company
from ui.markup import plain, t_md

RENDER = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")
HOSTILE_LINK = "[Evil](http://evil.example/x)"


def bodies(app: AppTest) -> list[str]:
    """The Markdown text of every element Streamlit renders as Markdown."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "toast"):
        texts += [element.value for element in getattr(app, kind, [])]
    for kind in ("button", "metric", "expander", "tabs", "checkbox", "toggle"):
        texts += [element.label for element in app.get(kind) if getattr(element, "label", None)]
    return [text for text in texts if isinstance(text, str)]


def assert_inert(app: AppTest) -> list[str]:
    """No body renders a link or an image, and no raw URL stands in one (GFM would link it)."""
    assert not app.exception, app.exception
    found = bodies(app)
    for text in found:
        html = RENDER.render(text)
        assert "<a " not in html and "<img" not in html, text
        assert "http://" not in text and "https://" not in text, text
    return found


@pytest.fixture
def markdown_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_markdown_company, name="markdown")


@pytest.mark.parametrize(("page", "period", "query", "shown"), [
    ("overview", "2024", {"scope": "FR"}, MARKDOWN["FR"]),
    ("overview", "2024", {"scope": "EU"}, MARKDOWN["EU"]),
    ("overview", "2024", {"scope": HOSTILE_LINK}, HOSTILE_LINK),
    ("reps", "2024", {}, "[Ana](http://evil.example/ana)"),
    ("reps", "2024", {"rep": HOSTILE_LINK}, HOSTILE_LINK),
    ("reps", "2024", {"scope": HOSTILE_LINK}, HOSTILE_LINK),
    ("targets", "2025", {"scope": "UK"}, MARKDOWN["UK"]),
    ("targets", "2025", {"scope": HOSTILE_LINK}, HOSTILE_LINK),
    ("forecast", "2025", {"scope": "DE"}, MARKDOWN["DE"]),
    ("activity", "2024", {"scope": HOSTILE_LINK}, HOSTILE_LINK),
    ("planner", None, {}, None),
])
def test_hostile_names_and_links_render_as_text(markdown_db, page, period, query, shown):
    app = run_page(page, period=period, **query)
    found = assert_inert(app)
    if shown is not None:  # the name is there, escaped: the reader sees exactly what was typed
        assert any(plain(shown) in text for text in found), found


def test_the_shell_refuses_unknown_link_values_kindly(markdown_db):
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.query_params["lang"] = "![x](http://evil.example/x.png)"
    app.query_params["period"] = "[Sign in](http://evil.example)"
    app.run()
    found = assert_inert(app)
    warnings = [w.value for w in app.warning]
    assert any("does not have" in w and plain("![x](http://evil.example/x.png)") in w for w in warnings), warnings
    assert any("is not understood" in w for w in warnings), warnings
    assert app.query_params["lang"] == "en" and app.session_state["period"] is not None
    assert found


def test_a_period_without_data_is_said(markdown_db):
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.query_params["period"] = "1999-Q1"
    app.run()
    assert not app.exception
    assert any("no data for the link's period '1999\\-Q1'" in w.value for w in app.warning)


@pytest.mark.parametrize(("text", "markdown"), [
    ("[Sign in again](http://evil)", "\\[Sign in again\\]\\(http\\:\u2060//evil\\)"),
    ("![x](http://evil/x.png)", "\\!\\[x\\]\\(http\\:\u2060//evil/x\\.png\\)"),
    ("**bold** _it_ `code` ~~s~~ $x$ :red[r] <b>", r"\*\*bold\*\* \_it\_ \`code\` \~\~s\~\~ \$x\$ \:red\[r\] \<b\>"),
    ("line\nbreak\r\n# heading", r"line break \# heading"),
    ("evil@example.com www.evil.example", "evil\\@\u2060example\\.com www\u2060\\.evil\\.example"),
    ("Müller & Söhne", r"Müller \& Söhne"),
])
def test_plain_escapes_every_markdown_meaning(text, markdown):
    assert plain(text) == markdown
    html = RENDER.render(plain(text))
    assert "<a " not in html and "<img" not in html and "<b>" not in html and "<h1>" not in html


def test_catalog_markup_is_kept_while_values_are_escaped():
    assert t_md("fk.scope", "en", name="[x](http://e)") == "Showing \\[x\\]\\(http\\:\u2060//e\\) only."
