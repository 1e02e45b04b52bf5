"""Which store the log lives in, from one URL (``CHANCERY_DATABASE_URL``)."""

from __future__ import annotations

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

    @property
    def is_sqlite(self) -> bool:
        return self.scheme == "sqlite"

    def env(self) -> dict[str, str]:
        """Settings for the event store of the ``eventsourcing`` library."""
        if self.is_sqlite:
            return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": self.path}
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
        }
        if self.schema:
            env["POSTGRES_SCHEMA"] = self.schema
        return env


def parse_store_url(url: str) -> StoreUrl:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        if not path:
            raise BadDatabaseUrl(f"{url!r}: a SQLite URL names a file, as in sqlite:///./chancery.db")
        if not Path(path).parent.exists():
            raise BadDatabaseUrl(f"{url!r}: the folder {str(Path(path).parent)!r} does not exist")
        return StoreUrl(scheme="sqlite", path=path)
    if parts.scheme in ("postgresql", "postgres"):
        dbname = parts.path.lstrip("/")
        if not parts.hostname or not dbname:
            raise BadDatabaseUrl(f"{url!r}: expected postgresql://user[:password]@host[:port]/database")
        schema = parse_qs(parts.query).get("schema", [""])[0]
        return StoreUrl(
            scheme="postgresql",
            host=parts.hostname,
            port=parts.port or 5432,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            dbname=dbname,
            schema=schema,
        )
    raise BadDatabaseUrl(f"{url!r}: the database URL must start with sqlite:/// or postgresql://")
