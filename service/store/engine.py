"""Engines and transactions. SQLite runs in WAL mode with writes serialised in-process and begun
IMMEDIATE (a write never fails half-way on a lock it could have waited for); PostgreSQL uses a pool."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from service.store.direct import driver_execute

SQLITE_BUSY_TIMEOUT_S = 30


class Store:
    """One database: `writing()` is a transaction that commits whole or not at all; `reading()` a snapshot."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        # SQLite has one writer at a time: queue in-process instead of spinning on the file lock.
        self._write_lock: Any = threading.Lock() if self.sqlite else nullcontext()
        self._writer: Connection | None = None  # SQLite: the connection every write uses (see _sqlite_writing)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        if self.sqlite:
            with self._sqlite_writing() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _sqlite_writing(self) -> Iterator[Connection]:
        """Writes are one at a time anyway, so they share one connection, kept checked out: taking it from the
        pool and giving it back (a Connection built, a reset rollback) was ~0.05 ms CPU of the ~0.3 ms a stored
        draft costs (bench/bench_store_call.py). After a failed write it goes back to the pool (reset as
        before) and the next write takes a fresh one."""
        with self._write_lock:
            if self._writer is None:
                self._writer = self.engine.connect().execution_options(write=True)
            conn = self._writer
            try:
                with conn.begin():
                    yield conn
            except BaseException:
                self._writer = None
                conn.close()
                raise

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        self.engine.dispose()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        pool_size=8,
        max_overflow=32,
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin event issues BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",  # readers never block the writer; a killed process leaves no torn page
        "synchronous=NORMAL",  # durable across a process crash (WAL), fast commits
        "foreign_keys=ON",
        f"busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # On the driver, not exec_driver_sql: that statement's execution context was ~0.02 ms CPU per write, 7% of
    # storing a draft (bench/bench_store_call.py). It is not echoed when the engine echoes SQL.
    driver_execute(conn, "BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def open_store(url: str, *, migrate: bool = True) -> Store:
    """The store at `url`, its schema brought up to date first (Alembic) unless told not to."""
    from service.store.migrate import upgrade

    store = Store(make_engine(url))
    if migrate:
        upgrade(store.engine)
    return store
