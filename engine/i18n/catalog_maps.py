"""Words of the maps (Overview and planner): legends, the density key, unassigned accounts."""

MESSAGES: dict[str, tuple[str, str]] = {
    "maps.density_key": ("Accounts per ~{km} km cell", "每约{km}公里网格的客户数"),
    "maps.unassigned_points": ("White rings are accounts no territory holds ({count}).",
                               "白色圆圈为未归属任何区域的客户（{count}个）。"),
}
