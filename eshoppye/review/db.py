"""Where the review database is and how to reach it: URL resolution, engines, sessions, migrations.

``ESHOPPYE_DB_URL`` (for instance ``postgresql+psycopg://user:pass@host/db``) wins; otherwise a
SQLite file ``reviews.sqlite`` in :func:`eshoppye.config.cache_dir`, created on first use. The
first engine made for a URL upgrades the schema to the latest Alembic revision. A database that
cannot be reached raises :class:`ReviewUnavailable`, whose message is one French line.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from eshoppye.errors import EshoppyeError

ENV_URL = "ESHOPPYE_DB_URL"
SQLITE_NAME = "reviews.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_ENGINES: dict[str, object] = {}
_LOCK = threading.Lock()


class ReviewUnavailable(EshoppyeError):
    """The review database cannot be reached or prepared (message: one French line)."""


def database_url(url: str | None = None) -> str:
    """The URL in use: ``url``, else ``ESHOPPYE_DB_URL``, else the SQLite file in the cache."""
    if url:
        return url
    env = os.environ.get(ENV_URL, "").strip()
    if env:
        return env
    from eshoppye.config import cache_dir

    return f"sqlite:///{cache_dir() / SQLITE_NAME}"


def shown_url(url: str | None = None) -> str:
    """The URL with its password hidden, for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = database_url(url)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


def describe(url: str | None = None) -> str:
    """The database in use in words: ``SQLite (/path)`` or ``PostgreSQL (host:port/db)``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = database_url(url)
    try:
        u = make_url(url)
    except ArgumentError:
        return shown_url(url)
    if u.get_backend_name() == "sqlite":
        return f"SQLite ({u.database or 'mémoire'})"
    if u.get_backend_name() == "postgresql":
        return f"PostgreSQL ({u.host or 'local'}{':' + str(u.port) if u.port else ''}/{u.database or ''})"
    return shown_url(url)


def _unavailable(url: str, exc: BaseException) -> ReviewUnavailable:
    detail = " ".join(str(getattr(exc, "orig", None) or exc).split())[:160]
    return ReviewUnavailable(f"base de révision injoignable ({shown_url(url)}) : {detail or exc.__class__.__name__}")


def _make_engine(url: str):
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    from sqlalchemy.pool import NullPool

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ReviewUnavailable(f"{ENV_URL} mal formée : {url.split('@')[-1]!r} "
                                "(attendu par exemple postgresql+psycopg://user:mdp@hôte/base)") from None
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database or ""
        if db and db != ":memory:":
            try:
                Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ReviewUnavailable(f"base de révision impossible à créer ({db}) : {exc.strerror}") from None
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               poolclass=NullPool)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise ReviewUnavailable(f"{ENV_URL} : base {parsed.get_backend_name()!r} non prise en charge "
                                "(sqlite ou postgresql+psycopg)")
    try:
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    except Exception as exc:  # noqa: BLE001 - a missing driver is a clear message too
        raise _unavailable(url, exc) from None


def upgrade(engine) -> None:
    """Bring the schema of ``engine``'s database to the latest migration (Alembic ``head``)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    lock = _sqlite_lock(engine)
    with lock, engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # two processes migrating at once wait for each other
            from sqlalchemy import text

            conn.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _sqlite_lock(engine):
    """A file lock beside a SQLite database, so that two processes never migrate it at once
    (PostgreSQL uses an advisory lock instead)."""
    from contextlib import nullcontext

    db = engine.url.database if engine.dialect.name == "sqlite" else None
    if not db or db == ":memory:":
        return nullcontext()
    from filelock import FileLock

    return FileLock(str(Path(db).expanduser()) + ".lock", timeout=120)


def get_engine(url: str | None = None, fresh: bool = False):
    """The engine for ``url`` (default: :func:`database_url`), migrated on first use.

    ``fresh=True`` returns a new engine not shared with other callers (tests of concurrency).
    """
    from sqlalchemy.exc import SQLAlchemyError

    url = database_url(url)
    with _LOCK:
        if not fresh and url in _ENGINES:
            return _ENGINES[url]
        engine = _make_engine(url)
        try:
            upgrade(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise _unavailable(url, exc) from None
        except OSError as exc:
            engine.dispose()
            raise _unavailable(url, exc) from None
        if not fresh:
            _ENGINES[url] = engine
        return engine


def forget_engines() -> None:
    """Dispose every cached engine (tests, or after the URL changed)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


@contextmanager
def session(url: str | None = None, engine=None):
    """A transaction: committed at the end, rolled back on error; database errors become
    :class:`ReviewUnavailable`."""
    from sqlalchemy.exc import IntegrityError, OperationalError, InterfaceError
    from sqlalchemy.orm import Session

    engine = engine or get_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as s, s.begin():
            yield s
    except (OperationalError, InterfaceError) as exc:
        raise _unavailable(str(engine.url), exc) from None
    except IntegrityError as exc:
        raise ReviewUnavailable(f"écriture refusée par la base de révision : "
                                f"{' '.join(str(exc.orig).split())[:160]}") from None
