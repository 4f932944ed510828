"""Signing in with a name and password: one message for every failure, slowed after failures,
and sessions that end after an idle time.

Failures are counted per user name and per client (the browser's address), in this process:
after the first few, each further failure doubles the wait before the next attempt of that name
or from that client (capped), so guessing is slow while a typo costs nothing. A success clears
the user's count. Whether the name or the password was wrong is never told apart.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from engine.store.errors import TerrainError
from engine.access.users import User, UsersFile, password_matches

FREE_FAILURES = 3       # failures allowed before any waiting
BASE_DELAY = 2.0        # seconds of the first wait; doubles with each further failure
MAX_DELAY = 300.0
WRONG = "The user name or the password is not right."


class SignInFailed(TerrainError):
    title = "Sign-in failed"


class SignInThrottled(SignInFailed):
    title = "Too many failed sign-ins"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"Too many failed attempts; wait {int(seconds + 0.999)} s before trying again.",
                         hint="Ask an admin to reset your password if you forgot it.")


@dataclass
class Throttle:
    """Failed attempts per key ('user:NAME', 'client:ADDRESS'), with the time each may try again."""

    free: int = FREE_FAILURES
    base: float = BASE_DELAY
    cap: float = MAX_DELAY
    clock: object = time.monotonic
    _failures: dict[str, int] = field(default_factory=dict)
    _until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, *keys: str) -> float:
        """Seconds before any of `keys` may try again (0 = now)."""
        now = self.clock()
        with self._lock:
            return max([0.0, *(self._until.get(k, 0.0) - now for k in keys)])

    def delay_after(self, failures: int) -> float:
        return 0.0 if failures <= self.free else min(self.cap, self.base * 2 ** (failures - self.free - 1))

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                count = self._failures.get(key, 0) + 1
                self._failures[key] = count
                self._until[key] = now + self.delay_after(count)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
                self._until.pop(key, None)

    def failures(self, key: str) -> int:
        return self._failures.get(key, 0)


THROTTLE = Throttle()


def sign_in(users: UsersFile, name: str, password: str, client: str | None = None,
            throttle: Throttle = THROTTLE) -> User:
    """The user whose name and password these are; SignInFailed (always the same sentence) or
    SignInThrottled (with the seconds to wait) otherwise."""
    name = (name or "").strip()
    keys = [f"user:{name.lower()}"] + ([f"client:{client}"] if client else [])
    waiting = throttle.wait(*keys)
    if waiting > 0:
        raise SignInThrottled(waiting)
    user = users.get(name) if name else None
    if not password_matches(user, password or ""):
        throttle.failed(*keys)
        raise SignInFailed(WRONG, hint="Check both and try again.")
    throttle.succeeded(keys[0])
    return user


def expired(last_seen: float | None, now: float, idle_minutes: float) -> bool:
    """True when a session last used at `last_seen` (seconds) has been idle too long at `now`."""
    return last_seen is not None and idle_minutes > 0 and now - last_seen > idle_minutes * 60
