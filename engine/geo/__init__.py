"""Offline geography: placing accounts from postal code, city, state or country (`geocoding`), the
shipped geodata built from registry packages (`sources`), the aliases of place names, and the real
boundaries of countries, US states and Chinese provinces with each account's unit (`boundaries`,
built from vendored Natural Earth / US Census / ECharts files by `boundary_sources`).
"""
