"""The numbers: DESIGN's metric definitions (won, share, target, attainment, gap, pipeline, win rate,
weighted forecast, coverage), the fiscal calendar, KPIs, forecasts, targets and seasonality.

Everything is computed from one cached `SalesData` per data version (`sales_data.py`), so every
page, export and `report` command agrees to the cent.
"""
