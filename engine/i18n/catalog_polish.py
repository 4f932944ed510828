"""Words of issue 14's last polish: the colours of changes, import warnings, territory colours."""

MESSAGES: dict[str, tuple[str, str]] = {
    "tables.against_live": ("Green: higher than the live assignment; red: lower.",
                            "绿色：高于当前分配；红色：低于当前分配。"),
}
