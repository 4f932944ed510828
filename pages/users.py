"""Users: the admin adds and removes who may sign in, and sets passwords (the users file); and
creates and revokes the read-only board links of wall screens (stored in the database).

Shown only to admins (app.py); the engine refuses anyone else anyway (`require(..., "users")`).
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.access.board_links import create_link, list_links, revoke_link
from engine.access.permissions import require
from engine.access.users import ROLES
from engine.i18n import LANGUAGES
from engine.store.errors import TerrainError
from ui import board_link, context
from ui.tables import EMPTY
from ui.signin import users_file

tr, lang, settings = context.tr, context.lang(), context.settings()
users = users_file(settings)

st.title(tr("users.title"))
st.caption(tr("users.caption", path=str(users.path)))
try:
    require(context.viewer(), "users")
except TerrainError as error:
    context.show_error(error)
    st.stop()

if "users_flash" in st.session_state:  # set before the rerun that shows the changed list
    st.success(st.session_state.pop("users_flash"))
store = context.store()
reps = store.table("reps", ["rep_id", "name"]).sort("name")
territories = store.table("territories", ["territory_id", "name"]).sort("name")
rep_names = dict(zip(reps["rep_id"], reps["name"]))
territory_names = dict(zip(territories["territory_id"], territories["name"]))


def _user_row(user) -> dict:
    """A user as the admin reads them: translated role, the rep's and territories' names (not
    REP-045 / T-EMEA-DACH), whether a password is set; never the hash."""
    row = user.public()
    return {tr("users.name"): row["name"], tr("users.role"): tr(f"role.{row['role']}"),
            tr("users.rep"): rep_names.get(row["rep_id"], row["rep_id"]),
            tr("users.territories"): ", ".join(territory_names.get(t, t) for t in user.territories) or None,
            tr("users.col.email"): row["email"],
            tr("users.col.password"): tr("users.password.set" if user.password_hash else "users.password.sso")}


columns = (tr("users.name"), tr("users.role"), tr("users.rep"), tr("users.territories"), tr("users.col.email"),
           tr("users.col.password"))
st.dataframe(pl.DataFrame([_user_row(u) for u in users.users().values()], schema={c: pl.String for c in columns}),
             hide_index=True, width="stretch", placeholder=EMPTY)

with st.form("users_add", clear_on_submit=True):
    st.markdown(f"**{tr('users.add')}**")
    top = st.columns(3)
    name = top[0].text_input(tr("users.name"))
    role = top[1].selectbox(tr("users.role"), ROLES, format_func=lambda r: tr(f"role.{r}"))
    email = top[2].text_input(tr("users.email"))
    bottom = st.columns(3)
    rep = bottom[0].selectbox(tr("users.rep"), [None, *rep_names], format_func=lambda r: rep_names.get(r, tr("users.none")))
    chosen = bottom[1].multiselect(tr("users.territories"), list(territory_names), placeholder=tr("common.choose"),
                                   format_func=lambda t: territory_names.get(t, t))
    password = bottom[2].text_input(tr("users.password"), type="password")
    if st.form_submit_button(tr("users.add"), type="primary"):
        try:
            users.add(name.strip(), role, password=password or None, rep_id=rep, territories=tuple(chosen),
                      email=email.strip() or None)
        except TerrainError as error:
            context.show_error(error)
        else:
            st.session_state["users_flash"] = tr("users.added", name=name.strip())
            st.rerun()

names = list(users.users())
if names:
    left, right = st.columns(2)
    with left.form("users_passwd", clear_on_submit=True):
        who = st.selectbox(tr("users.pick"), names, key="users_passwd_who")
        new = st.text_input(tr("users.password"), type="password")
        if st.form_submit_button(tr("users.passwd")):
            try:
                users.set_password(who, new)
            except TerrainError as error:
                context.show_error(error)
            else:
                st.success(tr("users.passwd_done", name=who))
    with right.form("users_remove"):
        who = st.selectbox(tr("users.pick"), names, key="users_remove_who")
        if st.form_submit_button(tr("users.remove")):
            try:
                users.remove(who)
            except TerrainError as error:
                context.show_error(error)
            else:
                st.session_state["users_flash"] = tr("users.removed", name=who)
                st.rerun()

# Read-only board links for wall screens (engine/access/board_links.py): the token is shown once.
st.divider()
st.subheader(tr("boardlink.section"))
st.caption(tr("boardlink.caption"))
if "board_link_new" in st.session_state:  # set before the rerun, shown once, never kept
    label, path = st.session_state.pop("board_link_new")
    st.success(tr("boardlink.created", label=label))
    st.code(board_link.absolute(path, st.context.url), language=None)  # the whole address, to copy as is
links = list_links(store)
if links.is_empty():
    st.caption(tr("boardlink.none"))
else:
    # names, not ids; the company and the setting's language said in words; an empty cell is "–"
    named = links.with_columns(
        pl.col("scope").replace_strict(territory_names, default=pl.col("scope")).fill_null(tr("boardlink.company")),
        pl.col("lang").replace_strict(LANGUAGES, default=pl.col("lang")).fill_null(tr("boardlink.lang_default")))
    st.dataframe(named.rename({c: tr(f"boardlink.col.{c}") for c in links.columns}), hide_index=True,
                 width="stretch", key="board_links", placeholder=EMPTY)
with st.form("board_link_create", clear_on_submit=True):
    cells = st.columns(4)
    link_label = cells[0].text_input(tr("boardlink.label"))
    link_scope = cells[1].selectbox(tr("boardlink.scope"), [None, *territory_names],
                                    format_func=lambda t: territory_names.get(t, tr("boardlink.company")))
    link_lang = cells[2].selectbox(tr("boardlink.lang"), [None, *LANGUAGES],
                                   format_func=lambda code: LANGUAGES.get(code, tr("boardlink.lang_default")))
    link_rotate = cells[3].number_input(tr("boardlink.rotate"), 5, 600, settings.board_rotate_seconds)
    if st.form_submit_button(tr("boardlink.create"), type="primary"):
        try:
            token, link = create_link(store, link_label, link_scope, link_lang, int(link_rotate))
        except TerrainError as error:
            context.show_error(error)
        else:
            st.session_state["board_link_new"] = (link.label, f"board?token={token}")
            st.rerun()
active = links.filter(pl.col("revoked_at").is_null())
if active.height:
    with st.form("board_link_revoke"):
        labels = dict(zip(active["link_id"], active["label"]))
        which = st.selectbox(tr("boardlink.revoke_pick"), list(labels), format_func=lambda i: f"{labels[i]} ({i})")
        if st.form_submit_button(tr("boardlink.revoke")):
            try:
                revoke_link(store, which)
            except TerrainError as error:
                context.show_error(error)
            else:
                st.session_state["users_flash"] = tr("boardlink.revoked_done", label=labels[which])
                st.rerun()
