"""Data shown as what it says, never as markup.

Streamlit renders titles, captions, alerts, buttons, tabs and metric labels as Markdown, so a
territory named `[Sign in again](http://evil)` would become a live link, `![x](http://evil/x.png)`
would fetch an image, and a bare URL or `:red[...]` would be linked or coloured. Every value that
comes from data, a file or the URL is escaped here before it meets a message template; the
templates (our own catalog text) keep their intended **bold**.
"""
from __future__ import annotations

import re

from engine.i18n import t

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones Streamlit's
# Markdown (GFM, autolinks, emoji/icon shortcodes and colour directives `:x[...]`, $math$, HTML)
# gives a meaning.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^&@\"'])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# Streamlit links bare URLs, www. names and e-mail addresses in the rendered text, escaped or not;
# an invisible word joiner (U+2060) inside the pattern keeps them text that reads the same.
_AUTOLINKS = re.compile(r"(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?<=@)(?=\w)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def plain(value: object) -> str:
    """`value` as Markdown that renders exactly its text: punctuation escaped, one line, never a link."""
    text = _AUTOLINKS.sub(WORD_JOINER, _LINE_BREAKS.sub(" ", str(value)))
    return _SPECIAL.sub(r"\\\1", text)


def _escaped(values: dict[str, object]) -> dict[str, object]:
    return {name: plain(value) if isinstance(value, str) else value for name, value in values.items()}


def t_md(key: str, lang: str, **values: object) -> str:
    """t() for a Markdown element: the catalog text with every text value escaped."""
    return t(key, lang, **_escaped(values))

