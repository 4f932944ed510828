"""Words of target sheets, founded years, as-of figures and readable tables (issue 14)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sidebar.as_of": ("As of", "截至日期"),
    "sidebar.as_of_help": (
        "The figures as they stood at the end of this day, rebuilt from the deals' created and close dates "
        "(won: closed won by then; pipeline: created by then and still open then). Now: {now}.",
        "按该日结束时的情况重建数据（赢单：截至当日已赢单；管道：当日前创建且当时仍未结束）。当前：{now}。"),
    "sidebar.as_of_past": ("Figures as they stood on {day}", "数据为 {day} 当日的情况"),
    "unit.mi": ("mi", "英里"),
    "unit.km": ("km", "公里"),
    "planner.mileage_rate": ("One round trip to every account at {rate} per {unit} (settings TERRAIN_MILEAGE_RATE, "
                             "TERRAIN_DISTANCE_UNIT).",
                             "按每{unit} {rate} 计算，每个客户往返一次（设置 TERRAIN_MILEAGE_RATE、TERRAIN_DISTANCE_UNIT）。"),
    "tables.delta": ("change", "变化"),
    "tables.travel_km_mean": ("Mean travel ({unit})", "平均出行距离（{unit}）"),
    "tables.travel_km_max": ("Longest trip ({unit})", "最远出行距离（{unit}）"),
    "tables.unassigned": ("Unassigned", "未分配"),
    "tables.no_owner": ("No owner", "无负责人"),
    "tables.no_accounts": ("no accounts", "无客户"),
    "tables.live": ("Live assignment", "当前分配"),
    "tables.col.name": ("Name", "名称"),
    "tables.col.owner": ("Owner", "负责人"),
    "tables.col.territory": ("territory", "区域"),
    "tables.col.rep": ("rep", "销售代表"),
    "tables.col.accounts_moved": ("Accounts moved", "移动客户数"),
    "tables.col.author": ("Author", "作者"),
    "tables.col.created_at": ("Saved", "保存时间"),
    "tables.col.note": ("Note", "备注"),
    "tables.col.accounts": ("Accounts", "客户数"),
    "tables.col.status": ("Status", "状态"),
    "tables.col.applied_at": ("Applied", "应用时间"),
    "tables.col.applied_by": ("Applied by", "应用人"),
    "tables.col.undone_at": ("Undone", "撤销时间"),
    "tables.status.draft": ("draft", "草稿"),
    "tables.status.applied": ("applied", "已应用"),
    "tables.status.undone": ("undone", "已撤销"),
    "import.col.note": ("Note", "说明"),
    "import.how.year": ("year column", "年份列"),
    "import.how.month": ("month column", "月份列"),
    "import.how.unreadable": ("left out: cannot be read", "未映射：无法读取"),
    "import.split_targets": ("Quarter and year targets", "季度和年度目标"),
    "import.split_targets_help": (
        "A target given for a quarter or a year is spread over its months in whole cents: evenly, or by "
        "seasonality (each month's share of the last years' won revenue, as on the Targets page).",
        "按季度或年度给出的目标会按分拆分到各月：平均分配，或按季节性（各月在过去几年赢单收入中的占比，与目标页相同）。"),
    "import.split.even": ("split evenly over the months", "平均分到各月"),
    "import.split.seasonal": ("split by seasonality", "按季节性分到各月"),
}
