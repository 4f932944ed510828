"""Terrain's engine: everything the app does, importable without Streamlit.

The packages stand in layers (docs/architecture.md, checked by import-linter): `cli`/`commands` on
top, then `demo`, `charts`, `board`, `planner` and `health`, `metrics`, `importing`, `territories`,
`access`, `geo`, and the core `store` and `i18n` that import nothing else of Terrain.
"""
