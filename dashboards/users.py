"""Dashboard users: a TOML file of bcrypt hashes, roles and partner/staff ids.

The file (env `PARTNER_WAREHOUSE_USERS`, default `data/users.toml`, never committed)
looks like::

    [users."li.na"]
    password_hash = "$2b$12$..."
    role = "customer_manager"
    partner_id = "D1"
    staff_id = "CM1"

Commands::

    python -m dashboards.users add USERNAME --role ROLE --partner-id P [--staff-id S]
        [--file PATH] [--password-stdin]     (prompts for the password otherwise)
    python -m dashboards.users remove USERNAME [--file PATH]
    python -m dashboards.users list [--file PATH]
    python -m dashboards.users demo --partner-id P [--staff-id S ...] [--file PATH]
        (creates demo users with random passwords, printed once)

No password ships with the repository.

A bad entry (unknown role, a missing key, a supervisor or customer manager without staff id,
a username declared twice, a value that is not a bcrypt hash) is skipped and logged with its
line: the other users still log in. A file that is not TOML at all lets nobody in. The
commands refuse to rewrite a file with bad entries of other users, so that a write never
drops an entry it was not asked to change.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import re
import secrets
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from contract.roles import ROLES
from contract.settings import BY_NAME, Settings

USERS_VARIABLE = BY_NAME["PARTNER_WAREHOUSE_USERS"]

_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_BCRYPT = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")
# `[users."li.na"]`, `[users.'li.na']` or `[users.li_na]`: the username is group 1, 2 or 3.
_ENTRY_HEADER = re.compile(
    r"""^\s*\[\s*users\s*\.\s*(?:"([^"\\]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*\](?:\s*#.*)?\s*$"""
)
_TABLE_HEADER = re.compile(r"^\s*\[")
MIN_PASSWORD = 8

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class User:
    username: str
    password_hash: str
    role: str
    partner_id: str
    staff_id: str | None = None


def users_path() -> Path:
    return Path(Settings.from_env().users_file)


@dataclass(frozen=True)
class SkippedEntry:
    """An entry of the users file that is not used, and why."""

    line: int | None
    username: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line or '?'}: user {self.username!r} skipped: {self.reason}"


@dataclass(frozen=True)
class UsersFile:
    """What logins get from the users file: its valid users and what was left out."""

    users: dict[str, User]
    skipped: tuple[SkippedEntry, ...] = ()
    # Why the file as a whole cannot be read (then nobody logs in), or None.
    unreadable: str | None = None


def user_problem(username: str, role: str, partner_id: str, staff_id: str | None) -> str | None:
    """Why these cannot be a user (the same rules for the commands and the file), or None."""
    if not _USERNAME.match(username):
        return "username: 1-64 letters, digits or . _ @ -"
    if role not in ROLES:
        return f"unknown role {role[:40]!r}: one of {', '.join(ROLES)}"
    if not _ID.match(partner_id):
        return "partner_id: 1-64 letters, digits or . _ : -"
    if role != "partner_admin" and not staff_id:
        return f"a {role} needs a staff_id"
    if staff_id is not None and not _ID.match(staff_id):
        return "staff_id: 1-64 letters, digits or . _ : -"
    return None


def entry_problem(username: str, entry: object) -> str | None:
    """Why one `[users.<name>]` table of the file cannot be a user, or None."""
    if not isinstance(entry, dict):
        return "not a table of keys"
    for key in ("password_hash", "role", "partner_id"):
        if key not in entry:
            return f"no {key}"
    if not all(isinstance(value, str) for value in entry.values()):
        return "every value must be a quoted string"
    if not _BCRYPT.match(entry["password_hash"]):
        # Never echoed: it could be a password typed in by hand.
        return "password_hash is not a bcrypt hash"
    return user_problem(username, entry["role"], entry["partner_id"], entry.get("staff_id") or None)


def _entry_headers(lines: list[str]) -> dict[str, list[int]]:
    """username -> the 0-based lines of its `[users.<name>]` headers."""
    found: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        match = _ENTRY_HEADER.match(line)
        if match:
            name = next(group for group in match.groups() if group is not None)
            found.setdefault(name, []).append(number)
    return found


