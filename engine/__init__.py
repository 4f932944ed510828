"""Terrain's engine: everything the product computes, importable without Streamlit."""
