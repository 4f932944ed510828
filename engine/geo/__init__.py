"""Offline geography: placing accounts from postal code, city, state or country (`geocoding`), the
shipped geodata built from registry packages (`sources`), and the aliases of place names.
"""
