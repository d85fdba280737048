"""Core statements run straight on the DBAPI cursor, for the one path where SQLAlchemy's
per-execution bookkeeping is a measurable share of the request: the check-in API, the
queue at the door (issue 4: about a quarter of a scan's CPU time went to it).

A statement is compiled once per dialect. Values still pass through the column types' own
bind and result processors (enums, booleans, UTCDateTime), so what is written and read
is exactly what the ORM writes and reads. Everything else keeps to the ORM.
"""
from __future__ import annotations

from collections import namedtuple


class _Compiled:
    __slots__ = ("sql", "order", "binds", "columns", "row")

    def __init__(self, stmt, dialect, column_keys):
        compiled = stmt.compile(dialect=dialect, column_keys=column_keys)
        self.sql = compiled.string
        # Positional drivers (pysqlite) take a tuple in this order; psycopg takes a dict.
        self.order = tuple(compiled.positiontup) if compiled.positional else None
        self.binds = {name: (bind.value if bind.callable is None else None,
                             bind.type.dialect_impl(dialect).bind_processor(dialect))
                      for name, bind in compiled.binds.items()}
        columns = list(stmt.exported_columns) if hasattr(stmt, "exported_columns") else []
        self.columns = [c.type.dialect_impl(dialect).result_processor(dialect, None)
                        for c in columns]
        self.row = namedtuple("Row", [c.key for c in columns]) if columns else None

    def parameters(self, params: dict):
        values = {}
        for name, (default, process) in self.binds.items():
            value = params[name] if name in params else default
            values[name] = process(value) if process is not None and value is not None \
                else value
        if self.order is not None:
            return tuple(values[name] for name in self.order)
        return values

    def make_row(self, raw):
        return self.row(*[value if process is None or value is None else process(value)
                          for process, value in zip(self.columns, raw)])


class Prepared:
    """A Core statement (select, or insert/update with named bind parameters)."""

    def __init__(self, stmt, column_keys: list[str] | None = None):
        self.stmt = stmt
        self.column_keys = column_keys  # INSERT/UPDATE: exactly these columns are set
        self._compiled: dict[str, _Compiled] = {}

    def for_dialect(self, dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.stmt, dialect,
                                                                self.column_keys)
        return compiled


class Raw:
    """A DBAPI connection and its dialect, inside a transaction the caller manages."""

    def __init__(self, dbapi_connection, dialect):
        self.cursor = dbapi_connection.cursor()
        self.dialect = dialect

    @classmethod
    def of(cls, connection) -> Raw:
        """The raw side of a SQLAlchemy Connection, in its current transaction."""
        return cls(connection.connection.driver_connection, connection.dialect)

    def _run(self, prepared: Prepared, params: dict) -> _Compiled:
        compiled = prepared.for_dialect(self.dialect)
        self.cursor.execute(compiled.sql, compiled.parameters(params))
        return compiled

    def execute(self, prepared: Prepared, params: dict | None = None) -> None:
        self._run(prepared, params or {})

    def first(self, prepared: Prepared, params: dict | None = None):
        compiled = self._run(prepared, params or {})
        raw = self.cursor.fetchone()
        return None if raw is None else compiled.make_row(raw)

    def scalar(self, prepared: Prepared, params: dict | None = None):
        row = self.first(prepared, params)
        return None if row is None else row[0]
