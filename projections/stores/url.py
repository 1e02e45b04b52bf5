"""Which store the log lives in, from one URL (``CHANCERY_DATABASE_URL``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_DATABASE_URL = "sqlite:///./chancery.db"


class BadDatabaseUrl(ValueError):
    pass


@dataclass(frozen=True)
class StoreUrl:
    """A parsed database URL: ``sqlite:///path`` or ``postgresql://user[:pw]@host[:port]/db``."""

    scheme: str
    path: str = ""
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""
    schema: str = ""
    pool_size: int = 5
    lock_timeout: int = 5
    write_cache: int = 200_000
    """How many events' worth of relations a writing process keeps in memory to judge against."""
    connect_timeout: float = 5.0
    """How long to wait for a connection to the store: to open one, or for one of a pool's."""


SETTINGS = {"sqlite": {"lock_timeout", "write_cache"}, "postgresql": {"schema", "pool_size", "lock_timeout", "write_cache"}}
WRITE_CACHE_RANGE = (1_000, 100_000_000)


def _settings(url: str, scheme: str, query: str) -> dict[str, str]:
    """``?pool_size=10&lock_timeout=5`` and the like, checked."""
    given = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    unknown = sorted(set(given) - SETTINGS[scheme])
    if unknown:
        raise BadDatabaseUrl(f"{url!r}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(SETTINGS[scheme]))}")
    for name in ("pool_size", "lock_timeout"):
        if name in given and not (given[name].isascii() and given[name].isdigit() and 0 < int(given[name]) <= 1000):
            raise BadDatabaseUrl(f"{url!r}: {name} must be a whole number from 1 to 1000")
    low, high = WRITE_CACHE_RANGE
    if "write_cache" in given and not (
        given["write_cache"].isascii() and given["write_cache"].isdigit() and low <= int(given["write_cache"]) <= high
    ):
        raise BadDatabaseUrl(f"{url!r}: write_cache must be a whole number of events from {low:,} to {high:,}")
    if "schema" in given and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", given["schema"]):
        raise BadDatabaseUrl(f"{url!r}: schema must be a lower-case SQL name")
    return given


def _number(given: dict[str, str], name: str, default: int = 5) -> int:
    return int(given.get(name, default))


def parse_store_url(url: str) -> StoreUrl:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        given = _settings(url, "sqlite", parts.query)
        url = url.split("?", 1)[0]
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        if not path:
            raise BadDatabaseUrl(f"{url!r}: a SQLite URL names a file, as in sqlite:///./chancery.db")
        if not Path(path).parent.exists():
            raise BadDatabaseUrl(f"{url!r}: the folder {str(Path(path).parent)!r} does not exist")
        return StoreUrl(
            scheme="sqlite",
            path=path,
            lock_timeout=_number(given, "lock_timeout"),
            write_cache=_number(given, "write_cache", StoreUrl.write_cache),
        )
    if parts.scheme in ("postgresql", "postgres"):
        dbname = parts.path.lstrip("/")
        if not parts.hostname or not dbname:
            raise BadDatabaseUrl(f"{url!r}: expected postgresql://user[:password]@host[:port]/database")
        given = _settings(url, "postgresql", parts.query)
        try:
            port = parts.port or 5432
        except ValueError:
            raise BadDatabaseUrl(f"{url!r}: the port must be a number") from None
        return StoreUrl(
            scheme="postgresql",
            host=parts.hostname,
            port=port,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            dbname=dbname,
            schema=given.get("schema", ""),
            pool_size=_number(given, "pool_size"),
            lock_timeout=_number(given, "lock_timeout"),
            write_cache=_number(given, "write_cache", StoreUrl.write_cache),
        )
    raise BadDatabaseUrl(f"{url!r}: the database URL must start with sqlite:/// or postgresql://")
