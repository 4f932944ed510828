"""The demo company, generated deterministically from a seed: the organisation and its territory
tree (`org`), reps (`people`), accounts, deals, activities, targets and exchange rates; `company`
builds it all into a store.
"""
