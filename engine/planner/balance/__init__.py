"""Auto-balance: redraw territories so a chosen metric is even within a tolerance while moving as
few accounts and as little travel as possible — units and their contiguity (`units`), a
deterministic local search (`search`), a HiGHS MIP (`mip`), and the plan built from a result (`plan`).
"""
