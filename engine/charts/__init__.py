"""Everything that draws: pure builders that take the features' frames and return `altair.Chart`s,
`pydeck.Deck`s or the planner's sign-off sheet (no st.* calls), on one theme and one palette.
"""
