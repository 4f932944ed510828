"""The users file: who may sign in, with which role, rep and territories.

Users live outside the database (DESIGN: `TERRAIN_USERS`, by default `<database>.users.json` beside
the database), so a copied database never carries credentials. The file holds argon2 hashes only:
a password is hashed the moment it arrives and is never written, logged or kept. Every change is
written to a temporary file (mode 0600) and moved over the old one, so a crash never leaves half a
file; when the file exists, sign-in is on.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from engine.store.errors import TerrainError

ROLES = ("admin", "sales_ops", "manager", "rep", "viewer")
ROLE_HELP = {
    "admin": "everything, including users",
    "sales_ops": "sees everything; imports, rules, territories, targets, scenarios",
    "manager": "sees the territories below theirs; sets their targets",
    "rep": "sees their own territories and those below; changes nothing",
    "viewer": "sees their territories; changes nothing",
}
MIN_PASSWORD = 8
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_hasher = PasswordHasher()
# Verified when the user is unknown, so that a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("terrain-no-such-user")


class UserError(TerrainError):
    title = "The user could not be saved"


@dataclass(frozen=True)
class User:
    """One person who may sign in. `password_hash` is an argon2 hash (empty = SSO only)."""

    name: str
    role: str
    rep_id: str | None = None
    territories: tuple[str, ...] = ()
    email: str | None = None
    password_hash: str = field(default="", repr=False)

    def public(self) -> dict:
        """The row a listing shows: everything but the hash."""
        return {"name": self.name, "role": self.role, "rep_id": self.rep_id,
                "territories": ", ".join(self.territories), "email": self.email,
                "password": "set" if self.password_hash else "SSO only"}


def default_users_path(db_path: str) -> Path:
    """`terrain.duckdb` → `terrain.users.json` in the same folder."""
    db = Path(db_path)
    return db.with_name(f"{db.stem}.users.json") if db_path != ":memory:" else Path("terrain.users.json")


def users_path(settings) -> Path:
    return Path(settings.users_file) if settings.users_file else default_users_path(settings.db_path)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"The password is shorter than {MIN_PASSWORD} characters.",
                        hint="Choose a longer one (a short sentence is easy to remember).")
    return _hasher.hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """True when `password` is the user's; spends the same argon2 time when there is no such user."""
    try:
        return _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password) \
            and user is not None and bool(user.password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class UsersFile:
    """The users of one file, read on each call (the file is small; another process may change it)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.exists()

    def users(self) -> dict[str, User]:
        if not self.path.exists():
            return {}
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8")).get("users", [])
            return {row["name"]: User(name=row["name"], role=row["role"], rep_id=row.get("rep_id"),
                                      territories=tuple(row.get("territories") or ()), email=row.get("email"),
                                      password_hash=row.get("password_hash", "")) for row in rows}
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise UserError(f"The users file {self.path} is not valid ({error}).",
                            hint="Restore it from a backup, or fix it with `python -m engine users`.") from None

    def get(self, name: str) -> User | None:
        return self.users().get(name)

    def by_email(self, email: str | None) -> User | None:
        wanted = (email or "").strip().lower()
        return next((u for u in self.users().values() if wanted and (u.email or "").lower() == wanted), None)

    def add(self, name: str, role: str, *, password: str | None = None, rep_id: str | None = None,
            territories: tuple[str, ...] = (), email: str | None = None) -> User:
        """A new user; with neither password nor e-mail nobody could ever sign in as them."""
        users = self.users()
        if not _NAME.match(name or ""):
            raise UserError(f"'{name}' is not a usable user name.",
                            hint="Use letters, digits and . _ @ - (up to 64 characters).")
        if name in users:
            raise UserError(f"There is already a user '{name}'.", hint="Pick another name, or use `users passwd`.")
        if role not in ROLES:
            raise UserError(f"'{role}' is not a role.", hint=f"Use one of: {', '.join(ROLES)}.")
        if not users and role != "admin":
            raise UserError("The first user must be an admin: adding them turns sign-in on, and someone "
                            "has to be able to manage the others.", hint="Add an admin first (--role admin).")
        if role in ("rep", "manager", "viewer") and not rep_id and not territories:
            raise UserError(f"A {role} needs a rep or at least one territory to see.",
                            hint="Give --rep REP_ID or --territory TERRITORY_ID.")
        if not password and not email:
            raise UserError("A user needs a password or an e-mail for single sign-on.",
                            hint="Give --password-stdin, or --email for SSO.")
        if email and self.by_email(email):
            raise UserError(f"The e-mail {email} already belongs to another user.")
        user = User(name, role, rep_id or None, tuple(territories), email or None,
                    hash_password(password) if password else "")
        self._write({**users, name: user})
        return user

    def remove(self, name: str) -> None:
        users = self.users()
        if name not in users:
            raise UserError(f"There is no user '{name}'.", hint="`python -m engine users list` shows them.")
        rest = {k: v for k, v in users.items() if k != name}
        if users[name].role == "admin" and rest and not any(u.role == "admin" for u in rest.values()):
            raise UserError(f"'{name}' is the last admin; nobody could manage users without one.",
                            hint="Make another user admin first.")
        self._write(rest)

    def set_password(self, name: str, password: str) -> None:
        users = self.users()
        if name not in users:
            raise UserError(f"There is no user '{name}'.", hint="`python -m engine users list` shows them.")
        self._write({**users, name: replace(users[name], password_hash=hash_password(password))})

    def _write(self, users: dict[str, User]) -> None:
        """Temp file (0600) in the same folder + os.replace: readers see the old or the new file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        rows = [{**asdict(u), "territories": list(u.territories)} for u in users.values()]
        handle, temp = tempfile.mkstemp(prefix=".users-", suffix=".tmp", dir=self.path.parent)
        try:
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": 1, "users": rows}, out, indent=2, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
