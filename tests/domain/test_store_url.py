"""Which store a URL names, and the settings it carries."""

import pytest

from domain import BadDatabaseUrl, parse_store_url


def test_a_sqlite_url_names_a_file(tmp_path):
    url = parse_store_url(f"sqlite:///{tmp_path}/x.db?lock_timeout=9")
    assert (url.is_sqlite, url.path, url.lock_timeout) == (True, f"{tmp_path}/x.db", 9)
    assert url.env()["SQLITE_LOCK_TIMEOUT"] == "9"


def test_a_postgresql_url_carries_its_connection_and_pool_settings():
    url = parse_store_url("postgresql://me:p%40ss@db.example:6543/chancery?schema=live&pool_size=12&lock_timeout=3")
    assert (url.host, url.port, url.user, url.password, url.dbname) == ("db.example", 6543, "me", "p@ss", "chancery")
    env = url.env()
    assert (env["POSTGRES_SCHEMA"], env["POSTGRES_POOL_SIZE"], env["POSTGRES_LOCK_TIMEOUT"]) == ("live", "12", "3")


@pytest.mark.parametrize(
    "url",
    ["mysql://x/y", "sqlite://relative.db", "sqlite:////no/such/folder/x.db", "postgresql://host-only",
     "postgresql://h/db?pool_size=0", "postgresql://h/db?pool_size=many", "postgresql://h/db?colour=red",
     "postgresql://h/db?schema=Robert');DROP", "postgresql://h:port/db"],
)
def test_a_bad_url_is_refused_with_a_reason(url):
    with pytest.raises(BadDatabaseUrl):
        parse_store_url(url)
