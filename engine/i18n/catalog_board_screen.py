"""Words of the wall screen: the read-only board links (engine/access/board_links.py) — the refusal
pages and the Users page's section — and the board's regional map."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "boardlink.revoked.title": ("This board link was revoked", "此大屏链接已被撤销"),
    "boardlink.revoked.body": ("An admin revoked this screen's link, so it shows no data any more. Ask an "
                               "admin for a new board link.",
                               "管理员已撤销此大屏的链接，因此不再显示任何数据。请向管理员索取新的大屏链接。"),
    "boardlink.invalid.title": ("This board link is not valid", "此大屏链接无效"),
    "boardlink.invalid.body": ("The link is incomplete or unknown. Ask an admin for a new board link.",
                               "链接不完整或未知。请向管理员索取新的大屏链接。"),
    "boardlink.page": ("Board", "大屏"),
    "boardlink.section": ("Board links for wall screens", "大屏链接（会议室屏幕）"),
    "boardlink.caption": ("A wall screen opens the board with its link, without signing in: read-only, only "
                          "the link's scope, no other page. The link is shown once; Terrain keeps only its hash.",
                          "会议室屏幕凭链接打开大屏，无需登录：只读、仅限链接的范围、无法打开其他页面。链接只显示一次；"
                          "Terrain 只保存其哈希值。"),
    "boardlink.label": ("Label (which screen)", "名称（哪块屏幕）"),
    "boardlink.scope": ("Scope", "范围"),
    "boardlink.company": ("Whole company", "全公司"),
    "boardlink.lang": ("Language", "语言"),
    "boardlink.lang_default": ("Default (setting)", "默认（设置）"),
    "boardlink.rotate": ("Seconds per panel", "每个面板停留秒数"),
    "boardlink.create": ("Create board link", "创建大屏链接"),
    "boardlink.created": ("Board link created for {label}. Copy it now: it is not shown again.",
                          "已为 {label} 创建大屏链接。请立即复制：它不会再次显示。"),
    "boardlink.revoke_pick": ("Link to revoke", "要撤销的链接"),
    "boardlink.revoke": ("Revoke", "撤销"),
    "boardlink.revoked_done": ("Revoked the board link {label}.", "已撤销大屏链接 {label}。"),
    "boardlink.none": ("No board links yet.", "尚无大屏链接。"),
    "boardlink.col.link_id": ("Id", "编号"),
    "boardlink.col.label": ("Label", "名称"),
    "boardlink.col.scope": ("Scope", "范围"),
    "boardlink.col.lang": ("Language", "语言"),
    "boardlink.col.rotate_seconds": ("Seconds per panel", "每面板秒数"),
    "boardlink.col.created_by": ("Created by", "创建人"),
    "boardlink.col.created_at": ("Created", "创建时间"),
    "boardlink.col.revoked_at": ("Revoked", "撤销时间"),
    "boardlink.col.revoked_by": ("Revoked by", "撤销人"),
    "boardlink.col.last_seen_at": ("Last seen", "最近访问"),
    "board.bad_rotate": ("?rotate={value} is not a number of seconds; rotating every {seconds} s.",
                         "?rotate={value} 不是秒数；按每 {seconds} 秒轮换。"),
}
MESSAGES.update({
    "board.map.figures": ("{share} · {attainment}", "{share} · {attainment}"),
    "board.map.legend": ("On the map: share of this quarter's won revenue · attainment of target. Red below "
                         "{red}, amber to {green}, green from {green}.",
                         "地图标注：占本季度赢单额之比 · 目标达成率。低于 {red} 红色，{red}–{green} 琥珀色，{green} 以上绿色。"),
})
