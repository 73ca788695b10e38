"""People, roles and sessions of the web workbench, in the workspace's SQL database.

Why server-side sessions (a random token in the cookie, only its SHA-256 in the database)
rather than signed cookies: an administrator who removes a person or changes a role must be
obeyed at the next request, and a stolen database copy must not hold usable tokens.

Why argon2: the same password hashing the TAXII server uses for partners (``argon2-cffi``);
a stolen database yields no password cheaply.

Login throttling is per (person, address): repeated failures slow down *that* pair with an
exponential back-off, never lock a colleague out from behind the same NAT, and never lock the
person out from every address (an attacker cannot deny service by guessing from afar).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

from sqlalchemy import Boolean, DateTime, String, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from vigie.errors import VigieError


class Role(IntEnum):
    """What a person may do; each role may do everything the ones below it may."""

    viewer = 1  # read runs, groups, studies, the audit log
    analyst = 2  # import, run detections, mark groups needs-review, write notes
    reviewer = 3  # confirm or dismiss groups, accept risk proposals, export and publish
    admin = 4  # manage people

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.strip().lower()]
        except KeyError:
            from vigie.suggest import meant

            names = [r.name for r in cls]
            raise VigieError(
                f"unknown role {name!r}: expected one of {', '.join(names)}{meant(name, names)}"
            ) from None


class Base(DeclarativeBase):
    """Tables of the web workbench (kept apart from the case store's and TAXII's)."""


class UserRow(Base):
    __tablename__ = "web_users"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(400))
    role: Mapped[str] = mapped_column(String(20))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class User:
    """The person behind a request."""

    username: str
    role: Role

    def may(self, needed: Role) -> bool:
        return self.role >= needed


@dataclass(frozen=True)
class WebSession:
    user: User
    csrf: str
    token: str


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


USERNAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class Directory:
    """People and their sessions. One instance per app; thread-safe through SQLAlchemy."""

    def __init__(self, engine, session_ttl_s: int = 8 * 3600) -> None:  # type: ignore[no-untyped-def]
        from argon2 import PasswordHasher

        Base.metadata.create_all(engine)
        self._db = sessionmaker(engine, expire_on_commit=False)
        self._hasher = PasswordHasher()
        self.session_ttl_s = session_ttl_s
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}
        self._lock = threading.Lock()
        # a fixed dummy hash: unknown names cost the same time as wrong passwords
        self._dummy = self._hasher.hash(secrets.token_hex(8))

    # --- people
    def add(self, username: str, password: str, role: Role | str) -> User:
        """Create a person; names are lower-case letters, digits, '.', '_' or '-'."""
        role = Role.parse(role) if isinstance(role, str) else role
        name = username.strip().lower()
        if not name or len(name) > 80 or not set(name) <= USERNAME_OK:
            raise VigieError(f"username {username!r}: use 1-80 of a-z 0-9 . _ -")
        if len(password) < 10:
            raise VigieError("password: at least 10 characters")
        with self._db.begin() as s:
            if s.get(UserRow, name) is not None:
                raise VigieError(f"username {name!r} exists already")
            s.add(
                UserRow(
                    username=name,
                    password_hash=self._hasher.hash(password),
                    role=role.name,
                    disabled=False,
                    created_at=datetime.now(UTC),
                )
            )
        return User(name, role)

    def set_password(self, username: str, password: str) -> None:
        """A new password (a person who forgot theirs); their open sessions end at once,
        so whoever held one with the old password holds it no more."""
        if len(password) < 10:
            raise VigieError("password: at least 10 characters")
        with self._db.begin() as s:
            row = self._get(s, username)
            row.password_hash = self._hasher.hash(password)
            s.execute(delete(SessionRow).where(SessionRow.username == row.username))

    def set_role(self, username: str, role: Role | str) -> None:
        role = Role.parse(role) if isinstance(role, str) else role
        with self._db.begin() as s:
            row = self._get(s, username)
            if role is not Role.admin:
                self._keep_an_admin(s, row)
            row.role = role.name

    def set_disabled(self, username: str, disabled: bool) -> None:
        """Disable (or enable) a person; their open sessions end at once."""
        with self._db.begin() as s:
            row = self._get(s, username)
            if disabled:
                self._keep_an_admin(s, row)
            row.disabled = disabled
            if disabled:
                s.execute(delete(SessionRow).where(SessionRow.username == row.username))

    def _keep_an_admin(self, s: Session, row: UserRow) -> None:
        """Refuse to take the admin role from the team's last active administrator.

        Why: nobody else could then manage people (add, reset a password, disable someone
        who left) from the workbench. The People page already refused it for one's own
        account; ``vigie users role`` or ``disable`` on the command line, or one admin on
        another's account, could still leave none."""
        if row.role != Role.admin.name or row.disabled:
            return
        others = s.scalars(
            select(UserRow.username).where(
                UserRow.role == Role.admin.name,
                UserRow.disabled.is_(False),
                UserRow.username != row.username,
            )
        ).first()
        if others is None:
            raise VigieError(
                f"{row.username} is the team's only active administrator: give someone else "
                "the admin role first (vigie users role NAME admin)"
            )

    def people(self) -> list[tuple[User, bool]]:
        with self._db() as s:
            rows = s.scalars(select(UserRow).order_by(UserRow.username)).all()
        return [(User(r.username, Role[r.role]), r.disabled) for r in rows]

    def count(self) -> int:
        return len(self.people())

    def _get(self, s: Session, username: str) -> UserRow:
        row = s.get(UserRow, username.strip().lower())
        if row is None:
            raise VigieError(f"no person named {username!r}")
        return row

    # --- login
    def wait_s(self, username: str, address: str) -> float:
        """Seconds this (person, address) pair must still wait before the next attempt."""
        with self._lock:
            n, last = self._failures.get((username.lower(), address), (0, 0.0))
        if n < 3:
            return 0.0
        delay = min(2.0 ** (n - 3), 300.0)
        return max(0.0, last + delay - time.monotonic())

    def authenticate(self, username: str, password: str, address: str) -> User | None:
        """The person if the password is right and they are not throttled, else None."""
        from argon2.exceptions import InvalidHashError, VerificationError

        key = (username.strip().lower(), address)
        if self.wait_s(*key) > 0:
            return None
        with self._db() as s:
            row = s.get(UserRow, key[0])
        ok = False
        try:
            if row is None or row.disabled:
                self._hasher.verify(self._dummy, password + "x")
            else:
                ok = self._hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
        with self._lock:
            if ok:
                self._failures.pop(key, None)
            else:
                n, _ = self._failures.get(key, (0, 0.0))
                self._failures[key] = (n + 1, time.monotonic())
                if len(self._failures) > 100_000:  # bounded memory under a flood
                    self._failures.clear()
        return User(row.username, Role[row.role]) if ok and row is not None else None

    # --- sessions
    def open_session(self, user: User) -> WebSession:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        with self._db.begin() as s:
            s.add(
                SessionRow(
                    token_sha256=_sha(token),
                    username=user.username,
                    csrf=csrf,
                    expires_at=datetime.now(UTC) + timedelta(seconds=self.session_ttl_s),
                )
            )
        return WebSession(user, csrf, token)

    def session(self, token: str | None) -> WebSession | None:
        """The live session of this cookie token, or None (expired, unknown, person removed)."""
        if not token or len(token) > 200:
            return None
        with self._db() as s:
            row = s.get(SessionRow, _sha(token))
            if row is None or _utc(row.expires_at) < datetime.now(UTC):
                return None
            person = s.get(UserRow, row.username)
            if person is None or person.disabled:
                return None
            return WebSession(User(person.username, Role[person.role]), row.csrf, token)

    def close_session(self, token: str | None) -> None:
        if token:
            with self._db.begin() as s:
                s.execute(delete(SessionRow).where(SessionRow.token_sha256 == _sha(token)))
