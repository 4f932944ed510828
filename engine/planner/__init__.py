"""The what-if planner: a baseline of per-account figures, moves of accounts, units or whole
territories as a `Plan` with before/after and balance indices, auto-balance (`balance/`), saved
scenarios applied to the live assignment, and the CRM's own re-import files.
"""
