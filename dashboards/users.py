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
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import secrets
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import bcrypt

USERS_ENV = "PARTNER_WAREHOUSE_USERS"
DEFAULT_USERS = "data/users.toml"
ROLES = ("partner_admin", "supervisor", "customer_manager")
_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    username: str
    password_hash: str
    role: str
    partner_id: str
    staff_id: str | None = None


def users_path() -> Path:
    return Path(os.environ.get(USERS_ENV, DEFAULT_USERS))


def load_users(path: Path | str) -> dict[str, User]:
    """The users of the file; an absent file has none."""
    path = Path(path)
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    users = {}
    for name, entry in data.get("users", {}).items():
        users[name] = User(
            username=name,
            password_hash=str(entry["password_hash"]),
            role=str(entry["role"]),
            partner_id=str(entry["partner_id"]),
            staff_id=str(entry["staff_id"]) if entry.get("staff_id") else None,
        )
    return users


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
    if not _USERNAME.match(username):
        raise ValueError("username: 1-64 letters, digits or . _ @ -")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not _ID.match(partner_id):
        raise ValueError("partner_id: 1-64 letters, digits or . _ : -")
    if role != "partner_admin" and not staff_id:
        raise ValueError(f"a {role} needs a staff_id")
    if staff_id is not None and not _ID.match(staff_id):
        raise ValueError("staff_id: 1-64 letters, digits or . _ : -")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: at least {MIN_PASSWORD} characters")
    if len(password.encode("utf-8")) > 72:
        raise ValueError("password: at most 72 bytes (bcrypt)")
    users = load_users(path)
    user = User(username, hash_password(password, rounds), role, partner_id, staff_id or None)
    users[username] = user
    save_users(path, users)
    return user


def remove_user(path: Path | str, username: str) -> bool:
    users = load_users(path)
    if users.pop(username, None) is None:
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
        help=f"users file (default ${USERS_ENV} or {DEFAULT_USERS})",
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
            for user in load_users(path).values():
                print(f"{user.username}\t{user.role}\t{user.partner_id}\t{user.staff_id or ''}")
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
