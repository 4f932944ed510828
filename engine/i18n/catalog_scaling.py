"""Words of the warm start: what a page says while the server is still filling its caches."""

MESSAGES: dict[str, tuple[str, str]] = {
    "warm.loading": ("Terrain has just started and is loading the figures into memory — a few seconds, once.",
                     "Terrain 刚刚启动，正在把数据载入内存——只需几秒，仅此一次。"),
}
