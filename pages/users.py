"""Users: the admin adds and removes who may sign in, and sets passwords (the users file).

Shown only to admins (app.py); the engine refuses anyone else anyway (`require(..., "users")`).
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from engine.access.permissions import require
from engine.access.users import ROLES
from engine.store.errors import TerrainError
from ui import context
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
rows = [u.public() for u in users.users().values()]
st.dataframe(pl.DataFrame(rows, schema={k: pl.String for k in
                                        ("name", "role", "rep_id", "territories", "email", "password")}),
             hide_index=True, width="stretch", placeholder=EMPTY)

reps = store.table("reps", ["rep_id", "name"]).sort("name")
territories = store.table("territories", ["territory_id", "name"]).sort("name")
rep_names = dict(zip(reps["rep_id"], reps["name"]))
territory_names = dict(zip(territories["territory_id"], territories["name"]))

with st.form("users_add", clear_on_submit=True):
    st.markdown(f"**{tr('users.add')}**")
    top = st.columns(3)
    name = top[0].text_input(tr("users.name"))
    role = top[1].selectbox(tr("users.role"), ROLES, format_func=lambda r: tr(f"role.{r}"))
    email = top[2].text_input(tr("users.email"))
    bottom = st.columns(3)
    rep = bottom[0].selectbox(tr("users.rep"), [None, *rep_names], format_func=lambda r: rep_names.get(r, tr("users.none")))
    chosen = bottom[1].multiselect(tr("users.territories"), list(territory_names),
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
