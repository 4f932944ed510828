"""Words of the planner's auto-balance while it runs and when it finds no plan."""

MESSAGES: dict[str, tuple[str, str]] = {
    "planner.balance.status": ("Balancing {count} {count|account|accounts} over {territories} {territories|territory|territories}…",
                               "正在为 {territories} 个区域平衡 {count} 个客户…"),
    "planner.balance.stage.units": ("Grouping the accounts into units…", "正在将客户归入单元…"),
    "planner.balance.stage.search": ("Searching for a plan within ±{tolerance}…", "正在寻找 ±{tolerance} 以内的方案…"),
    "planner.balance.stage.optimise": ("Moving as few accounts as possible (HiGHS)…", "正在尽量少移动客户（HiGHS）…"),
    "planner.balance.stage.tolerance": ("Tolerance {done} of {total}…", "第 {done}/{total} 个容差…"),
    "planner.balance.done": ("Done: {plans} {plans|plan|plans} found.", "完成：找到 {plans} 个方案。"),
    "planner.balance.no_plan_status": ("No balanced plan found.", "未找到平衡方案。"),
    "planner.balance.curve_help": ("Solves once per tolerance ({count} times): takes several times longer.",
                                   "每个容差求解一次（共 {count} 次），耗时数倍。"),
    "planner.balance.none": ("No plan keeps every territory within ±{tolerance} of the mean. The best plan found "
                             "is still off by {best}: {outside}.",
                             "没有方案能让每个区域都保持在均值 ±{tolerance} 以内。找到的最佳方案仍偏差 {best}：{outside}。"),
    "planner.balance.none_more": ("and {count} more", "另有 {count} 个"),
    "planner.balance.try.lock": ("Try locking {value}: they have no neighbour with accounts to trade, so the "
                                 "others can balance without them.",
                                 "可尝试锁定 {value}：它们附近没有可交换客户的区域，锁定后其余区域即可平衡。"),
    "planner.balance.try.within": ("Try redrawing within {value} rather than all territories at once.",
                                   "可尝试只在 {value} 范围内调整，而不是一次调整全部区域。"),
    "planner.balance.try.tolerance": ("Try a tolerance of ±{value}: the best plan found stays within it.",
                                      "可尝试将容差设为 ±{value}：找到的最佳方案在此范围内。"),
    "planner.balance.try.unit": ("Try moving smaller units: {value}.", "可尝试按更小的单元移动：{value}。"),
    "planner.balance.try.contiguity": ("Try without keeping territories contiguous.", "可尝试不要求区域连片。"),
}
