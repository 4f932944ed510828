"""Words of issue 14's last polish: the colours of changes, import warnings, territory colours."""

MESSAGES: dict[str, tuple[str, str]] = {
    "overview.vs_last.month": ("vs last month", "较上月"),
    "overview.vs_last.quarter": ("vs last quarter", "较上季度"),
    "overview.vs_last.year": ("vs last year", "较上年"),
    "overview.vs_previous_help": ("The change is against {period}.", "变化对比：{period}。"),
    "rules.col.delta": ("Change", "变化"),
    "tables.against_live": ("Green: higher than the live assignment; red: lower.",
                            "绿色：高于当前分配；红色：低于当前分配。"),
}
MESSAGES.update({
    "import.note.accounts_created": ("{count} {count|account was|accounts were} created from account names on deal rows",
                                     "已根据商机行中的客户名称新建 {count} 个客户"),
    "import.note.unknown_accounts": ("{file}: {count} deal rows refer to accounts that are neither in the database "
                                     "nor in this import (column '{column}', first on row {row}: '{value}'). They are "
                                     "loaded and take their owner's territory; import their accounts file with them, "
                                     "or correct the ids, to link them",
                                     "{file}：{count} 行商机引用的客户既不在数据库中，也不在本次导入中（“{column}”列，"
                                     "首次出现在第 {row} 行：“{value}”）。这些商机已导入，区域取其负责人的区域；"
                                     "请连同其客户文件一起导入，或更正客户编号，以便关联"),
    "import.note.not_routed": ("The new accounts were not routed: {reason} Fix the rules on the Territories page.",
                               "新客户未能分配区域：{reason} 请在“区域”页面修正规则。"),
    "import.note.controls": ("{file}: removed control characters (such as NUL) from {count} {count|cell|cells} of column "
                             "'{column}', first on row {row}; they are not text",
                             "{file}：已从“{column}”列的 {count} 个单元格中移除控制字符（如 NUL），首次出现在第 {row} 行；"
                             "它们不是文本"),
    "import.note.of_file": ("{file} {note}", "{file}：{note}"),
    "import.note.encoding_doubt": ("was read as {best}; {rival} would read it as plausibly but differently "
                                   "({example}): if names look wrong, choose the encoding (--encoding, or on the "
                                   "Import page)",
                                   "按 {best} 编码读取；按 {rival} 读取同样合理但结果不同（{example}）："
                                   "如果名称显示有误，请选择编码（--encoding，或在导入页面选择）"),
})
