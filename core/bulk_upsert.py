"""Upsert many rows in one PostgreSQL statement, passing one array per column.

`INSERT .. SELECT FROM unnest(:col1, :col2, ..)` has the same text for any
number of rows, so SQLAlchemy and psycopg prepare it once per process. With a
VALUES list of a hundred rows, compiling and converting the SQL on the client
took longer than PostgreSQL took to write the rows.

`unnest` flattens nested arrays, so array columns travel as one string per row
with their elements joined by a unit separator, and are split back into
arrays inside the statement.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ARRAY, Table, text
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

# ASCII unit separator. Topic names (letters, digits, hyphens) and kind names
# cannot contain it.
ELEMENT_SEPARATOR = "\x1f"

_statements: dict[tuple, Any] = {}


def upsert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    updated: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert `rows` into `table` and return the `returning` columns of each
    row written. On a conflict over `keys`, overwrite the `updated` columns,
    or keep the old row when `updated` is empty.

    Rows must share the same columns and must not repeat a key.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    statement = _statement(table, columns, tuple(keys), tuple(updated), tuple(returning))
    array_columns = _array_columns(table, columns)
    parameters = {
        column: [_encode(row[column], column in array_columns) for row in rows]
        for column in columns
    }
    result = session.execute(statement, parameters)
    return [tuple(row) for row in result] if returning else []


def _array_columns(table: Table, columns: Iterable[str]) -> set[str]:
    return {column for column in columns if isinstance(table.c[column].type, ARRAY)}


def _encode(value: Any, is_array: bool) -> Any:
    if is_array and value is not None:
        return ELEMENT_SEPARATOR.join(value)
    return value


def _statement(
    table: Table,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    updated: tuple[str, ...],
    returning: tuple[str, ...],
) -> Any:
    cache_key = (table.name, columns, keys, updated, returning)
    if cache_key in _statements:
        return _statements[cache_key]
    dialect = postgresql.dialect()
    arrays = _array_columns(table, columns)

    casts = []
    selected = []
    for column in columns:
        if column in arrays:
            element_type = table.c[column].type.item_type.compile(dialect=dialect)
            casts.append(f"CAST(:{column} AS TEXT[])")
            selected.append(
                f"string_to_array(incoming.{column}, E'\\x1f')::{element_type}[]"
            )
        else:
            casts.append(f"CAST(:{column} AS {table.c[column].type.compile(dialect=dialect)}[])")
            selected.append(f"incoming.{column}")

    if updated:
        assignments = ", ".join(f"{column} = EXCLUDED.{column}" for column in updated)
        conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {assignments}"
    else:
        conflict = f"ON CONFLICT ({', '.join(keys)}) DO NOTHING"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)} "
        f"FROM unnest({', '.join(casts)}) AS incoming({', '.join(columns)}) "
        f"{conflict}"
    )
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    _statements[cache_key] = text(sql)
    return _statements[cache_key]
