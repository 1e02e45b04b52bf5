"""The stores the log and its read model live in, one module each, chosen from the store URL
(``sqlite:///…`` or ``postgresql://…``) as the event store's persistence module is chosen from
its settings. Nothing outside this package knows which store it is talking to."""

from __future__ import annotations

from dataclasses import replace

from eventsourcing.persistence import PersistenceError

from projections.stores.base import Cursor, Database, Params, Renamed, Row, Store
from projections.stores.postgres import PostgresStore
from projections.stores.sqlite import SQLiteStore
from projections.stores.url import DEFAULT_DATABASE_URL, BadDatabaseUrl, StoreUrl, parse_store_url

STORES: dict[str, type[SQLiteStore] | type[PostgresStore]] = {"sqlite": SQLiteStore, "postgresql": PostgresStore}

# Every error a store raises, from its driver or from the event store.
ERRORS: tuple[type[Exception], ...] = (PersistenceError, *(kind for store in STORES.values() for kind in store.errors))


def open_store(url: str, connect_timeout: float | None = None) -> Store:
    """The store a URL names (``BadDatabaseUrl`` if it names none), waiting ``connect_timeout``
    seconds at most for a connection to it."""
    parsed = parse_store_url(url)
    if connect_timeout is not None:
        parsed = replace(parsed, connect_timeout=connect_timeout)
    return STORES[parsed.scheme](parsed)


def transient(error: BaseException) -> bool:
    """Whether a store's error says it is away or busy (try again), not that a query is wrong. The
    event store wraps its driver's errors: the driver's is judged; one of its own is passing."""
    while isinstance(error, PersistenceError):
        if error.__cause__ is None:
            return True
        error = error.__cause__
    return any(store.passing(error) for store in STORES.values())


__all__ = [
    "DEFAULT_DATABASE_URL",
    "ERRORS",
    "STORES",
    "BadDatabaseUrl",
    "Cursor",
    "Database",
    "Params",
    "Renamed",
    "Row",
    "Store",
    "StoreUrl",
    "open_store",
    "parse_store_url",
    "transient",
]
