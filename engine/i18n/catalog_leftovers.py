"""Words of the small leftovers of issues 14 and 15: a ragged row's extra cells, the Import page's
refusal in strict mode, and the Health settings' receivables age."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the column a problem names for a ragged row's cells past the header (it has no header name)
    "import.problem.extra_field": ("(field {number})", "（第 {number} 个字段）"),
    "import.refused": ("**The import was refused** — nothing was imported: {count} {count|problem|problems} in {files} {files|file|files}, "
                       "listed below (found while importing: the data changed after the check). Fix the rows "
                       "listed, or tick “skip invalid rows” to load the valid rows and keep the rest aside.",
                       "**导入被拒绝** —— 未导入任何数据：{files} 个文件中有 {count} 个问题，列于下方（导入时发现："
                       "检查之后数据有变化）。请修正所列的行，或勾选“跳过无效行”，只导入有效的行，其余另行保留。"),
    "import.refused_more": ("The first {shown} of {count} problems are listed.",
                            "仅列出 {count} 个问题中的前 {shown} 个。"),
    "health.settings.receivables_zero_days": ("All receivables points lost at (days past due)",
                                              "逾期多少天则回款项零分"),
}