def _without_duplicates(
    lines: list[str], headers: dict[str, list[int]]
) -> tuple[list[str], list[SkippedEntry]]:
    """The lines with every table of a username declared twice blanked out (TOML would reject
    the whole file), and those tables as skipped entries: which one was meant is unknown."""
    kept, skipped = list(lines), []
    for name, starts in headers.items():
        if len(starts) < 2:
            continue
        where = ", ".join(str(start + 1) for start in starts)
        for start in starts:
            skipped.append(
                SkippedEntry(start + 1, name, f"declared more than once (lines {where})")
            )
            end = start + 1
            while end < len(lines) and not _TABLE_HEADER.match(lines[end]):
                end += 1
            kept[start:end] = [""] * (end - start)
    return kept, skipped


def read_users(path: Path | str) -> UsersFile:
    """The users file as logins see it; an absent file has no users."""
    path = Path(path)
    if not path.is_file():
        return UsersFile({})
    try:
        # Split on "\n" only, as TOML counts lines, so the lines reported match its errors.
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        return UsersFile({}, unreadable=f"cannot be read: {exc}")
    headers = _entry_headers(lines)
    kept, skipped = _without_duplicates(lines, headers)
    try:
        data = tomllib.loads("\n".join(kept))
    except tomllib.TOMLDecodeError as exc:
        return UsersFile({}, unreadable=f"not valid TOML: {exc}")
    entries = data.get("users", {})
    if not isinstance(entries, dict):
        return UsersFile({}, unreadable="`users` is not a table")
    users = {}
    for name, entry in entries.items():
        reason = entry_problem(name, entry)
        if reason is None:
            users[name] = User(
                name,
                entry["password_hash"],
                entry["role"],
                entry["partner_id"],
                entry.get("staff_id") or None,
            )
        else:
            skipped.append(
                SkippedEntry(headers[name][0] + 1 if name in headers else None, name, reason)
            )
    return UsersFile(users, tuple(sorted(skipped, key=lambda s: (s.line or 0, s.username))))


def load_users(path: Path | str) -> dict[str, User]:
    """The valid users of the file (bad entries left out)."""
    return read_users(path).users


# path -> (the file's identity when read, what it held): logins re-read a changed file only.
_login_cache: dict[str, tuple[tuple[int, int, int], UsersFile]] = {}


def login_users(path: Path) -> UsersFile:
    """The users file for logins, read again when it changes; its problems are logged (with
    the path) once per version of the file, never shown on the login page."""
    try:
        info = path.stat()
    except OSError:
        return UsersFile({})
    identity = (info.st_ino, info.st_size, info.st_mtime_ns)
    cached = _login_cache.get(str(path))
    if cached is not None and cached[0] == identity:
        return cached[1]
    found = read_users(path)
    if found.unreadable is not None:
        log.error("users file %s: %s; nobody can log in", path, found.unreadable)
    for entry in found.skipped:
        log.warning("users file %s: %s", path, entry)
    _login_cache[str(path)] = (identity, found)
    return found


