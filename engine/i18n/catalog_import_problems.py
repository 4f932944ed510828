"""Words of the import's problems: why a row, a cell or a file was refused, and what to do.

The English is what the command line prints (tests pin it); placeholders are plain `{name}`
without format specs, because the Import page fills them in with polars (engine/importing/problems.py).
"""

_STAGE_HINT = ("(CLI --stage 'NAME=won', or the stage table on the Import page)",
               "（命令行 --stage 'NAME=won'，或导入页面的阶段表）")
_RAGGED = ("; an unquoted delimiter or line break split the row", "；未加引号的分隔符或换行把这一行拆开了")

MESSAGES: dict[str, tuple[str, str]] = {
    "import.note.rules_refused": ("the stored rules have {count} {count|problem|problems}, the first in rule {rule} ({column}).",
                                  "已保存的规则有 {count} 个问题，第一个在规则 {rule}（{column}）。"),
    "import.note.routing_not_allowed": ("your role may not apply the assignment rules.",
                                        "你的角色无权应用分配规则。"),
    "import.note.either": ("'{first}' or '{second}'", "“{first}”或“{second}”"),
    "import.note.some_characters": ("some characters", "部分字符"),
    "import.encoding_label.utf_8": ("UTF-8", "UTF-8"),
    "import.encoding_label.utf_8_sig": ("UTF-8 (with BOM)", "UTF-8（带 BOM）"),
    "import.encoding_label.utf_16": ("UTF-16", "UTF-16"),
    "import.encoding_label.utf_16_le": ("UTF-16 LE", "UTF-16（小端）"),
    "import.encoding_label.utf_16_be": ("UTF-16 BE", "UTF-16（大端）"),
    "import.encoding_label.cp1252": ("Windows-1252 (Western European)", "Windows-1252（西欧）"),
    "import.encoding_label.cp1250": ("Windows-1250 (Central European)", "Windows-1250（中欧）"),
    "import.encoding_label.gb18030": ("GB18030 / GBK (Simplified Chinese)", "GB18030 / GBK（简体中文）"),
    "import.encoding_label.big5": ("Big5 (Traditional Chinese)", "Big5（繁体中文）"),
    "import.encoding_label.cp932": ("Shift-JIS (Japanese)", "Shift-JIS（日文）"),
    "import.worker.timeout": (
        "reading and checking it took longer than {seconds} s, so it was stopped; nothing was imported. "
        "Split the file into smaller ones, or raise {env}.",
        "读取和检查超过 {seconds} 秒，已被停止；未导入任何数据。请把文件拆分成更小的文件，或调高 {env}。"),
    "import.worker.memory": (
        "reading it needs more than the {mb} MB an import may use; nothing was imported. "
        "Split the file into smaller ones, or raise {env}.",
        "读取它需要超过导入可用的 {mb} MB 内存；未导入任何数据。请把文件拆分成更小的文件，或调高 {env}。"),
    "import.worker.space": (
        "the temporary folder ran out of disk space while it was read and checked; nothing was imported. "
        "Free some space in the temporary folder (or point TMPDIR at a bigger disk) and import it again.",
        "读取和检查时临时文件夹的磁盘空间用尽；未导入任何数据。请释放临时文件夹的空间（或把 TMPDIR 指向更大的磁盘）后重新导入。"),
    "import.worker.unreadable": (
        "could not be read ({error}). Open it in its program and save it again (as .xlsx or 'CSV UTF-8'), "
        "then import it again.",
        "无法读取（{error}）。请用原程序打开并重新保存（存为 .xlsx 或“CSV UTF-8”），然后重新导入。"),
    "import.worker.killed": (
        "the reader stopped ({name}), typically because the file asks for more than the {mb} MB of memory an "
        "import may use; nothing was imported. Check that the file is what you meant to import (open it and "
        "save it again), split it, or raise {env}.",
        "读取程序已停止（{name}），通常是因为该文件需要超过导入可用的 {mb} MB 内存；未导入任何数据。"
        "请确认这是你要导入的文件（打开后重新保存），拆分它，或调高 {env}。"),
    "import.worker.crashed": ("the reader crashed ({name}); nothing was imported. " + "Open the file in its program and save it again (as .xlsx or 'CSV UTF-8'), then import it again.",
                              "读取程序崩溃（{name}）；未导入任何数据。" + "请用原程序打开文件并重新保存（存为 .xlsx 或“CSV UTF-8”），然后重新导入。"),
    "import.worker.exited": ("the reader stopped unexpectedly (exit code {code}); nothing was imported. " + "Open the file in its program and save it again (as .xlsx or 'CSV UTF-8'), then import it again.",
                             "读取程序意外停止（退出码 {code}）；未导入任何数据。" + "请用原程序打开文件并重新保存（存为 .xlsx 或“CSV UTF-8”），然后重新导入。"),
    "import.workbook.zip_bomb": (
        "has a part ({part}) compressed {ratio} to 1, more than {limit} to 1 ({env}): it looks like a zip bomb, "
        "not an Excel export; save the sheet again from Excel",
        "其中一部分（{part}）的压缩比为 {ratio} 比 1，超过 {limit} 比 1（{env}）：看起来是压缩炸弹，"
        "而不是 Excel 导出文件；请用 Excel 重新保存该工作表"),
    "import.workbook.unreadable": (
        "is not a readable Excel workbook ({error}); open it in Excel and save it again as .xlsx or CSV UTF-8",
        "不是可读取的 Excel 工作簿（{error}）；请用 Excel 打开并重新保存为 .xlsx 或 CSV UTF-8"),
    "import.workbook.inflates": (
        "inflates to {amount} when unzipped, more than the {limit} MB a workbook may ({env}); save the sheet "
        "as CSV UTF-8 and import that, or split the workbook",
        "解压后达到 {amount}，超过工作簿上限 {limit} MB（{env}）；请把工作表另存为 CSV UTF-8 后导入，或拆分工作簿"),
    "import.workbook.inflates_past": (
        "inflates to {amount} when unzipped, more than the {limit} MB a workbook may ({env}); save the sheet "
        "as CSV UTF-8 and import that, or split the workbook",
        "解压后超过工作簿上限 {limit} MB（{env}）；请把工作表另存为 CSV UTF-8 后导入，或拆分工作簿"),
    "import.workbook.wide_cells": (
        "has cells in {columns} columns on {sheet} (as far as {corner}), more than the {limit} an import reads "
        "({env}); delete the empty columns (or the stray cell far to the right) in Excel and save it again",
        "工作表 {sheet} 有 {columns} 列含单元格（最远到 {corner}），超过导入上限 {limit} 列（{env}）；请在 Excel 中删除空列（或最右边的零散单元格）后重新保存"),
    "import.workbook.far_cells": (
        "places cells as far as {corner} on {sheet} ({rows} rows × {columns} columns = {cells} cells), more "
        "than the {limit} a sheet may ({env}); delete the empty rows and columns (or a stray cell far away) in Excel and save it again, or export CSV",
        "工作表 {sheet} 的单元格最远到 {corner}（{rows} 行 × {columns} 列 = {cells} 个单元格），"
        "超过工作表上限 {limit}（{env}）；请在 Excel 中删除空行和空列（或远处的零散单元格）后重新保存，或导出 CSV"),
    "import.workbook.huge_string": (
        "holds a text of {size} MB in one cell (among its {strings} shared strings), more than the {limit} "
        "characters a cell may have ({env}); it is not an Excel export as saved by Excel: save the sheet again, "
        "or as CSV UTF-8",
        "某个单元格含有 {size} MB 的文本（共 {strings} 个共享字符串），超过单元格上限 {limit} 个字符（{env}）；"
        "这不是 Excel 保存的导出文件：请重新保存该工作表，或另存为 CSV UTF-8"),
    "import.workbook.declares_columns": (
        "declares {columns} columns on {sheet} ({span}), more than the {limit} an import reads ({env}); "
        "delete the empty columns (or the stray cell far to the right) in Excel and save it again",
        "工作表 {sheet} 声明了 {columns} 列（{span}），超过导入上限 {limit} 列（{env}）；请在 Excel 中删除空列（或最右边的零散单元格）后重新保存"),
    "import.workbook.declares_cells": (
        "declares {cells} cells on {sheet} ({span}: {rows} rows × {columns} columns), more than the {limit} "
        "a sheet may ({env}); delete the empty rows and columns (or a stray cell far away) in Excel and save it again, or export CSV",
        "工作表 {sheet} 声明了 {cells} 个单元格（{span}：{rows} 行 × {columns} 列），"
        "超过工作表上限 {limit}（{env}）；请在 Excel 中删除空行和空列（或远处的零散单元格）后重新保存，或导出 CSV"),
    "import.problem.not_csv": (
        "cannot be read as CSV ({error}); look for an unbalanced double quote, or save the file again from Excel "
        "as 'CSV UTF-8'",
        "无法按 CSV 读取（{error}）；请检查是否有不成对的双引号，或用 Excel 重新另存为“CSV UTF-8”"),
    "import.problem.required": ("is empty but required", "为空，但此项必填"),
    "import.problem.person_id": ("is empty: a row needs a record id, a name or an e-mail address",
                                 "为空：每行需要记录 ID、姓名或电子邮件地址"),
    "import.problem.lead_created": ("is empty but required: the day the lead came in",
                                    "为空，但此项必填：线索进入的日期"),
    "import.problem.lead_no_conversion_date": (
        "the lead is marked converted but has no conversion date: map a column to converted_at "
        "(or modified_at, the last change)",
        "线索已标记为已转化，但没有转化日期：请把一列映射到 converted_at（或 modified_at，即最后修改时间）"),
    "import.problem.lead_converted_before": (
        "is before the lead was created: correct the conversion or creation date",
        "早于线索的创建日期：请更正转化日期或创建日期"),
    "import.problem.invoice_number": ("is empty: an invoice needs its number", "为空：发票需要编号"),
    "import.problem.payment_negative": ("a payment cannot be negative: correct the paid amount or the balance",
                                        "付款不能为负数：请更正已付金额或余额"),
    "import.problem.payment_over": ("is more than the invoice amount: correct the paid amount or the balance",
                                    "超过发票金额：请更正已付金额或余额"),
    "import.problem.due_before_issue": ("is before the invoice's issue date: correct one of them",
                                        "早于发票的开票日期：请更正其中一个"),
    "import.problem.exchange_rate": ("exchange rate must be above 0", "汇率必须大于 0"),
    "import.problem.rate": ("rate must be above 0", "汇率必须大于 0"),
    "import.problem.unknown_account": (
        "is not an account of this import or of the database: import the accounts export with it, or correct the id",
        "既不是本次导入中的客户，也不是数据库中的客户：请同时导入客户导出文件，或更正 ID"),
    "import.problem.same_record_other_file": (
        "the same record id is also on row {row} of {file}; a record may come from one file of an import only: "
        "remove it from one of them",
        "同一记录 ID 也出现在 {file} 的第 {row} 行；一次导入中一条记录只能来自一个文件：请从其中一个文件中删除"),
    "import.problem.unknown_stage": ("is not a known stage: say whether it is open, won or lost " + _STAGE_HINT[0],
                                     "不是已知的阶段：请说明它是进行中、赢单还是输单" + _STAGE_HINT[1]),
    "import.problem.close_date_unmapped": ("a closed deal needs a close date: map a column to close_date",
                                           "已关闭的商机需要关闭日期：请把一列映射到 close_date"),
    "import.problem.probability": ("is not a probability between 0% and 100%", "不是 0% 到 100% 之间的概率"),
    "import.problem.scope": ("scope must be company, territory or rep", "范围必须是公司、区域或销售"),
    "import.problem.target_twice": ("a second target for the same scope and month (first on row {row})",
                                    "同一范围和月份的第二个目标（首次出现在第 {row} 行）"),
    "import.problem.currency_code": ("is not a three-letter currency code such as EUR",
                                     "不是三个字母的货币代码（如 EUR）"),
    "import.problem.rate_twice": ("a second rate for the same currency and date (first on row {row})",
                                  "同一货币和日期的第二个汇率（首次出现在第 {row} 行）"),
    "import.problem.duplicate_id": ("duplicate record id (first on row {row})", "记录 ID 重复（首次出现在第 {row} 行）"),
    "import.problem.no_rate": (
        "has no exchange rate to {currency} on or before {day}: import a rates sheet "
        "(columns currency, rate_to_reporting, valid_from)",
        "在 {day} 或之前没有到 {currency} 的汇率：请导入汇率表（列 currency、rate_to_reporting、valid_from）"),
    "import.problem.unknown_scope.territory": ("is not a known territory: import the territories or reps first",
                                               "不是已知的区域：请先导入区域或销售"),
    "import.problem.unknown_scope.rep": ("is not a known rep: import the territories or reps first",
                                         "不是已知的销售：请先导入区域或销售"),
    "import.problem.unknown_scope.company": ("is not a known company: import the territories or reps first",
                                             "不是已知的公司：请先导入区域或销售"),
    "import.problem.period_no_year": (
        "names a month or quarter but no year: add a Year column or write e.g. 2021-07",
        "写了月份或季度但没有年份：请添加“年份”列，或写成 2021-07 这样的形式"),
    "import.problem.period": (
        "is not a month, quarter or year: write e.g. 2021-07, Jul 2021, 2021-Q3 or FY2021",
        "不是月份、季度或年份：请写成 2021-07、Jul 2021、2021-Q3 或 FY2021 这样的形式"),
    "import.problem.not.amount": ("is not an amount", "不是金额"),
    "import.problem.not.number": ("is not a number", "不是数字"),
    "import.problem.not.integer": ("is not a whole number", "不是整数"),
    "import.problem.not.year": ("is not a year such as 2009", "不是年份（如 2009）"),
    "import.problem.not.date": ("is not a date", "不是日期"),
    "import.problem.not.timestamp": ("is not a date/time", "不是日期时间"),
    "import.problem.not.percent": ("is not a percentage", "不是百分比"),
    "import.problem.not.flag": ("is not a yes/no value", "不是是/否值"),
    "import.problem.long_cell": (
        "is {length} characters long, more than the {limit} a cell may hold ({env}); shorten it or leave the "
        "column unmapped",
        "长 {length} 个字符，超过单元格上限 {limit}（{env}）；请缩短它，或不映射这一列"),
    "import.problem.ragged_more": ("has {fields} fields but the header has {width}" + _RAGGED[0],
                                   "有 {fields} 个字段，但表头有 {width} 个" + _RAGGED[1]),
    "import.problem.ragged_fewer": ("has only {fields} fields but the header has {width}" + _RAGGED[0],
                                    "只有 {fields} 个字段，但表头有 {width} 个" + _RAGGED[1]),
    "import.problem.bad_encoding": (
        "contains bytes that are not {encoding} text; choose the file's encoding (--encoding, or on the Import "
        "page), or save it as 'CSV UTF-8' and import it again",
        "含有不是 {encoding_zh} 文本的字节；请选择文件的编码（--encoding，或在导入页面选择），"
        "或另存为“CSV UTF-8”后重新导入"),
    "import.problem.no_rows": ("has a header row but no data rows", "有表头行但没有数据行"),
    "import.problem.empty_file": ("is empty", "是空文件"),
    "import.problem.binary": ("is not a CSV, Excel or Parquet file (it looks like binary data)",
                              "不是 CSV、Excel 或 Parquet 文件（看起来是二进制数据）"),
    "import.problem.unknown_entity": (
        "is not an export Terrain can import (accounts, deals, leads, contacts, invoices, reps, activities, "
        "targets, territories or exchange rates); choose the entity (--entity) if it is one of them",
        "不是 Terrain 能导入的导出文件（客户、商机、线索、联系人、发票、销售、活动、目标、区域或汇率）；"
        "如果它属于其中之一，请选择数据类型（--entity）"),
    "import.problem.missing_column": (
        "has no column for {fields}: map one with --map 'COLUMN={field}' or in the mapping table",
        "没有 {fields_zh} 列：请用 --map 'COLUMN={field}' 或在映射表中映射一列"),
    "import.problem.too_big": (
        "is {size} MB, more than the {limit} MB an import accepts ({env}); split it into smaller files",
        "大小为 {size} MB，超过导入上限 {limit} MB（{env}）；请拆分成更小的文件"),
    "import.problem.too_wide": (
        "has {columns} columns, more than the {limit} an import reads ({env}); remove the columns you do not need",
        "有 {columns} 列，超过导入上限 {limit} 列（{env}）；请删除不需要的列"),
    "import.problem.too_wide_sheet": (
        "has {columns} columns, more than the {limit} an import reads ({env}); remove the columns you do not need "
        "and save it again",
        "有 {columns} 列，超过导入上限 {limit} 列（{env}）；请删除不需要的列后重新保存"),
    "import.problem.parquet": ("is not a readable Parquet file ({error})", "不是可读取的 Parquet 文件（{error}）"),
    "import.problem.empty_workbook": ("is an empty workbook (no sheet has data)", "是空工作簿（没有工作表含数据）"),
}
