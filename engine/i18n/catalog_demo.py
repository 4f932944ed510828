"""Words of the demo company builder (`python -m engine demo`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "demo.cli.help": ("build the demo company into the database", "在数据库中生成演示公司数据"),
    "demo.cli.refused": (
        "The database {path} already holds data ({accounts} accounts, {deals} deals); the demo was not written. "
        "Use --force to replace everything in it, or --db to choose another file.",
        "数据库 {path} 已有数据（{accounts} 个客户，{deals} 个商机），未写入演示数据。"
        "如需全部替换请加 --force，或用 --db 指定其他文件。"),
    "demo.cli.building": ("Building the demo company (scale {scale}, seed {seed}) into {path}…",
                          "正在生成演示公司（规模 {scale}，种子 {seed}）到 {path}…"),
    "demo.cli.generated": ("  drew the company in {seconds:.1f} s; writing its tables…",
                           "  已生成公司数据（{seconds:.1f} 秒），正在写入各表…"),
    "demo.cli.row": ("  {table:<18} {rows:>12,} rows  ({seconds:.1f} s)", "  {table:<18} {rows:>12,} 行  （{seconds:.1f} 秒）"),
    "demo.cli.done": ("Done in {seconds:.1f} s ({tables} tables).", "完成，用时 {seconds:.1f} 秒（{tables} 张表）。"),
    "demo.cli.kept": ("{path} already holds a company ({accounts} accounts): starting on it.",
                      "{path} 已有数据（{accounts} 个客户），直接启动。"),
}
