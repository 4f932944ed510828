"""Words of the hardening work: links whose parameters are not known, and the database refusing
to be used (not Terrain's, newer, broken, busy, missing)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "link.unknown_lang": ("The link asks for language '{value}', which Terrain does not have; showing {shown}.",
                          "链接中的语言“{value}”不受支持；显示{shown}。"),
    "link.unknown_period": ("The link's period '{value}' is not understood; showing {shown}.",
                            "链接中的期间“{value}”无法识别；显示{shown}。"),
    "link.period_no_data": ("There is no data for the link's period '{value}'; showing {shown}.",
                            "链接中的期间“{value}”没有数据；显示{shown}。"),
    "link.unknown_rep": ("There is no rep '{value}' in this view; showing {shown}.",
                         "此视图中没有销售代表“{value}”；显示{shown}。"),
    "failure.title": ("Something went wrong", "出现了问题"),
    "failure.unexpected": ("The page could not be drawn. The details are in the server's log; reload the page, and "
                           "tell whoever runs Terrain if it happens again.",
                           "页面无法显示。详细信息已记录在服务器日志中；请刷新页面，如果问题再次出现，请告知 Terrain 的管理员。"),
}
