"""Words added while walking the app as its users (the session-7 walk): comparisons said plainly."""

MESSAGES: dict[str, tuple[str, str]] = {
    "fk.compared_to_date": ("Won is compared with the same first {days} {days|day|days} of {period}; the rest with the "
                            "whole of {period}.",
                            "已赢单与{period}的前{days}天比较；其余与{period}整期比较。"),
}
MESSAGES.update({
    "users.col.email": ("E-mail", "电子邮件"),
    "users.col.password": ("Password", "密码"),
    "users.password.set": ("set", "已设置"),
    "users.password.sso": ("single sign-on only", "仅单点登录"),
})
MESSAGES.update({
    "board.bottom_none": ("All {count} reps are in the top list.", "全部 {count} 名销售代表都在前列。"),
})
