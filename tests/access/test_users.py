"""The users file: hashes only, atomic private writes, one sign-in sentence, throttling, expiry."""
from __future__ import annotations

import json
import os
import stat

import pytest

from engine.access.signin import WRONG, SignInFailed, SignInThrottled, Throttle, expired, sign_in
from engine.access.users import UserError, UsersFile, default_users_path


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def users(tmp_path) -> UsersFile:
    file = UsersFile(tmp_path / "terrain.users.json")
    file.add("boss", "admin", password="s3cret-boss-pass")
    file.add("ada", "rep", password="ada-pass-2024", rep_id="R1", email="Ada@Example.com")
    return file


def test_the_file_holds_argon2_hashes_and_never_a_password(users, tmp_path):
    text = users.path.read_text()
    assert "s3cret-boss-pass" not in text and "ada-pass-2024" not in text
    rows = json.loads(text)["users"]
    assert [r["name"] for r in rows] == ["boss", "ada"]
    assert all(r["password_hash"].startswith("$argon2id$") for r in rows)
    assert "password" not in json.dumps(users.get("ada").public()).replace('"password": "set"', "")


def test_the_file_is_private_and_written_whole(users, tmp_path):
    assert stat.S_IMODE(os.stat(users.path).st_mode) == 0o600
    users.set_password("ada", "another-long-one")
    assert stat.S_IMODE(os.stat(users.path).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["terrain.users.json"]  # no temp file left behind


def test_default_path_sits_beside_the_database():
    assert str(default_users_path("/data/sales.duckdb")) == "/data/sales.users.json"


@pytest.mark.parametrize("name, role, kwargs, message", [
    ("boss", "admin", {"password": "long-enough-1"}, "There is already a user 'boss'."),
    ("eve", "owner", {"password": "long-enough-1"}, "'owner' is not a role."),
    ("eve", "rep", {"password": "long-enough-1"}, "A rep needs a rep or at least one territory to see."),
    ("eve", "viewer", {"territories": ("EU",)}, "A user needs a password or an e-mail for single sign-on."),
    ("eve", "viewer", {"territories": ("EU",), "password": "short"}, "The password is shorter than 8 characters."),
    ("bad name", "admin", {"password": "long-enough-1"}, "'bad name' is not a usable user name."),
    ("eve", "viewer", {"territories": ("EU",), "email": "ada@example.com"},
     "The e-mail ada@example.com already belongs to another user."),
])
def test_bad_users_are_refused_with_a_reason(users, name, role, kwargs, message):
    before = users.path.read_bytes()
    with pytest.raises(UserError) as caught:
        users.add(name, role, **kwargs)
    assert caught.value.message == message
    assert users.path.read_bytes() == before  # nothing half-written


def test_the_first_user_is_an_admin_and_the_last_admin_stays(tmp_path):
    file = UsersFile(tmp_path / "u.json")
    with pytest.raises(UserError, match="The first user must be an admin"):
        file.add("ada", "rep", password="ada-pass-2024", rep_id="R1")
    assert not file.exists()
    file.add("boss", "admin", password="s3cret-boss-pass")
    file.add("ada", "rep", password="ada-pass-2024", rep_id="R1")
    with pytest.raises(UserError, match="last admin"):
        file.remove("boss")
    file.remove("ada")
    assert list(file.users()) == ["boss"]


def test_sign_in_checks_the_hash_and_says_the_same_for_name_and_password(users):
    throttle = Throttle(clock=Clock())
    assert sign_in(users, "ada", "ada-pass-2024", "10.0.0.1", throttle).rep_id == "R1"
    messages = []
    for name, password in (("ada", "wrong-password"), ("nobody", "ada-pass-2024"), ("", "")):
        with pytest.raises(SignInFailed) as caught:
            sign_in(users, name, password, "10.0.0.2", throttle)
        assert type(caught.value) is SignInFailed
        messages.append(caught.value.message)
    assert messages == [WRONG] * 3
    assert users.by_email("ada@EXAMPLE.com").name == "ada"


def test_failures_double_the_wait_per_user_and_per_client(users):
    clock = Clock()
    throttle = Throttle(free=3, base=2.0, cap=300.0, clock=clock)
    for _ in range(3):  # the first three failures cost nothing
        with pytest.raises(SignInFailed):
            sign_in(users, "ada", "guess", "10.0.0.9", throttle)
    assert throttle.wait("user:ada") == 0
    with pytest.raises(SignInFailed):
        sign_in(users, "ada", "guess", "10.0.0.9", throttle)  # 4th: 2 s
    with pytest.raises(SignInThrottled) as caught:
        sign_in(users, "ada", "ada-pass-2024", "10.0.0.3", throttle)  # the right password waits too
    assert caught.value.seconds == 2.0
    with pytest.raises(SignInThrottled):
        sign_in(users, "boss", "s3cret-boss-pass", "10.0.0.9", throttle)  # the same client waits too
    assert sign_in(users, "boss", "s3cret-boss-pass", "10.0.0.4", throttle).name == "boss"
    clock.now += 2.0
    with pytest.raises(SignInFailed):
        sign_in(users, "ada", "guess", "10.0.0.3", throttle)  # 5th: 4 s
    assert throttle.wait("user:ada") == 4.0
    assert [throttle.delay_after(n) for n in (3, 4, 5, 6, 20)] == [0.0, 2.0, 4.0, 8.0, 300.0]
    clock.now += 4.0
    assert sign_in(users, "ada", "ada-pass-2024", "10.0.0.5", throttle).name == "ada"
    assert throttle.failures("user:ada") == 0  # a success clears the user's count


@pytest.mark.parametrize("last_seen, now, idle, result", [
    (None, 10_000.0, 30, False),      # never seen: nothing to expire
    (0.0, 1_800.0, 30, False),        # exactly the idle time
    (0.0, 1_800.5, 30, True),
    (0.0, 99_999.0, 0, False),        # 0 = never
])
def test_sessions_expire_after_the_idle_time(last_seen, now, idle, result):
    assert expired(last_seen, now, idle) is result
