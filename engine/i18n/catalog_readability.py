"""Words added while polishing what a reader notices: the health breakdown's total, accounts never
contacted."""

MESSAGES: dict[str, tuple[str, str]] = {
    "health.breakdown.total": ("Total = the score", "合计 = 得分"),
    "health.never": ("never", "从未"),
}
