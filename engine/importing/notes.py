"""Notes: the sentences an import has to say besides its problems (accounts created from deal rows,
an encoding read with some doubt, control characters removed, accounts left unrouted).

A note is an English `str` — what the command line prints and what tests compare — that also keeps
its catalog key and values, so the Import page says it in the reader's language (`text(lang)`).
"""
from __future__ import annotations

from engine.i18n import t


class Note(str):
    """A sentence of the import: `Note("import.note.…", count=3)`; `str(note)` is the English."""

    key: str
    params: dict

    def __new__(cls, key: str, **params) -> "Note":
        note = super().__new__(cls, _text(key, params, "en"))
        note.key, note.params = key, params
        return note

    def __getnewargs_ex__(self):  # pickled through the import worker's answer
        return (self.key,), self.params

    def text(self, lang: str) -> str:
        """The sentence in `lang` (values that are notes themselves are said in `lang` too)."""
        return _text(self.key, self.params, lang)


def _text(key: str, params: dict, lang: str) -> str:
    return t(key, lang, **{name: value.text(lang) if isinstance(value, Note) else value
                           for name, value in params.items()})


def said(sentence: str, lang: str) -> str:
    """A warning of an import as the reader reads it: a Note in `lang`, any other string as it is."""
    return sentence.text(lang) if isinstance(sentence, Note) else sentence