def _file_to_rewrite(path: Path | str, username: str) -> UsersFile:
    """The users file, for a command that changes `username`; raises ValueError when
    rewriting would drop what nobody asked to change (another user's bad entry, or a file
    that is not TOML)."""
    found = read_users(path)
    if found.unreadable is not None:
        raise ValueError(f"{path} {found.unreadable}: fix it by hand first")
    others = [str(entry) for entry in found.skipped if entry.username != username]
    if others:
        raise ValueError(f"{path} has bad entries ({'; '.join(others)}): fix them by hand first")
    return found


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_users(path: Path | str, users: dict[str, User]) -> None:
    """Write the file atomically, readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Dashboard users: managed by `python -m dashboards.users`.", ""]
    for name in sorted(users):
        user = users[name]
        lines.append(f"[users.{_quote(name)}]")
        lines.append(f"password_hash = {_quote(user.password_hash)}")
        lines.append(f"role = {_quote(user.role)}")
        lines.append(f"partner_id = {_quote(user.partner_id)}")
        if user.staff_id:
            lines.append(f"staff_id = {_quote(user.staff_id)}")
        lines.append("")
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(tmp, path)


def hash_password(password: str, rounds: int = 12) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def add_user(
    path: Path | str,
    username: str,
    password: str,
    role: str,
    partner_id: str,
    staff_id: str | None = None,
    *,
    rounds: int = 12,
) -> User:
    """Add (or replace) a user; raises ValueError on a bad name, role, id or password."""
    reason = user_problem(username, role, partner_id, staff_id or None)
    if reason is not None:
        raise ValueError(reason)
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: at least {MIN_PASSWORD} characters")
    if len(password.encode("utf-8")) > 72:
        raise ValueError("password: at most 72 bytes (bcrypt)")
    users = dict(_file_to_rewrite(path, username).users)
    user = User(username, hash_password(password, rounds), role, partner_id, staff_id or None)
    users[username] = user
    save_users(path, users)
    return user


def remove_user(path: Path | str, username: str) -> bool:
    """Remove a user, also one whose entry is bad; False if the file has no such user."""
    found = _file_to_rewrite(path, username)
    users = dict(found.users)
    bad = any(entry.username == username for entry in found.skipped)
    if users.pop(username, None) is None and not bad:
        return False
    save_users(path, users)
    return True


# A real bcrypt hash to check against when the user does not exist, so that an unknown
# user costs the same time as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16), rounds=12)


def verify(users: dict[str, User], username: str, password: str) -> User | None:
    user = users.get(username)
    candidate = user.password_hash if user else _DUMMY_HASH
    try:
        ok = bcrypt.checkpw(password.encode("utf-8"), candidate.encode("ascii"))
    except ValueError:
        ok = False
    return user if ok and user else None


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboards.users",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--file",
        type=Path,
        default=None,
        help=f"users file (default ${USERS_VARIABLE.name} or {USERS_VARIABLE.default})",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add or replace a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--partner-id", required=True)
    add.add_argument("--staff-id")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin",
    )
    rm = sub.add_parser("remove", help="remove a user")
    rm.add_argument("username")
    sub.add_parser("list", help="list users (no hashes)")
    demo = sub.add_parser("demo", help="demo users with random passwords, printed once")
    demo.add_argument("--partner-id", required=True)
    demo.add_argument("--supervisor-id")
    demo.add_argument("--customer-manager-id")
    args = parser.parse_args(argv)
    path = args.file or users_path()
    try:
        if args.command == "add":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = getpass.getpass("Password: ")
                if getpass.getpass("Again: ") != password:
                    print("passwords differ", file=sys.stderr)
                    return 2
            add_user(path, args.username, password, args.role, args.partner_id, args.staff_id)
            print(f"added {args.username} ({args.role}) to {path}")
        elif args.command == "remove":
            if not remove_user(path, args.username):
                print(f"no user {args.username} in {path}", file=sys.stderr)
                return 1
            print(f"removed {args.username} from {path}")
        elif args.command == "list":
            found = read_users(path)
            if found.unreadable is not None:
                raise ValueError(f"{path} {found.unreadable}")
            for user in found.users.values():
                print(f"{user.username}\t{user.role}\t{user.partner_id}\t{user.staff_id or ''}")
            for entry in found.skipped:
                print(entry, file=sys.stderr)
            return 1 if found.skipped else 0
        elif args.command == "demo":
            wanted = [("demo-admin", "partner_admin", None)]
            if args.supervisor_id:
                wanted.append(("demo-supervisor", "supervisor", args.supervisor_id))
            if args.customer_manager_id:
                wanted.append(("demo-manager", "customer_manager", args.customer_manager_id))
            for name, role, staff in wanted:
                password = secrets.token_urlsafe(12)
                add_user(path, name, password, role, args.partner_id, staff)
                print(f"{name}\t{role}\tpassword: {password}")
            print(f"(written to {path}; the passwords are not shown again)")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point for `partner-warehouse users ...` (pass the arguments after `users`)."""
    return _main(argv)


if __name__ == "__main__":
    raise SystemExit(_main())
