"""INSERTs of a fixed set of columns that SQLite runs on the driver's cursor (and `driver_execute`, which
the SQLite engine's BEGIN uses too).

Why: storing a draft (three INSERTs and a commit, on the event loop) spent about a fifth of its CPU in
SQLAlchemy's per-statement execution context (compiled-cache lookup, parameter processing, result set-up,
events): removing it measured x0.78-0.85 per stored draft (bench/bench_store_call.py). Here the statement is
compiled once per dialect and each value goes through its column type's own bind processor (JSON,
DateTime, Boolean), so SQLite stores exactly what `conn.execute` would (tests/test_store.py compares the
rows value for value). It runs on the caller's connection, inside its transaction; a driver error is raised
as SQLAlchemy would raise it. Other databases (PostgreSQL) get plain `conn.execute`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

Processor = Callable[[Any], Any] | None  # a column type's bind processor (None: the value as it is)
Compiled = tuple[str, list[tuple[str, Processor]]]  # the SQL and, in its parameters' order, the columns


class FixedInsert:
    """`INSERT INTO table (columns) VALUES (...)`; every row passes exactly these columns."""

    on_driver = True  # False: always `conn.execute` (tests and bench/bench_store_call.py compare the two)

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.statement = insert(table)
        self._compiled: WeakKeyDictionary[Dialect, Compiled] = WeakKeyDictionary()

    def __call__(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        if not (self.on_driver and conn.dialect.name == "sqlite"):
            conn.execute(self.statement, rows)
            return
        sql, processors = self._sqlite(conn.dialect)
        params = [tuple(p(row[key]) if p else row[key] for key, p in processors) for row in rows]
        if len(params) == 1:
            driver_execute(conn, sql, params[0])
        else:
            driver_execute(conn, sql, params, many=True)

    def _sqlite(self, dialect: Dialect) -> Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=list(self.columns))
            # SQLite's paramstyle is positional (qmark); a column with a default the rows leave out would be here too
            assert compiled.positiontup is not None and set(compiled.positiontup) == set(self.columns)
            processors: list[tuple[str, Processor]] = [
                (key, self.table.c[key].type.dialect_impl(dialect).bind_processor(dialect))
                for key in compiled.positiontup
            ]
            found = self._compiled[dialect] = (compiled.string, processors)
        return found


def driver_execute(conn: Connection, sql: str, params: Sequence[Any] = (), *, many: bool = False) -> None:
    """`sql` on the connection's DBAPI connection (SQLite); a driver error is raised as SQLAlchemy raises it."""
    driver: Any = conn.connection.driver_connection
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        (driver.executemany if many else driver.execute)(sql, params)
    except dbapi_error as exc:
        raise DBAPIError.instance(sql, params, exc, dbapi_error, dialect=conn.dialect) from exc
