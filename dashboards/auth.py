"""Login: bcrypt-checked users from the users file, and a lock after repeated failures."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from dashboards import users as users_mod
from dashboards.labels import t
from dashboards.queries import Viewer

MAX_FAILURES = 5
LOCK_SECONDS = 300


@dataclass
class RateLimiter:
    """Failed logins per username, shared by every session of the server process."""

    max_failures: int = MAX_FAILURES
    lock_seconds: float = LOCK_SECONDS
    clock: object = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _now(self) -> float:
        return self.clock()  # type: ignore[operator]

    def locked_for(self, username: str) -> float:
        """Seconds the username stays locked (0 if it is not)."""
        key = username.strip().lower()
        with self._lock:
            recent = [s for s in self._failures.get(key, []) if self._now() - s < self.lock_seconds]
            self._failures[key] = recent
            if len(recent) >= self.max_failures:
                return self.lock_seconds - (self._now() - recent[-self.max_failures])
            return 0.0

    def failed(self, username: str) -> None:
        with self._lock:
            self._failures.setdefault(username.strip().lower(), []).append(self._now())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.strip().lower(), None)


LIMITER = RateLimiter()


def attempt(username: str, password: str, limiter: RateLimiter = LIMITER) -> Viewer | str:
    """A Viewer on success, else the reason ('locked' or 'failed')."""
    if limiter.locked_for(username) > 0:
        return "locked"
    users = users_mod.login_users(users_mod.users_path()).users
    user = users_mod.verify(users, username, password)
    if user is None:
        limiter.failed(username)
        return "locked" if limiter.locked_for(username) > 0 else "failed"
    limiter.succeeded(username)
    return Viewer(user.username, user.role, user.partner_id, user.staff_id)


def login_form(lang: str) -> None:
    """The login form; sets `st.session_state["viewer"]` and reruns on success."""
    st.title(t("login_title", lang))
    path = users_mod.users_path()
    if not path.is_file():
        st.warning(t("no_users_file", lang))
    elif users_mod.login_users(path).unreadable is not None:
        st.error(t("users_file_unreadable", lang))
        return
    with st.form("login"):
        username = st.text_input(t("username", lang), key="login_username")
        password = st.text_input(t("password", lang), type="password", key="login_password")
        submitted = st.form_submit_button(t("login", lang))
    if submitted:
        result = attempt(username, password)
        if isinstance(result, Viewer):
            st.session_state["viewer"] = result
            st.rerun()
        elif result == "locked":
            minutes = max(1, round(LIMITER.locked_for(username) / 60))
            st.error(t("login_locked", lang, minutes=minutes))
        else:
            st.error(t("login_failed", lang))
