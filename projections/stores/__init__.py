"""The stores the log and its read model live in, one module each, chosen from the store URL
(``sqlite:///…`` or ``postgresql://…``) as the event store's persistence module is chosen from
its settings. Nothing outside this package knows which store it is talking to."""

from __future__ import annotations

from collections.abc import Callable

from eventsourcing.persistence import PersistenceError

from projections.stores.base import Cursor, Database, Params, Renamed, Row, Store
from projections.stores.postgres import PostgresStore
from projections.stores.sqlite import SQLiteStore
from projections.stores.url import DEFAULT_DATABASE_URL, BadDatabaseUrl, StoreUrl, parse_store_url

STORES: dict[str, Callable[[StoreUrl], Store]] = {"sqlite": SQLiteStore, "postgresql": PostgresStore}


# Every error a store raises, from its driver or from the event store.
ERRORS: tuple[type[Exception], ...] = (PersistenceError, *SQLiteStore.errors, *PostgresStore.errors)


def open_store(url: str) -> Store:
    """The store a URL names (``BadDatabaseUrl`` if it names none)."""
    parsed = parse_store_url(url)
    return STORES[parsed.scheme](parsed)


def transient(error: BaseException) -> bool:
    """Whether a store's error says it is away or busy (try again), not that a query is wrong."""
    return any(store(StoreUrl(scheme=name)).transient(error) for name, store in STORES.items())


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
