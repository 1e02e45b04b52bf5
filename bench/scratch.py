"""Fresh stores for each size of a run, dropped afterwards: SQLite files, or PostgreSQL schemas."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from figures import say
from workload import label

from projections.stores import parse_store_url


class Stores:
    """Fresh stores for one size: SQLite files in a folder, or PostgreSQL schemas."""

    def __init__(self, database_url: str | None, folder: Path, size: int, keep: bool):
        self.base = database_url
        self.folder = folder
        self.name = label(size)
        self.keep = keep
        self.made: list[str] = []

    @property
    def kind(self) -> str:
        return "postgresql" if self.base else "sqlite"

    def fresh(self, role: str) -> str:
        """The URL of a new, empty store for ``role`` ("app", "http", "raw")."""
        if not self.base:
            path = self.folder / f"{role}-{self.name}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self.made.append(str(path))
            return f"sqlite:///{path}"
        parts = urlsplit(self.base)
        query = dict(parse_qsl(parts.query))
        schema = f"{query.get('schema', 'bench')}_{self.name}" + ("" if role == "app" else f"_{role}")
        self._admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}")
        self.made.append(schema)
        return urlunsplit(parts._replace(query=urlencode({**query, "schema": schema})))

    def _admin(self, *statements: str) -> None:
        import psycopg

        assert self.base
        url = parse_store_url(self.base)
        with psycopg.connect(host=url.host, port=url.port, user=url.user, password=url.password or None,
                             dbname=url.dbname, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement.encode())

    def size_mb(self, url: str) -> float:
        """How much disk a store takes: its file (and WAL), or its schema's tables with their indexes."""
        store = parse_store_url(url)
        if store.scheme == "sqlite":
            files = [Path(f"{store.path}{suffix}") for suffix in ("", "-wal")]
            return sum(f.stat().st_size for f in files if f.exists()) / 2**20
        import psycopg

        with psycopg.connect(host=store.host, port=store.port, user=store.user, password=store.password or None,
                             dbname=store.dbname) as connection:
            row = connection.execute(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                (store.schema,),
            ).fetchone()
        return float(row[0] if row else 0) / 2**20

    def drop(self) -> None:
        if self.keep:
            if self.made:
                say(f"kept: {', '.join(self.made)}")
            return
        for made in self.made:
            if self.base:
                self._admin(f"DROP SCHEMA IF EXISTS {made} CASCADE")
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{made}{suffix}").unlink(missing_ok=True)
        self.made.clear()
