"""Words of the planner's notice when the data changed under unsaved moves (engine.planner.rebase)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "planner.rebased.intro": (
        "The data changed while you were planning (an import or another saved change), so your moves were "
        "carried over to it; {count} {count|account|accounts} could not follow and {count|was|were} left out:",
        "规划期间数据已更新（导入或其他已保存的更改），您的调整已迁移到新数据上；有 {count} 个客户无法迁移，已从调整中移除："),
    "planner.rebased.gone": ("{count} no longer {count|exists|exist} ({ids})", "{count} 个客户已不存在（{ids}）"),
    "planner.rebased.changed": ("{count} changed territory meanwhile ({ids})", "{count} 个客户期间已更换区域（{ids}）"),
    "planner.rebased.unreachable": ("{count} {count|was|were} bound for a territory or rep that no longer exists ({ids})",
                                    "{count} 个客户的目标区域或销售代表已不存在（{ids}）"),
    "planner.rebased.more": ("{ids} and {more} more", "{ids} 等另外 {more} 个"),
}
