"""Words of serving many at once: what a page says while the server is still filling its caches, and
under a big list shown as its first rows."""

MESSAGES: dict[str, tuple[str, str]] = {
    "warm.loading": ("Terrain has just started and is loading the figures into memory — a few seconds, once.",
                     "Terrain 刚刚启动，正在把数据载入内存——只需几秒，仅此一次。"),
    "scale.rows_shown": ("The first {shown} of {total} rows are shown; the download holds them all.",
                         "显示前 {shown} 行（共 {total} 行）；下载文件包含全部。"),
}
