"""Words of the Overview's period-to-date comparison."""

MESSAGES: dict[str, tuple[str, str]] = {
    "overview.to_date": ("{period} to date", "{period}同期"),  # short: a tile's caption has one line
    "overview.to_date_long": ("{period} to {day}, the same first {days} {days|day|days}", "{period}截至{day}，同为前{days}天"),
    "overview.to_date_caption": ("{period} is running: won, attainment and gap are compared with the same first "
                                 "{days} {days|day|days} of the periods before (targets stay whole).",
                                 "{period}尚未结束：赢单、达成率与差距均与之前各期的前{days}天比较（目标按整期计）。"),
}
